"""The generic pieces the Academy connector added to the core and its database helpers, without a database."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pytest
import sqlalchemy as sa
from hypothesis import given, settings
from hypothesis import strategies as st

from core.arrow_landing import raw_batch, records_table, text_array, text_values
from core.contract import load_table
from core.errors import ContractError
from core.import_log import COMPLETE, FAILED, IngestReport, StepReport, TableLanded
from core.lake import Delivery, UnlandableValue, raw_value
from ingestion.academy import database as db
from ingestion.academy.settings import AcademySettings, check_routes

CONTRACT = """\
name: people
entity: person
load: snapshot
key: [household, member]
updated_at: null
description: "test"
columns:
  - {name: household, type: integer, class: not_personal, description: "h"}
  - {name: member, type: integer, class: not_personal, description: "m"}
  - {name: Full Name, type: text, class: personal, description: "n"}
  - {name: secret, type: text, class: personal, description: "dropped below"}
"""


def _table(tmp_path: Path, text: str = CONTRACT):
    path = tmp_path / "people.yml"
    path.write_text(text)
    return load_table(path, "src", "revenues")


def test_a_composite_key_gets_one_named_key_column(tmp_path):
    table = _table(tmp_path)
    assert table.key_columns == ("household", "member")
    assert table.key == "person_key" and table.is_composite_key
    assert table.key_column.type == "text" and "household | member" in table.key_column.description
    assert table.has_history  # snapshot tables get a history too


def test_a_key_naming_a_missing_column_is_refused(tmp_path):
    with pytest.raises(ContractError, match="not columns"):
        _table(tmp_path, CONTRACT.replace("key: [household, member]", "key: [household, nobody]"))
    with pytest.raises(ContractError, match="distinct"):
        _table(tmp_path, CONTRACT.replace("key: [household, member]", "key: [household, household]"))


def test_arrow_batches_land_as_text_with_metadata(tmp_path):
    table = _table(tmp_path)
    batch = pa.table(
        {
            "household": pa.array([1, 2], pa.int64()),
            "member": pa.array([1, None], pa.int32()),
            "Full Name": ["Ann Lee", None],
            "when": pa.array([datetime(2025, 1, 6, 9, 5, 7), datetime(2025, 1, 6, 9, 5, 7, 120)], pa.timestamp("us")),
            "day": pa.array([date(2025, 1, 6), None]),
            "amount": pa.array([Decimal("-12.5000"), Decimal("1234.5000")], pa.decimal128(19, 4)),
            "flag": [True, False],
        }
    )
    landed = TableLanded("people")
    delivery = Delivery("2025-01-06 01:00:00.000001", date(2025, 1, 6), "snapshot x", "db://replica")
    raw = raw_batch(batch, table, delivery, 10, "load-1", landed).to_pylist()
    renamed = landed.columns_renamed["Full Name"]
    assert renamed.startswith("_renamed__full_name__")  # an unsafe vendor name lands under a distinct safe name
    assert raw[0][renamed] == "Ann Lee" and raw[1][renamed] is None
    assert [r["member"] for r in raw] == ["1", None]
    assert [r["when"] for r in raw] == ["2025-01-06 09:05:07.000000", "2025-01-06 09:05:07.000120"]
    assert [r["day"] for r in raw] == ["2025-01-06", None]
    assert [r["amount"] for r in raw] == ["-12.5000", "1234.5000"]
    assert [r["flag"] for r in raw] == ["true", "false"]
    assert [r["_record_index"] for r in raw] == [10, 11]
    assert {r["_import_step"] for r in raw} == {"snapshot x"} and raw[0]["_dlt_load_id"] == "load-1"
    assert len({r["_dlt_id"] for r in raw}) == 2
    assert landed.rows_landed == 2 and "household" in landed.columns_received


def test_dropped_columns_never_land(tmp_path):
    table = _table(tmp_path, CONTRACT + "dropped:\n  - {name: secret_blob, reason: large}\n")
    landed = TableLanded("people")
    delivery = Delivery("2025-01-06 01:00:00.000001", date(2025, 1, 6), "full", "db")
    raw = raw_batch(pa.table({"household": [1], "secret_blob": ["x"]}), table, delivery, 0, "l", landed)
    assert "secret_blob" not in raw.column_names and "secret_blob" not in landed.columns_received


def test_received_records_land_as_text_in_one_arrow_table(tmp_path):
    """The per-record sources' path (core.landing lands a vendor's JSON records a batch at a time)."""
    table = _table(tmp_path, CONTRACT + "dropped:\n  - {name: secret_blob, reason: large}\n")
    records = [
        {"household": "1", "member": 2, "Full Name": "Ann", "flag": True, "nested": {"b": 1, "a": [1.5]},
         "secret_blob": "x", "empty": None},
        {"household": "2", "member": None, "late": "new", "empty": None},
    ]  # fmt: skip
    landed = TableLanded("people")
    delivery = Delivery("2025-01-06 01:00:00.000001", date(2025, 1, 6), "2025-01-05", "https://vendor")
    raw = records_table(table, records, delivery, [4, 9], "load-1", landed, ["https://vendor/p?page=2", ""],
                        [False, True])  # fmt: skip
    rows = raw.to_pylist()
    assert [r["household"] for r in rows] == ["1", "2"]
    assert [r["member"] for r in rows] == ["2", None]  # a number as its JSON text; a null stays null
    assert rows[0]["flag"] == "true" and rows[0]["nested"] == '{"a": [1.5], "b": 1}'
    assert [r["late"] for r in rows] == [None, "new"]  # a column only a later record brings
    assert rows[0][landed.columns_renamed["Full Name"]] == "Ann"
    # dropped never lands; a column outside the contract with no value is not written (as a record's nulls never
    # were), though the import log says it arrived
    assert "secret_blob" not in raw.column_names and "secret_blob" not in landed.columns_received
    assert "empty" not in raw.column_names and "empty" in landed.columns_received
    assert [r["_record_index"] for r in rows] == [4, 9]
    assert [r["_source_ref"] for r in rows] == ["https://vendor/p?page=2", "https://vendor"]
    assert [r["_incomplete_series"] for r in rows] == ["false", "true"]
    assert {r["_import_step"] for r in rows} == {"2025-01-05"} and {r["_dlt_load_id"] for r in rows} == {"load-1"}
    assert len({r["_dlt_id"] for r in rows}) == 2 and landed.rows_landed == 2
    # records with the same keys in the same order (one vendor's JSON) take a faster path to the same result
    same = [{"household": "1", "member": 2, "secret_blob": "x", "late": None}, {"household": "2", "member": None,
            "secret_blob": "y", "late": "new"}]  # fmt: skip
    uniform = records_table(table, same, delivery, [0, 1], "load-1", TableLanded("people")).to_pylist()
    assert [(r["household"], r["member"], r["late"]) for r in uniform] == [("1", "2", None), ("2", None, "new")]
    assert "secret_blob" not in uniform[0]
    with pytest.raises(UnlandableValue, match="surrogate"):
        records_table(table, [{"household": "before \ud800 after"}], delivery, [0], "load-1", TableLanded("people"))


JSON_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.integers(min_value=-(2**63), max_value=2**64),
    st.floats(),
    st.text(),
    st.sampled_from(["\ud800", "text then \udfff"]),  # a lone surrogate: not landable
)
JSON_VALUES = st.recursive(JSON_SCALARS, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner))


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.lists(JSON_VALUES), st.lists(st.integers()), st.lists(st.booleans() | st.none())))
def test_a_received_column_lands_as_each_values_json_text(values):
    """Whatever a batch's column holds (one kind, as a vendor's numeric column, or mixed), it lands as each value's
    raw text, value for value, however text_values converts it (strings, whole numbers and booleans in one pass)."""
    try:
        expected = [raw_value(value) for value in values]
    except UnlandableValue:
        with pytest.raises(UnlandableValue):
            text_values(values)
        return
    assert text_values(values).to_pylist() == expected


def test_binary_and_nested_values_become_text():
    assert text_array(pa.array([b"\x01\xff", None])).to_pylist() == ["01ff", None]
    assert text_array(pa.array([{"a": 1}, None])).to_pylist() == ['{"a": 1}', None]


def test_schema_changes_are_described():
    before = {"a": "INTEGER", "b": "VARCHAR(60)", "gone": "TEXT"}
    now = {"a": "BIGINT", "b": "VARCHAR(60)", "new": "TEXT"}
    assert db.schema_changes(before, now) == [
        "column new added (TEXT)",
        "column gone removed",
        "column a type INTEGER -> BIGINT",
    ]


@pytest.mark.parametrize(
    "value", [None, 5, "00012345", date(2025, 1, 6), datetime(2025, 1, 6, 9, 1, 2, 5), Decimal("1.50")]
)
def test_cursor_values_survive_the_state_round_trip(value):
    import json

    assert db.decode(json.loads(json.dumps(db.encode(value)))) == value


def test_a_chunk_range_compiles_to_plain_sql():
    table = sa.Table("t", sa.MetaData(), sa.Column("k", sa.Integer), schema="dbo")
    query = sa.select(table).where(*db._where(table, "k", db.Range(nulls=True, after=5, upper=9)))
    sql = str(query.compile(compile_kwargs={"literal_binds": True}))
    assert "dbo.t.k IS NULL OR dbo.t.k IS NOT NULL AND dbo.t.k > 5 AND dbo.t.k <= 9" in sql
    from sqlalchemy.dialects import mssql

    bounded = sa.select(table.c.k).order_by(table.c.k).offset(4).limit(1).where(table.c.k > 5)
    compiled = str(bounded.compile(dialect=mssql.dialect()))  # SQL Server: OFFSET / FETCH or ROW_NUMBER by version
    assert "OFFSET" in compiled or "ROW_NUMBER() OVER (ORDER BY dbo.t.k)" in compiled


def test_routes_must_agree_with_the_contracts(tmp_path):
    table = _table(tmp_path)  # department revenues
    check_routes(AcademySettings(department_routes={"revenues": ["^peo"]}), [table])
    from core.errors import SourceNotConfigured

    with pytest.raises(SourceNotConfigured, match="people"):
        check_routes(AcademySettings(department_routes={"benefits": ["^peo"]}), [table])


def test_the_report_knows_which_tables_failed_last():
    report = IngestReport("academy", date(2025, 1, 6))
    report.steps.append(StepReport("s1", {"a": TableLanded("a", outcome=FAILED, error="timeout")}))
    report.steps.append(StepReport("s2", {"b": TableLanded("b", outcome=FAILED, error="gone")}))
    report.steps.append(StepReport("s3", {"b": TableLanded("b", rows_landed=3, outcome=COMPLETE, seconds=1.5)}))
    assert report.failed_tables() == {"a": "timeout"}
    assert report.seconds_by_table() == {"a": 0.0, "b": 1.5}


def test_settings_come_from_dlt_configuration_and_bad_values_are_refused(monkeypatch):
    from core.errors import SourceNotConfigured
    from ingestion.academy import load_settings

    monkeypatch.setenv("SOURCES__ACADEMY__CONNECTION_URL", "postgresql+psycopg://reader:secret@127.0.0.1:1/x")
    monkeypatch.setenv("SOURCES__ACADEMY__BATCH_SIZE", "1234")
    monkeypatch.setenv("SOURCES__ACADEMY__DEPARTMENT_ROUTES", '{"benefits": ["^hb"], "revenues": ["^c"]}')
    settings = load_settings()
    assert settings.batch_size == 1234 and settings.department_of("ctaccount") == "revenues"
    assert settings.department_of("nndrproperty") is None  # no route: check_routes then refuses it
    with pytest.raises(SourceNotConfigured, match="regular expression"):
        load_settings(tables=["^ct("])
    with pytest.raises(SourceNotConfigured, match="at least 1"):
        load_settings(concurrency=0)
    monkeypatch.delenv("SOURCES__ACADEMY__CONNECTION_URL")
    if not (Path(__file__).resolve().parents[2] / ".dlt" / "secrets.toml").exists():  # a developer's own secrets
        with pytest.raises(SourceNotConfigured, match="SOURCES__ACADEMY__CONNECTION_URL"):
            load_settings()
