{#- Generic data tests for the planning models. -#}

{% test date_within_calendar(model, column_name) %}
    {#-
        Warns for every row whose date lies outside the span the working-day calendar (and its bank holidays) covers:
        working days there would be wrong or null. Widen the span in seeds/reference/generate_bank_holidays.py.
        A warning, not an error: such a date is almost always one mistyped record (a received date of 2205), which
        is listed in platform_monitoring.planning_data_quality (date_outside_calendar) for the planning team to
        correct; one bad record must not hold back the whole night's trusted zone (invariant 7).
    -#}
    {{ config(severity='warn') }}
    {%- set coverage = bank_holiday_coverage() %}
    select *
    from {{ model }}
    where {{ column_name }} is not null
        and (
            cast({{ column_name }} as date) < cast('{{ coverage.first_day }}' as date)
            or cast({{ column_name }} as date) > cast('{{ coverage.last_day }}' as date)
        )
{% endtest %}


{% test no_rows_where(model, condition) %}
    {#- Returns (fails on) the rows matching condition: give it severity warn to list known data problems. -#}
    select *
    from {{ model }}
    where {{ condition }}
{% endtest %}


{% macro date_outside_calendar(columns) %}
    {#- A condition: any of the date columns lies outside the span the working-day calendar covers. -#}
    {%- set coverage = bank_holiday_coverage() -%}
    {%- set parts = [] -%}
    {%- for column in columns -%}
        {%- do parts.append("cast(" ~ column ~ " as date) not between cast('" ~ coverage.first_day ~ "' as date) and cast('" ~ coverage.last_day ~ "' as date)") -%}
    {%- endfor -%}
    {{ return('(' ~ (parts | join(' or ')) ~ ')') }}
{% endmacro %}
