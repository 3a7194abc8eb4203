{#- Text functions that differ between DuckDB (default) and Athena/Trino, behind adapter.dispatch. -#}

{% macro regex_replace(expression, pattern, replacement) %}
    {#- Every match of the (single-quote free) pattern replaced; the replacement refers to groups as \1, \2 ... -#}
    {{ return(adapter.dispatch('regex_replace', 'council_data_platform')(expression, pattern, replacement)) }}
{% endmacro %}

{% macro default__regex_replace(expression, pattern, replacement) -%}
    regexp_replace({{ expression }}, '{{ pattern }}', '{{ replacement }}', 'g')
{%- endmacro %}

{% macro athena__regex_replace(expression, pattern, replacement) -%}
    {#- Trino replaces every match by default and writes groups as $1. -#}
    regexp_replace({{ expression }}, '{{ pattern }}', '{{ replacement | replace("\\", "$") }}')
{%- endmacro %}


{% macro regex_extract(expression, pattern, group=0) %}
    {#- The first match (or its group), null when there is none. -#}
    {{ return(adapter.dispatch('regex_extract', 'council_data_platform')(expression, pattern, group)) }}
{% endmacro %}

{% macro default__regex_extract(expression, pattern, group) -%}
    {#- DuckDB answers '' when nothing matches. -#}
    nullif(regexp_extract({{ expression }}, '{{ pattern }}', {{ group }}), '')
{%- endmacro %}

{% macro athena__regex_extract(expression, pattern, group) -%}
    nullif(regexp_extract({{ expression }}, '{{ pattern }}', {{ group }}), '')
{%- endmacro %}


{% macro edit_distance(left, right) %}
    {#- Levenshtein distance between two texts. -#}
    {{ return(adapter.dispatch('edit_distance', 'council_data_platform')(left, right)) }}
{% endmacro %}

{% macro default__edit_distance(left, right) %}levenshtein({{ left }}, {{ right }}){% endmacro %}

{% macro athena__edit_distance(left, right) %}levenshtein_distance({{ left }}, {{ right }}){% endmacro %}


{% macro sorted_string_agg(expression, separator) %}
    {#- The group's values joined with separator, in sorted order (an order-free signature of a set of tokens). -#}
    {{ return(adapter.dispatch('sorted_string_agg', 'council_data_platform')(expression, separator)) }}
{% endmacro %}

{% macro default__sorted_string_agg(expression, separator) -%}
    string_agg({{ expression }}, '{{ separator }}' order by {{ expression }})
{%- endmacro %}

{% macro athena__sorted_string_agg(expression, separator) -%}
    array_join(array_sort(array_agg({{ expression }})), '{{ separator }}')
{%- endmacro %}
