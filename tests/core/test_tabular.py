"""Tables that arrive as files or sheet ranges: headers normalised, clashes refused, broken files refused whole."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook

from core.tabular import TabularProblem, from_rows, normalise_header, read_csv, read_xlsx


@pytest.mark.parametrize(
    ("header", "name"),
    [
        ("Timestamp", "timestamp"),
        ("Order value (£)", "order_value"),
        ("Form ref.", "form_ref"),
        ("Recharge?", "recharge"),
        ("Alert regarding person - notes", "alert_regarding_person_notes"),
        ("UH Property Reference (e.g. P000123)", "uh_property_reference_eg_p000123"),
        ("  Time Stamp ", "time_stamp"),
        ("SORs (frequent use only)", "sors_frequent_use_only"),
    ],
)
def test_headers_normalise_the_boroughs_way(header, name):
    assert normalise_header(header) == name


def test_blank_headers_are_named_by_position_and_wider_rows_get_columns():
    table = from_rows([["Timestamp", "", "Priority"], ["01/01/2025 10:00:00", "x", "Urgent", "late scribble"]])
    assert table.columns == ("timestamp", "column2", "priority", "column4")
    assert list(table.records()) == [
        (2, {"timestamp": "01/01/2025 10:00:00", "column2": "x", "priority": "Urgent", "column4": "late scribble"})
    ]


def test_two_headers_that_normalise_to_one_name_are_refused_never_merged():
    with pytest.raises(TabularProblem, match="both normalise to 'priority'"):
        from_rows([["Priority", "PRIORITY."], ["a", "b"]])
    with pytest.raises(TabularProblem, match="a name the platform adds"):
        from_rows([["Response key"], ["a"]], reserved=frozenset({"response_key"}))


def test_empty_cells_are_null_blank_rows_are_skipped_and_row_numbers_kept():
    table = read_csv(b"a,b\r\n1,\r\n,\r\n3,4\r\n")
    assert list(table.records()) == [(2, {"a": "1", "b": None}), (4, {"a": "3", "b": "4"})]


def test_a_byte_order_mark_is_not_part_of_the_first_header():
    assert read_csv("\ufeffTimestamp,x\r\n1,2\r\n".encode()).columns == ("timestamp", "x")


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"", "empty"),
        ("a,b\r\nYıldız,£5\r\n".encode("cp1254"), "not valid utf-8"),
        (b"a,b,c\r\n1,2,3\r\n4,5", "cut short"),
        (b"a,b,c\r\n1,2\r\n", "row 2 has 2 of 3 fields"),
    ],
)
def test_a_file_that_cannot_be_read_whole_is_refused_with_the_reason(data, problem):
    with pytest.raises(TabularProblem, match=problem):
        read_csv(data)


def test_a_sender_that_always_uses_a_code_page_can_be_read_with_its_encoding():
    assert list(read_csv("a\r\n£5\r\n".encode("cp1252"), encoding="cp1252").records()) == [(2, {"a": "£5"})]


def _xlsx(rows: list[list[str]]) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Form responses 1")
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_xlsx_cells_read_as_text_and_a_cut_workbook_is_refused():
    data = _xlsx([["Timestamp", "Value / costs"], ["06/01/2025 09:00:00", "£12.50"]])
    table = read_xlsx(data)
    assert table.columns == ("timestamp", "value_costs")
    assert list(table.records()) == [(2, {"timestamp": "06/01/2025 09:00:00", "value_costs": "£12.50"})]
    with pytest.raises(TabularProblem, match="not a readable XLSX"):
        read_xlsx(data[: len(data) // 2])
