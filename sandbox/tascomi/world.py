"""A deterministic simulated Tascomi planning system: every version of every record, as of a moving "now".

The world is an event simulation over all 48 tables of the vendor's schema (`vendor_schema.json`). Before
`start_date` it builds a backlog (a year by default); after that each simulated day brings new applications,
complaints and pre-application enquiries, and the life events of open cases (validation, consultation, letters,
fees, committee, decisions, appeals, enforcement action, soft deletes, touches). Every change is kept as a version
per record id, so the server can answer any query "as of now" and `ground_truth` can say exactly what a perfect
daily importer would have seen.

Values are stored as native Python objects and turned into the vendor's all-strings form only when served: that
keeps a 100k-application world in memory.
"""

from __future__ import annotations

import base64
import gc
import hashlib
import heapq
import random
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from datetime import date, datetime, time, timedelta
from typing import Any

from sandbox.tascomi import lookups as L
from sandbox.tascomi import text
from sandbox.tascomi.draws import between, pick
from sandbox.tascomi.enforcement import Enforcement
from sandbox.tascomi.forms import ApplicationForm
from sandbox.tascomi.schema import DAILY_TABLES, lookup_tables, vendor_schema, wire
from sandbox.tascomi.store import Store, Version
from sandbox.tascomi.tables import layouts

SYSTEM_EPOCH = datetime(2015, 1, 5, 9)  # the vendor's system accounts and teams were set up first
LOOKUP_EPOCH = datetime(2015, 4, 1)  # lookups were set up long before any backlog
Row = tuple[int, Version, "datetime | None"]  # (id, version, served last_updated): one served record
Record = dict[str, str | None]


class TascomiWorld(Enforcement):
    """Deterministic simulated Tascomi data; same seed and parameters give identical data and responses."""

    def __init__(
        self,
        seed: int = 42,
        start_date: date = date(2025, 1, 6),
        initial_applications: int = 300,
        daily_new_applications: int = 12,
        *,
        fill_rate: float = 1.0,
        import_hour: int = 6,
        backlog_days: int = 365,
        null_last_updated_rate: float = 0.01,
        gis_image_rate: float = 0.10,
        gis_image_chars: int = 2048,
        duplicate_tables: tuple[str, ...] = ("documents",),
        duplicate_rate: float = 0.05,
        touch_rate: float = 0.0003,
        initial_users: int = 40,
        complaints_per_application: float = 0.2,
        pre_applications_per_application: float = 0.15,
    ) -> None:
        """`fill_rate` scales how much of each form section an application answers (at 1.0 an application has
        about 30-80 of its ~750 columns non-null). Complaints and pre-application enquiries arrive at the given
        share of the application rate."""
        self.seed = seed
        self.start_date = start_date
        self.initial_applications = initial_applications
        self.daily_new_applications = daily_new_applications
        self.import_hour = import_hour
        self.backlog_days = backlog_days
        self.null_last_updated_rate = null_last_updated_rate
        self.gis_image_rate = gis_image_rate
        self.gis_image_chars = gis_image_chars
        self.duplicate_tables = tuple(duplicate_tables)
        self.duplicate_rate = duplicate_rate
        self.touch_rate = touch_rate
        self.complaints_per_application = complaints_per_application
        self.pre_applications_per_application = pre_applications_per_application
        self.schema = vendor_schema()
        self.tables = tuple(self.schema)
        self.daily_tables = tuple(t for t in self.tables if t in DAILY_TABLES)
        self.lookup_tables = lookup_tables()
        self._daily = frozenset(self.daily_tables)
        table_layouts = layouts(self._gis_image_of)
        self._stores = {t: Store(t, self.schema[t], table_layouts[t]) for t in self.tables}
        self._form = ApplicationForm(fill_rate, seed)
        self._start_dt = datetime.combine(start_date, time())
        self._rng = random.Random(f"tascomi:{seed}:simulation")
        self._events = []
        self._seq = 0
        self._query_cache: dict[tuple[str, date | None, date], list[Row]] = {}
        self._officers, self._support, self._agents = [], [], []
        self._team_members, self._team_map = {}, {}
        self._reference_seq = defaultdict(int)
        self._meetings, self._agenda, self._names = [], {}, {}
        self._recent_tree_applications = []
        self._case_details, self._appealed_notice = {}, {}
        self._simulated_through = start_date - timedelta(days=backlog_days + 1)
        self.today = start_date
        self._seed_static(initial_users)
        self._simulate_through(start_date)

    # ------------------------------------------------------------------ what the vendor has

    def is_daily(self, table: str) -> bool:
        """Pulled every day by last_updated (change-only)."""
        if table not in self._stores:
            raise KeyError(table)
        return table in self._daily

    def is_lookup(self, table: str) -> bool:
        """Served in full whatever the filter."""
        return not self.is_daily(table)

    def columns(self, table: str) -> tuple[str, ...]:
        """Every column the vendor serves for the table, in its order."""
        return self._stores[table].columns

    # ------------------------------------------------------------------ time

    @property
    def now(self) -> datetime:
        """Server now: today at the import hour. Changes stamped before it are visible, later ones are not."""
        return datetime.combine(self.today, time(self.import_hour))

    def advance_to(self, day: date) -> None:
        """Move the server's today forward (never back), simulating the days in between."""
        if day < self.today:
            raise ValueError(f"the world only moves forward: today is {self.today}, asked for {day}")
        self._simulate_through(day)
        self.today = day

    def _simulate_through(self, day: date) -> None:
        # The simulation allocates millions of long-lived, acyclic tuples: the cyclic collector would rescan them
        # over and over for nothing, so it is paused while simulating.
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            while self._simulated_through < day:
                self._simulated_through += timedelta(days=1)
                self._simulate_day(self._simulated_through)
        finally:
            if was_enabled:
                gc.enable()

    def _simulate_day(self, day: date) -> None:
        in_backlog = day < self.start_date
        rate = self.initial_applications / self.backlog_days if in_backlog else self.daily_new_applications
        # Fewer submissions at weekends; the weekday boost keeps the weekly mean at `rate`.
        rate *= 0.3 if day.weekday() >= 5 else 7 / 5.6
        self._schedule(day, rate, self._new_application)
        self._schedule(day, rate * self.complaints_per_application, self._new_complaint)
        self._schedule(day, rate * self.pre_applications_per_application, self._new_pre_application)
        for table in self.daily_tables:
            self._schedule(day, (self._stores[table].next_id - 1) * self.touch_rate, self._touch_random, table)
        self._schedule(day, (self._stores["contacts"].next_id - 1) * 0.0005, self._edit_contact)
        self._schedule(day, (self._stores["dtf_locations"].next_id - 1) * 0.0003, self._correct_location)
        self._schedule(day, 0.2, self._user_change)
        self._schedule(day, 1 / 6, self._move_random_officer)
        self._schedule(day, 1 / 6, self._team_edit)
        self._schedule(day, 1 / 4, self._asset_constraint_change)
        if not in_backlog:
            self._schedule(day, 1 / 45, self._lookup_change)
        self._announce_committees(day)
        end = datetime.combine(day + timedelta(days=1), time())
        events = self._events
        while events and events[0][0] < end:
            t, _, handler, args = heapq.heappop(events)
            handler(t, *args)

    def _schedule(self, day: date, rate: float, handler: Callable[..., None], *args: Any) -> None:
        """Events of one kind on `day`, `rate` of them on average, at plausible times."""
        for _ in range(self._count(rate)):
            self._at(self._time_of_day(day), handler, *args)

    # ------------------------------------------------------------------ static data and small events

    def _seed_static(self, initial_users: int) -> None:
        vocab = random.Random(f"tascomi:{self.seed}:wards")
        ward_codes = [f"E05{vocab.randint(9000, 13999):06d}" for _ in range(20)]
        for table, rows in L.lookup_rows(ward_codes, text.WARD_NAMES[:20]).items():
            for row in rows:
                self._create_lookup(table, row.pop("id"), LOOKUP_EPOCH, **row)
        backlog_start = datetime.combine(self._simulated_through + timedelta(days=1), time())
        self._seed_people(SYSTEM_EPOCH, backlog_start, initial_users)
        self._seed_asset_constraints(SYSTEM_EPOCH + timedelta(days=1))
        self._seed_committees(SYSTEM_EPOCH, backlog_start.date())

    def _touch_random(self, t: datetime, table: str) -> None:
        store = self._stores[table]
        if store.next_id > 1:
            record_id = between(self._rng, 1, store.next_id - 1)
            if store.created(record_id) < t:
                self._touch(table, record_id, t)

    def _move_random_officer(self, t: datetime) -> None:
        if len(self._officers) > 1:
            self._move_team(t, pick(self._rng, self._officers))

    def _lookup_change(self, t: datetime) -> None:
        """Lookups change rarely: a ward renamed after a boundary review, a type switched off or on."""
        rng = self._rng
        if rng.random() < 0.7:
            ward_id = between(rng, 1, 20)
            name = self._get("wards", ward_id, "name")
            renamed = name[:-6] if name.endswith(" North") else f"{name} North"
            self._lookup_update("wards", ward_id, t, name=renamed)
        else:
            type_id = pick(rng, (3, 6, 8))  # never switch off a type new applications rely on
            enabled = self._get("application_types", type_id, "enabled")
            self._lookup_update("application_types", type_id, t, enabled=not enabled)

    # ------------------------------------------------------------------ serving

    def query(self, table: str, last_updated: date | None = None) -> list[Row]:
        """The records the server returns as of now, sorted by id; a day series carries the duplicate quirk.

        Lookups ignore the filter: they are always served in full.
        """
        if table not in self._stores:
            raise KeyError(table)
        key = (table, None if self.is_lookup(table) else last_updated, self.today)
        if key not in self._query_cache:
            if len(self._query_cache) > 64:  # paging re-asks the same query: keep recent answers only
                self._query_cache.clear()
            self._query_cache[key] = self._query(table, key[1])
        return self._query_cache[key]

    def _query(self, table: str, last_updated: date | None) -> list[Row]:
        store = self._stores[table]
        now = self.now
        if last_updated is None:
            return [row for record_id in store.ids() if (row := self._row(store, record_id, now))]
        rows: list[Row] = []
        for record_id in sorted(set(store.by_day.get(last_updated, ()))):
            row = self._row(store, record_id, now)
            if row is None or row[2] is None or row[2].date() != last_updated:
                continue
            stale = self._stale_copy(store, record_id, now, last_updated)
            if stale is not None:
                rows.append((record_id, stale, row[2]))
            rows.append(row)
        return rows

    def _served_lu(self, store: Store, record_id: int, t: datetime) -> datetime | None:
        return None if record_id in store.null_lu and t < self._start_dt else t

    def _row(self, store: Store, record_id: int, now: datetime) -> Row | None:
        versions = store.history(record_id)
        for i in range(len(versions) - 1, -1, -1):
            version = versions[i]
            if version[0] < now:
                return record_id, version, self._served_lu(store, record_id, version[0])
        return None

    def _stale_copy(self, store: Store, record_id: int, now: datetime, day: date) -> Version | None:
        """Quirk: some day series repeat an id with the same last_updated; the first copy holds older values."""
        if store.name not in self.duplicate_tables or self.duplicate_rate <= 0:
            return None
        if self._draw(f"{store.name}:{record_id}:{day}") >= self.duplicate_rate:
            return None
        visible = [v for v in store.history(record_id) if v[0] < now]
        for version in reversed(visible[:-1]):
            if version[1:] != visible[-1][1:]:
                return version
        return None

    def serialise(self, table: str, row: Row) -> Record:
        """One record in the vendor's wire form: every vendor column present, all strings or null."""
        record_id, version, last_updated = row
        return self._stores[table].serve(record_id, version, last_updated)

    def serialise_json(self, table: str, row: Row) -> str:
        """`serialise` as JSON text, byte for byte what json.dumps would write (and much faster on wide tables)."""
        record_id, version, last_updated = row
        return self._stores[table].serve_json(record_id, version, last_updated)

    def _gis_image_of(self, record_id: int, created: datetime, version: Version) -> str | None:
        """A deterministic stand-in for the vendor's base64 map image, made on demand to spare memory: which
        applications carry one follows from the seed and the id."""
        if self._draw(f"gis:{record_id}") >= self.gis_image_rate:
            return None
        chars = self.gis_image_chars
        raw = random.Random(f"tascomi:{self.seed}:gis:{record_id}").randbytes(max(1, chars * 3 // 4))
        return base64.b64encode(raw).decode()[:chars]

    def _draw(self, key: str) -> float:
        """A uniform [0, 1) number fixed by the seed and `key`, independent of the simulation's random stream."""
        digest = hashlib.blake2b(f"{self.seed}:{key}".encode(), digest_size=8).digest()
        return int.from_bytes(digest, "big") / 2**64

    def records(self, table: str, last_updated: date | None = None) -> list[Record]:
        """`query` serialised: what the server serves for the table as of now (without paging)."""
        return [self.serialise(table, row) for row in self.query(table, last_updated)]

    def counts(self) -> dict[str, int]:
        """Records visible now per table."""
        now = self.now
        return {t: store.count_created_before(now) for t, store in self._stores.items()}

    # ------------------------------------------------------------------ ground truth

    def ground_truth(
        self, table: str, first_import: date, as_of: date, ignore_columns: Iterable[str] = ()
    ) -> list[Record]:
        """The versions a perfect daily importer observes, collapsed on every served column but `ignore_columns`
        (left out of the answer) and last_updated.

        The importer does a full load at `first_import` 06:00 (leaving out records updated that day), then on each
        day D in (first_import, as_of] asks for last_updated = D-1 at D 06:00 (a repeated id: the later copy wins).
        Lookups are pulled in full every day. Each version carries `valid_from` (its last_updated) and `valid_to`
        (the next kept version's, or null).
        """
        if as_of < first_import:
            raise ValueError("as_of must not be before first_import")
        self._simulate_through(as_of)
        store = self._stores[table]
        ignored = set(ignore_columns)
        if not ignored <= set(store.columns) - {"id", "last_updated"}:
            raise KeyError(f"{table}: cannot ignore {sorted(ignored)}")
        kept_columns = [c for c in store.columns if c not in ignored]
        compared = [c for c in kept_columns if c != "last_updated"]
        lookup = self.is_lookup(table)
        out: list[Record] = []
        for record_id in store.ids():
            kept: list[tuple[datetime | None, Record]] = []
            for lu, version in self._observed(store, record_id, first_import, as_of, lookup):
                served = store.serve(record_id, version, lu)
                record = {c: served[c] for c in kept_columns}
                if kept and all(kept[-1][1][c] == record[c] for c in compared):
                    continue  # equal on every compared column: the same version to the importer
                kept.append((lu, record))
            for n, (lu, record) in enumerate(kept):
                valid_to = kept[n + 1][0] if n + 1 < len(kept) else None
                out.append({"id": str(record_id), "valid_from": wire(lu), "valid_to": wire(valid_to), **record})
        return out

    def _observed(
        self, store: Store, record_id: int, first_import: date, as_of: date, lookup: bool
    ) -> Iterator[tuple[datetime | None, Version]]:
        versions = store.history(record_id)
        first_dt = datetime.combine(first_import, time(self.import_hour))
        for i, version in enumerate(versions):
            t = version[0]
            next_t = versions[i + 1][0] if i + 1 < len(versions) else None
            lu = t if lookup else self._served_lu(store, record_id, t)
            if lu is None:
                seen = t < first_dt and (next_t is None or next_t >= first_dt)
            else:
                if lookup:  # seen by the first daily full pull at or after the change
                    first_seen = t.date() if t.time() < time(self.import_hour) else t.date() + timedelta(days=1)
                else:  # seen by the series for its day, asked the next morning (or by the first full load)
                    first_seen = t.date() + timedelta(days=1)
                obs_day = max(first_seen, first_import)
                obs_dt = datetime.combine(obs_day, time(self.import_hour))
                seen = obs_day <= as_of and (next_t is None or next_t >= obs_dt)
            if seen:
                yield lu, version
