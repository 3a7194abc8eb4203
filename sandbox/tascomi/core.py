"""The world's machinery shared by every part of the simulation: stores, the event queue, time, random draws.

Every change is kept as a version per record id, so the server can answer any query "as of now" and the ground
truth can say exactly what a perfect daily importer would have seen.
"""

from __future__ import annotations

import heapq
import random
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Any

from sandbox.tascomi.draws import between, uniform
from sandbox.tascomi.store import Store, midnight

SYSTEM_USER, PORTAL_USER = 1, 2  # the vendor's own accounts: batch jobs and the public access portal


class WorldCore:
    """Storage primitives and event machinery; the simulation parts build on these."""

    seed: int
    start_date: date
    null_last_updated_rate: float
    _rng: random.Random
    _stores: dict[str, Store]
    _start_dt: datetime
    _events: list[tuple[datetime, int, Callable[..., None], tuple[Any, ...]]]
    _seq: int
    _daily: frozenset[str]

    # ------------------------------------------------------------------ storage primitives

    def _create(self, table: str, t: datetime, by: int | None, **values: Any) -> int:
        """A new record at t, created (and last updated) by user `by`."""
        store = self._stores[table]
        if by is not None and store.audited:
            values["creation_user_id"] = by
            values["last_updated_by"] = by
        record_id = store.next_id
        store.add(record_id, store.make(t, None, values))
        # ~1% of backlog records carry a null last_updated (a vendor quirk): they never show in a day series.
        if t < self._start_dt and self._rng.random() < self.null_last_updated_rate:
            store.null_lu.add(record_id)
        else:
            store.by_day[t.date()].append(record_id)
        return record_id

    def _update(self, table: str, record_id: int, t: datetime, by: int | None, **changes: Any) -> None:
        """A new version at t with `changes`, saved by user `by`."""
        store = self._stores[table]
        if by is not None and store.audited:
            changes["last_updated_by"] = by
        store.append(record_id, store.make(t, store.latest(record_id), changes))
        self._index_change(store, record_id, t)

    def _touch(self, table: str, record_id: int, t: datetime) -> None:
        """A change that only moves last_updated (the vendor re-saves a record without changing it)."""
        store = self._stores[table]
        store.append(record_id, (t, *store.latest(record_id)[1:]))
        self._index_change(store, record_id, t)

    def _index_change(self, store: Store, record_id: int, t: datetime) -> None:
        if not (record_id in store.null_lu and t < self._start_dt):
            store.by_day[t.date()].append(record_id)

    def _create_lookup(self, table: str, record_id: int, t: datetime, **values: Any) -> None:
        store = self._stores[table]
        values.setdefault("creation_user_id", SYSTEM_USER)
        values.setdefault("last_updated_by", SYSTEM_USER)
        store.add(record_id, store.make(t, None, values))

    def _lookup_update(self, table: str, record_id: int, t: datetime, **changes: Any) -> None:
        store = self._stores[table]
        changes.setdefault("last_updated_by", SYSTEM_USER)
        store.append(record_id, store.make(t, store.latest(record_id), changes))

    def _get(self, table: str, record_id: int, name: str) -> Any:
        return self._stores[table].get(record_id, name)

    def _exists(self, table: str, record_id: int | None) -> bool:
        store = self._stores[table]
        return record_id is not None and 0 < record_id < store.next_id and store.versions[record_id] is not None

    # ------------------------------------------------------------------ events and time

    def _at(self, t: datetime, handler: Callable[..., None], *args: Any) -> None:
        self._seq += 1
        heapq.heappush(self._events, (t, self._seq, handler, args))

    def _time_of_day(self, day: date) -> datetime:
        """A plausible change time: mostly office hours, some overnight batch jobs (before the 06:00 import)."""
        rng = self._rng
        overnight = rng.random() < 0.15
        # Overnight jobs run 02:00-06:00 local: after the 01:00-02:00 hour that clocks skip or repeat at DST changes.
        seconds = between(rng, 2 * 3600, 6 * 3600 - 2) if overnight else between(rng, 7 * 3600 + 1800, 19 * 3600 - 1)
        return datetime.combine(day, time()) + timedelta(seconds=seconds)

    def _later(self, t: datetime, lo_days: float, hi_days: float) -> datetime:
        """A change time lo..hi days after t, at a plausible time of day, strictly after t."""
        target = (t + timedelta(days=uniform(self._rng, lo_days, hi_days))).date()
        when = self._time_of_day(target)
        return when if when > t else t + timedelta(seconds=between(self._rng, 60, 3 * 3600))

    def _soon(self, t: datetime, max_minutes: int = 90) -> datetime:
        """Moments after t: the next step of one sitting (a letter printed, an email delivered)."""
        return t + timedelta(seconds=between(self._rng, 30, max_minutes * 60))

    def _count(self, rate: float) -> int:
        """An integer count with the given mean (floor plus a Bernoulli for the remainder)."""
        whole = int(rate)
        return whole + (1 if self._rng.random() < rate - whole else 0)

    @staticmethod
    def _day(moment: datetime, days: float = 0) -> datetime:
        """The date-only timestamp `days` after moment (shared object)."""
        return midnight((moment + timedelta(days=days)).date())
