"""Failures the platform explains itself: each message says what happened and what to do next.

The command line turns any of these (found anywhere in an exception's cause chain: dlt and dbt wrap errors) into
one line on stderr and exit code 2, instead of a traceback.
"""

from __future__ import annotations


class PlatformError(RuntimeError):
    """A failure with a message an operator can act on."""


class SourceNotConfigured(PlatformError):
    """A required setting is missing or malformed."""


class SourceRefused(PlatformError):
    """The source refused us: wrong credentials, a skewed clock, or access switched off."""


class SourceUnavailable(PlatformError):
    """The source kept failing after every retry."""


class SourceIncomplete(PlatformError):
    """What the source sent does not reconcile with what it said it holds; nothing from that step was landed."""


class SourceSentGarbage(PlatformError):
    """The source answered with something that is not the format it documents."""


class ContractError(PlatformError):
    """A source contract file is malformed (unknown type, missing classification, duplicate column ...)."""


class RunInProgress(PlatformError):
    """Another run of the same source holds its lock."""


class LakeUnwritable(PlatformError):
    """The lake or the local working folder cannot be written (disk full, permissions)."""


def find_cause(error: BaseException, *kinds: type[BaseException]) -> BaseException | None:
    """The first error of one of `kinds` in the cause/context chain. Chains can loop (an error re-raised from
    its own wrapper), so each error is visited once."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        if isinstance(current, kinds):
            return current
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return None
