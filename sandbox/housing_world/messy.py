"""How contractors actually type things: addresses, postcodes, priorities, money, dates, contact details.

Each function draws from the caller's `random.Random` and a contractor's `Habits`, and returns text only; the
caller keeps the true value beside it.
"""

from __future__ import annotations

import random
import re
import zlib
from dataclasses import dataclass
from datetime import date, datetime

from sandbox.housing_world import vocab
from sandbox.housing_world.gazetteer import Address


@dataclass(frozen=True)
class Habits:
    """One contractor's typing habits (probabilities per response)."""

    upper: float = 0.3  # address typed in capitals (else title case, sometimes lower case)
    abbreviate: float = 0.35  # ROAD -> RD etc. when the street word ends the text
    typo: float = 0.08  # one typo in a street or building name
    postcode_in_address: float = 0.2
    postcode_missing: float = 0.1  # postcode cell left empty
    postcode_sloppy: float = 0.2  # lower case or no space
    wrong_postcode: float = 0.02  # a neighbouring postcode on the same street
    town_suffix: float = 0.3  # ", LONDON" or the borough name at the end
    drop_street: float = 0.25  # block flats given as "12 Bannister House" without the street
    flat_as_letter_suffix: float = 0.15  # "FLAT A 12 ROSE ST" written "12A ROSE ST"
    # The broader error model (what council repair logs show beyond the above; see _broader):
    contact_name: float = 0.05  # the resident's or a contact's name typed into the address
    landmark: float = 0.02  # "ADJ TO TESCO" after the address
    floor_words: float = 0.3  # GROUND FLOOR FLAT written G/F, GRD FLR ...
    saint_spelt: float = 0.4  # ST MARK'S ROAD written SAINT MARK'S RD
    flat_in_number: float = 0.1  # FLAT 2, 14 ROSE ST written 2/14 ROSE ST
    range_as_one: float = 0.2  # 12-14 ROSE ST written 12 ROSE ST
    more_abbreviations: float = 0.3  # Royal Mail short forms beyond the street type at the end (GRV, LDG, TWR ...)
    date_completed_format: str = "%d/%m/%Y"


def title_case(text: str) -> str:
    return " ".join(w[:1].upper() + w[1:].lower() for w in text.split(" "))


def typo(rng: random.Random, word: str) -> str:
    """One keyboard slip in a word of five letters or more: swap, drop, double or a wrong vowel."""
    if len(word) < 5 or not word.isalpha():
        return word
    i = rng.randint(1, len(word) - 2)
    kind = rng.randint(0, 3)
    if kind == 0:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if kind == 1:
        return word[:i] + word[i + 1 :]
    if kind == 2:
        return word[:i] + word[i] + word[i:]
    vowels = "AEIOU"
    return word[:i] + rng.choice([v for v in vowels if v != word[i]]) + word[i + 1 :]


def _typo_in(rng: random.Random, text: str) -> str:
    words = text.split(" ")
    candidates = [i for i, w in enumerate(words) if len(w) >= 5 and w.isalpha()]
    if not candidates:
        return text
    i = rng.choice(candidates)
    words[i] = typo(rng, words[i])
    return " ".join(words)


def _abbreviate_end(text: str) -> str:
    head, _, last = text.rpartition(" ")
    short = vocab.KIND_ABBREVIATIONS.get(last) or vocab.BUILDING_ABBREVIATIONS.get(last)
    return f"{head} {short}" if head and short else text


def sloppy_postcode(rng: random.Random, postcode: str) -> str:
    roll = rng.random()
    if roll < 0.4:
        return postcode.replace(" ", "")
    if roll < 0.8:
        return postcode.lower()
    return postcode.replace(" ", "").lower()


def _number(rng: random.Random, number: str) -> str:
    if "-" in number:
        a, b = number.split("-")
        return rng.choice((f"{a}-{b}", f"{a} - {b}", f"{a} TO {b}", f"{a}-{b}"))
    if number[-1:].isalpha() and rng.random() < 0.3:
        return f"{number[:-1]} {number[-1]}"
    return number


def _block_flat(rng: random.Random, a: Address, street: str, h: Habits) -> str:
    flat_no = (a.sao or "").removeprefix("FLAT ").strip()
    flat = rng.choices((f"FLAT {flat_no}", flat_no, f"FLT {flat_no}", f"FLAT {flat_no},"), (6, 3, 1, 2))[0]
    building = a.building or ""
    if rng.random() < h.typo / 2:
        building = _typo_in(rng, building)
    if rng.random() < h.drop_street:
        return f"{flat} {building}"
    return f"{flat} {building}{rng.choice((',', ''))} {street}"


def _converted_flat(rng: random.Random, a: Address, street: str, h: Habits) -> str:
    sao, number = a.sao or "", _number(rng, a.number or "")
    letter = sao.removeprefix("FLAT ") if sao.startswith("FLAT ") and len(sao) == 6 else None
    if letter and rng.random() < h.flat_as_letter_suffix:
        return f"{number}{letter} {street}"
    if sao.endswith("FLOOR FLAT") and rng.random() < 0.3:
        sao = {"GROUND": "GFF", "FIRST": "1ST FLOOR FLAT", "SECOND": "2ND FLOOR FLAT"}[sao.split(" ")[0]]
    return f"{sao}{rng.choice((',', ''))} {number} {street}"


def address_text(rng: random.Random, a: Address, h: Habits, street_postcodes: list[str]) -> tuple[str, str]:
    """(address as typed, postcode cell as typed, the postcode the contractor believed in)."""
    street = _typo_in(rng, a.street) if rng.random() < h.typo else a.street
    if a.building and a.sao:
        text = _block_flat(rng, a, street, h)
    elif a.sao:
        text = _converted_flat(rng, a, street, h)
    elif a.building:
        text = f"{a.building}, {street}"
    else:
        text = f"{_number(rng, a.number or '')}{rng.choice((',', ''))} {street}"
    if rng.random() < h.abbreviate:
        text = _abbreviate_end(text)
    text = _broader(text, a, h)
    postcode = a.postcode
    others = [p for p in street_postcodes if p != postcode]
    if others and rng.random() < h.wrong_postcode:
        postcode = rng.choice(others)
    if rng.random() < h.town_suffix:
        text += rng.choice((", LONDON", " LONDON", f", {vocab.BOROUGH}", f", {vocab.BOROUGH}, LONDON"))
    if rng.random() < h.postcode_in_address:
        text += rng.choice((", ", " ")) + (sloppy_postcode(rng, postcode) if rng.random() < 0.3 else postcode)
    return _case(rng, text, h), _postcode_cell(rng, postcode, h)


def communal_text(rng: random.Random, block: Address, h: Habits) -> tuple[str, str]:
    """A repair to the common parts of a block: it happened at the block's shell."""
    name = block.building or ""
    text = rng.choice(
        (
            f"COMMUNAL AREAS {name}, {block.street}",
            f"{name} - COMMUNAL STAIRS",
            f"{name}, {block.street} (COMMUNAL)",
            f"BLOCK {name}",
        )
    )
    return _case(rng, text, h), _postcode_cell(rng, block.postcode, h)


def garage_text(rng: random.Random, number: int, block: Address, h: Habits) -> tuple[str, str]:
    """A council garage: a place with a property reference but no gazetteer record."""
    name = (block.building or "").rsplit(" ", 1)[0]
    text = rng.choice((f"GARAGE {number} {name} ESTATE", f"GARAGE NO {number}, REAR OF {block.building}"))
    return _case(rng, text, h), _postcode_cell(rng, block.postcode, h)


FLOOR_FORMS = {
    "GROUND FLOOR FLAT": ("G/F FLAT", "GRD FLR FLAT", "GROUND FLR", "G/F"),
    "FIRST FLOOR FLAT": ("1ST FLR FLAT", "1/F FLAT", "1ST FLOOR"),
    "SECOND FLOOR FLAT": ("2ND FLR FLAT", "2/F FLAT", "2ND FLOOR"),
}
CONTACTS = ("MRS ADEBAYO", "MR J OKAFOR", "MS DEMIR", "MISS R COHEN", "C/O MRS SMITH", "KEY WITH MR KHAN")
LANDMARKS = ("ADJ TO TESCO", "OPP THE LIBRARY", "NEXT TO BETFRED", "NR BUS STOP")


def _broader(text: str, a: Address, h: Habits) -> str:
    """The broader error model: Royal Mail short forms anywhere, floor wording, Saint spelt out, a number range typed as
    one number, the flat number typed into the street number, a contact's name, a landmark. Every edit keeps the
    address identifiable (nothing a careful reader could not place); draws come from the text's own stream, so the
    sandbox's other draws (and every seeded world) are unchanged."""
    rng = random.Random(zlib.crc32(f"{a.uprn}|{text}".encode()))
    upper = text.upper()
    if rng.random() < h.more_abbreviations:
        for word, short in vocab.MORE_ABBREVIATIONS.items():
            upper = re.sub(rf"\b{word}\b", short, upper, count=1)
    for full, forms in FLOOR_FORMS.items():
        if full in upper and rng.random() < h.floor_words:
            upper = upper.replace(full, rng.choice(forms), 1)
    if re.match(r"ST [A-Z]", a.street) and rng.random() < h.saint_spelt:
        upper = re.sub(r"\bST ([A-Z]+'?S?)\b", r"SAINT \1", upper, count=1)
    if a.number and "-" in a.number and rng.random() < h.range_as_one:
        upper = re.sub(rf"\b{a.number.split('-')[0]} ?(-|TO) ?{a.number.split('-')[1]}\b", a.number.split("-")[0],
                       upper, count=1)  # fmt: skip
    flat = re.fullmatch(r"FLAT (\d+)", a.sao or "")
    if flat and a.number and not a.building and rng.random() < h.flat_in_number:
        upper = re.sub(rf"\bFLAT {flat[1]},? {a.number}\b", f"{flat[1]}/{a.number}", upper, count=1)
    if rng.random() < h.contact_name:
        upper = rng.choice((f"{rng.choice(CONTACTS)}, {upper}", f"{upper} ({rng.choice(CONTACTS)})"))
    if rng.random() < h.landmark:
        upper = f"{upper} {rng.choice(LANDMARKS)}"
    return upper if upper != text.upper() else text


def _case(rng: random.Random, text: str, h: Habits) -> str:
    if rng.random() < h.upper:
        return text
    if rng.random() < 0.1:
        return text.lower()
    return title_case(text)


def _postcode_cell(rng: random.Random, postcode: str, h: Habits) -> str:
    if rng.random() < h.postcode_missing:
        return ""
    if rng.random() < h.postcode_sloppy:
        return sloppy_postcode(rng, postcode)
    return postcode


# Priority code -> (wording, weight); typos and local variants included. Codes: Immediate 1 ... Normal 4.
PRIORITY_WORDS: dict[int, tuple[tuple[str, int], ...]] = {
    1: (("Immediate", 10), ("IMMEDIATE", 3), ("Immediate (2 hours)", 2), ("Immedaite", 1)),
    2: (("Emergency", 10), ("EMERGENCY", 3), ("Emergency (24hrs)", 2), ("Emergancy", 1), ("emergency", 1)),
    3: (("Urgent", 10), ("URGENT", 3), ("Urgent (3 working days)", 2), ("Urgnet", 1)),
    4: (("Normal", 10), ("NORMAL", 2), ("Normal (28 days)", 2), ("Routine", 2), ("Nromal", 1)),
}
PRIORITY_SHARES = ((1, 3), (2, 20), (3, 30), (4, 45))


def priority(rng: random.Random) -> int:
    return rng.choices([c for c, _ in PRIORITY_SHARES], [w for _, w in PRIORITY_SHARES])[0]


def priority_text(rng: random.Random, code: int) -> str:
    words = PRIORITY_WORDS[code]
    return rng.choices([w for w, _ in words], [n for _, n in words])[0]


def money_text(rng: random.Random, value: float) -> str:
    plain = f"{value:.2f}"
    roll = rng.random()
    if roll < 0.35:
        return f"£{value:,.2f}"
    if roll < 0.5 and value == int(value):
        return str(int(value))
    if roll < 0.55:
        return f"£{value:.0f}" if value == int(value) else f"£{plain}"
    return plain


def sor_text(rng: random.Random, code: str, description: str) -> str:
    roll = rng.random()
    if roll < 0.2:
        return f"{code} - {description}"
    if roll < 0.25:
        return f" {code}"
    return code


def phone_number(rng: random.Random) -> str:
    """Ofcom's drama ranges: numbers that are never allocated to anyone."""
    if rng.random() < 0.7:
        return f"07700 900{rng.randint(0, 999):03d}"
    return f"020 7946 0{rng.randint(0, 999):03d}"


def contact_text(rng: random.Random, title: str, surname: str, forename: str, phone: str) -> str:
    """Free text holding phone and name in any order (split later: digits -> phone, letters -> name)."""
    compact = phone.replace(" ", "") if rng.random() < 0.3 else phone
    return rng.choice(
        (
            f"{compact} {title} {surname}",
            f"{title} {surname} {compact}",
            f"{forename} {surname} - {compact}",
            f"{compact}",
            f"{title} {surname}",
        )
    )


def timestamp_text(moment: datetime) -> str:
    return moment.strftime("%d/%m/%Y %H:%M:%S")


def date_text(day: date, fmt: str) -> str:
    return day.strftime(fmt) if "%H" not in fmt else datetime.combine(day, datetime.min.time()).strftime(fmt)
