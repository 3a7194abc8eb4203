"""Repairs settings, a dlt configuration spec: explicit values, then SOURCES__REPAIRS__* environment variables, then
.dlt/secrets.toml and .dlt/config.toml [sources.repairs] (one sub-table per contractor under `sheets` / `exports`).

    [sources.repairs.sheets.dlo]            # read through the Sheets API
    spreadsheet_id = "1AbC..."
    tab = "Form responses 1"

    [sources.repairs.exports.purdy]         # picked up from the landing zone
    pattern = "housing/repairs/purdy/*.csv" # glob under landing_root
    format = "csv"                          # csv | xlsx
    key_column = ""                         # empty: a response is its row; else the column identifying it
    encoding = "utf-8"
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from dlt.common.configuration import configspec
from dlt.common.typing import TSecretStrValue

from core.errors import SourceNotConfigured
from core.settings import SourceSettings, env_name, load_source_settings

SOURCE = "repairs"
DEFAULT_TAB = "Form responses 1"


@dataclass(frozen=True)
class SheetSource:
    contractor: str
    spreadsheet_id: str
    tab: str


@dataclass(frozen=True)
class ExportSource:
    contractor: str
    pattern: str
    format: str  # csv | xlsx
    key_column: str | None  # None: a response is identified by its row number
    encoding: str
    tab: str | None  # the worksheet of an XLSX export (default: the first)


@configspec
class RepairsSettings(SourceSettings):
    landing_root: str | None = None  # the landing zone (a folder or s3://bucket/prefix), for exports
    sheets_base_url: str = "https://sheets.googleapis.com/v4"
    service_account_key_path: str | None = None  # a Google service-account JSON key file (keep it out of git)
    service_account_key: TSecretStrValue | None = None  # or the key file's JSON itself, from a secret store
    sheets: dict[str, Any] | None = None  # contractor -> {spreadsheet_id, tab}
    exports: dict[str, Any] | None = None  # contractor -> {pattern, format, key_column, encoding, tab}
    contractors: list[str] | None = None  # restrict to these contractors (default: every configured one)
    rows_per_request: int = 5000  # a sheet is read in chunks of this many rows
    timeout_s: float = 60.0
    max_attempts: int = 5  # per request, on 429 / 5xx / timeouts
    backoff_s: float = 2.0  # first retry wait; doubles each attempt (Retry-After wins when sent)
    max_retry_after_s: float = 300.0

    def sheet_sources(self) -> list[SheetSource]:
        out = []
        for contractor, entry in sorted((self.sheets or {}).items()):
            if not self._wanted(contractor):
                continue
            if not isinstance(entry, dict) or not entry.get("spreadsheet_id"):
                raise SourceNotConfigured(
                    f"repairs: sheet of {contractor} has no spreadsheet_id: set "
                    f"[sources.repairs.sheets.{contractor}] spreadsheet_id in .dlt/config.toml"
                )
            out.append(SheetSource(contractor, str(entry["spreadsheet_id"]), str(entry.get("tab") or DEFAULT_TAB)))
        return out

    def export_sources(self) -> list[ExportSource]:
        out = []
        for contractor, entry in sorted((self.exports or {}).items()):
            if not self._wanted(contractor):
                continue
            if not isinstance(entry, dict) or not entry.get("pattern"):
                raise SourceNotConfigured(
                    f"repairs: exports of {contractor} have no pattern: set [sources.repairs.exports.{contractor}] "
                    "pattern (a glob under landing_root) in .dlt/config.toml"
                )
            kind = str(entry.get("format") or str(entry["pattern"]).rsplit(".", 1)[-1]).lower()
            if kind not in ("csv", "xlsx"):
                raise SourceNotConfigured(f"repairs: exports of {contractor}: format {kind!r} is not csv or xlsx")
            out.append(ExportSource(contractor, str(entry["pattern"]), kind, entry.get("key_column") or None,
                                    str(entry.get("encoding") or "utf-8"), entry.get("tab") or None))  # fmt: skip
        return out

    def _wanted(self, contractor: str) -> bool:
        return not self.contractors or contractor in self.contractors


def load_settings(**overrides: Any) -> RepairsSettings:
    settings = load_source_settings(RepairsSettings, SOURCE, **overrides)
    if not settings.sheets and not settings.exports:
        raise SourceNotConfigured(
            f"repairs is not configured: no contractor sheets or exports. Set {env_name(SOURCE, 'sheets')} / "
            f"{env_name(SOURCE, 'exports')} (or [sources.repairs.sheets.<contractor>] and "
            "[sources.repairs.exports.<contractor>] in .dlt/config.toml)."
        )
    if settings.sheets and not (settings.service_account_key_path or settings.service_account_key):
        raise SourceNotConfigured(
            f"repairs reads contractor sheets but has no Google service-account key: set "
            f"{env_name(SOURCE, 'service_account_key_path')} (or {env_name(SOURCE, 'service_account_key')} in "
            ".dlt/secrets.toml)."
        )
    if settings.exports and not settings.landing_root:
        raise SourceNotConfigured(
            f"repairs picks up contractor exports but has no landing zone: set {env_name(SOURCE, 'landing_root')}."
        )
    return settings
