{#-
    Where each model lands (dbt's generate_schema_name override). Models set a short custom schema per folder
    (+schema in dbt_project.yml: staging, intermediate, planning, monitoring, reference).

      DuckDB (dev, ci)   <target schema>_<custom>          main_staging, main_planning, ... (unchanged names)
      Athena prod        <glue database>                   planning_trusted, planning_refined, ...
      Athena CI          ci_<ref>_<glue database>          ci_pr_42_planning_trusted (one set per branch / PR)
      Athena dev         dev_<user>_<glue database>        dev_alice_planning_trusted (one set per person)

    <glue database> follows the council's one-database-per-department-and-zone convention: var athena_databases
    maps each custom schema to it (dbt_project.yml); a custom schema not in the map is used as is.
    The CI ref comes from DATA_PLATFORM_CI_REF, else GITHUB_HEAD_REF (pull requests), else GITHUB_REF_NAME;
    the user from DATA_PLATFORM_USER, else USER. Both are sanitised to Glue's rules (lower case, a-z 0-9 _).
    Which Athena kind a target is comes from its name: prod, ci* (ci_athena), anything else is dev (dev_athena).
    No custom schema: the target schema (DuckDB) / the prefix alone (Athena non-prod) / the target schema (prod).
    Tested by tests/athena/test_schema_names.py.
-#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- set custom = (custom_schema_name | trim) if custom_schema_name is not none else none -%}
    {%- if target.type != 'athena' -%}
        {%- if custom is none -%}
            {{ target.schema }}
        {%- else -%}
            {{ target.schema }}_{{ custom }}
        {%- endif -%}
    {%- else -%}
        {%- set database = athena_database_name(custom) if custom is not none else none -%}
        {%- set prefix = athena_schema_prefix() -%}
        {%- if prefix == '' -%}
            {{ database if database is not none else target.schema }}
        {%- elif database is none -%}
            {{ prefix }}
        {%- else -%}
            {{ prefix }}_{{ database }}
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}


{% macro athena_database_name(custom_schema_name) %}
    {#- The prod Glue database for a custom schema (var athena_databases), else the custom schema itself. -#}
    {%- set mapping = var('athena_databases', {}) or {} -%}
    {{ return(mapping.get(custom_schema_name, custom_schema_name)) }}
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
