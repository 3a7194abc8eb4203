"""What the catalogue adds to stock dbt docs (data_platform/catalogue.py), seen in the rendered page in Chromium:
the front page's trusted tables, Playbook link, last build and freshness; each model's owner, test results and
column classifications; each source's last import."""

from __future__ import annotations

import copy
import re

from data_platform import catalogue, check
from tests.catalogue.test_docs_site import PROJECT, pytestmark, rendered  # noqa: F401 - the same Chromium skip rule


def test_front_page_lists_trusted_tables_playbook_build_and_freshness(docs_page, built, tmp_path):
    from core.registry import load_registry

    dom = rendered(docs_page, "overview", tmp_path)
    assert "Trusted tables" in dom and 'href="playbook/index.html"' in dom
    marts = [n for n in built["manifest"]["nodes"].values() if n["resource_type"] == "model" and n["fqn"][1] == "marts"]
    assert marts
    for node in marts:
        assert f"{node['schema']}.{node['name']}" in dom, node["name"]
    assert "The last build" in dom and "success" in dom
    assert "Freshness" in dom
    for name in load_registry():
        assert f"<td>{name}</td>" in dom, f"no freshness row for {name}"


def test_model_page_shows_owner_test_results_and_classifications(docs_page, built, tmp_path):
    dom = rendered(docs_page, f"model/model.{PROJECT}.planning_applications", tmp_path)
    assert "planning-data@council.example" in dom
    assert "Tests in the last build" in dom and "pass" in dom
    assert "not_personal · " in dom
    personal = rendered(docs_page, f"model/model.{PROJECT}.stg_tascomi__contacts", tmp_path)
    assert re.search(r"(?<!not_)personal · ", personal), "a personal column (forename) should say so"
    # The class tags are what the docs site filters on: the model's Tags and the graph's tag filter list them.
    page = re.sub(r"<script.*?</script>", "", personal, flags=re.S)  # the rendered page, not its templates
    tags = page[page.index('detail-label">Tags') :][:600]
    assert re.search(r">\s*personal\s*<", tags), "the model holding personal columns is not tagged personal"
    options = re.findall(r'ng-repeat="item in selectorService.options.tags"[^>]*>(.*?)</li>', page, re.S)
    listed = {" ".join(re.sub(r"<[^>]+>|\{\{.*?\}\}", " ", option).split()) for option in options}
    assert set(check.CLASSES) <= listed, f"the tag filter lists {sorted(listed)}"


def test_trusted_model_page_shows_column_lineage_back_to_raw(docs_page, tmp_path):
    dom = rendered(docs_page, f"model/model.{PROJECT}.planning_applications", tmp_path)
    assert "Column lineage" in dom
    # The application_id row: renamed from the vendor's id in staging, through the history.
    row = re.search(r"<tr>\s*<td>application_id</td>\s*<td>(.*?)</td>\s*<td>(.*?)</td>", dom, re.S)
    assert row, "no lineage row for application_id"
    assert row.group(1).strip() == "tascomi.applications.id"
    assert "stg_tascomi__applications" in row.group(2)
    overview = rendered(docs_page, "overview", tmp_path)
    assert "Column lineage" in overview
    assert "Every model's lineage was read." in overview or "Models whose lineage could not be read" in overview


def test_source_page_shows_last_import_and_freshness(docs_page, tmp_path):
    dom = rendered(docs_page, f"source/source.{PROJECT}.tascomi.applications", tmp_path)
    assert "Last import of tascomi" in dom and "freshness" in dom


def test_every_column_shows_its_class_tag_and_models_roll_them_up(built):
    """On the whole demo manifest: every column carries its one class tag from the YAML (the catalogue adds none),
    its description starts with it, and models holding personal or special-category columns are tagged so (the docs
    search's tag filter indexes model tags only)."""
    original = built["manifest"]
    enriched = catalogue.enrich(copy.deepcopy(original), None, None)
    for unique_id, node in enriched["nodes"].items():
        if node["resource_type"] not in ("model", "seed", "snapshot") or node["package_name"] != PROJECT:
            continue
        classes = set()
        for name, column in node["columns"].items():
            label = check.classification(column)
            assert label in check.CLASSES, f"{node['name']}.{name}"
            classes.add(label)
            before = original["nodes"][unique_id]["columns"][name]
            assert column["tags"] == before["tags"], f"{node['name']}.{name}: the catalogue changed its tags"
            assert column["description"] == f"{label} · {before['description']}"
        for sensitive in catalogue.SENSITIVE:
            assert (sensitive in node["tags"]) == (sensitive in classes), node["name"]
