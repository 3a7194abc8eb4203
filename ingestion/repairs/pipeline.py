"""The repairs import: every contractor's new deliveries, one load package per step.

Deliveries:
  * a sheet read through the Sheets API is a delivery when its content differs from the last state landed for it
    (content hash in the state): an unchanged sheet lands nothing;
  * an export file in the landing zone is a delivery when its content was never landed (or refused) before.
A step carries at most one delivery per contractor (the oldest pending), so a contractor's deliveries land in order
and a later one always wins (invariant 2); usually a run is one step.
A sheet or export is the contractor's whole log, delivered again each time it changes, so only its rows that differ
from the previous delivery land (a row hash per response key, kept in the state with the package that lands them):
a day's landing follows change, not the sheet's size. The repairs history is a change log dated by the import day
(seen_on) that collapses a response received again unchanged into its earlier version, so it is the same as if every
row had landed; a response missing from a later delivery meant nothing to it before and means nothing now. The
import log keeps each delivery's full size (rows_expected). Each step's package holds the records, the
refusals, the import log and the state move (invariant 4). A sheet Google refuses (403), cannot find, or keeps
failing for is left for the next run with its state unmoved; the other contractors still land, and the run then
fails with every reason, so the operator sees it.
"""

from __future__ import annotations

import hashlib
import itertools
import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import partial

import dlt

from core.contract import Table
from core.deliveries import Accepted, Refused, Step, accept, describe, land_step
from core.errors import PlatformError, SourceNotConfigured
from core.import_log import IngestReport
from core.ingest_run import IngestRun
from core.landing_zone import LandingFile, content_digest, list_files, not_landed
from core.source_kit import Progress
from core.tabular import Table as Tabular
from core.tabular import from_rows, read_csv, read_xlsx
from core.workspace import Workspace
from ingestion.repairs.settings import SOURCE, ExportSource, RepairsSettings, SheetSource
from ingestion.repairs.sheets import ServiceAccountKey, SheetsClient

KEY_COLUMN = "response_key"  # added by the connector: the response's identity (contract key)
RESERVED = frozenset({KEY_COLUMN})


@dataclass(frozen=True)
class Pending:
    """One delivery waiting to land, and how to remember it once landed."""

    checked: Accepted | Refused
    sheet: str | None  # the contract table whose last landed sheet state this is (None: a file)
    file_name: str | None
    row_hashes: dict[str, str] | None = None  # every row of the delivery: response key -> row hash (None: refused)


def row_hash(values: dict[str, str | None]) -> str:
    """A short digest of a row's cells under their column names (a renamed header changes every row)."""
    text = json.dumps(values, sort_keys=True, ensure_ascii=True)
    return hashlib.blake2b(text.encode(), digest_size=8).hexdigest()


def changed_rows(checked: Accepted | Refused, previous: dict[str, str]) -> tuple[Accepted | Refused, dict[str, str]]:
    """The delivery with only the rows whose key is new or whose content differs from `previous` (the last delivery's
    row hashes), and every row's hash. Keys are computed once, in row order (a timestamp key numbers repeats)."""
    if isinstance(checked, Refused):
        return checked, previous
    hashes: dict[str, str] = {}
    keys: dict[int, str] = {}
    kept = []
    for (number, values), cells in zip(checked.rows.records(), checked.rows.rows, strict=True):
        key = checked.key(number, values)
        keys[number] = key
        if key is None:  # no key: it lands, and staging rejects it with the reason
            kept.append(cells)
            continue
        hashes[key] = row_hash(values)
        if previous.get(key) != hashes[key]:
            kept.append(cells)
    changed = replace(
        checked, rows=replace(checked.rows, rows=tuple(kept)), key=lambda number, _: keys[number],
        held=len(checked.rows.rows),
    )  # fmt: skip
    return changed, hashes


def table_for(contractor: str, tables: dict[str, Table]) -> Table:
    name = f"{contractor}_responses"
    if name not in tables:
        known = ", ".join(sorted(t.removesuffix("_responses") for t in tables))
        raise SourceNotConfigured(f"repairs: no contract for contractor {contractor!r} (known: {known})")
    return tables[name]


def ingest(settings: RepairsSettings, workspace: Workspace, progress: Progress = print) -> IngestReport:
    """Land every contractor's new deliveries. One run per workspace at a time."""
    with IngestRun.open(SOURCE, settings, workspace, progress) as run:
        tables = run.entry.contract().tables
        pipeline = run.pipeline()
        state = run.state(pipeline)
        failures: list[PlatformError] = []
        queues: list[list[Pending]] = []
        client = _client(settings, progress) if settings.sheet_sources() else None
        for sheet in settings.sheet_sources():
            try:
                pending = _sheet_delivery(client, sheet, table_for(sheet.contractor, tables), settings, state)
            except PlatformError as error:
                failures.append(error)
                progress(f"  repairs {sheet.contractor}: not read, left for the next run: {error}")
                continue
            queues.append([pending] if pending else [])
        for export in settings.export_sources():
            queues.append(_export_deliveries(export, table_for(export.contractor, tables), settings, state))
        steps = [[p for p in batch if p is not None] for batch in itertools.zip_longest(*queues)]
        for number, batch in enumerate(steps, start=1):
            label = "deliveries" if len(steps) == 1 else f"deliveries {number} of {len(steps)}"
            delivery = run.delivery(label, "repairs")
            step = Step(label)
            for pending in batch:
                step.add(pending.checked)
            step_report = land_step(pipeline, SOURCE, step, delivery, partial(_remember, batch, delivery.imported_at),
                                    key_column=KEY_COLUMN)  # fmt: skip
            run.report.steps.append(step_report)
            progress(f"  repairs {label}: {describe(step_report)}")
        if client is not None:
            run.report.requests_made = client.requests_made
        report = run.finish(tables.values())
        if not steps:
            progress("repairs: no contractor delivery changed since the last import")
        if failures:
            raise _combined(failures)
        return report


def _client(settings: RepairsSettings, progress: Progress) -> SheetsClient:
    if settings.service_account_key:
        key = ServiceAccountKey.from_json(str(settings.service_account_key), "SOURCES__REPAIRS__SERVICE_ACCOUNT_KEY")
    else:
        key = ServiceAccountKey.from_file(str(settings.service_account_key_path))
    return SheetsClient(settings.sheets_base_url, key, timeout_s=settings.timeout_s,
                        max_attempts=settings.max_attempts, backoff_s=settings.backoff_s,
                        max_retry_after_s=settings.max_retry_after_s, warn=progress)  # fmt: skip


def _sheet_delivery(
    client: SheetsClient | None, sheet: SheetSource, table: Table, settings: RepairsSettings, state: dict
) -> Pending | None:
    """The sheet as it stands, when it differs from the last state landed (or refused) for it."""
    assert client is not None
    read = client.read_sheet(sheet.spreadsheet_id, sheet.tab, settings.rows_per_request)
    digest = content_digest(read.rows)
    if state.get("sheets", {}).get(table.name) == digest:
        return None
    reference = f"sheet {sheet.spreadsheet_id} '{sheet.tab}'"
    checked = accept(table, reference, digest, partial(from_rows, read.rows, RESERVED, True))
    changed, hashes = changed_rows(checked, state.get("rows", {}).get(table.name, {}))
    return Pending(changed, table.name, None, hashes if isinstance(changed, Accepted) else None)


def _export_deliveries(export: ExportSource, table: Table, settings: RepairsSettings, state: dict) -> list[Pending]:
    """The export files never landed (nor refused) before, oldest name first."""
    files = not_landed(list_files(str(settings.landing_root), export.pattern), state.get("files", {}))
    out = []
    previous = state.get("rows", {}).get(table.name, {})
    for file in files:
        key = _timestamp_key(export.key_column) if export.key_column else None
        checked = accept(table, file.name, file.digest, partial(_read_export, file, export), key)
        changed, previous = changed_rows(checked, previous)  # each file against the one landing before it
        out.append(Pending(changed, None, file.name, previous if isinstance(changed, Accepted) else None))
    return out


def _read_export(file: LandingFile, export: ExportSource) -> Tabular:
    data = file.read_bytes()
    if export.format == "xlsx":
        return read_xlsx(data, export.tab, RESERVED)
    return read_csv(data, export.encoding, RESERVED)


def _timestamp_key(column: str) -> Callable[[int, dict[str, str | None]], str | None]:
    """A response identified by a column's value (a contractor sending only new responses: its Timestamp); a value
    repeated within one delivery gets #2, #3 ... in row order, so two responses never merge."""
    seen: Counter[str] = Counter()

    def key(_: int, values: dict[str, str | None]) -> str | None:
        value = values.get(column)
        if value is None:
            return None  # staging rejects the record ('missing key'): visible in monitoring.source_rejects
        seen[value] += 1
        return value if seen[value] == 1 else f"{value}#{seen[value]}"

    return key


def _remember(batch: list[Pending], imported_at: str) -> None:
    """Inside the package: each delivery of the step is handled, and the delivery order moves on."""
    state = dlt.current.source_state()
    for pending in batch:
        if pending.row_hashes is not None:
            state.setdefault("rows", {})[pending.checked.table.name] = pending.row_hashes
        if pending.sheet is not None:
            state.setdefault("sheets", {})[pending.sheet] = pending.checked.digest
        if pending.file_name is not None:
            state.setdefault("files", {})[pending.checked.digest] = pending.file_name
    state["last_imported_at"] = imported_at


def _combined(failures: list[PlatformError]) -> PlatformError:
    """One error for the run, of the first failure's kind, naming every sheet left unread."""
    if len(failures) == 1:
        return failures[0]
    first = failures[0]
    text = "; ".join(str(f) for f in failures)
    return type(first)(f"{len(failures)} contractor sheets were not read (the rest landed): {text}")
