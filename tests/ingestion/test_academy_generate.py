"""The generator for a source whose tables span departments (Academy: revenues and benefits), composite keys and
snapshot tables; and that a single-department source's generated files keep their shape."""

from __future__ import annotations

import yaml

from core.registry import source_entry
from data_platform import check, generate
from tests.conftest import REPO


def _docs() -> dict[str, str]:
    return generate.doc_blocks(REPO)


def _academy():
    entry = source_entry("academy")
    return entry, list(entry.contract().tables.values())


def test_a_source_spanning_departments_gets_a_block_per_department():
    entry, tables = _academy()
    doc = yaml.safe_load(generate.sources_yml(entry, tables, _docs()))
    blocks = {block["schema"]: block for block in doc["sources"]}
    assert set(blocks) == {"raw_revenues_academy", "raw_benefits_academy"}
    assert {b["name"] for b in doc["sources"]} == {"academy"}  # one dbt source name: source('academy', 'hbclaim')
    benefits = {t["name"] for t in blocks["raw_benefits_academy"]["tables"]}
    assert benefits == {t.name for t in tables if t.department == "benefits"} and all(
        n.startswith("hb") for n in benefits
    )
    assert "/raw/benefits/academy/{name}/" in blocks["raw_benefits_academy"]["config"]["external_location"]
    assert "/raw/revenues/academy/{name}/" in blocks["raw_revenues_academy"]["config"]["external_location"]
    logs = {
        t["name"]: t
        for t in blocks["raw_revenues_academy"]["tables"]
        if t["name"] in ("import_log", "rejected_records")
    }
    assert set(logs) == {"import_log", "rejected_records"}  # once, in the source's own block
    for log in logs.values():  # each department's pipeline logs its own tables: read them all
        assert "/raw/*/academy/" + log["name"] + "/" in log["config"]["external_location"]


def test_a_single_department_source_keeps_one_block_and_its_own_logs():
    entry = source_entry("tascomi")
    doc = yaml.safe_load(generate.sources_yml(entry, list(entry.contract().tables.values()), _docs()))
    assert [b["schema"] for b in doc["sources"]] == ["raw_planning_tascomi"]
    log = next(t for t in doc["sources"][0]["tables"] if t["name"] == "import_log")
    assert "external_location" not in (log.get("config") or {})


def test_composite_keys_and_snapshots_generate_their_models():
    entry, tables = _academy()
    by_name = {t.name: t for t in tables}
    staging = generate.staging_sql(by_name["ctliab_person"])
    assert "staging_select_composite_key(" in staging
    assert 'key_name="liable_person_key"' in staging and 'key_parts=["account_ref", "party_ref"]' in staging
    assert "staging_select(" in generate.staging_sql(by_name["ctaccount"])  # a one-column key: as before

    snapshot = generate.history_sql(by_name["ctliab_person"])
    assert "history_from_snapshots(" in snapshot and 'key="liable_person_key"' in snapshot
    change_log = generate.history_sql(by_name["ctoccupation"])
    assert "history_from_change_log(" in change_log and 'key="occupation_key"' in change_log
    assert '"occupation_key",' in change_log  # the composite key is a column of the history

    files = generate.rendered(entry.contract_dir.parents[2])
    assert "models/intermediate/benefits/generated/int_benefits__hbmember_history.sql" in {str(p) for p in files}
    history = yaml.safe_load(
        files[next(p for p in files if str(p) == "models/intermediate/revenues/generated/_academy__history.yml")]
    )
    models = {m["name"]: m for m in history["models"]}
    tests = [next(iter(t)) for t in models["int_revenues__ctliab_person_history"]["data_tests"]]
    assert tests == ["unique_combination_of_columns", "snapshot_history_is_consistent"]
    columns = [c["name"] for c in models["int_revenues__ctliab_person_history"]["columns"]]
    assert columns[:6] == ["liable_person_key", "valid_from", "valid_to", "is_current", "is_deleted", "version_number"]
    assert all(check.classification(c) for m in models.values() for c in m["columns"])
