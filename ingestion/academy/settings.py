"""Academy settings, a dlt configuration spec resolved from (in order) explicit values, environment variables such as
SOURCES__ACADEMY__CONNECTION_URL, .dlt/secrets.toml and .dlt/config.toml [sources.academy].

Production points `connection_url` at the SQL Server reporting copy (`mssql+pyodbc://...LBHALiveRBViews?driver=...`)
or at Ingres through its SQLAlchemy dialect: a setting, never a code change."""

from __future__ import annotations

import re
from typing import Any

from dlt.common.configuration import configspec
from dlt.common.typing import TSecretStrValue

from core.contract import Table
from core.errors import SourceNotConfigured
from core.settings import SourceSettings, load_source_settings

SOURCE = "academy"
# The borough's own table groups: benefits and housing needs read hb*, revenues the rest (council tax, business rates).
DEFAULT_TABLES = ("^ct", "^hb", "^nndr")
DEFAULT_ROUTES = {"benefits": ["^hb"], "revenues": ["^ct", "^nndr"]}


@configspec
class AcademySettings(SourceSettings):
    connection_url: TSecretStrValue = None  # SQLAlchemy URL of the read-only login on the replica / reporting copy
    db_schema: str = "dbo"  # the schema holding the vendor's tables
    tables: list[str] | None = None  # regular expressions on table names (re.search); default DEFAULT_TABLES
    department_routes: dict[str, Any] | None = None  # department -> name patterns; default DEFAULT_ROUTES
    batch_size: int = 50_000  # rows per chunk: one short statement each, one chunk per table per load package
    concurrency: int = 2  # tables read at once (= database connections held)
    statement_timeout_s: float = 300.0  # the server cancels any of our statements running longer
    attempts: int = 3  # per chunk, on a dropped connection or a count that does not reconcile
    backoff_s: float = 2.0  # first retry wait; doubles each attempt

    def table_patterns(self) -> list[str]:
        return list(self.tables or DEFAULT_TABLES)

    def routes(self) -> dict[str, list[str]]:
        routes = self.department_routes or DEFAULT_ROUTES
        return {str(department): [str(p) for p in patterns] for department, patterns in routes.items()}

    def selects(self, table_name: str) -> bool:
        return any(re.search(pattern, table_name) for pattern in self.table_patterns())

    def department_of(self, table_name: str) -> str | None:
        """The department whose patterns match the table name (None: no route)."""
        matches = [d for d, patterns in self.routes().items() if any(re.search(p, table_name) for p in patterns)]
        if len(matches) > 1:
            raise SourceNotConfigured(
                f"academy: table {table_name} matches the department routes of {', '.join(sorted(matches))}: make "
                "SOURCES__ACADEMY__DEPARTMENT_ROUTES patterns exclusive."
            )
        return matches[0] if matches else None


def check_routes(settings: AcademySettings, tables: list[Table]) -> None:
    """Every selected table's route must agree with its contract's department (which dbt and the raw path use)."""
    wrong = []
    for table in tables:
        routed = settings.department_of(table.name)
        if routed != table.department:
            wrong.append(f"{table.name} (routes: {routed or 'none'}, contract: {table.department})")
    if wrong:
        raise SourceNotConfigured(
            "academy: department routes disagree with the contracts for " + "; ".join(wrong) + ". Fix "
            "department_routes in .dlt/config.toml or the table's contract (then `data-platform generate`)."
        )


def load_settings(**overrides: Any) -> AcademySettings:
    settings = load_source_settings(AcademySettings, SOURCE, **overrides)
    for pattern in settings.table_patterns() + [p for ps in settings.routes().values() for p in ps]:
        try:
            re.compile(pattern)
        except re.error as error:
            raise SourceNotConfigured(
                f"academy: table pattern {pattern!r} is not a regular expression ({error})"
            ) from None
    if settings.batch_size < 1 or settings.concurrency < 1 or settings.attempts < 1:
        raise SourceNotConfigured("academy: batch_size, concurrency and attempts must be at least 1")
    return settings
