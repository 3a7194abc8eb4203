-- Every version of every appeals record (SCD2), rebuilt from the change log in stg_tascomi__appeals.
{{
    config(
        materialized='incremental',
        incremental_strategy=history_incremental_strategy(),
        unique_key=history_unique_key('id'),
        on_schema_change='fail',
        pre_hook="{{ history_pre_hook('stg_tascomi__appeals') }}",
    )
}}

{{ scd2_from_change_log(ref('stg_tascomi__appeals'), tascomi_column_names('appeals')) }}
