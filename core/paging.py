"""Reconciling a page-numbered series: never trust a source's word that it sent everything.

A vendor that pages (a count call, then page=1..N) can lose records silently: a page answered "no results", empty
or short, a page answered with another page's (or another table's) records, a record replaced by a copy of
another, a count header that is stale, garbled or negative, or records added between the count call and the pages.
A `SeriesCheck` follows one series page by page and refuses it unless what arrived reconciles with what the source
said it holds:

- the count and page-size headers are non-negative integers (a garbled one is never read as 0), and the count is
  the same on every page;
- every page is the size the paging implies, and the page after the last one is empty (a count that is too low
  leaves records beyond it);
- no record arrives twice byte for byte (the vendor's one known duplicate, an id repeated with older values, differs
  in content; a repeated page, a shifted page boundary or a replaced record do not);
- at most one id is shared with the previous page and none with earlier pages;
- every record looks like the table asked for: its columns mostly the table's own (a page of another table does not);
- the total equals the count.

The invariant (tests/ingestion/test_paging_property.py, generated vendor misbehaviour): either every record the
source holds for the series arrives exactly once, or the check raises `SeriesMismatch`, and the caller lands nothing
of the series as complete. The caller retries a refused series and, if it keeps failing, lands what arrived marked as
from an incomplete series (the records of another table excepted: `looks_like_table`) and fails the step with the
cursor unmoved.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import orjson

# A record belongs to the table asked for when at least this share of the union of its columns and the table's are
# shared (Jaccard). A vendor's added or dropped column moves it a little; another table's record shares few.
SAME_TABLE_MIN_SHARE = 0.5


class SeriesMismatch(Exception):
    """One series did not reconcile; retrying it may succeed."""


def count_header(name: str, raw: str | None, where: str) -> int | None:
    """A paging header as a count: None when absent; a value that is not a non-negative integer is refused, never
    read as 0 (a garbled count made a whole day look empty)."""
    if raw is None:
        return None
    value = raw.strip()
    if not value.isdigit() or not value.isascii():
        raise SeriesMismatch(f"{where}: {name} is {raw!r}, not a count")
    return int(value)


def record_key(record: Mapping[str, Any]) -> Hashable:
    """What identifies a record when pages are compared: its id, or its whole content when it has none."""
    record_id = record.get("id")
    return record_id if record_id is not None else fingerprint(record)


def fingerprint(record: Mapping[str, Any]) -> bytes:
    """The record's whole content, as a digest: two byte-for-byte equal records have one fingerprint.

    Asked once per record of every series, so the content is serialised by orjson (about ten times faster than the
    standard library's json, a dependency dlt already brings): equal records always serialise equally, so a
    duplicate is never missed. What orjson cannot serialise (a lone surrogate, an integer beyond 64 bits) falls
    back to the standard library. orjson writes NaN as null, so a record differing from another only by NaN for
    null would be taken for a copy: a false refusal (the series is read again), never a record lost."""
    try:
        content = orjson.dumps(record, option=orjson.OPT_SORT_KEYS)
    except TypeError:  # orjson.JSONEncodeError is a TypeError
        content = json.dumps(record, sort_keys=True, ensure_ascii=True).encode()
    return hashlib.blake2b(content, digest_size=16).digest()


@dataclass
class SeriesCheck:
    """The checks for one series of `expected` records served `per_page` a page. `columns`: the table's columns,
    when known (a record of another table is then refused)."""

    label: str
    expected: int
    per_page: int
    columns: frozenset[str] | None = None
    key: Callable[[Mapping[str, Any]], Hashable] = record_key
    received: int = 0
    tail_checked: bool = False  # the page after the last was seen empty (or a 'no results' answer confirmed)
    _pages_seen: list[set[Hashable]] = field(default_factory=list)
    _fingerprints: set[bytes] = field(default_factory=set)

    @property
    def pages(self) -> int:
        return math.ceil(self.expected / self.per_page) if self.expected else 0

    def expected_on_page(self, page: int) -> int:
        return min(self.per_page, self.expected - (page - 1) * self.per_page)

    def page(self, page: int, records: Sequence[Mapping[str, Any]], count: int | None) -> None:
        """Check page `page` (1-based) holding `records`; count: the count header it came with (None: not sent)."""
        where = f"{self.label} page {page} of {self.pages}"
        if count is not None and count != self.expected:
            raise SeriesMismatch(f"{where}: the count changed while paging ({self.expected} -> {count})")
        wanted = self.expected_on_page(page)
        if len(records) != wanted:
            raise SeriesMismatch(f"{where}: {len(records)} record(s) where the paging implies {wanted}")
        for record in records:
            self._check_columns(where, record)
            digest = fingerprint(record)
            if digest in self._fingerprints:
                raise SeriesMismatch(
                    f"{where}: record {self.key(record)!r} arrived twice, byte for byte (a page repeated or shifted, "
                    "or a record replaced by a copy of another): one record is missing"
                )
            self._fingerprints.add(digest)
        ids = {self.key(record) for record in records}
        # A record repeated across a page boundary (the vendor repeats some ids within a series) is one shared key
        # with the previous page at most; a page holding another page's records shares far more.
        for earlier, seen in enumerate(self._pages_seen, start=1):
            allowed = 1 if earlier == page - 1 else 0
            if len(ids & seen) > allowed:
                raise SeriesMismatch(f"{where}: repeats {len(ids & seen)} record(s) of page {earlier}")
        self._pages_seen.append(ids)
        self.received += len(records)

    def beyond_last(self, records: Sequence[Mapping[str, Any]]) -> None:
        """The page after the last must be empty: records there mean the count was too low."""
        self.tail_checked = True
        if records:
            raise SeriesMismatch(
                f"{self.label}: page {self.pages + 1} holds {len(records)} record(s) beyond the {self.expected} the "
                "source counted (a stale or wrong count)"
            )

    def finish(self) -> None:
        if self.received != self.expected:
            raise SeriesMismatch(f"{self.label}: received {self.received} record(s), the source said {self.expected}")

    def looks_like_table(self, record: Mapping[str, Any]) -> bool:
        """Whether the record's columns are mostly the table's own (always, when the columns are not known)."""
        if not self.columns:
            return True
        names = set(record)
        return len(names & self.columns) / len(names | self.columns) >= SAME_TABLE_MIN_SHARE

    def _check_columns(self, where: str, record: Mapping[str, Any]) -> None:
        if not self.looks_like_table(record):
            names, columns = set(record), self.columns or frozenset()
            raise SeriesMismatch(
                f"{where}: record {self.key(record)!r} has {len(names & columns)} of the table's "
                f"{len(columns)} columns among its {len(names)}: a page of another table"
            )
