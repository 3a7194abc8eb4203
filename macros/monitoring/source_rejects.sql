{#-
    monitoring.int_monitoring__source_rejects, incrementally (issue 17): every night it appends only the rejects of the
    imports logged since it last read each source, instead of reading every raw file of every table again.

    How far each source has been read is kept in the table itself: one progress row per source and run
    (is_progress_mark, its _imported_at = the latest import the run found in the source's import log). On the next
    run, for each built source:
      * the imports its import log holds after that mark name the import partitions to read (asked once, before the
        statement is written, and named in it as constants, as history_new_partitions does, so DuckDB skips the
        other partitions' files and Athena their S3 prefixes; where they cannot be asked (parsing, an offline compile)
        the statement joins the import log instead, a filter that reaches the scan as well);
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
        'upper': text} of the imports logged after its mark (none: nothing new, the source is not read), or the whole
        dict none when it cannot be asked now (parsing, an offline compile): the statement then joins the import log
        itself (join mode). A full build reads every import and needs no plan. -#}
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
    {%- set selects = [] -%}
    {#- A source whose import log has not landed has nothing to read (DuckDB: its glob would match no file). -#}
    {%- for source_name in sources_with_landed(sources, 'import_log') -%}
        {%- set imported_at = dbt.safe_cast('import_log._imported_at', dbt.type_timestamp()) -%}
        {%- set query -%}
            select
                '{{ source_name }}' as source_name,
                import_log.import_year,
                import_log.import_month,
                import_log.import_day,
                cast(max({{ imported_at }}) as {{ dbt.type_string() }}) as upper_imported_at
            from {{ source(source_name, 'import_log') }} as import_log
            where
                {{ imported_at }} is not null
                {%- if marks.get(source_name) is not none %}
                and {{ imported_at }} > cast('{{ marks[source_name] }}' as {{ dbt.type_timestamp() }})
                {%- endif %}
            group by import_log.import_year, import_log.import_month, import_log.import_day
        {%- endset -%}
        {%- do selects.append(query) -%}
    {%- endfor -%}
    {%- set plan = {} -%}
    {%- for source_name in sources -%}
        {%- do plan.update({source_name: none}) -%}
    {%- endfor -%}
    {%- if selects | length == 0 -%}
        {{ return(plan) }}
    {%- endif -%}
    {%- set found = run_query(selects | join('\nunion all\n')) -%}
    {%- for row in found.rows -%}
        {%- set source_name = row[0] -%}
        {%- if plan[source_name] is none -%}
            {%- do plan.update({source_name: {'mark': marks.get(source_name), 'partitions': [], 'upper': row[4]}}) -%}
        {%- endif -%}
        {%- do plan[source_name].partitions.append([row[1] | string, row[2] | string, row[3] | string]) -%}
        {%- if row[4] > plan[source_name].upper -%}
            {%- do plan[source_name].update({'upper': row[4]}) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- for source_name in plan if plan[source_name] is not none -%}
        {%- do plan[source_name].update({'partitions': plan[source_name].partitions | sort}) -%}
    {%- endfor -%}
    {{ return(plan) }}
{% endmacro %}


{% macro source_rejects_mark(source_name) %}
    {#- Join mode: the source's mark as a subquery on the stored table (1900 when it has none: read every import). -#}
    select coalesce(max(existing._imported_at), cast('1900-01-01 00:00:00' as {{ dbt.type_timestamp() }}))
    from {{ this }} as existing
    where existing.is_progress_mark and existing.source_name = '{{ source_name }}'
{%- endmacro %}


{% macro source_rejects_new_import_join(source_name, alias) %}
    {#- Join mode: alias's rows in the import partitions of the source's imports logged after its mark. -#}
    inner join (
        select distinct
            import_log.import_year,
            import_log.import_month,
            import_log.import_day
        from {{ source(source_name, 'import_log') }} as import_log
        where {{ dbt.safe_cast('import_log._imported_at', dbt.type_timestamp()) }} > ({{ source_rejects_mark(source_name) }})
    ) as new_import
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
    select
        '{{ source_name }}' as source_name,
        cast(null as {{ dbt.type_string() }}) as source_table,
        cast(null as {{ dbt.type_string() }}) as reject_reason,
        cast(null as boolean) as is_excluded,
        cast(null as {{ dbt.type_string() }}) as _cast_failures,
    {%- if read == 'join' or read == 'all' %}
        max({{ dbt.safe_cast('import_log._imported_at', dbt.type_timestamp()) }}) as _imported_at,
    {%- else %}
        cast('{{ read.upper }}' as {{ dbt.type_timestamp() }}) as _imported_at,
    {%- endif %}
        cast(null as date) as _import_date,
        cast(null as {{ dbt.type_string() }}) as _import_step,
        cast(null as {{ dbt.type_bigint() }}) as _record_index,
        cast(null as {{ dbt.type_string() }}) as _dlt_load_id,
        cast(null as {{ dbt.type_string() }}) as _dlt_id,
        true as is_progress_mark
    {%- if read == 'join' or read == 'all' %}
    from {{ source(source_name, 'import_log') }} as import_log
        {%- if read == 'join' %}
    where {{ dbt.safe_cast('import_log._imported_at', dbt.type_timestamp()) }} > ({{ source_rejects_mark(source_name) }})
        {%- endif %}
    having count(*) > 0
    {%- endif %}
{%- endmacro %}
