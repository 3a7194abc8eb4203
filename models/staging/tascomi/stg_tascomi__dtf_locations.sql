-- One row per received dtf_locations record (daily change-only load), typed from the contract in _tascomi__sources.yml.
{{ tascomi_typed_select('dtf_locations') }}
