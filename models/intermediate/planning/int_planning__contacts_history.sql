-- Every version of every contacts record (SCD2), rebuilt from the change log in stg_tascomi__contacts.
{{ tascomi_history('contacts') }}
