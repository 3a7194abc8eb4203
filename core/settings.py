"""A source's settings, resolved the dlt way: explicit values first, then environment variables
(SOURCES__<SOURCE>__<KEY>), then .dlt/secrets.toml and .dlt/config.toml. Each connector declares a dlt
configuration spec (`@configspec`, secrets typed `TSecretStrValue`); this turns dlt's resolution errors into
messages that name the variable to set."""

from __future__ import annotations

from typing import Any, TypeVar

from dlt.common.configuration import resolve_configuration
from dlt.common.configuration.exceptions import ConfigFieldMissingException, ConfigValueCannotBeCoercedException
from dlt.common.configuration.specs import BaseConfiguration

from core.errors import SourceNotConfigured

Spec = TypeVar("Spec", bound=BaseConfiguration)


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
        raise SourceNotConfigured(
            f"{env_name(source, bad.field_name)} = {bad.field_value!r} is not a valid {kind}: fix the setting "
            "(environment variable or .dlt/config.toml) and run again."
        ) from None
