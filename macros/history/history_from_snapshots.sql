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
        (_imported_at desc, _record_index desc), like every history.
    Materialised as a table and rebuilt whole each run, so it is a pure function of raw and --full-refresh gives the
    same rows by construction (invariant 2). Why not dbt snapshots: docs/platform-team/academy-ingestion.md.
-#}
{% macro history_from_snapshots(staging, source_name, table_name, key, columns) %}
    {{ config(materialized='table') }}
    {%- set value_columns = [] -%}
    {%- for column in columns if column != key -%}
        {%- do value_columns.append(column) -%}
    {%- endfor -%}
    {%- set hash_parts = [] -%}
    {%- for column in value_columns -%}
        {%- do hash_parts.append("coalesce(cast(" ~ column ~ " as " ~ dbt.type_string() ~ "), '<null>')") -%}
        {%- if not loop.last -%}{%- do hash_parts.append("'|'") -%}{%- endif -%}
    {%- endfor -%}

with completed as (

    select
        _import_step as snapshot_step,
        {{ dbt.safe_cast('_import_date', 'date') }} as snapshot_date,
        row_number() over (
            partition by _import_date
            order by _imported_at desc
        ) as day_rank
    from {{ source(source_name, 'import_log') }}
    where table_name = '{{ table_name }}' and outcome = 'complete'

),

snapshot as (

    select
        snapshot_step,
        snapshot_date,
        row_number() over (order by snapshot_date) as snapshot_number
    from completed
    where day_rank = 1

),

received as (

    select
        {%- for column in columns %}
        staged.{{ column }},
        {%- endfor %}
        staged._cast_failures,
        staged._imported_at,
        snapshot.snapshot_number,
        row_number() over (
            partition by staged.{{ key }}, snapshot.snapshot_number
            order by staged._imported_at desc, staged._record_index desc, staged._dlt_id desc
        ) as receipt_rank
    from {{ ref(staging) }} as staged
    inner join snapshot
        on staged._import_step = snapshot.snapshot_step
    where staged._reject_reason is null

),

hashed as (

    select
        received.*,
        {{ hash_wide(hash_parts) }} as version_hash
    from received
    where receipt_rank = 1

),

flagged as (

    select
        hashed.*,
        case
            when
                lag(snapshot_number) over (partition by {{ key }} order by snapshot_number) = snapshot_number - 1
                and lag(version_hash) over (partition by {{ key }} order by snapshot_number) = version_hash
                then 0
            else 1
        end as starts_version
    from hashed

),

numbered as (

    select
        flagged.*,
        sum(starts_version) over (
            partition by {{ key }}
            order by snapshot_number
            rows between unbounded preceding and current row
        ) as version_number
    from flagged

),

spans as (

    select
        numbered.*,
        max(snapshot_number) over (partition by {{ key }}, version_number) as last_seen_number,
        max(_imported_at) over (partition by {{ key }}, version_number) as _source_imported_at
    from numbered

),

versions as (

    select
        spans.*,
        lead(snapshot_number) over (partition by {{ key }} order by snapshot_number) as next_version_number
    from spans
    where starts_version = 1

)

select
    versions.{{ key }},
    cast(first_seen.snapshot_date as {{ dbt.type_timestamp() }}) as valid_from,
    cast(ended.snapshot_date as {{ dbt.type_timestamp() }}) as valid_to,
    ended.snapshot_date is null as is_current,
    coalesce(ended.snapshot_date is not null and versions.next_version_number is null, false)
    or coalesce(versions.next_version_number > versions.last_seen_number + 1, false) as is_deleted,
    versions.version_number,
    {%- for column in value_columns %}
    versions.{{ column }},
    {%- endfor %}
    versions._cast_failures,
    versions.version_hash,
    versions._source_imported_at
from versions
inner join snapshot as first_seen
    on versions.snapshot_number = first_seen.snapshot_number
left join snapshot as ended
    on versions.last_seen_number + 1 = ended.snapshot_number
{%- endmacro %}
