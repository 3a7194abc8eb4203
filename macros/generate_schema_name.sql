{#-
    Where each model lands (dbt's generate_schema_name override). The custom schema is the council's database for
    the model's department and zone (planning_refined, planning_trusted, housing_trusted, reference ...): generated
    staging and history models carry it from their contract; a hand-written model in models/intermediate/<department>/
    or models/marts/<department>/ gets it from its folder, for any department of ingestion/registry.yml
    (department_schema below), so a new department needs no edit of dbt_project.yml; the rest (monitoring, seeds)
    set +schema there. A model can only land in its own department's database.

      DuckDB (dev, ci)   <custom>                      planning_trusted, ... (each target is its own DuckDB file)
      Athena prod        <custom>                      planning_trusted, planning_refined, ...
      Athena CI          ci_<ref>_<custom>             ci_pr_42_planning_trusted (one set per branch / PR)
      Athena dev         dev_<user>_<custom>           dev_alice_planning_trusted (one set per person)

    The CI ref comes from DATA_PLATFORM_CI_REF, else GITHUB_HEAD_REF (pull requests), else GITHUB_REF_NAME;
    the user from DATA_PLATFORM_USER, else USER. Both are sanitised to Glue's rules (lower case, a-z 0-9 _).
    Which Athena kind a target is comes from its name: prod, ci* (ci_athena), anything else is dev (dev_athena).
    No custom schema: the target schema (DuckDB, prod) / the prefix alone (Athena non-prod).
    Write-audit-publish (macros/publish/): with var trusted_staging the trusted zone's models (models/marts/) land in
    <schema>__staging instead, are tested there, and publish_trusted swaps them into <schema> as a whole.
    Tested by tests/athena/test_schema_names.py.
-#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- set custom = (custom_schema_name | trim) if custom_schema_name is not none else department_schema(node) -%}
    {%- set prefix = athena_schema_prefix() if target.type == 'athena' else '' -%}
    {%- set staged = '__staging' if var('trusted_staging', false) and custom is not none and is_trusted_node(node) else '' -%}
    {%- if custom is none -%}
        {{ prefix if prefix else target.schema }}
    {%- elif prefix -%}
        {{ prefix }}_{{ custom }}{{ staged }}
    {%- else -%}
        {{ custom }}{{ staged }}
    {%- endif -%}
{%- endmacro %}


{% macro department_schema(node) %}
    {#- <department>_refined / <department>_trusted for a model in models/intermediate|marts/<department>/, when the
        folder is a department of the registry (a source's or a contract table's: platform_sources()); none for any
        other node. A folder there that is no department and sets no +schema is refused, never the default schema. -#}
    {%- set zone = {'intermediate': 'refined', 'marts': 'trusted'}.get(node.fqn[1]) if node is not none and node.resource_type == 'model' and (node.fqn | length) > 3 else none -%}
    {%- if zone is none -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set departments = [] -%}
    {%- for source in platform_sources().values() -%}
        {%- do departments.append(source.department) -%}
        {%- for table in source.tables.values() -%}
            {%- do departments.append(table.department) -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- if node.fqn[2] not in departments -%}
        {{ exceptions.raise_compiler_error("models/" ~ node.fqn[1] ~ "/" ~ node.fqn[2] ~ "/ (" ~ node.name ~ ") is not the folder of a department in ingestion/registry.yml (" ~ (departments | unique | sort | join(', ')) ~ "): move the model into its department's folder, or give the folder a +schema in dbt_project.yml.") }}
    {%- endif -%}
    {{ return(node.fqn[2] ~ '_' ~ zone) }}
{% endmacro %}


{% macro is_trusted_node(node) %}
    {#- A model of the trusted zone (models/marts/...): what write-audit-publish stages and publishes as a whole. -#}
    {{ return(node is not none and node.resource_type == 'model' and (node.fqn | length) > 2 and node.fqn[1] == 'marts') }}
{% endmacro %}


{% macro athena_schema_prefix() %}
    {#- '' in prod; ci_<ref> on CI targets; dev_<user> otherwise. -#}
    {%- if target.name == 'prod' -%}
        {{ return('') }}
    {%- elif target.name.startswith('ci') -%}
        {%- set ref = env_var('DATA_PLATFORM_CI_REF', '') or env_var('GITHUB_HEAD_REF', '') or env_var('GITHUB_REF_NAME', '') -%}
        {{ return('ci_' ~ sanitise_schema_part(ref)) }}
    {%- else -%}
        {%- set user = env_var('DATA_PLATFORM_USER', '') or env_var('USER', '') -%}
        {{ return('dev_' ~ sanitise_schema_part(user)) }}
    {%- endif -%}
{% endmacro %}


{% macro sanitise_schema_part(value, max_length=40) %}
    {#-
        A branch / PR / user name made safe for a Glue database name: lower case, every run of characters
        outside a-z 0-9 becomes one underscore, no leading/trailing underscores, at most max_length characters;
        'unknown' when nothing is left. 'feature/Add-Fees!' -> 'feature_add_fees'.
    -#}
    {%- set re = modules.re -%}
    {%- set cleaned = re.sub('[^a-z0-9]+', '_', (value or '') | string | lower).strip('_') -%}
    {%- set cleaned = cleaned[:max_length].rstrip('_') -%}
    {{ return(cleaned if cleaned else 'unknown') }}
{% endmacro %}
