-- Every received record, of every source, that the platform could not use as it came: records left out of history and
-- current state (no key, a key or change time that does not type, a change time after receipt), records kept with
-- some value null because it did not type to its contract type, and records that could not even be landed in their
-- table (ingestion's rejected_records). Invariant 1: nothing is dropped silently; watch this table.
-- Kept incrementally by int_monitoring__source_rejects (a night reads only its new imports, issue 17): this trusted
-- copy is what analysts and alerts read, published with the rest of the build. Only the sources this build includes.
{%- set sources = built_platform_sources() %}

select
    {{ source_rejects_columns() | map(attribute=0) | join(',\n    ') }}
from {{ ref('int_monitoring__source_rejects') }}
where
    not is_progress_mark
    and source_name in ('{{ sources.keys() | join("', '") }}')
