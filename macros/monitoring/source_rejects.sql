{#-
    monitoring.int_monitoring__source_rejects, incrementally (issue 17): every night it appends only the rejects of the
    imports logged since it last read each source, instead of reading every raw file of every table again.

    How far each source has been read is kept in the table itself: one progress row per source and run
    (is_progress_mark, its _imported_at = the latest import the run found in the source's import log). On the next
    run, for each built source:
      * the imports its import log holds after that mark name the import partitions to read (asked once, before the
        statement is written, and named in it as constants: import_partitions_after, macros/history/, so DuckDB
        skips the other partitions' files and Athena their S3 prefixes; where they cannot be asked (parsing, an
        offline compile) the statement joins the import log instead, a filter that reaches the scan as well);
      * of those partitions, the records imported after the mark are read (a partition can hold an earlier import
        of the same business day);
      * a source with no import after its mark is not read at all; a source with no mark yet (first build, full
        refresh, a source built for the first time) is read whole.
    An import counts once its import log rows have landed (they land last, core/landing.py), and a source's
    _imported_at only grows, so every import is read on the first run that finds it logged. A record already stored
    is never appended again (an import still landing while the night's statement ran is read again once its log
    lands), so a rerun adds nothing and `--full-refresh` equals the incremental runs row for row.
-#}

{% macro source_rejects_read_plan(sources) %}
    {#- An incremental run's plan, per source name: {'mark': text or none, 'partitions': [[year, month, day], ...],
        'upper': text} of the imports logged after its mark (import_partitions_after; none: nothing new, the source
        is not read), or the whole dict none when it cannot be asked now (parsing, an offline compile): the statement
        then joins the import log itself (join mode). A full build reads every import and needs no plan. -#}
    {%- if not execute or var('compile_incremental', false) or flags.WHICH not in ('run', 'build', 'compile') -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set marks = {} -%}
    {%- set found = run_query(
        'select source_name, cast(max(_imported_at) as ' ~ dbt.type_string() ~ ') from ' ~ this
        ~ ' where is_progress_mark group by source_name') -%}
    {%- if found is none -%}
        {{ return(none) }}
    {%- endif -%}
    {%- for row in found.rows -%}
        {%- do marks.update({row[0]: row[1]}) -%}
    {%- endfor -%}
    {%- set plan = {} -%}
    {%- for source_name in sources -%}
        {%- set mark = marks.get(source_name) -%}
        {#- No mark yet (a source built for the first time): every import logged. -#}
        {%- set new = import_partitions_after(
            source_name,
            "cast('" ~ (mark if mark is not none else '1900-01-01 00:00:00') ~ "' as " ~ dbt.type_timestamp() ~ ")") -%}
        {%- if new is none -%}
            {{ return(none) }}
        {%- endif -%}
        {%- do plan.update({source_name: none if new.partitions | length == 0 else
            {'mark': mark, 'partitions': new.partitions, 'upper': new.upper}}) -%}
    {%- endfor -%}
    {{ return(plan) }}
{% endmacro %}


{% macro source_rejects_columns() %}
    {#- [name, type] of every column of int_monitoring__source_rejects but is_progress_mark, in order: what every part
        of its union selects (a reject of a staging model, an unlandable record, a progress row) and the columns of
        the trusted monitoring.source_rejects, whose enforced contract (_monitoring__models.yml) checks their types on
        every build. -#}
    {{ return([
        ['source_name', dbt.type_string()],
        ['source_table', dbt.type_string()],
        ['reject_reason', dbt.type_string()],
        ['is_excluded', 'boolean'],
        ['_cast_failures', dbt.type_string()],
        ['_imported_at', dbt.type_timestamp()],
        ['_import_date', 'date'],
        ['_import_step', dbt.type_string()],
        ['_record_index', dbt.type_bigint()],
        ['_dlt_load_id', dbt.type_string()],
        ['_dlt_id', dbt.type_string()],
    ]) }}
{% endmacro %}


{% macro source_rejects_null_row(values={}) %}
    {#- The select list of a row of source_rejects_columns(): the given {name: SQL} values, null for the rest. -#}
    {%- for name, type in source_rejects_columns() %}
        {{ values[name] if name in values else 'cast(null as ' ~ type ~ ')' }} as {{ name }}{{ ',' if not loop.last }}
    {%- endfor %}
{%- endmacro %}


{% macro source_rejects_mark(source_name) %}
    {#- Join mode: the source's mark as a subquery on the stored table (1900 when it has none: read every import). -#}
    select coalesce(max(existing._imported_at), cast('1900-01-01 00:00:00' as {{ dbt.type_timestamp() }}))
    from {{ this }} as existing
    where existing.is_progress_mark and existing.source_name = '{{ source_name }}'
{%- endmacro %}


{% macro source_rejects_new_import_join(source_name, alias) %}
    {#- Join mode: alias's rows in the import partitions of the source's imports logged after its mark. -#}
    {%- set partitions_sql %}
        select distinct
            import_log.import_year,
            import_log.import_month,
            import_log.import_day
        from {{ source(source_name, 'import_log') }} as import_log
        where {{ dbt.safe_cast('import_log._imported_at', dbt.type_timestamp()) }} > ({{ source_rejects_mark(source_name) }})
    {%- endset %}
    inner join ({{ with_compacted_months(partitions_sql) }}) as new_import
        on
            {{ alias }}._import_year = new_import.import_year
            and {{ alias }}._import_month = new_import.import_month
            and {{ alias }}._import_day = new_import.import_day
{%- endmacro %}


{% macro source_rejects_new_filter(read, source_name, alias, imported_at) %}
    {#- The conditions (each starting with `and`) that keep alias's rows of the source's new imports; imported_at is
        alias's typed import time. read: the source's plan entry; 'join' in join mode; 'all' on a full build. -#}
    {%- if read == 'join' %}
        and {{ imported_at }} > ({{ source_rejects_mark(source_name) }})
    {%- elif read != 'all' and read.mark is not none %}
        and {{ imported_at }} > cast('{{ read.mark }}' as {{ dbt.type_timestamp() }})
        and {{ history_partition_filter(alias, read.partitions) }}
    {%- endif %}
{%- endmacro %}


{% macro source_rejects_progress_mark(source_name, read) %}
    {#- The source's progress row: the latest import this run found logged (the plan's, or asked of the import log in
        the statement on a full build and in join mode; none in join mode when nothing is new). -#}
    {%- if read == 'join' or read == 'all' -%}
        {%- set imported_at = 'max(' ~ dbt.safe_cast('import_log._imported_at', dbt.type_timestamp()) ~ ')' -%}
    {%- else -%}
        {%- set imported_at = "cast('" ~ read.upper ~ "' as " ~ dbt.type_timestamp() ~ ")" -%}
    {%- endif %}
    select
        {{- source_rejects_null_row({'source_name': "'" ~ source_name ~ "'", '_imported_at': imported_at}) }},
        true as is_progress_mark
    {%- if read == 'join' or read == 'all' %}
    from {{ source(source_name, 'import_log') }} as import_log
        {%- if read == 'join' %}
    where {{ dbt.safe_cast('import_log._imported_at', dbt.type_timestamp()) }} > ({{ source_rejects_mark(source_name) }})
        {%- endif %}
    having count(*) > 0
    {%- endif %}
{%- endmacro %}
