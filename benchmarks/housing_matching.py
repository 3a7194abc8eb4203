"""Address matching measured against ground truth, ours beside the anchor (the Ministry of Justice's
uk_address_matcher), on the sandbox's labelled repairs: used by the housing end-to-end test and
benchmarks/housing_scale.py.

Both matchers get the same inputs: each repair's address and postcode cell as typed, and the gazetteer file in force.
Ours is read from what the dbt build produced (housing_trusted.repairs: the whole pipeline, DLO property references
included; housing_refined.int_housing__address_matches: the address matcher alone); the anchor runs here, in DuckDB.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import duckdb

# uk_address_matcher's documented example threshold: accept a probabilistic match with a match weight of at least 10
# and a distinguishability (lead over the runner-up) of at least 1; exact-stage matches carry neither and are kept.
ANCHOR_MIN_WEIGHT = 10.0
ANCHOR_MIN_DISTINGUISHABILITY = 1.0


@dataclass(frozen=True)
class Score:
    """One matcher's result on labelled inputs; the one score type of the address-matching benchmarks and tests."""

    labelled: int  # inputs with a label (a UPRN, or None = "not in the gazetteer")
    with_uprn: int  # labelled with a UPRN
    matched: int  # inputs the matcher gave a UPRN
    correct: int  # ... the labelled one

    @property
    def precision(self) -> float:
        return self.correct / self.matched if self.matched else 1.0

    @property
    def recall(self) -> float:
        return self.correct / self.with_uprn if self.with_uprn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def line(self, name: str, seconds: float | None = None) -> str:
        took = f", {seconds:.1f} s" if seconds is not None else ""
        counts = f"{self.correct}/{self.matched} matched correct, {self.with_uprn} labelled with a UPRN{took}"
        return f"{name:<40} precision {self.precision:7.2%}  recall {self.recall:7.2%}  ({counts})"


def score(predicted: Mapping[str, int | None], labels: Mapping[str, int | None]) -> Score:
    """Precision and recall of `predicted` (input id -> UPRN or None) against `labels` (input id -> UPRN or None).
    A UPRN given to an input labelled None (a garage, a new build not listed yet) is a wrong match."""
    matched = correct = 0
    for key, label in labels.items():
        got = predicted.get(key)
        if got is None:
            continue
        matched += 1
        correct += int(got == label)
    return Score(len(labels), sum(1 for v in labels.values() if v is not None), matched, correct)


def repair_id(world: Any, contractor: str, sheet_row: int) -> str:
    """The platform's repair_id of a sandbox response: its row, or (a contractor sending only new jobs, keyed by
    time stamp) the timestamp as typed."""
    key = world.contractors[contractor]
    if key.delivery.kind == "csv_incremental":
        return f"{contractor}:{world.repair(contractor, sheet_row).cells['datetime_raised']}"
    return f"{contractor}:{sheet_row}"


def labelled_repairs(world: Any, as_of: date) -> tuple[dict[str, int | None], list[tuple[str, str, str | None]]]:
    """(labels by repair_id, [(repair_id, address as typed, postcode cell)]) of every response visible on as_of."""
    labels: dict[str, int | None] = {}
    inputs = []
    cutoff = world.cutoff(as_of)
    for (contractor, row), label in world.address_labels(as_of).items():
        key = repair_id(world, contractor, row)
        cells = world.repair(contractor, row).cells_at(cutoff)
        labels[key] = label
        inputs.append((key, cells.get("property_address", ""), cells.get("postal_code_raw") or None))
    return labels, inputs


def gazetteer_rows(world: Any, as_of: date) -> list[tuple[str, str, str]]:
    return [(str(a.uprn), a.single_line(), a.postcode) for a in world.gazetteer_on(as_of)]


def anchor_matches(gazetteer: list[tuple[str, str, str]], inputs: list[tuple[str, str, str | None]]) -> dict[str, int]:
    """uk_address_matcher's answer for each input (id -> UPRN), at its documented example threshold."""
    from uk_address_matcher import AddressMatcher

    con = duckdb.connect()
    con.execute("create table canonical (unique_id varchar, address_concat varchar, postcode varchar)")
    con.executemany("insert into canonical values (?, ?, ?)", gazetteer)
    con.execute("create table messy (unique_id varchar, address_concat varchar, postcode varchar)")
    con.executemany("insert into messy values (?, ?, ?)", inputs)
    matcher = AddressMatcher(canonical_addresses=con.table("canonical"), addresses_to_match=con.table("messy"),
                             con=con, show_progress="off")  # fmt: skip
    result = matcher.match().matches()
    columns = result.columns
    found: dict[str, int] = {}
    for values in result.fetchall():
        row = dict(zip(columns, values, strict=True))
        if row["resolved_canonical_id"] is None:
            continue
        weight, lead = row["match_weight"], row["distinguishability"]
        if str(row["match_reason"]).startswith("splink"):
            if weight is None or weight < ANCHOR_MIN_WEIGHT:
                continue
            if lead is not None and lead < ANCHOR_MIN_DISTINGUISHABILITY:
                continue
        found[str(row["unique_id"])] = int(row["resolved_canonical_id"])
    con.close()
    return found


def ours(database: Path, whole_pipeline: bool = True) -> dict[str, int | None]:
    """Our matcher's answer per repair_id, from a built DuckDB file: the repairs mart (property references first, then
    addresses) or the address matcher alone."""
    query = (
        "select repair_id, uprn from housing_trusted.repairs"
        if whole_pipeline
        else "select input_id, uprn from housing_refined.int_housing__address_matches where input_kind = 'repair'"
    )
    with duckdb.connect(str(database)) as con:  # the same configuration as dbt's own connection in this process
        return {key: (int(uprn) if uprn is not None else None) for key, uprn in con.execute(query).fetchall()}


def side_by_side(world: Any, as_of: date, database: Path) -> dict[str, tuple[Score, float | None]]:
    """Ours (whole pipeline, address matcher alone) and the anchor, scored on the same labelled repairs."""
    labels, inputs = labelled_repairs(world, as_of)
    started = time.perf_counter()
    anchor = anchor_matches(gazetteer_rows(world, as_of), inputs)
    anchor_seconds = time.perf_counter() - started
    return {
        "ours (property reference, then address)": (score(ours(database, True), labels), None),
        "ours (address matcher alone)": (score(ours(database, False), labels), None),
        "uk_address_matcher 1.5.3 (anchor)": (score(anchor, labels), anchor_seconds),
    }
