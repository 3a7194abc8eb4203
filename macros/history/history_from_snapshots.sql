{#-
    SCD2 history rebuilt from dated full snapshots (a table with no change column, landed whole once per import day):
    one staging row per record per snapshot in, one row per version out. The generated int_<department>__<table>_history
    models of contract tables with `load: snapshot` call this.

    staging       the staging model holding every record of every snapshot, typed (platform names)
    source_name, table_name   where the import log says which snapshots are complete
    key           the record's key (a composite key's joined column); its rows with a _reject_reason are left to
                  monitoring.source_rejects
    columns       every contract column (platform names), key included

    Rules (docs/platform-team/invariants.md):
      * only complete snapshots count: the import log row with outcome `complete` names the snapshot (its
        _import_step); a snapshot a crash left unfinished, never completed, is ignored. Of two complete snapshots on
        one import day, the later wins;
      * a version starts on the import day (invariant 3: the day the change was first seen) a row first differs
        from the same key's row in the previous complete snapshot, or first appears;
      * it ends on the day of the first later snapshot where the row differs (valid_to = the next version's
        valid_from) or is missing (is_deleted: closed as deleted that day; if it comes back, a new version starts);
      * a key twice in one snapshot (a keyless table's identical rows): the latest delivery wins
        (_imported_at desc, _record_index desc), like every history;
      * _source_imported_at = the import that completed the latest snapshot holding the version (its import log
        row's _imported_at), so the history's maximum of it names the last snapshot read: the watermark.
    Incremental (issue 17): a run reads only the snapshots completed after the watermark, from their import
    partitions alone (the join on the partition columns reaches the scan: DuckDB opens only those files, Athena
    lists only those S3 prefixes), plus the stored versions of the keys they touch. Each open version (valid_to
    null: it was in the last snapshot read) stands in for that snapshot as snapshot 0, so the new snapshots extend,
    close or delete it exactly as a rebuild from every snapshot would. A complete snapshot dated on or before the
    last one read (a second snapshot of that day, or one landed late) cannot extend the stored history: that run
    rebuilds every key from every snapshot (snapshot_history_marks: since.rebuilds). So an incremental run equals a
    full refresh row for row (invariant 2; tests/e2e/test_academy_history.py). Why not dbt snapshots:
    docs/platform-team/academy-ingestion.md.
-#}
{% macro history_from_snapshots(staging, source_name, table_name, key, columns) %}
    {{ config(
        materialized='incremental',
        incremental_strategy=history_incremental_strategy(),
        unique_key=history_unique_key(key),
        on_schema_change='fail',
        pre_hook="{{ snapshot_history_pre_hook('" ~ source_name ~ "', '" ~ table_name ~ "') }}",
    ) }}
    {%- set value_columns = [] -%}
    {%- for column in columns if column != key -%}
        {%- do value_columns.append(column) -%}
    {%- endfor -%}
    {%- set hash_parts = [] -%}
    {%- for column in value_columns -%}
        {%- do hash_parts.append("coalesce(cast(" ~ column ~ " as " ~ dbt.type_string() ~ "), '<null>')") -%}
        {%- if not loop.last -%}{%- do hash_parts.append("'|'") -%}{%- endif -%}
    {%- endfor -%}
    {%- set incremental = is_incremental() %}

with

{{ snapshot_history_marks(source(source_name, 'import_log'), table_name, this if incremental else none) }},

snapshot as (

    {#- The snapshots this run reads, numbered from 1 in date order (snapshot 0: the last one read before). -#}
    select
        completed.snapshot_step,
        completed.snapshot_date,
        completed.completed_at,
        row_number() over (order by completed.snapshot_date) as snapshot_number
    from completed
    cross join since
    where completed.day_rank = 1 and completed.completed_at > since.watermark

),

{%- if incremental %}

new_import as (

    {#- Their import partitions, with their months' compacted partitions: the only raw files the run opens (a full
        refresh reads every one anyway). -#}
    {%- set partitions_sql %}
    select distinct
        import_log.import_year,
        import_log.import_month,
        import_log.import_day
    from import_log
    inner join snapshot
        on import_log._import_step = snapshot.snapshot_step
    {%- endset %}
    {{ with_compacted_months(partitions_sql) }}

),
{%- endif %}

received as (

    select
        {%- for column in columns %}
        received.{{ column }},
        {%- endfor %}
        received._cast_failures,
        snapshot.snapshot_number,
        cast(snapshot.snapshot_date as {{ dbt.type_timestamp() }}) as valid_from,
        snapshot.completed_at as _source_imported_at,
        row_number() over (
            partition by received.{{ key }}, snapshot.snapshot_number
            order by received._imported_at desc, received._record_index desc, received._dlt_id desc
        ) as receipt_rank
    from {{ ref(staging) }} as received
    {%- if incremental %}
    inner join new_import
        on
            received._import_year = new_import.import_year
            and received._import_month = new_import.import_month
            and received._import_day = new_import.import_day
    {%- endif %}
    inner join snapshot
        on received._import_step = snapshot.snapshot_step
    where received._reject_reason is null

),

observed as (

    select
        {%- for column in columns %}
        {{ column }},
        {%- endfor %}
        _cast_failures,
        snapshot_number,
        valid_from,
        _source_imported_at,
        {{ hash_wide(hash_parts) }} as version_hash
    from received
    where receipt_rank = 1
    {%- if incremental %}

    union all

    {#- Each open version as the last snapshot read (number 0), dated from its own start; none when no snapshot
        is new, so a night without one writes nothing. #}
    select
        {%- for column in columns %}
        stored.{{ column }},
        {%- endfor %}
        stored._cast_failures,
        cast(0 as {{ dbt.type_bigint() }}) as snapshot_number,
        stored.valid_from,
        stored._source_imported_at,
        stored.version_hash
    from stored
    where stored.valid_to is null and exists (select 1 from snapshot)
    {%- endif %}

),

flagged as (

    select
        observed.*,
        case
            when
                lag(snapshot_number) over (partition by {{ key }} order by snapshot_number) = snapshot_number - 1
                and lag(version_hash) over (partition by {{ key }} order by snapshot_number) = version_hash
                then 0
            else 1
        end as starts_version
    from observed

),

numbered as (

    select
        flagged.*,
        sum(starts_version) over (
            partition by {{ key }}
            order by snapshot_number
            rows between unbounded preceding and current row
        ) as run_version_number
    from flagged

),

spans as (

    select
        numbered.*,
        max(snapshot_number) over (partition by {{ key }}, run_version_number) as last_seen_number,
        max(_source_imported_at) over (partition by {{ key }}, run_version_number) as version_imported_at
    from numbered

),

versions as (

    select
        spans.*,
        lead(snapshot_number) over (partition by {{ key }} order by snapshot_number) as next_version_number
    from spans
    where starts_version = 1

),

{%- if incremental %}

closed as (

    {#- The stored versions that ended, of the keys this run touches: kept as they are, numbered before the rest. #}
    select stored.*
    from stored
    where
        stored.valid_to is not null
        and stored.{{ key }} in (select versions.{{ key }} from versions)

),

closed_count as (

    select
        closed.{{ key }},
        max(closed.version_number) as version_number
    from closed
    group by closed.{{ key }}

),
{%- endif %}

rebuilt as (

    select
        versions.{{ key }},
        versions.valid_from,
        cast(ended.snapshot_date as {{ dbt.type_timestamp() }}) as valid_to,
        ended.snapshot_date is null as is_current,
        coalesce(ended.snapshot_date is not null and versions.next_version_number is null, false)
        or coalesce(versions.next_version_number > versions.last_seen_number + 1, false) as is_deleted,
        {%- if incremental %}
        coalesce(closed_count.version_number, 0) + versions.run_version_number as version_number,
        {%- else %}
        versions.run_version_number as version_number,
        {%- endif %}
        {%- for column in value_columns %}
        versions.{{ column }},
        {%- endfor %}
        versions._cast_failures,
        versions.version_hash,
        versions.version_imported_at as _source_imported_at
    from versions
    left join snapshot as ended
        on versions.last_seen_number + 1 = ended.snapshot_number
    {%- if incremental %}
    left join closed_count
        on versions.{{ key }} = closed_count.{{ key }}
    {%- endif %}

)

select * from rebuilt
{%- if incremental %}

union all

select
    {{ key }},
    valid_from,
    valid_to,
    is_current,
    is_deleted,
    version_number,
    {%- for column in value_columns %}
    {{ column }},
    {%- endfor %}
    _cast_failures,
    version_hash,
    _source_imported_at
from closed
{%- endif %}
{%- endmacro %}


{% macro snapshot_history_marks(import_log, table_name, history_relation=none) %}
    {#- The CTEs a snapshot history starts from (the import log read once, here):
          import_log  the table's import log rows;
          completed   its complete snapshots (day_rank 1: the one that counts on its day);
          stored      the stored history (incremental runs only; empty when the run rebuilds);
          since       watermark: snapshots completed after it are read (1900 on a full refresh or a rebuild);
                      rebuilds: whether a complete snapshot dated on or before the last one read arrived since. -#}
import_log as (

    select
        import_log._import_step,
        {{ dbt.safe_cast('import_log._import_date', 'date') }} as snapshot_date,
        {{ dbt.safe_cast('import_log._imported_at', dbt.type_timestamp()) }} as completed_at,
        import_log.outcome
        {%- if history_relation is not none %},
        import_log.import_year,
        import_log.import_month,
        import_log.import_day
        {%- endif %}
    from {{ import_log }} as import_log
    where import_log.table_name = '{{ table_name }}'

),

completed as (

    select
        import_log._import_step as snapshot_step,
        import_log.snapshot_date,
        import_log.completed_at,
        row_number() over (
            partition by import_log.snapshot_date
            order by import_log.completed_at desc
        ) as day_rank
    from import_log
    where import_log.outcome = 'complete'

),
{%- if history_relation is none %}

since as (

    select
        cast('1900-01-01 00:00:00' as {{ dbt.type_timestamp() }}) as watermark,
        false as rebuilds

)
{%- else %}

mark as (

    select coalesce(max(existing._source_imported_at), cast('1900-01-01 00:00:00' as {{ dbt.type_timestamp() }}))
        as watermark
    from {{ history_relation }} as existing

),

last_read as (

    select max(completed.snapshot_date) as snapshot_date
    from completed
    cross join mark
    where completed.completed_at <= mark.watermark

),

since as (

    select
        case when late.snapshots > 0 then cast('1900-01-01 00:00:00' as {{ dbt.type_timestamp() }}) else mark.watermark end
            as watermark,
        late.snapshots > 0 as rebuilds
    from mark
    cross join (
        select count(*) as snapshots
        from completed
        cross join mark
        cross join last_read
        where
            completed.day_rank = 1
            and completed.completed_at > mark.watermark
            and completed.snapshot_date <= last_read.snapshot_date
    ) as late

),

stored as (

    select existing.*
    from {{ history_relation }} as existing
    cross join since
    where not since.rebuilds

)
{%- endif %}
{%- endmacro %}


{% macro snapshot_history_pre_hook(source_name, table_name) %}
    {#- Runs before an incremental snapshot history. DuckDB: nothing (delete+insert by key replaces every version of
        the keys the run rebuilt). Athena: MERGE on (key, valid_from) cannot remove a stored version that a rebuild
        (snapshot_history_marks: rebuilds) no longer produces, so on such a run delete every stored version first. -#}
    {{ return(adapter.dispatch('snapshot_history_pre_hook', 'council_data_platform')(source_name, table_name)) }}
{% endmacro %}

{% macro default__snapshot_history_pre_hook(source_name, table_name) %}{% endmacro %}

{% macro athena__snapshot_history_pre_hook(source_name, table_name) %}
    {%- if is_incremental() -%}
        {{ snapshot_history_delete_on_rebuild(this, source(source_name, 'import_log'), table_name) }}
    {%- endif -%}
{% endmacro %}

{% macro snapshot_history_delete_on_rebuild(history_relation, import_log, table_name) %}
    {#- The Athena pre-hook's statement (separate so tests/athena can render it for every snapshot history). -#}
    delete from {{ history_relation }}
    where exists (
        with {{ snapshot_history_marks(import_log, table_name, history_relation) }}
        select 1 from since where since.rebuilds
    )
{%- endmacro %}
