"""The vendor's own schema (the sandbox's copy, `vendor_schema.json`) and its wire form.

The sandbox plays the vendor, so it never reads the platform's contract: if the two drift apart, the platform's
tests must notice, which they could not if both read one file.
"""

from __future__ import annotations

import json
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any

SCHEMA_FILE = Path(__file__).with_name("vendor_schema.json")
VENDOR_TYPES = ("integer", "long", "float", "double", "boolean", "timestamp", "string")

# What the council pulls every day by last_updated (change-only); the rest are lookups, pulled in full.
DAILY_TABLES = (
    "appeals", "applications", "asset_constraints", "communications", "contacts", "documents", "dtf_locations",
    "emails", "enforcements", "fee_payments", "fees", "public_comments", "users", "committee_application_map",
    "user_teams", "user_team_map", "pre_applications", "enforcement_breaches", "enforcement_outcomes",
    "enforcement_actions_taken", "enforcement_breach_details",
)  # fmt: skip


@cache
def vendor_schema() -> dict[str, dict[str, str]]:
    """Every table the vendor serves -> {column: vendor type}, in the vendor's column order."""
    schema = json.loads(SCHEMA_FILE.read_text())
    for table, columns in schema.items():
        unknown = set(columns.values()) - set(VENDOR_TYPES)
        if unknown or "id" not in columns:
            raise ValueError(f"{SCHEMA_FILE.name}: {table} has no id or unknown types {sorted(unknown)}")
    return schema


def lookup_tables() -> tuple[str, ...]:
    return tuple(t for t in vendor_schema() if t not in DAILY_TABLES)


def wire(value: Any) -> str | None:
    """The vendor's wire form: every value a string, booleans t/f, timestamps 'YYYY-MM-DD HH:MM:SS'."""
    if value is None or value.__class__ is str:
        return value
    if value is True:
        return "t"
    if value is False:
        return "f"
    if value.__class__ is datetime:
        # The world keeps whole seconds; isoformat is several times faster than strftime on wide pages.
        return value.isoformat(" ") if not value.microsecond else value.strftime("%Y-%m-%d %H:%M:%S")
    if value.__class__ is float:
        s = repr(value)
        return s[:-2] if s.endswith(".0") else s
    return str(value)
