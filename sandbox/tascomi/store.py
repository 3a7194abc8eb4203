"""Every version of every record of one table, kept compactly, and how one version is served.

A version is one flat tuple: `(change time, *fields, extras)`. `fields` are the columns the simulation sets on most
records of the table; `extras` holds the rarely set ones (most of `applications`' ~750 columns) as
`(column positions packed as uint16, values)`, or None. Values are native Python objects (int, float, bool,
datetime, str), mostly shared, and only turned into the vendor's all-strings form when served. Columns nothing set
are served as their default, or null.
"""

from __future__ import annotations

import bisect
from array import array
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from json.encoder import encode_basestring_ascii as encode_json_string  # what json.dumps uses (C)
from typing import Any

from sandbox.tascomi.schema import wire

Version = tuple[Any, ...]  # (change time, *field values, extras)
Extras = tuple[bytes, tuple[Any, ...]] | None
Derive = Callable[[int, datetime, Version], Any]  # (record id, creation time, version) -> native value


@dataclass(frozen=True)
class Layout:
    """How a table is stored: slotted fields, served defaults, and columns derived from immutable facts.

    A field whose name starts with "_" is private: stored but not served (a derived column may use it).
    """

    fields: tuple[str, ...] = ()
    defaults: Mapping[str, Any] = field(default_factory=dict)
    derived: Mapping[str, Derive] = field(default_factory=dict)


class Store:
    """The versions of one table's records, indexed by id (ids are small and dense)."""

    def __init__(self, name: str, columns: Mapping[str, str], layout: Layout) -> None:
        self.name = name
        self.columns = tuple(columns)
        self.types = dict(columns)
        self.position = {c: i for i, c in enumerate(self.columns)}
        # What `make` may put in the extras: every column but the id, last_updated and slotted ones.
        self._extra_position = {c: i for c, i in self.position.items() if c not in ("id", "last_updated")}
        self._extra_key = {i: array("H", [i]).tobytes() for i in self.position.values()}
        self.fields = layout.fields
        self.slot = {f: i + 1 for i, f in enumerate(self.fields)}
        self._check(layout)
        self.derived = tuple((self.position[name], derive) for name, derive in layout.derived.items())
        self._id_position = self.position["id"]
        self._served_slots = tuple((self.position[f], self.slot[f]) for f in self.fields if not f.startswith("_"))
        self.template: dict[str, str | None] = dict.fromkeys(self.columns)
        for name_, value in layout.defaults.items():
            self.template[name_] = wire(value)
        # The same record as JSON text, built from pre-encoded pieces: applications are ~750 keys wide and mostly
        # null, and json.dumps of such dicts would dominate the cost of serving a page.
        self._json_prefixes = [(", " if i else "") + encode_json_string(c) + ": " for i, c in enumerate(self.columns)]
        self._json_template = [
            prefix + _json_value(self.template[c]) for prefix, c in zip(self._json_prefixes, self.columns, strict=True)
        ]
        self._slot_names = frozenset(self.fields)
        self._slot_defaults = {f: layout.defaults[f] for f in self.fields if f in layout.defaults}
        self.has_last_updated = "last_updated" in self.position
        self.audited = "creation_user_id" in self.position and "last_updated_by" in self.position
        # Index = id (0 unused): a record's only version, or the list of its versions, oldest first.
        self.versions: list[Version | list[Version] | None] = [None]
        self.by_day: dict[date, list[int]] = defaultdict(list)  # served-last_updated day -> ids (may repeat)
        self.null_lu: set[int] = set()  # ids whose pre-start versions are served with last_updated null
        self._dense_and_ordered = True  # ids 1..n with creation times in id order: counts can bisect

    def _check(self, layout: Layout) -> None:
        for name in (*layout.fields, *layout.defaults, *layout.derived):
            if not name.startswith("_") and name not in self.position:
                raise KeyError(f"{self.name}.{name} is not a vendor column")
        for name in layout.derived:
            if name in self.slot:
                raise ValueError(f"{self.name}.{name} is both stored and derived")

    # ------------------------------------------------------------------ reading

    @property
    def next_id(self) -> int:
        return len(self.versions)

    def ids(self) -> Iterator[int]:
        """Every record id, ascending."""
        return (i for i, versions in enumerate(self.versions) if versions is not None)

    def history(self, record_id: int) -> Sequence[Version]:
        """The record's versions, oldest first."""
        entry = self.versions[record_id]
        if entry.__class__ is list:
            return entry  # type: ignore[return-value]
        if entry is None:
            raise KeyError(f"{self.name} {record_id}")
        return (entry,)  # type: ignore[return-value]

    def latest(self, record_id: int) -> Version:
        entry = self.versions[record_id]
        if entry.__class__ is list:
            return entry[-1]  # type: ignore[index]
        if entry is None:
            raise KeyError(f"{self.name} {record_id}")
        return entry  # type: ignore[return-value]

    def created(self, record_id: int) -> datetime:
        entry = self.versions[record_id]
        if entry.__class__ is list:
            return entry[0][0]  # type: ignore[index]
        if entry is None:
            raise KeyError(f"{self.name} {record_id}")
        return entry[0]  # type: ignore[index]

    def get(self, record_id: int, name: str) -> Any:
        """A column's value in the record's latest version."""
        entry = self.versions[record_id]
        version = entry[-1] if entry.__class__ is list else entry  # type: ignore[index]
        slot = self.slot.get(name)
        if slot is not None:
            return version[slot]  # type: ignore[index]
        return self._extra(version, name)  # type: ignore[arg-type]

    def value(self, version: Version, name: str) -> Any:
        slot = self.slot.get(name)
        if slot is not None:
            return version[slot]
        return self._extra(version, name)

    def _extra(self, version: Version, name: str) -> Any:
        extras = version[-1]
        if extras is None:
            return None
        # Find the packed position in C: a match must start on a 2-byte boundary.
        packed, key = extras[0], self._extra_key[self.position[name]]
        at = packed.find(key)
        while at > 0 and at % 2:
            at = packed.find(key, at + 1)
        return None if at < 0 else extras[1][at // 2]

    def extras(self, version: Version) -> dict[str, Any]:
        """The rarely set columns of a version, by name."""
        extras = version[-1]
        if extras is None:
            return {}
        return {self.columns[p]: v for p, v in zip(memoryview(extras[0]).cast("H"), extras[1], strict=True)}

    # ------------------------------------------------------------------ writing

    def add(self, record_id: int, version: Version) -> None:
        """A new record's first version (a record with one version is kept without a list around it)."""
        if record_id != len(self.versions) or (record_id > 1 and version[0] < self.created(record_id - 1)):
            self._dense_and_ordered = False
        while len(self.versions) <= record_id:
            self.versions.append(None)
        if self.versions[record_id] is not None:
            raise ValueError(f"{self.name} {record_id} exists")
        self.versions[record_id] = version

    def count_created_before(self, moment: datetime) -> int:
        if self._dense_and_ordered:
            return bisect.bisect_left(range(1, len(self.versions)), moment, key=self.created)
        return sum(1 for i in self.ids() if self.created(i) < moment)

    def append(self, record_id: int, version: Version) -> None:
        entry = self.versions[record_id]
        if entry.__class__ is list:
            entry.append(version)  # type: ignore[union-attr]
        elif entry is None:
            raise KeyError(f"{self.name} {record_id}")
        else:
            self.versions[record_id] = [entry, version]  # type: ignore[list-item]

    def make(self, t: datetime, base: Version | None, changes: Mapping[str, Any]) -> Version:
        """A new version at t: `base` (or a blank record) with `changes` applied."""
        slotted_only = self._slot_names.issuperset(changes)
        if base is None:
            merged = {**self._slot_defaults, **changes} if self._slot_defaults else changes
            row = [t, *map(merged.get, self.fields), None]
            if slotted_only:
                return tuple(row)
        else:
            row = list(base)
            row[0] = t
        slots, positions = self.slot, self._extra_position
        extra_changes: dict[int, Any] = {}
        for name, value in changes.items():
            slot = slots.get(name)
            if slot is not None:
                row[slot] = value
            elif name in positions:
                extra_changes[positions[name]] = value
            else:
                raise KeyError(f"{self.name}.{name} cannot be set")
        if extra_changes:
            row[-1] = _merge_extras(row[-1], extra_changes)
        return tuple(row)

    # ------------------------------------------------------------------ serving

    def _set_values(self, record_id: int, version: Version, last_updated: datetime | None) -> Iterator[tuple[int, Any]]:
        """(column position, native value) for every column the version sets; the others serve their default."""
        yield self._id_position, record_id
        if self.has_last_updated:
            yield self.position["last_updated"], last_updated
        for position, slot in self._served_slots:
            yield position, version[slot]
        extras = version[-1]
        if extras is not None:
            yield from zip(memoryview(extras[0]).cast("H"), extras[1], strict=True)
        if self.derived:
            created = self.created(record_id)
            for position, derive in self.derived:
                yield position, derive(record_id, created, version)

    def serve(self, record_id: int, version: Version, last_updated: datetime | None) -> dict[str, str | None]:
        """One record in the vendor's wire form: every column present (schema order), all strings or null."""
        out = self.template.copy()
        columns = self.columns
        for position, value in self._set_values(record_id, version, last_updated):
            out[columns[position]] = wire(value)
        return out

    def serve_json(self, record_id: int, version: Version, last_updated: datetime | None) -> str:
        """`serve` as JSON text, exactly as json.dumps would write it."""
        parts = self._json_template.copy()
        prefixes = self._json_prefixes
        for position, value in self._set_values(record_id, version, last_updated):
            parts[position] = prefixes[position] + _json_value(wire(value))
        return "{" + "".join(parts) + "}"


def _json_value(text: str | None) -> str:
    return "null" if text is None else encode_json_string(text)


def _merge_extras(extras: Extras, changes: dict[int, Any]) -> Extras:
    if extras is None:
        merged = changes
    else:
        merged = dict(zip(memoryview(extras[0]).cast("H"), extras[1], strict=True))
        merged.update(changes)
    positions = sorted(merged)
    values = tuple(map(merged.__getitem__, positions))
    if None in values:  # a column set back to null leaves the extras
        positions = [p for p, v in zip(positions, values, strict=True) if v is not None]
        values = tuple(v for v in values if v is not None)
    if not positions:
        return None
    return array("H", positions).tobytes(), values


_MIDNIGHTS: dict[date, datetime] = {}


def midnight(day: date) -> datetime:
    """Date-only timestamps, shared: thousands of records carry the same day and need not own a copy."""
    moment = _MIDNIGHTS.get(day)
    if moment is None:
        moment = _MIDNIGHTS[day] = datetime.combine(day, time())
    return moment


def years_after(day: date, years: int) -> datetime:
    """The date-only timestamp `years` after day (29 February falls back to the 28th)."""
    try:
        return midnight(day.replace(year=day.year + years))
    except ValueError:
        return midnight(day.replace(year=day.year + years, day=28))
