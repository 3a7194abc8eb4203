"""The governance check on small generated manifests: whichever column loses its description or classification,
whichever model loses its grain test or owner, the check names exactly that, and a clean manifest passes."""

from __future__ import annotations

import copy

from hypothesis import given
from hypothesis import strategies as st

from data_platform import check

PROJECT = "council_data_platform"
names = st.from_regex(r"[a-z][a-z0-9_]{0,10}", fullmatch=True)


@st.composite
def manifests(draw: st.DrawFn) -> dict:
    """A clean manifest: trusted models with described, classified columns, a unique test each, a group owner."""
    models = draw(st.lists(names, min_size=1, max_size=4, unique=True))
    nodes, groups = {}, {f"group.{PROJECT}.planning": {"owner": {"name": "Planning", "email": "p@council.example"}}}
    for model in models:
        columns = draw(st.lists(names, min_size=1, max_size=5, unique=True))
        unique_id = f"model.{PROJECT}.{model}"
        nodes[unique_id] = {
            "unique_id": unique_id,
            "name": model,
            "resource_type": "model",
            "package_name": PROJECT,
            "description": f"{model}, one row per {columns[0]}",
            "fqn": [PROJECT, "marts", "planning", model],
            "schema": "planning_trusted",
            "config": {"group": "planning", "meta": {"department": "planning"}},
            "columns": {
                c: {
                    "name": c,
                    "description": f"the {c}",
                    "config": {"meta": {"classification": draw(st.sampled_from(check.CLASSES))}},
                }
                for c in columns
            },
        }
        nodes[f"test.{PROJECT}.unique_{model}"] = {
            "unique_id": f"test.{PROJECT}.unique_{model}",
            "resource_type": "test",
            "package_name": PROJECT,
            "test_metadata": {"name": "unique", "kwargs": {"column_name": columns[0]}},
            "depends_on": {"nodes": [unique_id]},
        }
    return {"metadata": {"project_name": PROJECT}, "nodes": nodes, "sources": {}, "groups": groups}


def _models(manifest: dict) -> list[dict]:
    return [n for n in manifest["nodes"].values() if n["resource_type"] == "model"]


@given(manifests())
def test_a_clean_manifest_passes_with_or_without_the_warehouse(manifest):
    built = {n["unique_id"]: list(n["columns"]) for n in _models(manifest)}
    assert check.problems(manifest) == []
    assert check.problems(manifest, built) == []


@given(manifests(), st.data())
def test_a_missing_classification_or_description_is_named(manifest, data):
    model = data.draw(st.sampled_from(_models(manifest)))
    column = data.draw(st.sampled_from(sorted(model["columns"])))
    broken = copy.deepcopy(manifest)
    target = broken["nodes"][model["unique_id"]]["columns"][column]
    fault = data.draw(st.sampled_from(["no class", "bad class", "no description", "todo"]))
    if fault == "no class":
        del target["config"]["meta"]["classification"]
    elif fault == "bad class":
        target["config"]["meta"]["classification"] = "public"
    elif fault == "no description":
        target["description"] = "  "
    else:
        target["description"] = "TODO describe it"
    expected = "no classification" if "class" in fault else "no description"
    problems = check.problems(broken)
    assert len(problems) == 1 and problems[0].startswith(f"{model['name']}.{column}: {expected}")


@given(manifests(), st.data())
def test_a_model_without_grain_test_or_owner_is_named(manifest, data):
    model = data.draw(st.sampled_from(_models(manifest)))
    broken = copy.deepcopy(manifest)
    if data.draw(st.booleans()):
        del broken["nodes"][f"test.{PROJECT}.unique_{model['name']}"]
        expected = f"{model['name']}: no grain test"
    else:
        broken["nodes"][model["unique_id"]]["config"]["group"] = None
        expected = f"{model['name']}: no owner"
    problems = check.problems(broken)
    assert len(problems) == 1 and problems[0].startswith(expected)


@given(manifests(), st.data())
def test_columns_built_but_not_declared_and_the_reverse_are_named(manifest, data):
    model = data.draw(st.sampled_from(_models(manifest)))
    declared = list(model["columns"])
    dropped = data.draw(st.sampled_from(declared))
    built = {n["unique_id"]: list(n["columns"]) for n in _models(manifest)}
    built[model["unique_id"]] = [c for c in declared if c != dropped] + ["zz_extra_column"]
    assert sorted(check.problems(manifest, built)) == sorted(
        [
            f"{model['name']}.zz_extra_column: built but not in the YAML",
            f"{model['name']}.{dropped}: in the YAML but not built",
        ]
    )
