"""The evaluation's ceiling rule (benchmarks/address_eval/ceiling.py) on hand-made cases: a record is recoverable when
no other gazetteer address is consistent with every part of its true address the typed text still carries. The
benchmark's "recall, text still names it" and its ceiling share rest on this rule, so it is checked on cases whose
answer a person can see."""

from __future__ import annotations

import pytest

from benchmarks.address_eval.borough import SPLITS, Address, Borough
from benchmarks.address_eval.ceiling import Ceiling
from benchmarks.address_eval.records import Record


def _address(uprn: int, number: str, street: str, postcode: str, sao: str = "", name: str = "") -> Address:
    return Address(uprn, 1, sao, name, number, street, "", postcode, "RD06" if sao else "RD03")


@pytest.fixture(scope="module")
def ceiling() -> Ceiling:
    addresses = [
        _address(1, "11", "NEWICK ROW", "N7 1AA"),
        *(_address(2 + i, "11", "NEWICK ROW", "N7 1AA", sao=f"FLAT {c}") for i, c in enumerate("ABC")),
        _address(10, "1", "MAYOLA GROVE", "N7 2AA", sao="FLAT 4"),
        _address(11, "4", "MAYOLA GROVE", "N7 2AA", sao="FLAT 1"),
        _address(20, "5", "CLISSOLD ROAD", "N7 3AA"),
        _address(21, "5", "CLISSOLD CRESCENT", "N7 3BB"),
        _address(22, "5", "HOXTON ROAD", "N7 3CC"),
        _address(30, "3", "ST PETERS STREET", "N7 4AA"),
        _address(31, "3", "ST PETERS ROAD", "N7 4AA"),
        _address(40, "", "LUCAS WAY", "N7 5AA", sao="FLAT 7", name="BURBAGE HOUSE"),
        _address(41, "", "LUCAS WAY", "N7 5AA", sao="FLAT 8", name="BURBAGE HOUSE"),
    ]
    addresses[0].blpu_class = "PP"
    return Ceiling(Borough("tuning", SPLITS["tuning"], addresses))


@pytest.mark.parametrize(
    ("text", "postcode", "label", "recoverable"),
    [
        ("FLAT C, 11 NEWICK ROW, LONDON", "", 4, True),
        ("11C NEWICK RD", "", 4, True),  # 11C is flat C of 11; RD is the generator's short form of ROAD
        ("11 NEWICK ROW, LONDON", "N7 1AA", 4, False),  # the letter dropped: flats A, B and the building carry 11
        ("FLAT, 11 NEWICK ROW", "", 4, False),  # FLAT rules out the building, not flats A and B
        ("FLAT 4, 1 MAYOLA GROVE", "", 10, True),  # FLAT 1, 4 MAYOLA GROVE's flat is not 4
        ("5 CLISSOLD", "", 20, False),  # the street type dropped: 5 CLISSOLD CRESCENT is consistent
        ("5 CLISSOLD", "N7 3AA", 20, True),  # ... unless the postcode says which
        ("5 clissold cres", "", 21, True),
        ("5 CLISOLD ROAD", "", 20, True),  # one slip in a long word
        ("5 CXXSOLD ROAD", "", 20, False),  # not a slip: 5 HOXTON ROAD is as consistent
        ("MRS PATEL, FLAT B, 5 CLISSOLD ROAD ADJ TO TESCO", "", 20, True),  # words that are not its own do not hurt
        ("3 Saint Peter's St", "", 30, True),
        ("3 ST PETERS", "", 30, False),
        ("7 BURBAGE HSE LUCASWAY", "", 40, True),  # HSE for HOUSE; LUCAS and WAY run together
        ("BURBAGE HOUSE, LUCAS WAY", "N7 5AA", 40, False),  # the flat number dropped
    ],
)
def test_ceiling_rule(ceiling: Ceiling, text: str, postcode: str, label: int, recoverable: bool):
    record = Record("r", "test", text, postcode, label)
    assert ceiling.recoverable(record) is recoverable, ceiling.carried(record)


def test_a_record_with_no_true_address_is_outside_the_ceiling(ceiling: Ceiling):
    records = [Record("a", "test", "9 NOWHERE ROAD", "", None), Record("b", "test", "5 CLISSOLD ROAD", "", 20)]
    recoverable, lost = ceiling.split(records)
    assert [r.record_id for r in recoverable] == ["b"] and lost == []
