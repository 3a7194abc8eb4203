"""Tascomi settings, a dlt configuration spec resolved from (in order) explicit values, environment variables such as
SOURCES__TASCOMI__BASE_URL / __PUBLIC_KEY / __PRIVATE_KEY, .dlt/secrets.toml and .dlt/config.toml [sources.tascomi]."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from dlt.common.configuration import configspec
from dlt.common.configuration.specs import BaseConfiguration
from dlt.common.typing import TSecretStrValue

from core.errors import SourceNotConfigured
from core.settings import resolve_settings
from ingestion.tascomi.auth import LONDON

SOURCE = "tascomi"


@configspec
class TascomiSettings(BaseConfiguration):
    base_url: str = None  # the council's vendor host moves: configuration, never code
    public_key: TSecretStrValue = None
    private_key: TSecretStrValue = None
    catch_up_days: int = 60  # the borough's cap: series reaching back years failed or timed out
    lookup_refresh_days: int = 7
    timeout_s: float = 60.0
    max_attempts: int = 5  # per request, on 429 / 5xx / timeouts / truncated or malformed bodies
    backoff_s: float = 2.0  # first retry wait; doubles each attempt
    max_retry_after_s: float = 300.0  # a vendor's Retry-After longer than this is capped (and said so)
    series_attempts: int = 3  # a day series that does not reconcile is fetched again this often, then the step fails
    tables: list[str] | None = None  # restrict to these contract tables (default: every table)
    today: date | None = None  # the business day to import as (default: today in London); never in the future

    def business_day(self) -> date:
        """Today in London unless set: the day whose records are still changing and so are never imported."""
        return date.fromisoformat(str(self.today)) if self.today else datetime.now(LONDON).date()


def load_settings(**overrides: Any) -> TascomiSettings:
    settings = resolve_settings(TascomiSettings, SOURCE, **overrides)
    real_today = datetime.now(LONDON).date()
    if settings.business_day() > real_today:
        raise SourceNotConfigured(
            f"business day {settings.business_day()} is in the future (today in London is {real_today}): importing "
            "it would mark days landed that have not happened. Run without --today / SOURCES__TASCOMI__TODAY, or "
            "with a past day to replay."
        )
    return settings
