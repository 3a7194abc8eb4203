"""The borough's address gazetteer (LLPG): streets, houses, converted flats, council blocks, shops, shells.

Addresses follow BS7666 loosely: a secondary addressable object (`sao`, "FLAT 12"), a building name, a primary
number ("12", "12A", "1-3"), a street, a postcode and a BLPU class (R* residential, P* property shells,
C* commercial). Flats hang off a parent shell (`parent_uprn`). Every draw comes from the caller's `random.Random`.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date

from sandbox.housing_world import vocab

HOUSE_CLASSES = ("RD03", "RD04", "RD04", "RD04")  # semi-detached, terraced (most London streets are terraces)
FLAT_CLASS = "RD06"
SHELL_CLASS = "PP"
SHOP_CLASS = "CR"
OFFICE_CLASS = "CO"
ADDRESSES_PER_POSTCODE = 14


@dataclass(slots=True)
class Address:
    """One gazetteer record (a BLPU with its one LPI)."""

    uprn: int
    usrn: int
    sao: str | None
    building: str | None
    number: str | None
    street: str
    postcode: str
    blpu_class: str
    x: float
    y: float
    parent_uprn: int | None = None
    listed_from: date | None = None  # None: in every gazetteer file; else first listed on this day

    @property
    def street_part(self) -> str:
        return f"{self.number} {self.street}" if self.number else self.street

    def lines(self) -> tuple[str | None, str | None, str | None]:
        """Address lines 1-3 as the LLPG file carries them (upper case, no padding lines in between)."""
        parts = [p for p in (self.sao, self.building, self.street_part) if p]
        parts += [None] * (3 - len(parts))
        return parts[0], parts[1], parts[2]

    def single_line(self) -> str:
        return " ".join(p for p in self.lines() if p)

    def listed_on(self, day: date) -> bool:
        return self.listed_from is None or self.listed_from <= day


@dataclass(slots=True)
class Block:
    """A block of flats: its shell and flats; `council` says whether the council owns and lets it."""

    name: str
    shell: Address
    flats: list[Address]
    council: bool


@dataclass
class Gazetteer:
    addresses: list[Address] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)
    street_dwellings: list[Address] = field(default_factory=list)  # houses and converted flats on streets
    by_uprn: dict[int, Address] = field(default_factory=dict)

    def add(self, address: Address) -> Address:
        self.addresses.append(address)
        self.by_uprn[address.uprn] = address
        return address

    def listed(self, day: date) -> Iterator[Address]:
        return (a for a in self.addresses if a.listed_on(day))


class _Ids:
    """UPRNs (11 and 12 digits, with gaps), USRNs and unique postcodes."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self._uprn_old = 10_008_000_000
        self._uprn_new = 100_021_000_000
        self._usrn = 20_900_000
        self._postcodes: set[str] = set()

    def uprn(self, newer: bool) -> int:
        step = self.rng.randint(1, 4)
        if newer:
            self._uprn_new += step
            return self._uprn_new
        self._uprn_old += step
        return self._uprn_old

    def usrn(self) -> int:
        self._usrn += self.rng.randint(1, 9)
        return self._usrn

    def postcode(self, district: str) -> str:
        while True:
            letters = vocab.INWARD_LETTERS
            inward = f"{self.rng.randint(0, 9)}{self.rng.choice(letters)}{self.rng.choice(letters)}"
            code = f"{district} {inward}"
            if code not in self._postcodes:
                self._postcodes.add(code)
                return code


@dataclass
class _Street:
    name: str
    usrn: int
    district: str
    x: float
    y: float
    angle: float

    def point(self, i: int, offset: float = 0.0) -> tuple[float, float]:
        """Grid point i plots along the street, `offset` metres to the side (odd/even sides, blocks set back)."""
        along = 6.0 * i
        return (
            round(self.x + along * math.cos(self.angle) - offset * math.sin(self.angle), 2),
            round(self.y + along * math.sin(self.angle) + offset * math.cos(self.angle), 2),
        )


class _StreetNames:
    """Unique (name, district) pairs; a name is reused only in another district once all are taken."""

    def __init__(self, rng: random.Random) -> None:
        names = [f"{stem.upper()} {kind}" for stem in vocab.STREET_STEMS for kind in vocab.STREET_KINDS]
        names += [f"{stem.upper()} {kind}" for stem in vocab.SAINT_STEMS for kind in ("ROAD", "STREET", "GROVE")]
        rng.shuffle(names)
        self.rng = rng
        self.names = names
        self.used: set[tuple[str, str]] = set()
        self.i = 0

    def next(self, district: str) -> str:
        for _ in range(len(self.names) * len(vocab.DISTRICTS)):
            name = self.names[self.i % len(self.names)]
            self.i += 1
            if (name, district) not in self.used:
                self.used.add((name, district))
                return name
        raise ValueError("ran out of street names: lower the address count")


class _Builder:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.ids = _Ids(rng)
        self.names = _StreetNames(rng)
        self.g = Gazetteer()
        self._block_names: list[str] = []
        self._block_used = 0

    def street(self) -> _Street:
        district = self.rng.choice(vocab.DISTRICTS)
        return _Street(
            self.names.next(district),
            self.ids.usrn(),
            district,
            self.rng.uniform(531_000, 537_000),
            self.rng.uniform(183_000, 188_000),
            self.rng.uniform(0, math.pi),
        )

    def high_street(self) -> _Street:
        district = self.rng.choice(vocab.DISTRICTS)
        stem = self.rng.choice(vocab.STREET_STEMS).upper()
        name = f"{stem} {self.rng.choice(vocab.HIGH_STREETS)}"
        if (name, district) in self.names.used:
            return self.street()
        self.names.used.add((name, district))
        return _Street(name, self.ids.usrn(), district, self.rng.uniform(531_000, 537_000),
                       self.rng.uniform(183_000, 188_000), self.rng.uniform(0, math.pi))  # fmt: skip

    def _postcodes_for(self, street: _Street, count: int) -> list[str]:
        return [self.ids.postcode(street.district) for _ in range(max(1, math.ceil(count / ADDRESSES_PER_POSTCODE)))]

    def terrace(self, street: _Street, numbers: int, flat_conversion_rate: float) -> int:
        """Houses 1..n both sides; some converted into flats under a shell. Returns addresses added."""
        rng, added = self.rng, 0
        odd = self._postcodes_for(street, (numbers + 1) // 2 + numbers // 4)
        even = self._postcodes_for(street, numbers // 2 + numbers // 4)
        merged: set[int] = set()  # plots absorbed into a building numbered as a range ("1-3")
        for n in range(1, numbers + 1):
            if n in merged:
                continue
            side = odd if n % 2 else even
            postcode = side[min(len(side) - 1, (n // 2) // ADDRESSES_PER_POSTCODE)]
            x, y = street.point(n // 2, 8.0 if n % 2 else -8.0)
            number = f"{n}A" if rng.random() < 0.03 else str(n)
            if rng.random() < flat_conversion_rate:
                if rng.random() < 0.15 and n + 2 <= numbers:
                    number = f"{n}-{n + 2}"  # a double-fronted building over two plots of the same side
                    merged.add(n + 2)
                shell = self.g.add(Address(self.ids.uprn(False), street.usrn, None, None, number, street.name,
                                           postcode, SHELL_CLASS, x, y))  # fmt: skip
                saos = (("FLAT A", "FLAT B", "FLAT C") if rng.random() < 0.6
                        else ("GROUND FLOOR FLAT", "FIRST FLOOR FLAT", "SECOND FLOOR FLAT"))  # fmt: skip
                for sao in saos[: rng.randint(2, 3)]:
                    flat = self.g.add(Address(self.ids.uprn(True), street.usrn, sao, None, number, street.name,
                                              postcode, FLAT_CLASS, x, y, parent_uprn=shell.uprn))  # fmt: skip
                    self.g.street_dwellings.append(flat)
                    added += 1
                added += 1
            else:
                house = self.g.add(Address(self.ids.uprn(False), street.usrn, None, None, number, street.name,
                                           postcode, rng.choice(HOUSE_CLASSES), x, y))  # fmt: skip
                self.g.street_dwellings.append(house)
                added += 1
        return added

    def shops(self, street: _Street, numbers: int) -> int:
        """A high street: shops (some on number ranges, some offices), flats above some of them."""
        rng, added, n = self.rng, 0, 1
        postcodes = self._postcodes_for(street, numbers * 2)
        while n <= numbers:
            postcode = postcodes[min(len(postcodes) - 1, (2 * n) // ADDRESSES_PER_POSTCODE)]
            x, y = street.point(n, 10.0)
            if rng.random() < 0.08 and n + 2 <= numbers:
                number, n = f"{n}-{n + 2}", n + 3  # one unit over several plots: a number range
                kind = OFFICE_CLASS
            else:
                number, n = str(n), n + 1
                kind = SHOP_CLASS
            self.g.add(Address(self.ids.uprn(False), street.usrn, None, None, number, street.name, postcode, kind,
                               x, y))  # fmt: skip
            added += 1
            if kind == SHOP_CLASS and rng.random() < 0.4:
                flat = self.g.add(Address(self.ids.uprn(True), street.usrn, "FIRST FLOOR FLAT", None, number,
                                          street.name, postcode, FLAT_CLASS, x, y))  # fmt: skip
                self.g.street_dwellings.append(flat)
                added += 1
        return added

    def block_name(self) -> str:
        """Unique block names: every stem and kind pair once (in a shuffled order), then with a direction."""
        if not self._block_names:
            stems = vocab.BLOCK_STEMS + vocab.STREET_STEMS
            pairs = [f"{stem.upper()} {kind}" for stem in stems for kind in vocab.BLOCK_KINDS]
            self.rng.shuffle(pairs)
            self._block_names = pairs
        i = self._block_used
        self._block_used += 1
        name = self._block_names[i % len(self._block_names)]
        rounds = i // len(self._block_names)
        return name if rounds == 0 else f"{name} {('NORTH', 'SOUTH', 'EAST', 'WEST')[(rounds - 1) % 4]}"

    def block(self, street: _Street, position: int, flats: int, council: bool, listed_from: date | None) -> Block:
        name = self.block_name()
        x, y = street.point(position, 25.0)
        postcodes = [self.ids.postcode(street.district) for _ in range(max(1, math.ceil(flats / 30)))]
        shell = self.g.add(Address(self.ids.uprn(True), street.usrn, None, name, None, street.name, postcodes[0],
                                   SHELL_CLASS, x, y, listed_from=listed_from))  # fmt: skip
        units = [
            self.g.add(
                Address(
                    self.ids.uprn(True),
                    street.usrn,
                    f"FLAT {i}",
                    name,
                    None,
                    street.name,
                    postcodes[(i - 1) // 30],
                    FLAT_CLASS,
                    x,
                    y,
                    parent_uprn=shell.uprn,
                    listed_from=listed_from,
                )
            )  # fmt: skip
            for i in range(1, flats + 1)
        ]
        block = Block(name, shell, units, council)
        self.g.blocks.append(block)
        return block


def build_gazetteer(
    rng: random.Random,
    n_addresses: int,
    council_block_flats: int,
    *,
    new_build_flats: int = 0,
    new_build_listed: date | None = None,
) -> Gazetteer:
    """Streets until about `n_addresses`, of which about `council_block_flats` are flats in council blocks.

    A new-build council block of `new_build_flats` flats (listed from `new_build_listed`) is added last.
    """
    b = _Builder(rng)
    total, block_flats = 0, 0
    while total < n_addresses:
        remaining = n_addresses - total
        estate_share = max(0.0, council_block_flats - block_flats) / max(remaining, 1)
        if rng.random() < estate_share * 1.2:
            street = b.street()
            total += b.terrace(street, rng.randint(4, 16), 0.1)
            for i in range(rng.randint(1, 4)):
                council = rng.random() < 0.85
                size = rng.choice((12, 18, 24, 30, 40, 56, 80))
                b.block(street, 20 + 12 * i, size, council, None)
                total += size + 1
                block_flats += size if council else 0
        elif rng.random() < 0.12:
            total += b.shops(b.high_street(), rng.randint(20, 70))
        else:
            total += b.terrace(b.street(), rng.randint(10, 90), 0.15)
    if new_build_flats:
        b.block(b.street(), 5, new_build_flats, True, new_build_listed)
    return b.g
