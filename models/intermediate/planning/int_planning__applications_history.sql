-- Every version of every applications record (SCD2), rebuilt from the change log in stg_tascomi__applications.
{{ tascomi_history('applications') }}
