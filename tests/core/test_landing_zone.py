"""Landing-zone pickup: list, hash, land each content once, move nothing."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from core.errors import SourceNotConfigured
from core.landing_zone import content_digest, list_files, not_landed


def _drop(root: Path, name: str, data: bytes) -> Path:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def test_files_are_listed_by_name_hashed_and_left_where_they_are(tmp_path):
    _drop(tmp_path, "exports/b_20250102.csv", b"b")
    _drop(tmp_path, "exports/a_20250101.csv", b"a")
    _drop(tmp_path, "exports/half_20250103.csv.part", b"still being written")
    _drop(tmp_path, "exports/.hidden.csv", b"x")
    _drop(tmp_path, "other/c.csv", b"c")
    files = list_files(str(tmp_path), "exports/*.csv")
    assert [f.name for f in files] == ["exports/a_20250101.csv", "exports/b_20250102.csv"]
    assert files[0].read_bytes() == b"a" and files[0].size == 1
    assert files[0].day() == date(2025, 1, 1)
    assert len({f.digest for f in files}) == 2
    assert (tmp_path / "exports/a_20250101.csv").exists(), "picking up never moves a file"


def test_a_content_landed_before_is_not_landed_again_whatever_its_name(tmp_path):
    _drop(tmp_path, "a.csv", b"same")
    _drop(tmp_path, "a copy.csv", b"same")
    _drop(tmp_path, "b.csv", b"new")
    files = list_files(str(tmp_path), "*.csv")
    assert [f.name for f in not_landed(files, {})] == ["a copy.csv", "b.csv"], "one content, once"
    landed = {files[0].digest: "a copy.csv"}
    assert [f.name for f in not_landed(files, landed)] == ["b.csv"]
    _drop(tmp_path, "b.csv", b"replaced")
    again = list_files(str(tmp_path), "*.csv")
    assert [f.name for f in not_landed(again, {**landed, files[2].digest: "b.csv"})] == ["b.csv"], (
        "new content under an old name is new"
    )


def test_a_missing_landing_folder_says_which_setting_to_fix(tmp_path):
    with pytest.raises(SourceNotConfigured, match="landing_root"):
        list_files(str(tmp_path / "nowhere"), "*.csv")


def test_the_content_digest_of_rows_changes_with_any_cell_and_not_with_how_rows_are_held():
    rows = [["a", "b"], ["c", None]]
    assert content_digest(rows) == content_digest((("a", "b"), ("c", "")))
    assert content_digest(rows) != content_digest([["a", "b"], ["c", "d"]])
    assert content_digest([["ab"]]) != content_digest([["a", "b"]]), "cell boundaries count"
