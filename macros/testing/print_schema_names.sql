{#-
    For tests/athena/test_schema_names.py: prints, as one JSON line, the schema generate_schema_name gives each
    custom schema on the current target (plus none), and sanitise_schema_part for the given samples.
        dbt run-operation print_schema_names --target ci_athena --args '{samples: ["feature/Add-Fees!"]}'
-#}
{% macro print_schema_names(custom_schemas=none, samples=[]) %}
    {%- set customs = custom_schemas or ['planning_refined', 'planning_trusted', 'platform_monitoring', 'reference', 'housing_trusted'] -%}
    {%- set names = {'__none__': generate_schema_name(none, none) | trim} -%}
    {%- for custom in customs -%}
        {%- do names.update({custom: generate_schema_name(custom, none) | trim}) -%}
    {%- endfor -%}
    {%- set sanitised = {} -%}
    {%- for sample in samples -%}
        {%- do sanitised.update({sample: sanitise_schema_part(sample)}) -%}
    {%- endfor -%}
    {{ print('schema-names: ' ~ tojson({'target': target.name, 'schemas': names, 'sanitised': sanitised})) }}
{% endmacro %}
