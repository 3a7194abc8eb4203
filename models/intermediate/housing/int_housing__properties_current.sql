-- The housing system's properties as it holds them now (the current version of each), with the UPRN to use: the
-- recorded one when the gazetteer knows it, else the property's own address matched to the gazetteer.
with properties as (

    select *
    from {{ ref('int_housing__properties_history') }}
    where is_current

),

gazetteer as (

    select address_id as uprn
    from {{ ref('int_housing__gazetteer_addresses') }}

),

matched as (

    select
        input_id,
        uprn,
        match_method,
        match_score,
        match_reason
    from {{ ref('int_housing__address_matches') }}
    where input_kind = 'property'

)

select
    properties.property_reference,
    properties.property_type,
    properties.uprn as recorded_uprn,
    case
        when gazetteer.uprn is not null then properties.uprn
        else matched.uprn
    end as uprn,
    case
        when gazetteer.uprn is not null then 'recorded'
        when matched.uprn is not null then 'address'
        else 'none'
    end as uprn_source,
    case
        when gazetteer.uprn is not null then null
        when properties.uprn is not null then {{ dbt.concat(["'recorded UPRN not in the current gazetteer; '",
                                                             "coalesce(matched.match_reason, 'address matched')"]) }}
        else matched.match_reason
    end as uprn_note,
    matched.match_score as address_match_score,
    properties.address_line_1,
    properties.address_line_2,
    properties.address_line_3,
    properties.postcode,
    properties.block_reference,
    properties.valid_from as version_valid_from
from properties
left join gazetteer
    on properties.uprn = gazetteer.uprn
left join matched
    on properties.property_reference = matched.input_id
