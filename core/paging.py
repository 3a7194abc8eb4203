"""Reconciling a page-numbered series: never trust a source's word that it sent everything.

A vendor that pages (a count call, then page=1..N) can lose records silently: a page answered "no results", empty
or short, a page answered with another page's records, or records added between the count call and the pages. A
`SeriesCheck` follows one series page by page and refuses it unless what arrived reconciles with what the source
said it holds: every page the size the paging implies, no page repeating another's records, the total equal to the
count, and the count unchanged while paging. The caller retries a refused series and, if it keeps failing, fails
the step with the cursor unmoved.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field


class SeriesMismatch(Exception):
    """One series did not reconcile; retrying it may succeed."""


@dataclass
class SeriesCheck:
    """The checks for one series of `expected` records served `per_page` a page."""

    label: str
    expected: int
    per_page: int
    received: int = 0
    _pages_seen: list[set[Hashable]] = field(default_factory=list)

    @property
    def pages(self) -> int:
        return math.ceil(self.expected / self.per_page) if self.expected else 0

    def expected_on_page(self, page: int) -> int:
        return min(self.per_page, self.expected - (page - 1) * self.per_page)

    def page(self, page: int, keys: Sequence[Hashable], count_header: int | None) -> None:
        """Check page `page` (1-based) holding records with these keys; count_header: the count it came with."""
        where = f"{self.label} page {page} of {self.pages}"
        if count_header is not None and count_header != self.expected:
            raise SeriesMismatch(f"{where}: the count changed while paging ({self.expected} -> {count_header})")
        wanted = self.expected_on_page(page)
        if len(keys) != wanted:
            raise SeriesMismatch(f"{where}: {len(keys)} record(s) where the paging implies {wanted}")
        ids = set(keys)
        # A record repeated across a page boundary (the vendor repeats some ids within a series) is one shared key
        # with the previous page at most; a page holding another page's records shares far more.
        for earlier, seen in enumerate(self._pages_seen, start=1):
            allowed = 1 if earlier == page - 1 else 0
            if len(ids & seen) > allowed:
                raise SeriesMismatch(f"{where}: repeats {len(ids & seen)} record(s) of page {earlier}")
        self._pages_seen.append(ids)
        self.received += len(keys)

    def finish(self) -> None:
        if self.received != self.expected:
            raise SeriesMismatch(f"{self.label}: received {self.received} record(s), the source said {self.expected}")
