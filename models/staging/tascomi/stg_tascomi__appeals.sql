-- One row per received appeals record (daily change-only load), typed from the contract in _tascomi__sources.yml.
{{ tascomi_typed_select('appeals') }}
