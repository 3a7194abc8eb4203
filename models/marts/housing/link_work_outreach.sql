-- The Link Work outreach list for the run date (var housing_run_date, default today): residents aged 70 or more
-- (link_work_min_age), living alone (living_alone_max_members) on an active tenancy, whose home has had no repair
-- raised in the last two years (link_work_lookback_years), or never. One row per resident, saying why: age, household
-- size, the last repair at the home (or none) and how it was matched to the home, the match quality of every repair
-- considered, unmatched repairs nearby that might have been at the home, and the ids of the records it rests on.
-- Every record that could change whether a resident is listed and that the platform could not read or does not trust
-- is named on the resident's row (needs_check, needs_check_reasons, needs_check_record_ids) and counted in
-- platform_monitoring.link_work_data_quality: a blank or unreadable date of birth (listed for checking, never silently
-- left off), a second member record for the same person (counted once), a repair at the home dated after it was
-- received, a repair at the home whose date could not be read, and repairs nearby that could not be placed.
-- The rules are macros/housing/link_work.sql; docs/analysts/link-work-outreach.md explains the list.
{%- set since = add_years_uk(housing_run_date(), -1 * (var('link_work_lookback_years', 2) | int)) %}
{%- set tenures = var('link_work_tenures', none) %}
with all_residents as (

    select *
    from {{ ref('int_housing__residents') }}
    {%- if tenures %}
        where tenure_type in ('{{ tenures | join("', '") }}')
    {%- endif %}

),

ages as (

    {{ member_ages() }}

),

members as (

    -- One person recorded twice in a household (the same name and date of birth on one tenancy under two member ids)
    -- is one person: person_key is what makes two records the same person (each record alone when a part is missing).
    select
        all_residents.*,
        case
            when ages.date_of_birth is null or all_residents.forename is null or all_residents.surname is null
                then all_residents.member_id
            else {{ dbt.concat([
                'all_residents.forename', "'|'", 'all_residents.surname', "'|'",
                dbt.safe_cast('ages.date_of_birth', dbt.type_string()),
            ]) }}
        end as person_key
    from all_residents
    left join ages
        on all_residents.member_id = ages.member_id

),

people as (

    select
        tenancy_reference,
        person_key,
        min(member_id) as member_id,
        count(*) as member_records,
        {{ sorted_string_agg('member_id', ',') }} as member_ids
    from members
    group by tenancy_reference, person_key

),

household_people as (

    -- The household's size from the housing system, less the extra records of anyone recorded twice.
    select
        tenancy_reference,
        -- bigint on every engine, as the contract says of people_in_household (DuckDB sums to hugeint)
        cast(sum(member_records - 1) as {{ dbt.type_bigint() }}) as extra_records
    from people
    group by tenancy_reference

),

residents as (

    -- Living alone counts people, not member records; a person recorded twice is listed once, under the lowest id.
    select
        members.*,
        members.household_size - household_people.extra_records as people_in_household,
        people.member_records,
        people.member_ids as person_member_ids
    from members
    inner join people
        on
            members.tenancy_reference = people.tenancy_reference
            and members.member_id = people.member_id
    inner join household_people
        on members.tenancy_reference = household_people.tenancy_reference
    where {{ is_living_alone('members.household_size - household_people.extra_records') }}

),

eligible as (

    -- Aged link_work_min_age or more, or of unknown age (no readable date of birth): listed for checking, not dropped.
    select
        residents.*,
        ages.age_on_run_date
    from residents
    left join ages
        on residents.member_id = ages.member_id
    where ages.age_on_run_date is null or ages.age_on_run_date >= {{ var('link_work_min_age', 70) }}

),

homes as (

    select
        property_reference,
        uprn,
        uprn_source
    from {{ ref('int_housing__properties_current') }}

),

repairs as (

    select
        locations.repair_id,
        locations.contractor,
        locations.property_reference,
        locations.uprn,
        locations.match_method,
        locations.match_score,
        history.datetime_raised,
        history.datetime_raised_text,
        history.valid_from as seen_on,
        {{ dbt.safe_cast('history.datetime_raised', 'date') }} as date_raised
    from {{ ref('int_housing__repair_locations') }} as locations
    inner join {{ ref('int_housing__repairs_history') }} as history
        on
            locations.repair_id = history.repair_id
            and history.is_current

),

home_repairs as (

    select
        eligible.member_id,
        repairs.*,
        row_number() over (
            partition by eligible.member_id order by repairs.datetime_raised desc, repairs.repair_id asc
        ) as recency
    from eligible
    inner join repairs
        on eligible.property_reference = repairs.property_reference
    where repairs.datetime_raised < {{ run_date_start() }}

),

home_summary as (

    select
        member_id,
        count(*) as repairs_at_home,
        sum(case when date_raised >= cast('{{ since }}' as date) then 1 else 0 end) as repairs_in_lookback,
        min(match_score) as lowest_match_score,
        -- count, not sum: bigint on every engine (DuckDB sums to hugeint), as the contract says
        count(case when match_method = 'address_fuzzy' then 1 end) as fuzzy_matched_repairs,
        {{ sorted_string_agg('repair_id', ',') }} as home_repair_ids
    from home_repairs
    group by member_id

),

last_repair as (

    select *
    from home_repairs
    where recency = 1

),

unmatched_nearby as (

    -- Repairs in the lookback that could not be placed but were typed with the home's postcode and the home's numbers
    -- (house or flat number): they might be at the home, so the row says so and names them.
    select
        eligible.member_id,
        count(*) as possibly_missed_repairs,
        {{ sorted_string_agg('repairs.repair_id', ',') }} as possibly_missed_repair_ids
    from eligible
    inner join {{ ref('int_housing__address_matches') }} as home_address
        on
            home_address.input_kind = 'property'
            and eligible.property_reference = home_address.input_id
    inner join {{ ref('int_housing__address_matches') }} as matches
        on
            matches.input_kind = 'repair'
            and home_address.postcode = matches.postcode
            and home_address.identifiers = matches.identifiers
    inner join repairs
        on matches.input_id = repairs.repair_id
    where
        repairs.uprn is null
        and repairs.property_reference is null
        and repairs.date_raised >= cast('{{ since }}' as date)
        and repairs.datetime_raised < {{ run_date_start() }}
    group by eligible.member_id

),

checks as (

    -- Records that could change this row and that the platform could not read or does not trust: one row per resident,
    -- check and record. platform_monitoring.link_work_data_quality counts them.
    select
        member_id,
        'date_of_birth_unreadable' as check_name,
        'no readable date of birth: age unknown, listed for checking' as reason,
        member_id as record_id
    from eligible
    where age_on_run_date is null

    union all

    select
        member_id,
        'duplicate_member_record' as check_name,
        'the same name and date of birth recorded more than once on the tenancy: counted as one person' as reason,
        person_member_ids as record_id
    from eligible
    where member_records > 1

    union all

    select
        eligible.member_id,
        'repair_dated_after_received' as check_name,
        'a repair at the home is dated after the day it was received (a mistyped date?)' as reason,
        repairs.repair_id as record_id
    from eligible
    inner join repairs
        on eligible.property_reference = repairs.property_reference
    where repairs.datetime_raised >= {{ dbt.dateadd('day', 1, 'repairs.seen_on') }}

    union all

    select
        eligible.member_id,
        'repair_date_unreadable' as check_name,
        'a repair at the home has a date that could not be read (see repair_value_rejects)' as reason,
        repairs.repair_id as record_id
    from eligible
    inner join repairs
        on eligible.property_reference = repairs.property_reference
    where repairs.datetime_raised is null and repairs.datetime_raised_text is not null

    union all

    select
        eligible.member_id,
        'unplaced_repair_near_home' as check_name,
        'an unplaced (unmatched or ambiguous) repair in the lookback was typed near the home' as reason,
        doubts.repair_id as record_id
    from eligible
    inner join homes
        on eligible.property_reference = homes.property_reference
    inner join {{ ref('int_housing__address_match_doubts') }} as doubts
        on homes.uprn = doubts.uprn
    inner join repairs
        on doubts.repair_id = repairs.repair_id
    where
        repairs.date_raised >= cast('{{ since }}' as date)
        and repairs.datetime_raised < {{ run_date_start() }}

    union all

    select
        unmatched_nearby.member_id,
        'unmatched_repair_nearby' as check_name,
        'an unmatched repair in the lookback was typed with this home''s postcode and number' as reason,
        unmatched_nearby.possibly_missed_repair_ids as record_id
    from unmatched_nearby

),

check_records as (

    select
        member_id,
        check_name,
        reason,
        {{ sorted_string_agg('record_id', ',') }} as record_ids
    from checks
    group by member_id, check_name, reason

),

needs_check as (

    select
        member_id,
        {{ sorted_string_agg('check_name', ',') }} as check_names,
        {{ sorted_string_agg('reason', '; ') }} as reasons,
        {{ sorted_string_agg('record_ids', ',') }} as record_ids
    from check_records
    group by member_id

)

select
    eligible.member_id,
    eligible.tenancy_reference,
    eligible.property_reference,
    homes.uprn,
    homes.uprn_source as home_uprn_source,
    eligible.title,
    eligible.forename,
    eligible.surname,
    eligible.date_of_birth,
    {{ mask_if_personal('eligible.age_on_run_date') }} as age,
    eligible.household_size,
    eligible.people_in_household,
    eligible.tenure_type,
    last_repair.date_raised as last_repair_date,
    last_repair.repair_id as last_repair_id,
    last_repair.contractor as last_repair_contractor,
    last_repair.match_method as last_repair_match_method,
    last_repair.match_score as last_repair_match_score,
    coalesce(home_summary.repairs_at_home, 0) as repairs_at_home,
    home_summary.lowest_match_score,
    coalesce(home_summary.fuzzy_matched_repairs, 0) as fuzzy_matched_repairs,
    home_summary.home_repair_ids,
    coalesce(unmatched_nearby.possibly_missed_repairs, 0) as possibly_missed_repairs,
    unmatched_nearby.possibly_missed_repair_ids,
    needs_check.member_id is not null as needs_check,
    needs_check.check_names as needs_check_names,
    needs_check.reasons as needs_check_reasons,
    needs_check.record_ids as needs_check_record_ids,
    {{ dbt.concat([
        "case when eligible.age_on_run_date is null then 'age unknown (no readable date of birth)' else 'aged "
        ~ var('link_work_min_age', 70) ~ " or more on " ~ housing_run_date() ~ "' end",
        "'; lives alone ('",
        dbt.safe_cast('eligible.household_size', dbt.type_string()),
        "' member on tenancy '", 'eligible.tenancy_reference', "'); '",
        "case when last_repair.repair_id is null then 'no repair ever recorded at '"
        ~ " else 'no repair raised at ' end",
        'eligible.property_reference',
        "case when last_repair.repair_id is null then '' else ' since " ~ since ~ " (last: ' end",
        "coalesce(" ~ dbt.concat([dbt.safe_cast('last_repair.date_raised', dbt.type_string()), "', '",
                                    'last_repair.contractor', "', matched by '", 'last_repair.match_method',
                                    "')'"]) ~ ", '')",
        "case when unmatched_nearby.possibly_missed_repairs > 0 then '; check: unmatched repair(s) typed with this"
        ~ " home''s postcode and number in the lookback' else '' end",
    ]) }} as why_listed,
    {{ run_date_literal() }} as run_date,
    cast('{{ since }}' as date) as lookback_since
from eligible
left join homes
    on eligible.property_reference = homes.property_reference
left join home_summary
    on eligible.member_id = home_summary.member_id
left join last_repair
    on eligible.member_id = last_repair.member_id
left join unmatched_nearby
    on eligible.member_id = unmatched_nearby.member_id
left join needs_check
    on eligible.member_id = needs_check.member_id
where coalesce(home_summary.repairs_in_lookback, 0) = 0
