{#-
    Lake Formation tags from the catalogue's classifications (invariant 5), on Athena targets.

    Every column with a classification tag (config: {tags: [personal]}) gets the tag <lf_tag_classification_key>=<classification>;
    the table gets the most sensitive classification among its columns (so a column added later without an
    explicit tag inherits the strictest value: fail closed) and, when the model's meta has a department,
    <lf_tag_department_key>=<department>. The tag keys and values must already exist in Lake Formation.

    Applied by a project-level post-hook (dbt_project.yml) that calls the adapter's own add_lf_tags, because
    dbt-athena's lf_tags_config is a static config and the classifications live in the models' YAML.
    DuckDB (and any non-Athena target) ignores it. var lf_tags_enabled: false switches it off.
-#}

{% macro apply_lf_tags() %}
    {{ return(adapter.dispatch('apply_lf_tags', 'council_data_platform')()) }}
{% endmacro %}

{% macro default__apply_lf_tags() %}{{ return('') }}{% endmacro %}

{% macro athena__apply_lf_tags() %}
    {%- if execute and var('lf_tags_enabled', true) | string | lower in ('true', '1', 'yes') -%}
        {%- set lf_tags_config = lf_tags_config_for(model) -%}
        {%- if lf_tags_config.enabled -%}
            {%- do log('Lake Formation tags for ' ~ this ~ ': ' ~ tojson(lf_tags_config)) -%}
            {%- do adapter.add_lf_tags(this, lf_tags_config) -%}
        {%- endif -%}
    {%- endif -%}
    {{ return('') }}
{% endmacro %}


{% macro classification_names() %}
    {#- The three classifications a column's tag may be (invariant 5), least strict first. -#}
    {{ return(['not_personal', 'personal', 'special_category']) }}
{% endmacro %}


{% macro classification_rank(classification) %}
    {#- Its place in classification_names() (least strict 0); -1 for anything else. -#}
    {%- set names = classification_names() -%}
    {{ return(names.index(classification) if classification in names else -1) }}
{% endmacro %}


{% macro node_column_classification(column) %}
    {#- A column's classification: the one of not_personal / personal / special_category among its tags
        (config: {tags: [...]}, data_platform/check.py reads it alike); none when there is not exactly one. -#}
    {%- set tags = column.get('tags') or (column.get('config') or {}).get('tags') or [] -%}
    {%- set tags = [tags] if tags is string else tags -%}
    {%- set found = tags | select('in', classification_names()) | list -%}
    {{ return(found[0] if found | length == 1 else none) }}
{% endmacro %}


{% macro lf_tags_config_for(node) %}
    {#- dbt-athena's lf_tags_config dict for a model / seed node (see macro docs above). -#}
    {%- set key = var('lf_tag_classification_key', 'classification') -%}
    {%- set department_key = var('lf_tag_department_key', 'department') -%}
    {%- set tags_columns = {} -%}
    {%- set state = namespace(strictest=none, rank=-1) -%}
    {%- for column in (node.get('columns') or {}).values() -%}
        {%- set classification = node_column_classification(column) -%}
        {%- if classification is not none -%}
            {%- if classification not in tags_columns -%}
                {%- do tags_columns.update({classification: []}) -%}
            {%- endif -%}
            {%- do tags_columns[classification].append(column.name) -%}
            {%- if classification_rank(classification) > state.rank -%}
                {%- set state.rank = classification_rank(classification) -%}
                {%- set state.strictest = classification -%}
            {%- endif -%}
        {%- endif -%}
    {%- endfor -%}
    {%- set node_meta = {} -%}
    {%- do node_meta.update(node.get('meta') or {}) -%}
    {%- do node_meta.update((node.get('config') or {}).get('meta') or {}) -%}
    {%- set tags = {} -%}
    {%- if state.strictest is not none -%}
        {%- do tags.update({key: state.strictest}) -%}
    {%- endif -%}
    {%- if node_meta.get('department') -%}
        {%- do tags.update({department_key: node_meta.get('department')}) -%}
    {%- endif -%}
    {%- set config = {'enabled': (tags | length > 0) or (tags_columns | length > 0)} -%}
    {%- if tags -%}{%- do config.update({'tags': tags}) -%}{%- endif -%}
    {%- if tags_columns -%}{%- do config.update({'tags_columns': {key: tags_columns}}) -%}{%- endif -%}
    {{ return(config) }}
{% endmacro %}
