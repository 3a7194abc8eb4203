"""A paging HTTP client for the Tascomi REST API, with retries for the faults the vendor really shows."""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import requests

from ingestion.tascomi.auth import auth_headers

RETRYABLE_STATUS = {429, 500, 502, 503, 504}
REFUSED_STATUS = {401, 403}


class TascomiAccessDenied(RuntimeError):
    """The vendor refused the request: wrong keys, a skewed clock, or API access switched off."""


class TascomiUnavailable(RuntimeError):
    """The vendor kept failing after every retry."""


@dataclass(frozen=True)
class Record:
    """One record as received, with where it came from."""

    values: dict[str, Any]
    url: str
    index: int  # position within its request series: a later duplicate has a higher index


class TascomiClient:
    def __init__(
        self,
        base_url: str,
        public_key: str,
        private_key: str,
        timeout_s: float = 60.0,
        max_attempts: int = 5,
        backoff_s: float = 2.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._public_key = public_key
        self._private_key = private_key
        self.timeout_s = timeout_s
        self.max_attempts = max_attempts
        self.backoff_s = backoff_s
        self._sleep = sleep
        self._session = requests.Session()
        self.requests_made = 0

    def records(self, table: str, last_updated: date | None = None) -> Iterator[Record]:
        """Every record of `table` (or of one `last_updated` day), page by page, as the vendor sent it."""
        params: dict[str, str] = {}
        if last_updated is not None:
            params["last_updated"] = last_updated.isoformat()
        response, _ = self._get(table, params)
        if response.status_code == 202:  # the vendor's way of saying "no results"
            return
        total = int(response.headers.get("X-Number-Of-Results", "0"))
        per_page = int(response.headers.get("X-Results-Per-Page", "0") or 0)
        if total == 0:
            return
        if per_page <= 0:
            raise TascomiUnavailable(f"{table}: response has {total} results but no X-Results-Per-Page header")
        index = 0
        for page in range(1, math.ceil(total / per_page) + 1):
            response, body = self._get(table, {**params, "page": str(page)})
            for values in body:
                yield Record(values, response.url, index)
                index += 1

    def _get(self, table: str, params: dict[str, str]) -> tuple[requests.Response, list[dict[str, Any]]]:
        url = f"{self.base_url}/{table}"
        problem = ""
        for attempt in range(1, self.max_attempts + 1):
            retry_after: float | None = None
            try:
                headers = auth_headers(self._public_key, self._private_key)
                self.requests_made += 1
                response = self._session.get(url, params=params, headers=headers, timeout=self.timeout_s)
                if response.status_code in REFUSED_STATUS:
                    raise TascomiAccessDenied(
                        f"Tascomi refused {response.url} with HTTP {response.status_code}. Check "
                        "SOURCES__TASCOMI__PUBLIC_KEY / PRIVATE_KEY and this machine's clock; if both are "
                        "right the vendor has switched API access off: ask them to restore it, then rerun."
                    )
                if response.status_code in RETRYABLE_STATUS:
                    problem = f"HTTP {response.status_code}"
                    retry_after = _retry_after(response)
                else:
                    response.raise_for_status()
                    return response, _json_list(response)
            except (requests.ConnectionError, requests.Timeout, ValueError) as error:
                # ValueError covers a truncated or garbled JSON body: the same request usually succeeds again.
                problem = f"{type(error).__name__}: {error}"
            if attempt < self.max_attempts:
                self._sleep(retry_after if retry_after is not None else self.backoff_s * 2 ** (attempt - 1))
        raise TascomiUnavailable(f"{url} {params}: gave up after {self.max_attempts} attempts ({problem})")


def _retry_after(response: requests.Response) -> float | None:
    value = response.headers.get("Retry-After", "")
    return float(value) if value.isdigit() else None


def _json_list(response: requests.Response) -> list[dict[str, Any]]:
    if response.status_code == 202 or not response.content.strip():
        return []
    body = json.loads(response.content)
    if not isinstance(body, list):
        raise ValueError(f"expected a JSON array from {response.url}, got {type(body).__name__}")
    return body
