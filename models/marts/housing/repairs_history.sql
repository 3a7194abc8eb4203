-- Every version of every repair (SCD2 from the contractors' deliveries: a version is valid from the import day its
-- content was first seen), with where the repair happened as matched today (location is not versioned: it follows the
-- current address and gazetteer).
with history as (

    select *
    from {{ ref('int_housing__repairs_history') }}

),

locations as (

    select
        repair_id,
        property_reference,
        uprn,
        match_method,
        match_score
    from {{ ref('int_housing__repair_locations') }}

)

select
    history.repair_id,
    history.valid_from,
    history.valid_to,
    history.is_current,
    history.version_number,
    history.contractor,
    history.data_source,
    history.response_key,
    history.datetime_raised,
    history.work_priority_description,
    history.work_priority_priority_code,
    history.description_of_work,
    history.trade_description,
    history.sor,
    history.order_value,
    history.completed_date,
    history.order_status_notes,
    history.property_address,
    history.postal_code_raw,
    history.property_reference_uh,
    history.name_full,
    history.phone_1,
    history.vulnerability_flag,
    locations.property_reference,
    locations.uprn,
    locations.match_method,
    locations.match_score,
    history._cast_failures,
    history.version_hash,
    history._source_imported_at
from history
left join locations
    on history.repair_id = locations.repair_id
