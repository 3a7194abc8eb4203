"""The contract's `required` columns: what every delivery of a table must carry."""

from __future__ import annotations

import pytest

from core.contract import load_table
from core.errors import ContractError

TABLE = """
name: sheet
load: snapshot
key: response_key
columns:
  - {name: response_key, type: text, class: not_personal, description: "Row."}
  - {name: timestamp, type: text, class: not_personal, description: "When."}
"""


def test_required_columns_are_read_and_must_be_columns(tmp_path):
    path = tmp_path / "sheet.yml"
    path.write_text(TABLE + "required: [timestamp]\n")
    assert load_table(path, "src", "housing").required == ("timestamp",)
    path.write_text(TABLE + "required: [timestmap]\n")
    with pytest.raises(ContractError, match="timestmap"):
        load_table(path, "src", "housing")


def test_a_table_without_required_columns_requires_none(tmp_path):
    path = tmp_path / "sheet.yml"
    path.write_text(TABLE)
    assert load_table(path, "src", "housing").required == ()
