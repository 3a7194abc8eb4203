-- The vendor's latest change of each user record, kept incrementally (macros/history/last_changed.sql).
{{ vendor_last_changed_incremental('stg_tascomi__users', 'user_id') }}
