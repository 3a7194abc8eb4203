"""The catalogue's test results after a build of a selection (the nightly's `source:<name>+`, an analyst's
`build --select`): the selected nodes show the new results, every other node keeps its latest, each with its own time
(data_platform/catalogue.py keep_build_results). Plain files, as dbt writes them; no build."""

from __future__ import annotations

import json
from pathlib import Path

from data_platform import catalogue
from data_platform.catalogue import BUILD_RESULTS, keep_build_results

MANIFEST = {
    "nodes": {
        f"test.p.{name}": {"resource_type": "test", "depends_on": {"nodes": [f"model.p.{model}"]}}
        for name, model in (("a_unique", "a"), ("a_not_null", "a"), ("b_unique", "b"))
    }
}


def write_build(target: Path, when: str, select: list[str] | None, statuses: dict[str, str]) -> None:
    results = [{"unique_id": f"test.p.{name}", "status": status} for name, status in statuses.items()]
    run = {"metadata": {"generated_at": when}, "args": {"which": "build", "select": select}, "results": results}
    (target / "run_results.json").write_text(json.dumps(run))


def test_a_selection_replaces_what_it_ran_and_keeps_the_rest(tmp_path: Path) -> None:
    write_build(tmp_path, "2026-12-01T02:00:00Z", None, {"a_unique": "pass", "a_not_null": "pass", "b_unique": "pass"})
    keep_build_results(tmp_path)
    write_build(tmp_path, "2026-12-02T02:00:00Z", ["source:b+"], {"b_unique": "fail"})
    kept = keep_build_results(tmp_path)
    assert kept is not None
    counts, tested_at = catalogue.test_results(MANIFEST, kept)
    assert counts["model.p.a"] == {"pass": 2}, "a was not in the selection: its earlier results stay"
    assert counts["model.p.b"] == {"fail": 1}, "b's new result replaces its old one, never beside it"
    assert tested_at == {"model.p.a": "2026-12-01 02:00", "model.p.b": "2026-12-02 02:00"}

    keep_build_results(tmp_path)  # the catalogue keeps the results again before docs: nothing is counted twice
    assert len(json.loads((tmp_path / BUILD_RESULTS).read_text())["results"]) == 3

    write_build(tmp_path, "2026-12-03T02:00:00Z", None, {"a_unique": "pass"})
    counts, _ = catalogue.test_results(MANIFEST, keep_build_results(tmp_path))
    assert counts == {"model.p.a": {"pass": 1}}, "a whole build replaces everything: a node it no longer has is gone"


def test_a_command_other_than_build_leaves_the_kept_results(tmp_path: Path) -> None:
    write_build(tmp_path, "2026-12-01T02:00:00Z", None, {"a_unique": "pass"})
    keep_build_results(tmp_path)
    (tmp_path / "run_results.json").write_text(
        json.dumps({"metadata": {"generated_at": "x"}, "args": {"which": "generate"}, "results": []})
    )
    kept = keep_build_results(tmp_path)
    assert kept is not None and [r["unique_id"] for r in kept["results"]] == ["test.p.a_unique"]
