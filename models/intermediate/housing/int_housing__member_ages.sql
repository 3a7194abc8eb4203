-- Each household member's date of birth and age on the run date, read from the raw extract: staging masks dates of
-- birth outside prod, but the Link Work rules need the real age everywhere. Ephemeral on purpose: it is never stored,
-- only inlined into the marts, which show the age masked outside prod (invariant 5).
{{ config(materialized='ephemeral') }}
with received as (

    select
        member_id,
        {{ cast_exact('date_of_birth', 'date') }} as date_of_birth,
        {{ cast_exact('last_modified', 'timestamp') }} as last_modified,
        _imported_at,
        {{ dbt.safe_cast('_record_index', dbt.type_bigint()) }} as record_index
    from {{ source('housing_management', 'household_members') }}
    where member_id is not null

),

latest as (

    select
        member_id,
        date_of_birth,
        row_number() over (
            partition by member_id
            order by coalesce(last_modified, cast('{{ var("null_last_updated") }}' as {{ dbt.type_timestamp() }})) desc,
                _imported_at desc, record_index desc
        ) as version_rank
    from received
    where coalesce(last_modified, cast('{{ var("null_last_updated") }}' as {{ dbt.type_timestamp() }}))
        < {{ run_date_start() }}

)

select
    member_id,
    date_of_birth,
    {{ age_on('date_of_birth', run_date_literal()) }} as age_on_run_date
from latest
where version_rank = 1
