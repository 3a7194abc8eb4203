{#-
    Invariant 5, enforced at the start of every build (on-run-start) and on its own
    (`dbt run-operation require_classifications`): every declared column of every model, seed and source carries
    config.meta.classification = not_personal | personal | special_category. A column without one fails the build,
    naming it; nothing is ever treated as not personal by default. (Built columns missing from the YAML altogether
    are caught by tests/catalogue/test_governance.py, which compares the catalogue with what was built.)
-#}
{% macro require_classifications() %}
    {%- if execute -%}
        {%- set problems = [] -%}
        {%- set nodes = graph.nodes.values() | list + graph.sources.values() | list -%}
        {%- for node in nodes if node.resource_type in ('model', 'seed', 'source') and node.package_name == project_name -%}
            {%- for column in (node.columns or {}).values() -%}
                {%- set classification = node_column_classification(column) -%}
                {%- if classification not in ('not_personal', 'personal', 'special_category') -%}
                    {%- do problems.append(node.resource_type ~ ' ' ~ node.name ~ '.' ~ column.name ~ ' (' ~ (classification or 'none') ~ ')') -%}
                {%- endif -%}
            {%- endfor -%}
        {%- endfor -%}
        {%- if problems -%}
            {{ exceptions.raise_compiler_error("Columns without a valid classification (set config.meta.classification to not_personal, personal or special_category): " ~ (problems | join(', '))) }}
        {%- endif -%}
    {%- endif -%}
    {{ return('select 1 as classified') }}
{% endmacro %}
