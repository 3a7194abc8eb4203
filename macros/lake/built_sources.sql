{#-
    The registered sources this build includes: platform_sources() narrowed to var built_sources (data_platform passes
    the sources that are switched on and have landed an import; null = every registered source, e.g. the offline
    Athena check). The models that read every source (monitoring.source_rejects, source_schema_drift) loop over these,
    so a borough that runs only some sources builds them without the others' staging models, and their lineage in the
    catalogue shows only what was built.
-#}
{% macro built_platform_sources() %}
    {%- set wanted = var('built_sources', none) -%}
    {%- set sources = platform_sources() -%}
    {%- if wanted is none -%}
        {{ return(sources) }}
    {%- endif -%}
    {%- set built = {} -%}
    {%- for name, source in sources.items() if name in wanted -%}
        {%- do built.update({name: source}) -%}
    {%- endfor -%}
    {{ return(built) }}
{% endmacro %}
