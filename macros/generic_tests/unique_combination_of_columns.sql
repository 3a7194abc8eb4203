{#- Grain test: no two rows share the same values of combination_of_columns. -#}
{% test unique_combination_of_columns(model, combination_of_columns) %}
    {%- set column_list = combination_of_columns | join(', ') %}
    select
        {{ column_list }},
        count(*) as duplicate_rows
    from {{ model }}
    group by {{ column_list }}
    having count(*) > 1
{% endtest %}
