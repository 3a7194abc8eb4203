-- One row per repair across the seven contractors (its current version), with where it happened: the housing property
-- and the UPRN, how that was found (match_method, match_score) and, when it was not, why (match_reason).
with repairs as (

    select *
    from {{ ref('int_housing__repairs_history') }}
    where is_current

),

locations as (

    select *
    from {{ ref('int_housing__repair_locations') }}

),

gazetteer as (

    select
        address_id as uprn,
        single_line,
        blpu_class
    from {{ ref('int_housing__gazetteer_addresses') }}

)

select
    repairs.repair_id,
    repairs.contractor,
    repairs.data_source,
    repairs.response_key,
    repairs.datetime_raised,
    {{ dbt.safe_cast('repairs.datetime_raised', 'date') }} as date_raised,
    repairs.work_priority_description,
    repairs.work_priority_priority_code,
    repairs.description_of_work,
    repairs.trade_description,
    repairs.sor,
    repairs.order_value,
    repairs.completed_date,
    repairs.order_status_notes,
    repairs.property_address,
    repairs.postal_code_raw,
    repairs.property_reference_uh,
    locations.property_reference,
    locations.uprn,
    gazetteer.single_line as uprn_address,
    gazetteer.blpu_class as uprn_blpu_class,
    locations.match_method,
    locations.match_score,
    locations.match_reason,
    repairs.name_full,
    repairs.phone_1,
    repairs.phone_2,
    repairs.phone_3,
    repairs.email_staff,
    repairs.operative,
    repairs.recharge,
    repairs.form_ref,
    repairs.vulnerability_flag,
    repairs.vulnerability_notes,
    repairs.alert_regarding_person,
    repairs.alert_regarding_person_notes,
    repairs.valid_from as version_valid_from,
    -- bigint on every engine, as the contract says (DuckDB's windowed sum in the history is hugeint)
    cast(repairs.version_number as {{ dbt.type_bigint() }}) as version_number,
    repairs._cast_failures
from repairs
inner join locations
    on repairs.repair_id = locations.repair_id
left join gazetteer
    on locations.uprn = gazetteer.uprn
