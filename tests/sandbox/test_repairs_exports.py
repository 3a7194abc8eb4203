"""Contractors who email exports: cumulative CSV, cumulative XLSX on weekdays, incremental CSV; malformed files
are what they claim to be."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date, timedelta

import openpyxl
import pytest

from sandbox.housing_world.landing import MALFORMED_KINDS, Landing
from sandbox.housing_world.world import HousingRepairsWorld

START = date(2025, 1, 6)  # a Monday
DAYS = 14


@pytest.fixture(scope="module")
def world() -> HousingRepairsWorld:
    return HousingRepairsWorld(seed=17, start_date=START, days=DAYS, n_repairs=6000)


@pytest.fixture(scope="module")
def landed(world, tmp_path_factory):
    landing = Landing(world, tmp_path_factory.mktemp("landing"))
    files = {day: landing.write_exports(day) for day in world.days_replayed()}
    return landing, files


def read_csv(path) -> list[list[str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def read_xlsx(path) -> list[list[str]]:
    book = openpyxl.load_workbook(path)
    sheet = book.worksheets[0]
    assert sheet.title == "Form responses 1"
    return [["" if c is None else c for c in row] for row in sheet.iter_rows(values_only=True)]


def padded(world, key, day):
    values = world.sheet_values(key, day)
    return [row + [""] * (len(values[0]) - len(row)) for row in values]


def test_which_contractors_send_files_and_when(landed):
    _, files = landed
    for day, exports in files.items():
        sent = {f.contractor for f in exports}
        expected = {"purdy", "herts_heritage"} | ({"stannah"} if day.weekday() < 5 else set())
        assert sent == expected, day
    names = {f.contractor: f.path for f in files[START + timedelta(days=2)]}
    assert names["purdy"].name == "Purdy repairs log - Form responses 1 (2025-01-08).csv"
    assert names["stannah"].name == "Stannah_LBH_repairs_08012025.xlsx"
    assert names["herts_heritage"].name == "HH_new_jobs_20250108.csv"
    assert names["purdy"].parent.parts[-3:] == ("housing", "repairs", "purdy")


def test_cumulative_csv_is_the_whole_sheet_that_morning(landed, world):
    _, files = landed
    for day in (START, START + timedelta(days=DAYS - 1)):
        (export,) = [f for f in files[day] if f.contractor == "purdy"]
        rows = read_csv(export.path)
        assert rows == padded(world, "purdy", day)
        assert export.sheet_rows == tuple(range(2, len(rows) + 1))
        assert rows[0][10] == "Column11"


def test_cumulative_xlsx_holds_text_cells_equal_to_the_sheet(landed, world):
    _, files = landed
    day = START + timedelta(days=4)
    (export,) = [f for f in files[day] if f.contractor == "stannah"]
    rows = read_xlsx(export.path)
    assert rows == padded(world, "stannah", day)
    assert all(isinstance(c, str) for row in rows for c in row)


def test_incremental_csv_sends_each_response_once(landed, world):
    _, files = landed
    seen: list[int] = []
    for day in world.days_replayed():
        (export,) = [f for f in files[day] if f.contractor == "herts_heritage"]
        rows = read_csv(export.path)
        assert len(rows) - 1 == len(export.sheet_rows)
        if day > START:
            assert all(world.repair("herts_heritage", n).raised.date() == day - timedelta(days=1)
                       for n in export.sheet_rows)  # fmt: skip
        for n, row in zip(export.sheet_rows, rows[1:], strict=True):
            assert row[0] == world.repair("herts_heritage", n).cells["datetime_raised"]
        seen += export.sheet_rows
    last = START + timedelta(days=DAYS - 1)
    assert seen == list(range(2, len(world.sheet_values("herts_heritage", last)) + 1))


@pytest.mark.parametrize("kind", MALFORMED_KINDS)
def test_malformed_files_are_what_they_claim(world, tmp_path, kind):
    landing = Landing(world, tmp_path)
    day = START + timedelta(days=3)
    key = "stannah" if kind == "truncated_xlsx" else "purdy"
    good = padded(world, key, day)
    bad = landing.write_malformed(key, day, kind)
    data = bad.path.read_bytes()
    assert bad.kind == kind and bad.description
    assert bad.path.parent == tmp_path / "housing" / "repairs" / key
    if kind == "truncated_xlsx":
        assert bad.path.suffix == ".xlsx"
        with pytest.raises((zipfile.BadZipFile, OSError, KeyError)):
            openpyxl.load_workbook(io.BytesIO(data))
        return
    if kind == "empty":
        assert data == b""
        return
    if kind == "bad_encoding":
        with pytest.raises(UnicodeDecodeError):
            data.decode("utf-8")
        rows = list(csv.reader(io.StringIO(data.decode("cp1252"), newline="")))
        assert len(rows) == len(good) and rows[0] == good[0]
        return
    rows = list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))
    header = rows[0]
    if kind == "missing_column":
        assert len(header) == len(good[0]) - 1 and set(header) < set(good[0])
        assert "Postcode" not in header and all(len(r) == len(header) for r in rows)
    elif kind == "extra_column":
        assert header == good[0] + ["Checked by"] and all(len(r) == len(header) for r in rows)
    elif kind == "renamed_header":
        assert [i for i, (a, b) in enumerate(zip(header, good[0], strict=True)) if a != b] == [0]
        assert rows[1:] == good[1:]
    elif kind == "header_only":
        assert rows == [good[0]]
    elif kind == "truncated_csv":
        assert rows[:-1] == good[:-1]
        assert len(rows[-1]) < len(header) and not data.endswith(b"\r\n")


def test_unknown_malformed_kind_is_refused(world, tmp_path):
    with pytest.raises(ValueError, match="choose one of"):
        Landing(world, tmp_path).write_malformed("purdy", START, "on_fire")


def test_replay_writes_every_kind_of_drop(world, tmp_path):
    paths = Landing(world, tmp_path).replay(days=3)
    tops = {p.relative_to(tmp_path).parts[:3] for p in paths}
    assert ("housing", "housing_management", "properties") in tops
    assert ("data-and-insight", "gazetteer", "llpg_full_20250106.csv") in tops
    assert ("housing", "repairs", "purdy") in tops
    assert not list(tmp_path.rglob("*.part"))  # no half-written files left behind
