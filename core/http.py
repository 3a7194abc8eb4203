"""An HTTP client's transport, once: a requests session, a count of the requests made, and every request retried
through core.retry while it meets a passing fault (connection errors, timeouts, the statuses the source uses for
"try again", a body its client finds malformed), honouring Retry-After up to a cap. A source's client subclasses
it and says only what an answer means."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, TypeVar

import requests

from core.retry import Transient, retry_after, with_retries

T = TypeVar("T")
RETRYABLE_STATUS = frozenset({429, 500, 502, 503, 504})


class RetryingHttp:
    """`request(method, url, read)`: `read(response)` turns an answer into a result or raises; a retryable status,
    a dropped connection, a timeout or a `Transient` raised by `read` is tried again."""

    source = ""  # names the SOURCES__<SOURCE>__MAX_RETRY_AFTER_S setting in the message when a wait is capped

    def __init__(
        self,
        *,
        timeout_s: float = 60.0,
        max_attempts: int = 5,
        backoff_s: float = 2.0,
        max_retry_after_s: float = 300.0,
        sleep: Callable[[float], None] = time.sleep,
        warn: Callable[[str], None] = print,
    ) -> None:
        self.timeout_s = timeout_s
        self.max_attempts = max_attempts
        self.backoff_s = backoff_s
        self.max_retry_after_s = max_retry_after_s
        self._sleep = sleep
        self._warn = warn
        self._session = requests.Session()
        self.requests_made = 0

    def request(self, method: str, url: str, read: Callable[[requests.Response], T], **kwargs: Any) -> T:
        """The answer as `read` understands it. Once the attempts are spent the last passing fault is raised as it
        was (Transient, requests.ConnectionError or Timeout), for the client to explain; see `gave_up`."""

        def attempt() -> T:
            self.requests_made += 1
            response = self._session.request(method, url, timeout=self.timeout_s, **kwargs)
            self.observe(response)
            if response.status_code in RETRYABLE_STATUS:
                raise Transient(f"HTTP {response.status_code}", retry_after(response.headers.get("Retry-After")))
            return read(response)

        setting = f"SOURCES__{self.source.upper()}__MAX_RETRY_AFTER_S" if self.source else ""
        return with_retries(attempt, attempts=self.max_attempts, backoff_s=self.backoff_s, transient=transient,
                            max_retry_after_s=self.max_retry_after_s, sleep=self._sleep, on_wait=self._warn,
                            label=f"{self.source or 'http'} {url}", cap_setting=setting)  # fmt: skip

    def observe(self, response: requests.Response) -> None:
        """Every answer, retried ones included, before it is judged (a client may note a header)."""

    def gave_up(self, error: BaseException) -> str:
        """What the last passing fault was, for the message after the attempts are spent."""
        problem = str(error) if isinstance(error, Transient) else f"{type(error).__name__}: {error}"
        return f"gave up after {self.max_attempts} attempts ({problem})"


PASSING = (Transient, requests.ConnectionError, requests.Timeout)


def transient(error: BaseException) -> bool:
    return isinstance(error, PASSING)
