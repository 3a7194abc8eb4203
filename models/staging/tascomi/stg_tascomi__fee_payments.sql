-- One row per received fee_payments record (daily change-only load), typed from the contract in _tascomi__sources.yml.
{{ tascomi_typed_select('fee_payments') }}
