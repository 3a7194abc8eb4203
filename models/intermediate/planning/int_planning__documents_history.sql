-- Every version of every documents record (SCD2), rebuilt from the change log in stg_tascomi__documents.
{{ tascomi_history('documents') }}
