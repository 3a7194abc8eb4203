"""The two matchers run on an evaluation split, each given the same inputs, and scored the same way.

Ours is the project's dbt SQL, unchanged: `dbt compile` of the four matching models (inputs, gazetteer addresses,
gazetteer words, matches), then the compiled SQL run in DuckDB over tables laid out where the models' refs point
(the repairs history and properties history the inputs model reads, the staged LLPG the gazetteer models read).
The anchor is the Ministry of Justice's uk_address_matcher, whose acceptance threshold is the user's choice: it is
chosen on the tuning split (the best recall at the target precision, else the best F1) and, to be fair to it, its
best threshold on the held-out split itself is reported too.
"""

from __future__ import annotations

import json
import os
import re
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import duckdb

from benchmarks.address_eval.borough import Borough
from benchmarks.address_eval.records import Record
from benchmarks.housing_matching import Score
from benchmarks.housing_matching import score as score_labels

MODELS = (
    "int_housing__address_inputs",
    "int_housing__gazetteer_addresses",
    "int_housing__gazetteer_words",
    "int_housing__address_matches",
)
TARGET_PRECISION = 0.975
VOCABULARY = Path(__file__).resolve().parents[2] / "seeds" / "housing" / "address_vocabulary.csv"


def score(predicted: Mapping[str, int | None], records: Iterable[Record]) -> Score:
    """Scored as benchmarks/housing_matching.py scores: a UPRN given to a record with no true address is wrong."""
    return score_labels(predicted, {r.record_id: r.label for r in records})


@dataclass(frozen=True)
class Compiled:
    sql: dict[str, str]  # model -> compiled select
    relations: dict[str, str]  # model or source node name -> relation name it is read from / written to


def compile_ours(home: Path, variables: dict[str, object] | None = None) -> Compiled:
    """dbt compile of the matching models in a throw-away workspace (DuckDB, target ci)."""
    from core.workspace import Workspace
    from data_platform import dbt

    workspace = Workspace.at(home)
    dbt.run_dbt(workspace, "compile", "--select", " ".join(MODELS), target="ci", quiet=True, extra_vars=variables)
    manifest = json.loads((workspace.dbt_target_dir / "manifest.json").read_text())
    sql, relations = {}, {}
    for node in manifest["nodes"].values():
        if node["resource_type"] == "seed":
            relations[node["name"]] = node["relation_name"]
        if node["resource_type"] != "model":
            continue
        relations[node["name"]] = node["relation_name"]
        if node["name"] in MODELS:
            sql[node["name"]] = node["compiled_code"]
    return Compiled(sql, relations)


def _create(con: duckdb.DuckDBPyConnection, relation: str, columns: str, rows: list[tuple]) -> None:
    parts = [p.strip('"') for p in relation.split(".")]
    con.execute(f"create schema if not exists {parts[-3]}.{parts[-2]}" if len(parts) == 3 else "select 1")
    con.execute(f"create or replace table {relation} ({columns})")
    if rows:
        marks = ", ".join("?" for _ in columns.split(","))
        con.executemany(f"insert into {relation} values ({marks})", rows)


@dataclass(frozen=True)
class Run:
    uprns: dict[str, int | None]
    seconds: float  # wall time of the matching SQL (gazetteer preparation included)
    cpu_seconds: float
    rows: list[dict]  # the matches table, for reading errors


def run_ours(compiled: Compiled, borough: Borough, records: list[Record]) -> Run:
    con = duckdb.connect()
    catalogs = {r.split(".")[0].strip('"') for r in compiled.relations.values() if r.count(".") == 2}
    for catalog in catalogs:
        con.execute(f"attach ':memory:' as {catalog}")
    _create(con, compiled.relations["stg_gazetteer__llpg"],
            "uprn bigint, parent_uprn bigint, usrn bigint, blpu_class varchar, postcode varchar, "
            "address_line_1 varchar, address_line_2 varchar, address_line_3 varchar, is_current boolean",
            [(a.uprn, a.parent_uprn, a.usrn, a.blpu_class, a.postcode, *a.lines(), True)
             for a in borough.addresses])  # fmt: skip
    _create(con, compiled.relations["int_housing__repairs_history"],
            "repair_id varchar, contractor varchar, property_address varchar, postal_code_raw varchar, "
            "is_current boolean",
            [(r.record_id, r.contractor, r.address, r.postcode or None, True) for r in records])  # fmt: skip
    _create(con, compiled.relations["int_housing__properties_history"],
            "property_reference varchar, address_line_1 varchar, address_line_2 varchar, address_line_3 varchar, "
            "postcode varchar, is_current boolean", [])  # fmt: skip
    vocabulary = compiled.relations["address_vocabulary"]
    _create(con, vocabulary, "typed varchar, canonical varchar, role varchar", [])
    con.execute(f"insert into {vocabulary} select * from read_csv('{VOCABULARY}', header = true, all_varchar = true)")
    started, cpu = time.perf_counter(), os.times()
    for model in MODELS:
        con.execute(f"create or replace table {compiled.relations[model]} as {compiled.sql[model]}")
    seconds = time.perf_counter() - started
    after = os.times()
    cpu_seconds = (after.user - cpu.user) + (after.system - cpu.system)
    result = con.execute(f"select * from {compiled.relations['int_housing__address_matches']}")
    columns = [d[0] for d in result.description]
    rows = [dict(zip(columns, values, strict=True)) for values in result.fetchall()]
    con.close()
    uprns = {row["input_id"]: (int(row["uprn"]) if row["uprn"] is not None else None) for row in rows}
    return Run(uprns, seconds, cpu_seconds, rows)


POSTCODE = re.compile(r"[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}", re.IGNORECASE)


@dataclass(frozen=True)
class AnchorRun:
    candidates: list[tuple[str, int, str, float | None, float | None]]  # id, uprn, reason, weight, lead
    seconds: float
    cpu_seconds: float

    def at(self, min_weight: float, min_lead: float) -> dict[str, int | None]:
        """Its answer at a threshold: splink matches below either bound refused; exact-stage matches kept."""
        found: dict[str, int | None] = {}
        for key, uprn, reason, weight, lead in self.candidates:
            if reason.startswith("splink") and (
                weight is None or weight < min_weight or (lead is not None and lead < min_lead)
            ):
                continue
            found[key] = uprn
        return found


def run_anchor(borough: Borough, records: list[Record]) -> AnchorRun:
    """uk_address_matcher 1.5.3 on the same inputs: the gazetteer's single line and postcode; each record's address
    and its postcode cell, else the postcode typed inside the address (as our inputs model takes it)."""
    from uk_address_matcher import AddressMatcher

    con = duckdb.connect()
    con.execute("create table canonical (unique_id varchar, address_concat varchar, postcode varchar)")
    con.executemany("insert into canonical values (?, ?, ?)",
                    [(str(a.uprn), a.single_line(), a.postcode) for a in borough.addresses])  # fmt: skip
    con.execute("create table messy (unique_id varchar, address_concat varchar, postcode varchar)")
    rows = []
    for r in records:
        typed = POSTCODE.search(r.address)
        rows.append((r.record_id, r.address, r.postcode or (typed.group(0) if typed else None)))
    con.executemany("insert into messy values (?, ?, ?)", rows)
    started, cpu = time.perf_counter(), os.times()
    matcher = AddressMatcher(canonical_addresses=con.table("canonical"), addresses_to_match=con.table("messy"),
                             con=con, show_progress="off")  # fmt: skip
    result = matcher.match().matches()
    columns = result.columns
    candidates = []
    for values in result.fetchall():
        row = dict(zip(columns, values, strict=True))
        if row["resolved_canonical_id"] is None:
            continue
        candidates.append((str(row["unique_id"]), int(row["resolved_canonical_id"]), str(row["match_reason"]),
                           row["match_weight"], row["distinguishability"]))  # fmt: skip
    seconds = time.perf_counter() - started
    after = os.times()
    con.close()
    return AnchorRun(candidates, seconds, (after.user - cpu.user) + (after.system - cpu.system))


WEIGHTS = (-5.0, 0.0, 2.0, 4.0, 6.0, 8.0, 10.0, 12.0, 15.0, 20.0)
LEADS = (0.0, 0.5, 1.0, 2.0, 3.0, 5.0, 8.0)


def best_threshold(run: AnchorRun, records: list[Record]) -> tuple[float, float]:
    """The anchor's best setting on these records: the highest recall at TARGET_PRECISION, else the best F1."""
    options = [((w, d), score(run.at(w, d), records)) for w in WEIGHTS for d in LEADS]
    meeting = [o for o in options if o[1].precision >= TARGET_PRECISION]
    if meeting:
        return max(meeting, key=lambda o: (o[1].recall, o[1].precision))[0]
    return max(options, key=lambda o: o[1].f1)[0]
