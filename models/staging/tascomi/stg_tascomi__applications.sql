-- One row per received applications record (daily change-only load), typed from the contract in _tascomi__sources.yml.
{{ tascomi_typed_select('applications') }}
