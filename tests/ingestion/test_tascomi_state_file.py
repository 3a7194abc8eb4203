"""Operator faults on dlt's local state file (the cursor): truncated or replaced by `{}`.

The lake holds a copy of the state with every load, so the next run rebuilds the cursor from it and lands exactly
what a fault-free run lands; when the lake has loads but no copy, every run refuses with one line saying how to
recover, and lands nothing."""

from __future__ import annotations

import shutil
from datetime import timedelta

import pytest

from core.lake import PipelineStateLost
from ingestion.tascomi import ingest
from tests.conftest import FIRST_IMPORT, tascomi_settings
from tests.ingestion.lake_reader import raw_rows
from tests.ingestion.tascomi_days import DAILY


def land_days(server, workspace, days: range) -> None:
    for n in days:
        server.set_today(FIRST_IMPORT + timedelta(days=n))
        ingest(tascomi_settings(server, FIRST_IMPORT + timedelta(days=n)), workspace, progress=lambda _: None)


@pytest.mark.parametrize("damage", ["truncated", "empty object"])
def test_an_unreadable_state_file_is_rebuilt_from_the_lake(damage, tascomi_sandbox, workspace, tascomi_days):
    tascomi_days.start_from((0, 1), workspace, tascomi_sandbox)
    state = workspace.dlt_dir / "tascomi" / "state.json"
    text = state.read_text()
    state.write_text(text[: len(text) // 2] if damage == "truncated" else "{}")
    land_days(tascomi_sandbox, workspace, range(2, 3))
    assert {t: raw_rows(workspace.home, t) for t in DAILY} == tascomi_days.rows((0, 1, 2))
    kept = list(workspace.dlt_dir.glob("tascomi.state.json.unreadable-*"))
    assert kept, "the damaged file is kept for the post-mortem"
    again = ingest(tascomi_settings(tascomi_sandbox, FIRST_IMPORT + timedelta(days=2)), workspace, progress=print)
    assert again.rows_by_table() == {}, "the rebuilt cursor is where the data is: nothing lands twice"


def test_without_a_copy_in_the_lake_every_run_refuses_and_lands_nothing(tascomi_sandbox, workspace, tascomi_days):
    tascomi_days.start_from((0, 1), workspace, tascomi_sandbox)
    state = workspace.dlt_dir / "tascomi" / "state.json"
    state.write_text("{}")
    shutil.rmtree(workspace.home / "lake" / "raw" / "planning" / "tascomi" / "_dlt_pipeline_state")
    before = {t: raw_rows(workspace.home, t) for t in DAILY}
    day = FIRST_IMPORT + timedelta(days=2)
    tascomi_sandbox.set_today(day)
    for _ in range(2):
        with pytest.raises(PipelineStateLost) as refused:
            ingest(tascomi_settings(tascomi_sandbox, day), workspace, progress=lambda _: None)
        message = str(refused.value)
        assert "\n" not in message and "restore" in message and str(state) in message
        assert state.read_text() == "{}", "the damaged file stays where it was, so the next run refuses too"
    assert {t: raw_rows(workspace.home, t) for t in DAILY} == before, "nothing landed"
