"""Column-level lineage (data_platform/lineage.py) on the demo build's own manifest and catalog: a trusted column is
traced to the raw column it is made of, and a model whose SQL cannot be parsed is listed, on its page and the front
page, never left out quietly."""

from __future__ import annotations

import copy

from data_platform import catalogue
from data_platform.lineage import Origin, extract

PROJECT = "council_data_platform"
MODEL = f"model.{PROJECT}."


def ancestors(manifest: dict, name: str) -> list[str]:
    found, queue = set(), [MODEL + name]
    while queue:
        node = queue.pop()
        if node not in found:
            found.add(node)
            queue += [p for p in manifest["parent_map"][node] if p.startswith("model.")]
    return sorted(found)


def test_a_trusted_column_is_traced_to_its_raw_column(built):
    manifest, catalog = built["manifest"], built["catalog"]
    lineage = extract(manifest, catalog, ancestors(manifest, "planning_officers"))

    # Renamed in staging (id -> application_id), carried through the history and the current-state table.
    assert lineage.origins(MODEL + "planning_applications", "application_id") == [
        Origin(
            "tascomi.applications",
            "id",
            ("planning_applications_history", "int_planning__applications_history", "stg_tascomi__applications"),
        )
    ]
    # One column made of two raw columns of another table, through the officers' building block.
    officer = lineage.origins(MODEL + "planning_officers", "officer_name")
    assert {(o.source, o.column) for o in officer} == {("tascomi.users", "forename"), ("tascomi.users", "surname")}
    assert all(o.through[-1] == "stg_tascomi__users" for o in officer)
    # Computed in the model: no raw column, and not an error either.
    assert lineage.origins(MODEL + "planning_officers", "built_at") == []
    assert not lineage.unparsed and not lineage.untraced


def test_a_model_it_cannot_parse_is_listed_on_its_page_and_the_front_page(built):
    manifest = copy.deepcopy(built["manifest"])
    fees = manifest["nodes"][MODEL + "planning_fees"]
    fees["compiled_code"] = "select fee_id,, from (((" + fees["compiled_code"]
    lineage = extract(manifest, built["catalog"], [MODEL + "planning_fees", MODEL + "int_planning__fees_history"])

    assert set(lineage.unparsed) | set(lineage.untraced) == {MODEL + "planning_fees"}
    assert lineage.upstream_unparsed(MODEL + "planning_fees", manifest) == ["planning_fees"]
    # The parseable parent is still read (its staging parent was not selected, so the trace stops there).
    assert lineage.parents[MODEL + "int_planning__fees_history"]["fee_id"] == [(MODEL + "stg_tascomi__fees", "fee_id")]

    catalogue.enrich(manifest, None, None, lineage)
    page = manifest["nodes"][MODEL + "planning_fees"]["description"]
    assert "### Column lineage" in page and "**Incomplete:** the lineage of planning_fees could not be read" in page
    front = manifest["docs"][f"doc.{PROJECT}.__overview__"]["block_contents"]
    assert "Models whose lineage could not be read" in front and "| planning_fees |" in front
