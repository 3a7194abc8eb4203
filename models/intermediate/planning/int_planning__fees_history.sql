-- Every version of every fees record (SCD2), rebuilt from the change log in stg_tascomi__fees.
{{
    config(
        materialized='incremental',
        incremental_strategy=history_incremental_strategy(),
        unique_key=history_unique_key('id'),
        on_schema_change='fail',
        pre_hook="{{ history_pre_hook('stg_tascomi__fees') }}",
    )
}}

{{ scd2_from_change_log(ref('stg_tascomi__fees'), tascomi_column_names('fees')) }}
