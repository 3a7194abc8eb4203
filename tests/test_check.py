"""The governance check on small generated manifests: whichever column loses its description or class tag (or gets a
wrong one, two, or the retired meta.classification), whichever model loses its grain test or owner, the check names
exactly that, and a clean manifest passes."""

from __future__ import annotations

import copy

from hypothesis import assume, given
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
                    # the class tag, maybe beside a tag of another kind (which the check leaves alone)
                    "config": {"tags": [draw(st.sampled_from(check.CLASSES)), *draw(st.sampled_from([[], ["gdpr"]]))]},
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
    # An exposure rests on some of them: those are public, with an enforced contract typing every column.
    rested_on = draw(st.lists(st.sampled_from(sorted(models)), unique=True))
    for model in rested_on:
        node = nodes[f"model.{PROJECT}.{model}"]
        node["access"] = "public"
        node["config"]["contract"] = {"enforced": True}
        for column in node["columns"].values():
            column["data_type"] = draw(st.sampled_from(check.CONTRACT_TYPES))
    exposures = {
        f"exposure.{PROJECT}.dashboard": {"depends_on": {"nodes": [f"model.{PROJECT}.{m}" for m in rested_on]}}
    }
    return {"metadata": {"project_name": PROJECT}, "nodes": nodes, "sources": {}, "groups": groups,
            "exposures": exposures}  # fmt: skip


def _rested_on(manifest: dict) -> list[dict]:
    return [manifest["nodes"][n] for e in manifest["exposures"].values() for n in e["depends_on"]["nodes"]]


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
    label = next(tag for tag in target["config"]["tags"] if tag in check.CLASSES)
    other = data.draw(st.sampled_from([c for c in check.CLASSES if c != label]))
    fault = data.draw(st.sampled_from(["no class", "bad class", "two classes", "meta", "no description", "todo"]))
    expected = "no classification tag"
    if fault == "no class":
        target["config"]["tags"].remove(label)
    elif fault == "bad class":
        target["config"]["tags"] = ["public" if tag == label else tag for tag in target["config"]["tags"]]
    elif fault == "two classes":
        target["config"]["tags"].append(other)
        expected = f"tagged {label} and {other}"
    elif fault == "meta":
        # the retired place, even agreeing with the tag: refused, so a second truth never creeps back
        target["config"]["meta"] = {"classification": label}
        expected = f"meta.classification ({label}) is no longer read"
    elif fault == "no description":
        target["description"] = "  "
        expected = "no description"
    else:
        target["description"] = "TODO describe it"
        expected = "no description"
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
    assert problems and problems[0].startswith(expected)
    # A model an exposure rests on is also named for leaving its group; nothing else is.
    extra = [f"{model['name']}: an exposure rests on it, so it must be in its department's group"]
    assert problems[1:] == (extra if "owner" in expected and model in _rested_on(manifest) else [])


@given(manifests(), st.data())
def test_a_model_an_exposure_rests_on_without_public_access_or_contract_is_named(manifest, data):
    rested_on = _rested_on(manifest)
    assume(rested_on)
    model = data.draw(st.sampled_from(rested_on))
    broken = copy.deepcopy(manifest)
    node = broken["nodes"][model["unique_id"]]
    fault = data.draw(st.sampled_from(["protected", "no contract", "no data_type", "hugeint"]))
    column = data.draw(st.sampled_from(sorted(node["columns"])))
    if fault == "protected":
        node["access"] = "protected"
        expected = f"{model['name']}: an exposure rests on it, so it must be access: public (it is protected)"
    elif fault == "no contract":
        node["config"]["contract"] = {"enforced": False}
        expected = f"{model['name']}: an exposure rests on it, so its contract must be enforced"
    else:
        node["columns"][column]["data_type"] = None if fault == "no data_type" else "HUGEINT"
        expected = f"{model['name']}.{column}: data_type {'missing' if fault == 'no data_type' else 'hugeint'} (one of"
    problems = check.problems(broken)
    assert len(problems) == 1 and problems[0].startswith(expected), problems
    assert check.problems(manifest) == []


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
