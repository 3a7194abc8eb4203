"""The demo builds the default workspace and resets it each run, so it must refuse a workspace whose local lake holds
imports it did not make (real data is never deleted), and say where to point it instead."""

from __future__ import annotations

import pytest

from core.workspace import Workspace
from data_platform.jobs import DEMO_MARKER, NotADemoWorkspace, demo


def test_the_demo_refuses_a_lake_it_did_not_make_and_deletes_nothing(tmp_path):
    workspace = Workspace.at(tmp_path / "home")
    landed = tmp_path / "home" / "lake" / "raw" / "planning" / "tascomi" / "applications" / "part.parquet"
    landed.parent.mkdir(parents=True)
    landed.write_bytes(b"real data")
    with pytest.raises(NotADemoWorkspace, match="DATA_PLATFORM_HOME="):
        demo(workspace, days=0, progress=lambda _: None)
    assert landed.read_bytes() == b"real data"
    assert not (tmp_path / "home" / DEMO_MARKER).exists()
