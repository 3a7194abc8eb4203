"""Where the masking key comes from (core/masking_key.py): the environment, else a local workspace's own random key;
never the repository."""

from __future__ import annotations

import stat
import subprocess
from pathlib import Path

import duckdb
import pytest

from core.masking_key import (
    ENV_VAR,
    KEY_FILE,
    MaskingKeyMissing,
    files_holding,
    masking_key,
    set_duckdb_key,
    workspace_key,
)

REPO = Path(__file__).resolve().parents[2]


def test_a_local_workspace_makes_its_own_random_key_on_first_use(tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    key = masking_key(first, str(first / "lake"), environ={})
    assert len(key) == 64 and int(key, 16)
    assert (first / KEY_FILE).read_text().strip() == key
    assert stat.S_IMODE((first / KEY_FILE).stat().st_mode) == 0o600, "only its owner may read the key"
    assert masking_key(first, str(first / "lake"), environ={}) == key, "the same workspace keeps its key"
    assert masking_key(second, str(second / "lake"), environ={}) != key, "every workspace has its own"


def test_the_environment_wins_and_a_shared_lake_needs_it(tmp_path):
    assert masking_key(tmp_path, "s3://bucket", environ={ENV_VAR: "from-the-secret-store"}) == "from-the-secret-store"
    assert masking_key(tmp_path, str(tmp_path), environ={ENV_VAR: "from-the-secret-store"}) == "from-the-secret-store"
    assert not (tmp_path / KEY_FILE).exists(), "no workspace key is made when the environment gives one"
    with pytest.raises(MaskingKeyMissing, match=f"{ENV_VAR} is not set"):
        masking_key(tmp_path, "s3://bucket", environ={})


def test_an_empty_key_file_is_refused_not_used(tmp_path):
    (tmp_path / KEY_FILE).write_text("\n")
    with pytest.raises(MaskingKeyMissing, match="is empty"):
        workspace_key(tmp_path)


def test_no_key_is_committed_and_the_workspace_key_is_git_ignored():
    tracked = subprocess.run(["git", "ls-files"], cwd=REPO, capture_output=True, text=True, check=True).stdout
    assert KEY_FILE not in {Path(p).name for p in tracked.splitlines()}
    ignored = subprocess.run(["git", "check-ignore", "-q", f"local/{KEY_FILE}"], cwd=REPO)
    assert ignored.returncode == 0, "the default workspace's key file must be git-ignored"
    former = subprocess.run(
        ["git", "grep", "-l", "local-development-only-not-a-secret", "--", ":!tests/"], cwd=REPO, capture_output=True
    )
    assert former.returncode == 1, f"the former committed key is still used: {former.stdout.decode()}"


def test_duckdb_reads_the_key_from_the_session_not_the_sql(tmp_path):
    with duckdb.connect(str(tmp_path / "x.duckdb")) as con:
        set_duckdb_key(con, "k1")
        assert con.execute("select getvariable('data_platform_masking_key')").fetchone()[0] == "k1"
        assert con.cursor().execute("select getvariable('data_platform_masking_key')").fetchone()[0] is None


def test_the_scan_finds_a_key_in_any_file_under_a_root(tmp_path):
    (tmp_path / "deep" / "er").mkdir(parents=True)
    (tmp_path / "deep" / "er" / "manifest.json").write_text('{"sql": "sha256(concat(\'the-key\', x))"}')
    (tmp_path / "clean.sql").write_text("getvariable('data_platform_masking_key')")
    assert files_holding("the-key", tmp_path) == [tmp_path / "deep" / "er" / "manifest.json"]
    assert files_holding("other-key", tmp_path) == []
