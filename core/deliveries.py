"""Landing tabular deliveries (files picked up from a landing zone, sheets read through an API) one step at a time.

A delivery is read whole before anything of it lands (core.tabular): either it is a table, checked against its
contract's required columns, and each row lands as a record of its contract table, stamped with where it came from
(`_source_ref`: the file, or the sheet and tab) and its row number (`_record_index`); or it is refused whole, and one
`rejected_records` row says which delivery and why. Either way the delivery's content hash is remembered in the
same load package, so it is handled exactly once (invariant 4), and a refused delivery never touches what landed
before it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import dlt

from core.contract import Table
from core.import_log import (
    REJECTED_RECORDS,
    StepReport,
    TableLanded,
    rejected_record,
    rejected_records_hints,
)
from core.ingest_run import land_package
from core.lake import Delivery, raw_schema
from core.landing import Received, StepLanding, TableFeed
from core.tabular import Table as Tabular
from core.tabular import TabularProblem


@dataclass(frozen=True)
class Accepted:
    """A delivery that reads as a table of its contract table."""

    table: Table
    reference: str  # the file name, or the sheet and tab
    digest: str
    rows: Tabular
    key: Callable[[int, dict[str, str | None]], str] = lambda number, _: str(number)  # response key of a row
    # How many rows the whole delivery held, when fewer land (a connector landing only changed rows): the import log's
    # rows_expected. None: every row lands.
    held: int | None = None

    def records(self, key_column: str | None) -> Iterator[Received]:
        for number, values in self.rows.records():
            record: dict[str, Any] = dict(values)
            if key_column is not None:
                record[key_column] = self.key(number, values)
            yield Received(record, self.reference, number)


@dataclass(frozen=True)
class Refused:
    """A delivery that could not be landed, and why."""

    table: Table
    reference: str
    digest: str
    problem: str

    def row(self, delivery: Delivery) -> dict[str, Any]:
        described = {"delivery": self.reference, "sha256": self.digest, "problem": self.problem}
        return rejected_record(
            self.table.name, f"delivery refused: {self.problem}", described, delivery.stamp(0, self.reference)
        )


def check_required(table: Table, rows: Tabular, reference: str) -> None:
    """A delivery missing a column its contract requires is refused; the message names what arrived instead."""
    missing = [c for c in table.required if c not in rows.columns]
    if not missing:
        return
    unknown = [c for c in rows.columns if c not in table.column_names]
    hint = f"; column(s) not in the contract arrived: {', '.join(unknown)} (a renamed header?)" if unknown else ""
    raise TabularProblem(
        f"{reference} has no {', '.join(missing)} column (required by the {table.name} contract){hint}. It was not "
        "landed: ask the sender to restore the header, or, if the rename is meant to stay, add the new name to "
        f"ingestion/{table.source}/contract/{table.name}.yml."
    )


def accept(
    table: Table,
    reference: str,
    digest: str,
    read: Callable[[], Tabular],
    key: Callable[[int, dict[str, str | None]], str] | None = None,
    at_least_one_row: bool = False,
) -> Accepted | Refused:
    """Read a delivery whole and check it, or refuse it with the reason."""
    try:
        rows = read()
        check_required(table, rows, reference)
        if at_least_one_row and not rows.rows:
            raise TabularProblem(
                f"{reference} has a header but no rows: a full delivery with nothing in it is not landed (the "
                "previous full delivery stays current); ask the sender for the file again"
            )
    except TabularProblem as problem:
        return Refused(table, reference, digest, str(problem))
    return Accepted(table, reference, digest, rows, key or (lambda number, _: str(number)))


@dataclass
class Step:
    """What one load package carries: at most one accepted delivery per table, and any refused ones."""

    label: str
    accepted: list[Accepted] = field(default_factory=list)
    refused: list[Refused] = field(default_factory=list)

    def add(self, delivery: Accepted | Refused) -> None:
        if isinstance(delivery, Accepted):
            self.accepted.append(delivery)
        else:
            self.refused.append(delivery)

    def tables(self) -> set[str]:
        return {a.table.name for a in self.accepted}


def land_step(
    pipeline: dlt.Pipeline,
    source: str,
    step: Step,
    delivery: Delivery,
    on_done: Callable[[], None],
    key_column: str | None = None,
) -> StepReport:
    """Land one step as one dlt load package: records, refusals, import log, and the state move `on_done` makes."""
    feeds = [TableFeed(a.table, a.records(key_column), expected=partial(_held, a)) for a in step.accepted]
    landing = StepLanding(feeds, delivery, on_done)
    refusals = [r.row(delivery) for r in step.refused]

    @dlt.source(schema=raw_schema(source, landing.tables()))
    def deliveries() -> Any:
        yield dlt.resource(landing.items(), name="raw", write_disposition="append")
        if refusals:
            hints = rejected_records_hints()
            yield dlt.resource(refusals, name=REJECTED_RECORDS, write_disposition="append", columns=hints)

    land_package(pipeline, deliveries())
    report = StepReport(step.label, {t.table: t for t in landing.landed})
    for refused in step.refused:
        report.tables.setdefault(refused.table.name, TableLanded(refused.table.name)).rows_rejected += 1
    return report


def _held(accepted: Accepted) -> int | None:
    return accepted.held


def describe(report: StepReport) -> str:
    """One line for the progress log: rows landed per table, refusals."""
    landed = ", ".join(f"{t} {n.rows_landed}" for t, n in sorted(report.tables.items()) if n.rows_landed)
    refused = sum(n.rows_rejected for n in report.tables.values())
    note = f" ({refused} delivery(ies) or record(s) refused: see rejected_records)" if refused else ""
    return f"{landed or 'nothing new'}{note}"
