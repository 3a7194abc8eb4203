-- Where each repair happened: one row per repair (its current version), at most one property and one UPRN.
-- 1. property_reference: the reference the contractor typed (DLO), normalised (upper case, no spaces, the P restored,
--    six digits), is a housing property: the repair is there, at the property's UPRN (recorded, or its own address
--    matched); a property with no UPRN in the gazetteer (a garage, a new build not listed yet) keeps the repair's
--    property and no UPRN.
-- 2. otherwise the typed address matched to the gazetteer (int_housing__address_matches), and the housing property
--    at that UPRN, if the council holds one.
with repairs as (

    select
        repair_id,
        contractor,
        property_reference_uh,
        {{ property_reference_clean('property_reference_uh') }} as property_reference_typed
    from {{ ref('int_housing__repairs_history') }}
    where is_current

),

properties as (

    select
        property_reference,
        property_type,
        uprn,
        uprn_source,
        uprn_note
    from {{ ref('int_housing__properties_current') }}

),

property_at_uprn as (

    select
        uprn,
        min(property_reference) as property_reference,
        count(*) as properties
    from properties
    where uprn is not null
    group by uprn

),

address_matches as (

    select
        input_id,
        uprn,
        match_method,
        match_score,
        match_reason
    from {{ ref('int_housing__address_matches') }}
    where input_kind = 'repair'

)

select
    repairs.repair_id,
    repairs.contractor,
    case
        when by_reference.property_reference is not null then by_reference.property_reference
        when property_at_uprn.properties = 1 then property_at_uprn.property_reference
    end as property_reference,
    case
        when by_reference.property_reference is not null then by_reference.uprn
        else address_matches.uprn
    end as uprn,
    case
        when by_reference.property_reference is not null then 'property_reference'
        else coalesce(address_matches.match_method, 'unmatched')
    end as match_method,
    case
        when by_reference.property_reference is not null then 100.0
        else address_matches.match_score
    end as match_score,
    case
        when by_reference.property_reference is not null and by_reference.uprn is null
            then
            {{ dbt.concat(["'property '", 'by_reference.property_reference', "' ('",
                           'by_reference.property_type', "') has no UPRN in the gazetteer'"]) }}
        when by_reference.property_reference is not null
            then
            {{ dbt.concat(["'typed property reference '", 'repairs.property_reference_uh', "', UPRN '",
                           'by_reference.uprn_source']) }}
        when repairs.property_reference_typed is not null
            then
            {{ dbt.concat(["'typed property reference '", 'repairs.property_reference_uh',
                           "' is not a housing property; address: '",
                           "coalesce(address_matches.match_reason, 'not matched')"]) }}
        else address_matches.match_reason
    end as match_reason
from repairs
left join properties as by_reference
    on repairs.property_reference_typed = by_reference.property_reference
left join address_matches
    on repairs.repair_id = address_matches.input_id
left join property_at_uprn
    on
        by_reference.property_reference is null
        and address_matches.uprn = property_at_uprn.uprn
