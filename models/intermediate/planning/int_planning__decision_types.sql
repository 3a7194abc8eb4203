-- Current decision types with the outcome analysts report on (granted / refused / withdrawn / other), mapped from
-- the council-maintained seed planning_decision_outcomes: one place for the mapping, used by every planning mart.
with decision_types as (

    select
        decision_type_id,
        name,
        code
    from {{ ref('stg_tascomi__decision_types') }}
    where is_current

),

decision_outcomes as (

    select
        decision_type_code,
        decision_outcome
    from {{ ref('planning_decision_outcomes') }}

)

select
    decision_types.decision_type_id,
    decision_types.name,
    decision_types.code,
    coalesce(decision_outcomes.decision_outcome, 'other') as decision_outcome
from decision_types
left join decision_outcomes
    on decision_types.code = decision_outcomes.decision_type_code
