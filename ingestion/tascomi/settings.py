"""Tascomi settings, a dlt configuration spec resolved from (in order) explicit values, environment variables such as
SOURCES__TASCOMI__BASE_URL / __PUBLIC_KEY / __PRIVATE_KEY, .dlt/secrets.toml and .dlt/config.toml [sources.tascomi]."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from dlt.common.configuration import configspec
from dlt.common.typing import TSecretStrValue

from core.errors import SourceNotConfigured
from core.settings import SourceSettings, load_source_settings

SOURCE = "tascomi"


@configspec
class TascomiSettings(SourceSettings):
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


def load_settings(**overrides: Any) -> TascomiSettings:
    settings = load_source_settings(TascomiSettings, SOURCE, **overrides)
    _check_base_url(settings.base_url)
    return settings


def _check_base_url(value: str | None) -> None:
    """An empty or scheme-less base URL would fail deep inside requests ("No scheme supplied"): say which setting."""
    parts = urlsplit((value or "").strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise SourceNotConfigured(
            f"SOURCES__TASCOMI__BASE_URL = {value!r} is not a URL: set it to the council's vendor API, e.g. "
            "https://<council>-planning.idoxcloud.com/rest/v1 (environment or .dlt/config.toml [sources.tascomi])."
        )
