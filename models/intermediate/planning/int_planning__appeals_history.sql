-- Every version of every appeals record (SCD2), rebuilt from the change log in stg_tascomi__appeals.
{{ tascomi_history('appeals') }}
