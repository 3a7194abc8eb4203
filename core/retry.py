"""Retrying a call that meets a passing fault (tenacity): exponential backoff, a server's Retry-After honoured up to
a cap, and one line for the operator each time a wait is capped.

A client raises `Transient` for an answer worth asking again (HTTP 429 / 5xx, a truncated body), with the
Retry-After the server sent, and names the other exceptions that are transient (connection errors, timeouts); the
last failure is raised as it was once the attempts are spent, for the client to turn into its own explanation.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

import tenacity

T = TypeVar("T")


class Transient(Exception):
    """A failure the same request usually gets past; `retry_after` is the server's requested wait, if it sent one."""

    def __init__(self, problem: str, retry_after: float | None = None) -> None:
        super().__init__(problem)
        self.retry_after = retry_after


def retry_after(header: str | None) -> float | None:
    """A Retry-After header's seconds (the delta-seconds form; a date form is ignored and backoff applies)."""
    value = (header or "").strip()
    return float(value) if value.isdigit() else None


def with_retries(
    call: Callable[[], T],
    *,
    attempts: int,
    backoff_s: float,
    transient: Callable[[BaseException], bool] = lambda error: isinstance(error, Transient),
    max_retry_after_s: float | None = None,
    sleep: Callable[[float], None] = time.sleep,
    on_wait: Callable[[str], None] | None = None,
    label: str = "",
    cap_setting: str = "",
    on_retry: Callable[[BaseException, int], None] | None = None,
) -> T:
    """`call()`, tried up to `attempts` times while it fails transiently; waits backoff_s, 2*backoff_s, ...
    or the server's Retry-After (capped at max_retry_after_s, said through on_wait); `on_retry(error, attempt)`
    hears each failure that is about to be retried."""

    def wait(state: tenacity.RetryCallState) -> float:
        error = state.outcome.exception() if state.outcome else None
        asked = getattr(error, "retry_after", None)
        if asked is None:
            return backoff_s * 2 ** (state.attempt_number - 1)
        if max_retry_after_s is not None and asked > max_retry_after_s:
            # tenacity asks for the wait before it checks the attempts left: only a wait that happens is said
            if on_wait is not None and state.attempt_number < attempts:
                named = f" ({cap_setting})" if cap_setting else ""
                on_wait(f"{label}: the server asked to wait {asked:.0f} s before retrying; waiting "
                        f"{max_retry_after_s:.0f} s{named}")  # fmt: skip
            return max_retry_after_s
        return asked

    def before_sleep(state: tenacity.RetryCallState) -> None:
        if on_retry is not None and state.outcome is not None:
            on_retry(state.outcome.exception(), state.attempt_number)

    retrying = tenacity.Retrying(
        stop=tenacity.stop_after_attempt(max(attempts, 1)),
        wait=wait,
        retry=tenacity.retry_if_exception(transient),
        sleep=sleep,
        before_sleep=before_sleep,
        reraise=True,
    )
    return retrying(call)
