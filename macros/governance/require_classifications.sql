{#-
    Invariant 5, enforced at the start of every build (on-run-start) and on its own
    (`dbt run-operation require_classifications`): every declared column of every model, seed and source carries
    exactly one classification tag, config: {tags: [not_personal | personal | special_category]}. A column without
    one, with two, or still carrying the retired meta.classification (refused, never read, so the tag is the one
    place a classification is written) fails the build, naming it; nothing is ever treated as not personal by
    default. (Built columns missing from the YAML altogether are caught by tests/catalogue/test_governance.py,
    which compares the catalogue with what was built.)
-#}
{% macro require_classifications() %}
    {%- if execute -%}
        {%- set problems = [] -%}
        {%- set classifications = classification_names() -%}
        {%- set nodes = graph.nodes.values() | list + graph.sources.values() | list -%}
        {%- for node in nodes if node.resource_type in ('model', 'seed', 'source') and node.package_name == project_name -%}
            {%- for column in (node.columns or {}).values() -%}
                {%- set retired = ((column.get('config') or {}).get('meta') or column.get('meta') or {}).get('classification') -%}
                {%- set tags = column.get('tags') or (column.get('config') or {}).get('tags') or [] -%}
                {%- set tags = [tags] if tags is string else tags -%}
                {#- The usual column, one tag and that a classification, is told without a macro call: this runs for
                    every column of the project (~10,000) at the start of every build, the nightly's included. -#}
                {%- set plain = retired is none and tags | length == 1 and tags[0] in classifications -%}
                {%- if not plain -%}
                    {%- set label = node.resource_type ~ ' ' ~ node.name ~ '.' ~ column.name -%}
                    {%- if retired is not none -%}
                        {%- do problems.append(label ~ ' (meta.classification ' ~ retired ~ ' is no longer read: make it the tag)') -%}
                    {%- elif node_column_classification(column) is none -%}
                        {%- do problems.append(label ~ ' (tags: ' ~ (tags | join(', ') or 'none') ~ ')') -%}
                    {%- endif -%}
                {%- endif -%}
            {%- endfor -%}
        {%- endfor -%}
        {%- if problems -%}
            {{ exceptions.raise_compiler_error("Columns without exactly one classification tag (config: {tags: [not_personal | personal | special_category]}): " ~ (problems | join(', '))) }}
        {%- endif -%}
    {%- endif -%}
    {{ return('select 1 as classified') }}
{% endmacro %}
