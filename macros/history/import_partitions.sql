{#-
    The import partitions of the imports a source's import log holds after a bound, asked of the import log before a
    statement is written and named in it as constants (history_partition_filter): DuckDB's hive pruning and Athena's
    partition pruning act on plain comparisons of the partition columns with constants, so the statement opens the
    new imports' files (S3 prefixes) only, and it reads no import log itself (issue 17). One macro for every reader
    of "the imports since X": the incremental histories (since their watermark, history_new_records),
    monitoring's incremental rejects (since each source's progress mark, macros/monitoring/source_rejects.sql) and the
    nightly's narrowed data tests (since the live build, macros/testing/new_rows_tests.sql).

    Not a bound worked out from the timestamp itself: an import's partition is its business day, which a backfill or a
    set `today` puts on any date whatever the clock (the demo lands past days today), so only the import log says where
    the records imported after a moment are. An import counts once its import log rows have landed (they land last,
    core/landing.py).
-#}
{% macro import_partitions_after(source_name, bound, tables=none) %}
    {#- {'partitions': [[year, month, day] texts, sorted], 'upper': the latest _imported_at among them (text; none when
        there is none)} of the imports logged for `tables` (a table name, a list of names, or none for every table of
        the source) with _imported_at after `bound` (SQL for a timestamp: a constant or a scalar subquery). A source
        whose import log has not landed has imported nothing: no partitions. None when the import log cannot be asked
        now (parsing, an offline compile with compile_incremental, a command that runs no models or tests).

        Asked once per source, bound and invocation for all the source's tables (a nightly narrows ~150 staging
        tests, and every ask reads every import log file): kept in `graph`, the one dict dbt shares between the nodes
        of an invocation (its manifest's flat graph). A bound that is a subquery on a model (a history's watermark)
        is that model's own key, asked before the model is written. -#}
    {%- if not execute or var('compile_incremental', false) or flags.WHICH not in ('run', 'build', 'compile', 'test') -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set cache = graph.setdefault('council_data_platform_import_partitions', {}) -%}
    {%- set key = source_name ~ ' ' ~ bound -%}
    {%- if key not in cache and not raw_table_landed(source_name, 'import_log') -%}
        {%- do cache.update({key: {}}) -%}
    {%- elif key not in cache -%}
        {%- set imported_at = dbt.safe_cast('import_log._imported_at', dbt.type_timestamp()) -%}
        {%- set query -%}
            select
                import_log.table_name,
                import_log.import_year,
                import_log.import_month,
                import_log.import_day,
                cast(max({{ imported_at }}) as {{ dbt.type_string() }}) as upper_imported_at
            from {{ source(source_name, 'import_log') }} as import_log
            where {{ imported_at }} > {{ bound }}
            group by import_log.table_name, import_log.import_year, import_log.import_month, import_log.import_day
        {%- endset -%}
        {%- set found = run_query(query) -%}
        {%- if found is none -%}
            {{ return(none) }}
        {%- endif -%}
        {%- set by_table = {} -%}
        {%- for row in found.rows -%}
            {%- do by_table.setdefault(row[0], []).append([row[1] | string, row[2] | string, row[3] | string, row[4]]) -%}
        {%- endfor -%}
        {%- do cache.update({key: by_table}) -%}
    {%- endif -%}
    {%- set wanted = none if tables is none else ([tables] if tables is string else tables) -%}
    {%- set partitions = [] -%}
    {%- set state = namespace(upper=none) -%}
    {%- for table_name, rows in cache[key].items() if wanted is none or table_name in wanted -%}
        {%- for year, month, day, upper in rows -%}
            {%- if [year, month, day] not in partitions -%}
                {%- do partitions.append([year, month, day]) -%}
            {%- endif -%}
            {#- the same engine casts every value to text alike, so the texts order as the timestamps do -#}
            {%- if upper is not none and (state.upper is none or upper > state.upper) -%}
                {%- set state.upper = upper -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endfor -%}
    {{ return({'partitions': partitions | sort, 'upper': state.upper}) }}
{% endmacro %}


{% macro history_partition_filter(alias, partitions) %}
    {#- alias's rows in the given import partitions, as plain comparisons of the partition columns with constants
        (what DuckDB's hive pruning and Athena's partition pruning both act on); false for none. Each month named
        brings its compacted partition (day 00, core/compaction.py: an old month's files merged into one): the
        readers keep the records imported after their bound by _imported_at, which compaction keeps. -#}
    {%- set named = [] -%}
    {%- for year, month, day in partitions -%}
        {%- for named_day in [day, compacted_import_day()] if [year, month, named_day] not in named -%}
            {%- do named.append([year, month, named_day]) -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- if named | length == 0 -%}
        (1 = 0)
    {%- else -%}
        ({% for year, month, day in named | sort %}{{ '\n            or ' if not loop.first }}({{ alias }}._import_year = '{{ year }}' and {{ alias }}._import_month = '{{ month }}' and {{ alias }}._import_day = '{{ day }}'){% endfor %})
    {%- endif -%}
{%- endmacro %}


{% macro compacted_import_day() %}
    {#- The import_day partition holding a month's compacted files (core/compaction.py COMPACTED_DAY): no import
        lands on day 00. -#}
    {{ return('00') }}
{% endmacro %}


{% macro with_compacted_months(partitions_sql) %}
    {#- The import partitions (import_year, import_month, import_day) a query names, plus each month's compacted
        partition: for the join-mode readers, which join raw rows to the partitions of new imports. A union, so a
        month's compacted partition appears once however many of its days are named (no row joins twice). -#}
    select named.import_year, named.import_month, named.import_day
    from ({{ partitions_sql }}) as named
    union
    select named.import_year, named.import_month, '{{ compacted_import_day() }}' as import_day
    from ({{ partitions_sql }}) as named
{%- endmacro %}
