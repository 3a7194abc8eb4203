-- One row per received fees record (daily change-only load), typed from the contract in _tascomi__sources.yml.
{{ tascomi_typed_select('fees') }}
