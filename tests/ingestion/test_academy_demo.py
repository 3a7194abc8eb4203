"""The Academy stand-in as the demo job drives it (data_platform.jobs.demo): the registry's sandbox package offers
demo(seed, first_day, workdir), whose object advances day by day and gives the settings the connector needs."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from core.registry import source_entry
from data_platform.sources import connector, sandbox
from sandbox.academy import PostgresUnavailable
from tests.conftest import repo_local_folder

# A stable folder (reused run after run), under the repo: PostgreSQL's OS user cannot enter pytest's tmp dirs, and a
# new folder each run would leave a new cluster behind each time.
WORKDIR = repo_local_folder("academy-demo-test")


def test_the_demo_stand_in_drives_the_connector_day_by_day(workspace):
    entry = source_entry("academy")
    source, stand_in_package = connector(entry), sandbox(entry)
    first = date(2025, 2, 3)
    try:
        context = stand_in_package.demo(7, first, WORKDIR)
        stand_in = context.__enter__()
    except PostgresUnavailable as missing:
        pytest.skip(str(missing))
    try:
        landed = []
        for offset in range(2):
            day = first + timedelta(days=offset)
            stand_in.advance(day)
            report = source.ingest(source.load_settings(**stand_in.settings(), today=day), workspace, lambda _: None)
            landed.append(report.rows_by_table())
        assert stand_in.replica.today == first + timedelta(days=1)
        assert landed[0]["ctaccount"] >= 3_000  # the demo's world: a few thousand accounts, every table landed
        assert set(landed[0]) == set(entry.contract().tables)
        assert 0 < landed[1]["ctaccount"] < landed[0]["ctaccount"]  # the next day: changes only
        assert landed[1]["ctliab_person"] == len(
            stand_in.replica.truth.rows_as_of("ctliab_person", first + timedelta(1))
        )
    finally:
        context.__exit__(None, None, None)
    assert not stand_in.replica.cluster.running  # the demo stops the server it started
