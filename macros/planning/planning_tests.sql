{#- Generic data tests for the planning models. -#}

{% test date_within_calendar(model, column_name) %}
    {#-
        Fails for every row whose date lies outside the span the working-day calendar (and its bank holidays) covers:
        working days there would be wrong or null. Widen the span in seeds/reference/generate_bank_holidays.py.
    -#}
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
