-- Every version of every dtf_locations record (SCD2), rebuilt from the change log in stg_tascomi__dtf_locations.
{{ tascomi_history('dtf_locations') }}
