"""macros/diff_column_data_types.sql replaces dbt's default__diff_column_data_types (the on_schema_change check of
every incremental run) with a linear one: it must return what dbt's own returns, for any columns.

Both macros are rendered by plain Jinja from their files (dbt's from the installed dbt package) and called on the same
dbt Column objects, so the comparison needs no warehouse and no dbt parse."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import dbt.include.global_project as global_project
import jinja2
from dbt.adapters.base.column import Column
from hypothesis import given, settings
from hypothesis import strategies as st

REPO = Path(__file__).resolve().parents[1]
DBT_HELPERS = Path(global_project.__file__).parent / "macros/materializations/models/incremental/column_helpers.sql"
MACRO = "default__diff_column_data_types"


class Returned(Exception):
    """How dbt's `return()` leaves a macro: the value rides an exception."""

    def __init__(self, value: Any) -> None:
        self.value = value


def _return(value: Any) -> None:
    raise Returned(value)


def macro_from(text: str) -> Any:
    """The one macro named MACRO in a file of dbt macros, callable."""
    found = re.search(r"{%-? macro " + MACRO + r"\(.*?{%-? endmacro -?%}", text, re.S)
    assert found, f"{MACRO} not found"
    environment = jinja2.Environment(extensions=["jinja2.ext.do"])
    environment.globals["return"] = _return
    return getattr(environment.from_string(found.group(0)).module, MACRO)


def call(macro: Any, source: list[Column], target: list[Column]) -> list[dict[str, str]]:
    try:
        macro(source, target)
    except Returned as returned:
        return list(returned.value)
    raise AssertionError("the macro returned nothing")


OURS = macro_from((REPO / "macros/diff_column_data_types.sql").read_text())
DBTS = macro_from(DBT_HELPERS.read_text())

names = st.sampled_from(["id", "valid_from", "name", "a_charitable_use", "total_fee", "Name"])
columns = st.builds(
    Column,
    column=names,
    dtype=st.sampled_from(["integer", "bigint", "varchar", "text", "character varying", "timestamp", "boolean"]),
    char_size=st.one_of(st.none(), st.integers(1, 300)),
)


@settings(max_examples=300, deadline=None)
@given(source=st.lists(columns, max_size=8), target=st.lists(columns, max_size=8))
def test_ours_returns_what_dbts_own_returns(source: list[Column], target: list[Column]) -> None:
    assert call(OURS, source, target) == call(DBTS, source, target)


def test_a_changed_type_is_reported_and_an_expandable_one_is_not() -> None:
    """The cases the property's generator may reach rarely, spelled out: a type change is found on the first target
    column of that name, a varchar the table holds wider is not a change, a wider one arriving is, and a column only on
    one side is not this check's."""
    source = [
        Column("id", "bigint"),
        Column("name", "character varying", 20),
        Column("note", "character varying", 300),
        Column("only_new", "text"),
    ]
    target = [
        Column("id", "integer"),
        Column("name", "character varying", 200),
        Column("note", "character varying", 30),
        Column("id", "bigint"),
    ]
    assert call(OURS, source, target) == [
        {"column_name": "id", "new_type": "bigint"},
        {"column_name": "note", "new_type": "character varying(300)"},
    ]
    assert call(OURS, source, target) == call(DBTS, source, target)
