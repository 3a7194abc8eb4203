{#-
    Typing a source's text values (raw keeps every value as text) into the contract's types, exactly.

    A value is typed only when its text is in the documented form of its type; anything else is a cast failure
    (the typed value is null and the column is named in _cast_failures), never a guess:
      integer, bigint   optional sign and digits ('12.7' and '1e3' are failures, not 13 and 1000)
      real, double precision, numeric   decimal numbers, optional exponent
      boolean           t / true / f / false (any case)
      timestamp         'YYYY-MM-DD', 'YYYY-MM-DD HH:MM' or 'YYYY-MM-DD HH:MM:SS[.ffffff]', London local time. A value
                        with a UTC offset ('+05:00', 'Z') is a failure: the vendor documents local time without one,
                        so an offset means the value is not what the contract describes and is not silently shifted.
      date              'YYYY-MM-DD'
      text              as received
-#}

{% macro exact_pattern(source_type) %}
    {%- set patterns = {
        'integer': '[+-]?[0-9]+',
        'bigint': '[+-]?[0-9]+',
        'real': '[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)([eE][+-]?[0-9]+)?',
        'double precision': '[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)([eE][+-]?[0-9]+)?',
        'numeric': '[+-]?([0-9]+([.][0-9]*)?|[.][0-9]+)',
        'boolean': '([tT]([rR][uU][eE])?|[fF]([aA][lL][sS][eE])?)',
        'timestamp': '[0-9]{4}-[0-9]{2}-[0-9]{2}( [0-9]{2}:[0-9]{2}(:[0-9]{2}([.][0-9]{1,6})?)?)?',
        'date': '[0-9]{4}-[0-9]{2}-[0-9]{2}',
    } -%}
    {%- if source_type not in patterns -%}
        {{ exceptions.raise_compiler_error("No exact form known for type '" ~ source_type ~ "'") }}
    {%- endif -%}
    {{ return(patterns[source_type]) }}
{% endmacro %}


{% macro cast_exact(expression, source_type) %}
    {#- The typed value of a text expression, or null when the text is not in the exact form of the type. -#}
    {%- if source_type == 'text' -%}
        {{ expression }}
    {%- else -%}
        {%- set trimmed = 'trim(' ~ expression ~ ')' -%}
        case when {{ full_match(trimmed, exact_pattern(source_type)) }} then
        {%- if source_type == 'integer' %} {{ dbt.safe_cast(trimmed, dbt.type_int()) }}
        {%- elif source_type == 'bigint' %} {{ dbt.safe_cast(trimmed, dbt.type_bigint()) }}
        {%- elif source_type in ('real', 'double precision', 'numeric') %}
            {#- real is widened to double: money columns must not pick up float4 noise. #}
            {{ dbt.safe_cast(trimmed, type_double()) }}
        {%- elif source_type == 'boolean' %} lower(substr({{ trimmed }}, 1, 1)) = 't'
        {%- elif source_type == 'timestamp' %} {{ dbt.safe_cast(trimmed, dbt.type_timestamp()) }}
        {%- elif source_type == 'date' %} {{ dbt.safe_cast(trimmed, 'date') }}
        {%- endif %} end
    {%- endif -%}
{% endmacro %}


{% macro should_mask_personal() %}
    {#- var mask_personal: true everywhere except prod (dbt_project.yml); accepts booleans or strings. -#}
    {%- set value = var('mask_personal', target.name != 'prod') -%}
    {{ return((value | string | lower | trim) in ('true', '1', 'yes', 'y')) }}
{% endmacro %}


{% macro require_classification(classification, where) %}
    {#- Invariant 5: a column without a known classification fails the build; it is never treated as not personal. -#}
    {%- if classification not in classification_names() -%}
        {{ exceptions.raise_compiler_error(where ~ ": classification '" ~ classification ~ "' is not one of " ~ classification_names() | join(', ') ~ "; every column must be classified") }}
    {%- endif -%}
    {{ return(classification != 'not_personal') }}
{% endmacro %}
