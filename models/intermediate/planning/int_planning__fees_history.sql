-- Every version of every fees record (SCD2), rebuilt from the change log in stg_tascomi__fees.
{{ tascomi_history('fees') }}
