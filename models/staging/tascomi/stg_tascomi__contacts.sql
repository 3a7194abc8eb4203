-- One row per received contacts record (daily change-only load), typed from the contract in _tascomi__sources.yml.
{{ tascomi_typed_select('contacts') }}
