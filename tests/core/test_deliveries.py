"""Tabular deliveries checked against their contract: accepted with provenance, or refused whole with the reason."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from core.contract import load_table
from core.deliveries import Accepted, Refused, Step, accept
from core.lake import Delivery
from core.tabular import TabularProblem, from_rows

CONTRACT = """
name: responses
load: snapshot
key: response_key
required: [timestamp, address]
columns:
  - {name: response_key, type: text, class: not_personal, description: "Row."}
  - {name: timestamp, type: text, class: not_personal, description: "When."}
  - {name: address, type: text, class: not_personal, description: "Where."}
"""


def table(tmp_path: Path):
    path = tmp_path / "responses.yml"
    path.write_text(CONTRACT)
    return load_table(path, "repairs", "housing")


def test_an_accepted_delivery_keeps_each_rows_number_and_reference(tmp_path):
    rows = [["Timestamp", "Address"], ["06/01/2025 09:00:00", "1 Rose St"], [], ["07/01/2025 10:00:00", "2 Rose St"]]
    checked = accept(table(tmp_path), "sheet abc 'Form responses 1'", "d1", lambda: from_rows(rows))
    assert isinstance(checked, Accepted)
    records = list(checked.records("response_key"))
    assert [(r.index, r.values["response_key"], r.source_ref) for r in records] == [
        (2, "2", "sheet abc 'Form responses 1'"),
        (4, "4", "sheet abc 'Form responses 1'"),
    ], "row numbers are the sheet's own, blank rows are not renumbered"


def test_a_missing_required_column_refuses_the_delivery_and_names_what_arrived_instead(tmp_path):
    rows = [["Timestamp", "Repair address"], ["06/01/2025 09:00:00", "1 Rose St"]]
    checked = accept(table(tmp_path), "f.csv", "d2", lambda: from_rows(rows))
    assert isinstance(checked, Refused)
    assert "no address column" in checked.problem and "repair_address" in checked.problem
    row = checked.row(Delivery("2025-01-07 06:00:00.000000", date(2025, 1, 7), "deliveries", "x"))
    assert row["table_name"] == "responses" and row["reason"].startswith("delivery refused: ")
    assert '"sha256": "d2"' in row["record_json"] and row["_source_ref"] == "f.csv"


def test_a_full_delivery_with_no_rows_can_be_refused_and_a_read_failure_is_a_refusal(tmp_path):
    header_only = accept(table(tmp_path), "g.csv", "d3", lambda: from_rows([["Timestamp", "Address"]]),
                         at_least_one_row=True)  # fmt: skip
    assert isinstance(header_only, Refused) and "no rows" in header_only.problem

    def unreadable():
        raise TabularProblem("the file is empty (0 bytes)")

    assert isinstance(accept(table(tmp_path), "h.csv", "d4", unreadable), Refused)


def test_a_step_sorts_what_it_carries(tmp_path):
    step = Step("deliveries")
    step.add(accept(table(tmp_path), "a.csv", "1", lambda: from_rows([["Timestamp", "Address"], ["t", "a"]])))
    step.add(accept(table(tmp_path), "b.csv", "2", lambda: from_rows([["Timestamp"], ["t"]])))
    assert step.tables() == {"responses"} and len(step.refused) == 1
