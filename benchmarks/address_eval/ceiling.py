"""The honest ceiling of an evaluation split: which records' text still singles out their true address.

Decided from the generator's truth and the gazetteer alone, never from a matcher's output, by one mechanical rule:

    A record is *recoverable* when no other gazetteer address is consistent with every part of its true address that
    the typed text still carries.

- The parts of an address are its fields' tokens: the secondary object (FLAT, 3 / GROUND, FLOOR, FLAT), the building
  name (BURBAGE, HOUSE), the street number (a range 65-67 is the two numbers 65 and 67), the street, the locality
  the postcode and its outward code. The town is not a part (every address has it).
- The text *carries* a token of the true address when the typed text (address cell and postcode cell) has it:
  numbers and single letters exactly; a word exactly, as one of the generator's own typed short forms of it
  (records.ABBREVIATIONS, FLOOR_WORDS: RD for ROAD, G/F for GROUND FLOOR FLAT), as SAINT for ST, as a unit word's
  synonym (APARTMENT for FLAT), with one slip (a word of five letters or more, one letter dropped, swapped or
  changed), or run into its neighbour (LUCASWAY carries LUCAS and WAY); 12A carries 12A, 12 and A (address-errors
  writes FLAT A, 12 as 12A); the postcode when it is typed exactly, the outward code when a typed postcode has it.
- Another address is *consistent* when, for every field, each token of the true address's field that the text
  carries is a token of its own same field. Tokens the text carries that the true address lacks (a name, a landmark,
  a number added) neither help nor hurt: they are not the true address's, and a consistent rival is one the true
  address's own surviving parts cannot tell apart from it.

So "11 NEWICK ROW" for FLAT C, 11 NEWICK ROW (letter dropped) is not recoverable: FLAT A and FLAT B of 11 (and the
building itself) carry 11, NEWICK and ROW too. "FLAT 4, 1 MAYOLA GROVE" is recoverable even when FLAT 1, 4 MAYOLA GROVE
exists: its flat field lacks 4. A record with no true address (label None) is outside the ceiling; it only counts
against precision.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from benchmarks.address_eval.borough import Address, Borough
from benchmarks.address_eval.records import ABBREVIATIONS, FLOOR_WORDS, Record

FIELDS = ("sao", "pao_text", "pao_number", "street", "locality", "postcode", "outward_code")
# Beside the generator's tables: a unit word's synonyms, Saint spelt out, and the floor words' common short forms.
SYNONYMS = {"APARTMENT": "FLAT", "APT": "FLAT", "FLT": "FLAT", "UNIT": "FLAT", "SAINT": "ST", "GRD": "GROUND",
            "GRND": "GROUND", "FLR": "FLOOR", "BSMT": "BASEMENT"}  # fmt: skip
POSTCODE = re.compile(r"\b[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}\b")


def _postcode(text: str) -> str:
    compact = re.sub(r"[^A-Z0-9]", "", text.upper())
    return f"{compact[:-3]} {compact[-3:]}" if len(compact) >= 5 else compact


def tokens(address: Address) -> dict[str, frozenset[str]]:
    """An address's parts, field by field."""

    def words(text: str) -> frozenset[str]:
        return frozenset(t for t in re.split(r"[^A-Z0-9]+", text.upper()) if t)

    return {
        "sao": words(address.sao),
        "pao_text": words(address.pao_text),
        "pao_number": frozenset(t for t in address.pao_number.split("-") if t),
        "street": words(address.street),
        "locality": words(address.locality),
        "postcode": frozenset({_postcode(address.postcode)} if address.postcode else ()),
        "outward_code": frozenset({_postcode(address.postcode).split(" ")[0]} if address.postcode else ()),
    }


# Typed short form -> the full words it may stand for (the generator's own tables, read backwards).
_SHORT: dict[str, set[str]] = defaultdict(set)
for _full, _forms in ABBREVIATIONS.items():
    for _form in _forms:
        _SHORT[_form].add(_full)
for _typed, _full in SYNONYMS.items():
    _SHORT[_typed].add(_full)
# Floor phrases, longest first, so that GROUND FLOOR FLAT is read before GROUND FLOOR.
_FLOORS = sorted(((typed, sao) for sao, forms in FLOOR_WORDS.items() for typed in forms), key=lambda f: -len(f[0]))


def _one_slip(a: str, b: str) -> bool:
    """b is a with one letter dropped, added, changed, or two neighbours swapped."""
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        return len(diff) == 1 or (len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]]
                                  and a[diff[1]] == b[diff[0]])  # fmt: skip
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))


@dataclass(frozen=True)
class Typed:
    """What a record's text offers: its typed tokens (each with the full words its short form stands for) and the
    postcodes typed in it or in the postcode cell."""

    words: tuple[tuple[str, frozenset[str]], ...]
    postcodes: frozenset[str]

    @classmethod
    def of(cls, record: Record) -> Typed:
        text = record.address.upper()
        postcodes = {_postcode(p) for p in POSTCODE.findall(text)}
        if record.postcode:
            postcodes.add(_postcode(record.postcode))
        text = POSTCODE.sub(" ", text)
        text = re.sub(r"[\x27’`.]", "", text)
        for typed, sao in _FLOORS:
            text = re.sub(rf"(?<![A-Z0-9]){re.escape(typed)}(?![A-Z0-9])", f" {sao} ", text)
        raw = [t for t in re.split(r"[^A-Z0-9]+", text) if t]
        # 12A is the house 12A, or flat A of 12 (address-errors writes FLAT A, 12 so); 3B is flat 3 with a slip.
        raw += [part for t in raw if re.fullmatch(r"[0-9]+[A-Z]", t) for part in (t[:-1], t[-1])]
        return cls(tuple((t, frozenset(_SHORT.get(t, ()))) for t in raw), frozenset(postcodes))

    def carried(self, field: str, own: Iterable[str]) -> set[str]:
        """Which of a field's tokens the text carries. One typed token stands for one of them (ST is Saint or Street,
        not both), so the tokens are paired with typed tokens as many as can be (a maximum matching); a word run into
        its neighbour (LUCASWAY) may carry both halves and is not used up."""
        if field == "postcode":
            return {t for t in own if t in self.postcodes}
        if field == "outward_code":
            return {t for t in own if t in {p.split(" ")[0] for p in self.postcodes}}
        tokens = sorted(own)

        def reads(token: str, typed: str, full: frozenset[str]) -> bool:
            slip = token.isalpha() and typed.isalpha() and len(token) >= 5 and _one_slip(token, typed)
            return typed == token or token in full or slip

        edges = {t: [i for i, (typed, full) in enumerate(self.words) if reads(t, typed, full)] for t in tokens}
        paired: dict[int, str] = {}

        def pair(token: str, seen: set[int]) -> bool:
            for i in edges[token]:
                if i not in seen:
                    seen.add(i)
                    if i not in paired or pair(paired[i], seen):
                        paired[i] = token
                        return True
            return False

        found = {t for t in tokens if pair(t, set())}
        found |= {
            t
            for t in tokens
            if t.isalpha() and len(t) >= 4
            for typed, _ in self.words
            if len(typed) > len(t) and (typed.startswith(t) or typed.endswith(t))
        }
        return found


class Ceiling:
    """The rule above over one borough: an index of every address's parts, field by field."""

    def __init__(self, borough: Borough) -> None:
        self.parts = {a.uprn: tokens(a) for a in borough.addresses}
        self.index: dict[tuple[str, str], set[int]] = defaultdict(set)
        for uprn, fields in self.parts.items():
            for field, values in fields.items():
                for value in values:
                    self.index[(field, value)].add(uprn)

    def carried(self, record: Record) -> dict[str, set[str]]:
        """The parts of the record's true address its text still carries."""
        assert record.label is not None
        typed = Typed.of(record)
        return {f: typed.carried(f, self.parts[record.label][f]) for f in FIELDS}

    def consistent(self, record: Record) -> set[int]:
        """Every gazetteer address consistent with what the text carries of the true address (itself included)."""
        found: set[int] | None = None
        for field, carried in self.carried(record).items():
            for token in carried:
                having = self.index[(field, token)]
                found = set(having) if found is None else found & having
        return set(self.parts) if found is None else found

    def recoverable(self, record: Record) -> bool:
        return record.label is not None and self.consistent(record) == {record.label}

    def split(self, records: Iterable[Record]) -> tuple[list[Record], list[Record]]:
        """(recoverable, not recoverable) among the records with a true address."""
        yes, no = [], []
        for record in records:
            if record.label is not None:
                (yes if self.recoverable(record) else no).append(record)
        return yes, no
