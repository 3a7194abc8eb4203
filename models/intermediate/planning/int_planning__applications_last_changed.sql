-- The vendor's latest change of each application record, kept incrementally (macros/history/last_changed.sql).
{{ vendor_last_changed_incremental('stg_tascomi__applications', 'application_id') }}
