"""Invariant 8 on a real build made with DATA_PLATFORM_MASKING_KEY set: the key is in nothing the build wrote
(target/, the docs site, the DuckDB catalogue or file), and a masked value cannot be re-linked without it."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import duckdb
import pytest

from core.masking_key import files_holding, set_duckdb_key

# The key main used to commit for local builds: it must not unlock anything any more.
FORMER_COMMITTED_KEY = "local-development-only-not-a-secret"


def warehouse_copy(built: dict, tmp_path: Path) -> Path:
    """A private copy of the built warehouse (with its write-ahead log): the worker that built it keeps dbt's
    connection open, and DuckDB lets one process open a file at a time."""
    source = built["result"].duckdb_file
    for name in (source.name, source.name + ".wal"):
        if (source.parent / name).exists():
            shutil.copy2(source.parent / name, tmp_path / name)
    return tmp_path / source.name


def test_the_key_is_nowhere_the_build_wrote(built, tmp_path):
    key = built["masking_key"]
    home = built["workspace"].home
    assert (home / "target" / "manifest.json").exists() and built["page"].exists()
    assert not files_holding(key, home), "the masking key is in a file of the built workspace"
    with duckdb.connect(str(warehouse_copy(built, tmp_path))) as con:
        definitions = con.execute(
            "select sql from duckdb_views() where sql is not null union all "
            "select sql from duckdb_tables() where sql is not null union all "
            "select macro_definition from duckdb_functions() where macro_definition is not null"
        ).fetchall()
    assert len(definitions) > 50
    joined = "\n".join(row[0] for row in definitions)
    assert "getvariable('data_platform_masking_key')" in joined, "masked views read the key at query time"
    assert key not in joined


def test_the_scan_finds_a_planted_key(built, tmp_path):
    """The scan above can fail: a compiled model holding the key is found."""
    compiled = next((built["workspace"].home / "target" / "compiled").rglob("stg_tascomi__contacts.sql"))
    planted = tmp_path / "compiled.sql"
    sql = compiled.read_text()
    assert "getvariable('data_platform_masking_key')" in sql
    planted.write_text(sql.replace("getvariable('data_platform_masking_key')", repr(built["masking_key"])))
    assert files_holding(built["masking_key"], tmp_path) == [planted]


def test_a_plain_duckdb_client_gets_an_error_not_an_unkeyed_hash(built, tmp_path):
    with duckdb.connect(str(warehouse_copy(built, tmp_path))) as con:
        with pytest.raises(duckdb.Error, match="masking key is not set"):
            con.execute("select forename from planning_refined.stg_tascomi__contacts where forename is not null")
        unmasked = con.execute("select count(*) from planning_refined.stg_tascomi__contacts").fetchone()[0]
    assert unmasked > 0, "columns that are not masked still read without the key"


def masked_with(key: str, value: str) -> str:
    """macros/masking.sql on DuckDB: hex(sha256(key || '|' || value))."""
    return hashlib.sha256(f"{key}|{value}".encode()).hexdigest()


def test_a_masked_forename_cannot_be_relinked_without_the_key(built, tmp_path):
    """An attacker holds every real forename (the raw zone's, a perfect candidate list) and the masked column."""
    with duckdb.connect(str(warehouse_copy(built, tmp_path))) as con:
        set_duckdb_key(con, built["masking_key"])  # as dbt's connections are given it
        masked = {
            row[0]
            for row in con.execute(
                "select forename from planning_refined.stg_tascomi__contacts where forename is not null"
            ).fetchall()
        }
    raw = Path(built["result"].lake) / "raw" / "planning" / "tascomi" / "contacts"
    candidates = {
        row[0]
        for row in duckdb.sql(
            f"select distinct forename from read_parquet('{raw}/**/*.parquet') where forename is not null"
        ).fetchall()
    }
    assert len(masked) >= 20 and candidates

    def relinked(key: str) -> int:
        return len(masked & {masked_with(key, value) for value in candidates})

    assert relinked(built["masking_key"]) == len(masked), "with the key every masked forename re-links"
    for guess in ("", FORMER_COMMITTED_KEY, "local", "data_platform_masking_key"):
        assert relinked(guess) == 0, f"re-linked with the guessed key {guess!r}"
