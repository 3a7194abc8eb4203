-- Every version of every dtf_locations record (SCD2), rebuilt from the change log in stg_tascomi__dtf_locations.
{{
    config(
        materialized='incremental',
        incremental_strategy=history_incremental_strategy(),
        unique_key=history_unique_key('id'),
        on_schema_change='fail',
        pre_hook="{{ history_pre_hook('stg_tascomi__dtf_locations') }}",
    )
}}

{{ scd2_from_change_log(ref('stg_tascomi__dtf_locations'), tascomi_column_names('dtf_locations')) }}
