-- Every value a contractor typed that could not be read onto the repairs vocabulary (a timestamp, priority, schedule-
-- of-rates code, order value or completion date), one row per repair and field of its current version, with the text as
-- typed and why. The repair itself stays in `repairs` with that field null.
{%- set checks = [
    ['datetime_raised', 'datetime_raised_text', 'datetime_raised', 'not a dd/MM/yyyy HH:mm:ss timestamp'],
    ['work_priority_priority_code', 'work_priority_description', 'work_priority_priority_code',
     'not a priority the platform knows (Immediate, Emergency, Urgent, Normal, Routine, 1-4)'],
    ['sor', 'sor_text', 'sor', 'no schedule-of-rates code (5 to 12 digits) at the start'],
    ['order_value', 'order_value_text', 'order_value', 'not an amount in pounds'],
    ['completed_date', 'completed_date_text', 'completed_date', 'not a dd/MM/yyyy date'],
] %}
with repairs as (

    select *
    from {{ ref('int_housing__repairs_history') }}
    where is_current

)

{%- for field, text_column, typed_column, reason in checks %}

    select
        repair_id,
        contractor,
        '{{ field }}' as field_name,
        {{ text_column }} as value_as_typed,
        '{{ reason }}' as reject_reason,
        valid_from as version_valid_from
    from repairs
    where {{ text_column }} is not null and {{ typed_column }} is null
    {%- if not loop.last %}
        union all
    {%- endif %}
{%- endfor %}
