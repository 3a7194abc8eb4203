-- Every address to match to the gazetteer, one row each: the current address of every repair (the postcode typed
-- inside it, else its postcode cell) and of every housing property. Shells (BLPU class P*) may be matched only where
-- the work can happen at a whole building: housing properties, and contractors not in var
-- address_match_contractors_without_shells.
{%- set no_shells = var('address_match_contractors_without_shells', []) %}
with repairs as (

    select
        repair_id as input_id,
        'repair' as input_kind,
        contractor,
        property_address as address_text,
        coalesce({{ postcode_in_text('property_address') }}, {{ postcode_clean('postal_code_raw') }}) as postcode
    from {{ ref('int_housing__repairs_history') }}
    where is_current

),

properties as (

    select
        property_reference as input_id,
        'property' as input_kind,
        cast(null as {{ dbt.type_string() }}) as contractor,
        {{ dbt.concat(["coalesce(address_line_1, '')", "' '", "coalesce(address_line_2, '')", "' '",
                       "coalesce(address_line_3, '')"]) }} as address_text,
        {{ postcode_clean('postcode') }} as postcode
    from {{ ref('int_housing__properties_history') }}
    where is_current

),

inputs as (

    select * from repairs
    union all
    select * from properties

)

select
    {{ dbt.concat(['input_kind', "':'", 'input_id']) }} as address_input_id,
    input_id,
    input_kind,
    contractor,
    address_text,
    postcode,
    {%- if no_shells %}
    coalesce(contractor not in ('{{ no_shells | join("', '") }}'), true) as shells_allowed
    {%- else %}
        true as shells_allowed
    {%- endif %}
from inputs
