"""A paging HTTP client for the Tascomi REST API: signed requests, retries for the faults the vendor really shows,
and a reconciled series (core.paging) so a page the vendor drops, shortens or repeats is never lost silently."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from email.utils import parsedate_to_datetime
from typing import Any

import requests

from core.errors import SourceNotConfigured, SourceRefused, SourceSentGarbage, SourceUnavailable
from core.http import PASSING, RetryingHttp
from core.paging import SeriesCheck, SeriesMismatch, count_header, fingerprint
from core.retry import Transient
from core.settings import LONDON
from ingestion.tascomi.auth import auth_headers

REFUSED_STATUS = {401, 403}
NO_RESULTS = 202  # the vendor's way of saying "no results"


class TascomiAccessDenied(SourceRefused):
    """The vendor refused the request: wrong keys, a skewed clock, or API access switched off."""


class TascomiUnavailable(SourceUnavailable):
    """The vendor kept failing after every retry."""


class _Malformed(Transient):
    """A body that is not the documented JSON array of flat objects: a truncated or garbled body usually comes
    right on the next request (retried, then reported)."""


@dataclass(frozen=True)
class Record:
    """One record as received, with where it came from."""

    values: dict[str, Any]
    url: str
    index: int  # position within its series: a later duplicate has a higher index


@dataclass
class Page:
    status: int
    url: str
    records: list[dict[str, Any]]
    count: str | None  # X-Number-Of-Results as sent (None: not sent); core.paging.count_header reads it
    per_page: str | None  # X-Results-Per-Page as sent


class TascomiClient(RetryingHttp):
    source = "tascomi"

    def __init__(self, base_url: str, public_key: str, private_key: str, **retries: Any) -> None:
        """`retries`: core.http.RetryingHttp's timeout_s, max_attempts, backoff_s, max_retry_after_s, sleep, warn."""
        super().__init__(**retries)
        self.base_url = base_url.rstrip("/")
        self._public_key = public_key
        self._private_key = private_key
        self.vendor_date: date | None = None  # the vendor's own London date, from its last Date header

    def count(self, table: str, last_updated: date | None = None, columns: Iterable[str] = ()) -> SeriesCheck:
        """The first call of a series: how many records, how many a page. A 'no results' answer is confirmed
        with page 1, so one spurious 202 cannot make a day with records look empty. A count or page size that is
        missing, garbled or negative refuses the series (it was once read as 0: a whole day lost)."""
        params = _filter(last_updated)
        label = _label(table, last_updated)
        first = self._get(table, params)
        if first.status == NO_RESULTS:
            confirm = self._get(table, {**params, "page": "1"})
            if confirm.records:
                raise SeriesMismatch(f"{label}: 'no results' on the count call, but page 1 holds records")
            return SeriesCheck(label, 0, 1, frozenset(columns), tail_checked=True)
        where = f"{label} count call"
        total = count_header("X-Number-Of-Results", first.count, where)
        per_page = count_header("X-Results-Per-Page", first.per_page, where)
        if total is None:
            raise SeriesMismatch(f"{where}: HTTP {first.status} without an X-Number-Of-Results header")
        if total and not per_page:
            raise SeriesMismatch(f"{where}: {total} results but no usable X-Results-Per-Page header")
        return SeriesCheck(label, total, per_page or 1, frozenset(columns))

    def series(
        self, table: str, last_updated: date | None = None, columns: Iterable[str] = (), salvage: bool = False
    ) -> Iterator[Record]:
        """Every record of `table` (or of one `last_updated` day), page by page, reconciled with the vendor's count
        (core.paging: `columns`, the table's own, let it refuse a page of another table).

        Raises core.paging.SeriesMismatch (after yielding what it had) when the pages do not add up: the caller
        discards the step and retries it. `salvage` (the last read the caller allows): a page that does not add up
        is yielded too, except records of another table, paging goes on past the count while the pages beyond it are
        full (a count too low), and the first mismatch is raised at the end, so the caller can land everything the
        vendor served, marked incomplete."""
        check = self.count(table, last_updated, columns)
        params = _filter(last_updated)
        mismatches: list[SeriesMismatch] = []
        index, number, seen, fresh = 0, 0, set[bytes](), True
        previous: list[dict[str, Any]] = []
        while True:
            number += 1
            beyond = number > check.pages
            # salvaging past the count: read on while the page before was full and brought records not seen before
            # in this read (a vendor that answers every page number with the same records is not followed for ever)
            more = len(previous) >= check.per_page and fresh
            if beyond and (not more if mismatches else check.tail_checked):
                break
            page = self._get(table, {**params, "page": str(number)})
            previous = page.records
            if salvage:
                digests = {fingerprint(values) for values in page.records}
                fresh = bool(digests - seen)
                seen |= digests
            try:
                if beyond:  # the page after the last must be empty
                    check.beyond_last(page.records)
                else:
                    check.page(number, page.records, count_header("X-Number-Of-Results", page.count, page.url))
            except SeriesMismatch as mismatch:
                if not salvage:
                    raise
                mismatches.append(mismatch)
            for values in page.records:
                if not mismatches or check.looks_like_table(values):  # a page of another table never lands
                    yield Record(values, page.url, index)
                index += 1
        if mismatches:
            raise mismatches[0]
        check.finish()

    def _get(self, table: str, params: dict[str, str]) -> Page:
        url = f"{self.base_url}/{table}"
        try:
            # signed per attempt: the signature is of the current London minute
            return self.request(
                "GET", url, self._page, params=params, auth=_Signed(self._public_key, self._private_key)
            )
        except _Malformed as error:
            raise SourceSentGarbage(
                f"Tascomi kept answering {url} {params} with something that cannot be read as a JSON array of records "
                f"({error}); nothing from this step was landed. Report it to the vendor."
            ) from None
        except PASSING as error:
            raise TascomiUnavailable(f"{url} {params}: {self.gave_up(error)}") from None

    def _page(self, response: requests.Response) -> Page:
        status = response.status_code
        if status in REFUSED_STATUS:
            raise TascomiAccessDenied(
                f"Tascomi refused {response.url} with HTTP {status}. Check SOURCES__TASCOMI__PUBLIC_KEY / "
                "PRIVATE_KEY and this machine's clock; if both are right the vendor has switched API access "
                "off: ask them to restore it, then rerun."
            )
        if status == 404:
            raise SourceNotConfigured(
                f"Tascomi answered HTTP 404 for {response.url}: check SOURCES__TASCOMI__BASE_URL (it should "
                "end in /rest/v1) and that the vendor serves the table."
            )
        if status >= 400:
            raise SourceSentGarbage(f"Tascomi answered HTTP {status} for {response.url}: {response.text[:200]}")
        return Page(status, response.url, _records(response), response.headers.get("X-Number-Of-Results"),
                    response.headers.get("X-Results-Per-Page"))  # fmt: skip

    def observe(self, response: requests.Response) -> None:
        self._note_vendor_date(response)

    def _note_vendor_date(self, response: requests.Response) -> None:
        header = response.headers.get("Date")
        if header:
            with contextlib.suppress(TypeError, ValueError):
                self.vendor_date = parsedate_to_datetime(header).astimezone(LONDON).date()


class _Signed(requests.auth.AuthBase):
    """Every request (each retry too) signed with the London minute it is sent in."""

    def __init__(self, public_key: str, private_key: str) -> None:
        self.public_key, self.private_key = public_key, private_key

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers.update(auth_headers(self.public_key, self.private_key))
        return request


def _filter(last_updated: date | None) -> dict[str, str]:
    return {"last_updated": last_updated.isoformat()} if last_updated is not None else {}


def _label(table: str, last_updated: date | None) -> str:
    return f"{table} ({'last_updated ' + last_updated.isoformat() if last_updated else 'full pull'})"


def _records(response: requests.Response) -> list[dict[str, Any]]:
    if not response.content.strip():
        return []
    try:
        body = json.loads(response.content)
    except ValueError as error:
        if response.status_code == NO_RESULTS:
            return []  # a 'no results' answer may carry a message; only records in it would contradict it
        raise _Malformed(f"not JSON ({error})") from error
    if response.status_code == NO_RESULTS:
        if isinstance(body, list) and body:
            # trusting the status would drop these records, trusting the body would ignore the status
            raise _Malformed(f"HTTP 202 'no results' with {len(body)} record(s) in its body")
        return []
    if not isinstance(body, list):
        raise _Malformed(f"a JSON {type(body).__name__}, not an array")
    if not all(isinstance(item, dict) for item in body):
        raise _Malformed("an array holding something other than objects")
    return body
