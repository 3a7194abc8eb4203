-- The homes near each repair that could not be placed (no property reference, no accepted address match, including
-- near-ties refused as ambiguous): one row per such repair and gazetteer address typed with the same postcode, or on
-- the street of its best candidate or runner-up. A resident's home here might have had that repair, so a list that
-- rests on "no repair at the home" (Link Work) can say so on the row, with the repair ids.
with doubtful as (

    select
        locations.repair_id,
        matches.postcode,
        matches.candidate_uprn,
        matches.runner_up_uprn,
        matches.is_ambiguous,
        locations.match_reason
    from {{ ref('int_housing__repair_locations') }} as locations
    inner join {{ ref('int_housing__address_matches') }} as matches
        on
            matches.input_kind = 'repair'
            and locations.repair_id = matches.input_id
    where locations.uprn is null and locations.property_reference is null

),

gazetteer as (

    select
        address_id as uprn,
        usrn,
        postcode
    from {{ ref('int_housing__gazetteer_addresses') }}

),

candidate_streets as (

    select
        doubtful.repair_id,
        gazetteer.usrn
    from doubtful
    inner join gazetteer
        on doubtful.candidate_uprn = gazetteer.uprn
    where gazetteer.usrn is not null
    union
    select
        doubtful.repair_id,
        gazetteer.usrn
    from doubtful
    inner join gazetteer
        on doubtful.runner_up_uprn = gazetteer.uprn
    where gazetteer.usrn is not null

),

nearby as (

    select
        doubtful.repair_id,
        gazetteer.uprn,
        'same postcode' as nearby_by
    from doubtful
    inner join gazetteer
        on doubtful.postcode = gazetteer.postcode
    union all
    select
        candidate_streets.repair_id,
        gazetteer.uprn,
        'same street as a candidate' as nearby_by
    from candidate_streets
    inner join gazetteer
        on candidate_streets.usrn = gazetteer.usrn

)

select
    doubtful.repair_id,
    nearby.uprn,
    min(nearby.nearby_by) as nearby_by,
    doubtful.is_ambiguous,
    doubtful.candidate_uprn,
    doubtful.runner_up_uprn,
    doubtful.match_reason
from doubtful
inner join nearby
    on doubtful.repair_id = nearby.repair_id
group by
    doubtful.repair_id, nearby.uprn, doubtful.is_ambiguous, doubtful.candidate_uprn, doubtful.runner_up_uprn,
    doubtful.match_reason
