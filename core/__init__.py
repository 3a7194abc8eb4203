"""The platform's shared core: what every source uses, and nothing that belongs to one source.

    contract    the per-source contracts (tables, columns, vendor types, classifications) in
                ingestion/<source>/contract/*.yml
    registry    the list of source systems (ingestion/registry.yml): one entry per source
    workspace   where local state and the lake live, passed explicitly (never read from os.environ deep inside)
    lake        the raw zone's layout and the metadata columns every raw row carries
    import_log  the per-step record of what each import landed and what the source said it held
    source_kit  the connector and sandbox protocols a registry entry's packages must offer, checked as they load
    ingest_run  the opening and close every connector shares: lock, raw pipelines (recovered, synced), delivery
                order, landing a step as one package (and explaining its failure), the report
    settings    SourceSettings (the business day, Europe/London) and resolving a source's dlt configuration spec,
                with errors that name the variable to set
    retry       retrying transient faults through tenacity (backoff, Retry-After capped)
    http        a source client's HTTP transport: a session, the request count, every request retried through retry
    errors      the failures the platform explains to operators (exit code 2)
    locking     one run per source at a time (filelock)
    landing_zone  picking files up from a landing zone: list, hash, land each content once, move nothing
    tabular     tables that arrive as header + rows (CSV, XLSX, sheet ranges): header normalisation, refusals

Import rule (docs/platform-team/architecture.md, tested by tests/test_import_rules.py): core imports nothing else of
this repository; ingestion/<source>/, sandbox/ and data_platform/ import core, never the other way round.
"""
