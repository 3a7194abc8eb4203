-- Every version of every users record (SCD2), rebuilt from the change log in stg_tascomi__users.
{{ tascomi_history('users') }}
