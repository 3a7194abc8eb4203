"""A source's settings, resolved the dlt way: explicit values first, then environment variables
(SOURCES__<SOURCE>__<KEY>), then .dlt/secrets.toml and .dlt/config.toml. Each connector declares a dlt
configuration spec (`@configspec`, secrets typed `TSecretStrValue`) on top of `SourceSettings`, which carries what
every source shares: the business day to import as, in the council's time zone. `load_source_settings` turns dlt's
resolution errors into messages that name the variable to set, and refuses a business day that has not happened."""

# No `from __future__ import annotations` here: dlt reads a spec's field types through the subclass's module, where
# a string annotation of an inherited field ('date | None') would not resolve and the field would turn required.
from datetime import date, datetime
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from dlt.common.configuration import configspec, resolve_configuration
from dlt.common.configuration.exceptions import ConfigFieldMissingException, ConfigValueCannotBeCoercedException
from dlt.common.configuration.specs import BaseConfiguration

from core.errors import SourceNotConfigured

# The council's clock: a business day, a vendor's signing minute and "today" are London wall-clock time (BST applies).
LONDON = ZoneInfo("Europe/London")

Spec = TypeVar("Spec", bound=BaseConfiguration)


def today_in_london() -> date:
    return datetime.now(LONDON).date()


@configspec
class SourceSettings(BaseConfiguration):
    """What every source's settings carry. A connector's spec subclasses this and adds its own fields."""

    today: date | None = None  # the business day to import as (default: today in London); never in the future

    def business_day(self) -> date:
        """Today in London unless set: the day whose records are still changing and so are never imported."""
        return date.fromisoformat(str(self.today)) if self.today else today_in_london()


def env_name(source: str, key: str) -> str:
    return f"SOURCES__{source.upper()}__{key.upper()}"


def resolve_settings(spec: type[Spec], source: str, **explicit: Any) -> Spec:
    """`spec` resolved under [sources.<source>]; keyword values (None ignored) win over configuration."""
    given = {k: v for k, v in explicit.items() if v is not None}
    try:
        return resolve_configuration(spec(), sections=("sources", source), explicit_value=given)
    except ConfigFieldMissingException as missing:
        names = ", ".join(env_name(source, field) for field in missing.fields)
        raise SourceNotConfigured(
            f"{source} is not configured: set {names} (or put them under [sources.{source}] in .dlt/config.toml, "
            "secrets in .dlt/secrets.toml)."
        ) from None
    except ConfigValueCannotBeCoercedException as bad:
        kind = getattr(bad.hint, "__name__", bad.hint)
        kind = {"date": "date (YYYY-MM-DD)"}.get(str(kind).split("|")[0].strip(), kind)
        raise SourceNotConfigured(
            f"{env_name(source, bad.field_name)} = {bad.field_value!r} is not a valid {kind}: fix the setting "
            "(environment variable or .dlt/config.toml) and run again."
        ) from None


SourceSpec = TypeVar("SourceSpec", bound=SourceSettings)


def load_source_settings(spec: type[SourceSpec], source: str, **explicit: Any) -> SourceSpec:
    """A source's settings, resolved; a business day after today in London is refused (importing it would mark
    days landed that have not happened)."""
    settings = resolve_settings(spec, source, **explicit)
    real_today = today_in_london()
    if settings.business_day() > real_today:
        raise SourceNotConfigured(
            f"business day {settings.business_day()} is in the future (today in London is {real_today}): importing "
            f"it would mark days landed that have not happened. Run without --today / {env_name(source, 'today')}, "
            "or with a past day to replay."
        )
    return settings
