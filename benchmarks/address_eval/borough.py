"""A BS7666-style local land and property gazetteer (LLPG) of an invented inner-London borough, for evaluating address
matching on addresses the matcher was never tuned on.

Written apart from the sandbox (sandbox/housing_world/gazetteer.py) on purpose: its own word lists, its own shape of
borough (localities, saints' streets written ST as BS7666 and Royal Mail do, number ranges, named buildings with and
without a street number, commercial premises used as landmarks, converted houses with floor flats), so a matcher
tuned on the sandbox meets conventions it has not seen. Each split draws its own borough from its own seed and its
own half of the word lists (`Borough.draw`), so a street of a held-out borough never appears in a tuning one.

There are three evaluation sets, each a tuning and a held-out split (records.py says how their errors differ): the
stress set (`tuning`, `held_out`), the field-rate set (`field_tuning`, `field_held_out`) and the issue-calibrated set
(`issue_tuning`, `issue_held_out`). Each set's boroughs are other places with their own seeds, so no set's gazetteer
is another's; each tuning borough takes its street names from the first half of the stems and each held-out borough
from the second, so no held-out street was ever looked at while tuning.
"""

from __future__ import annotations

import random
import zlib
from dataclasses import dataclass, field

STEMS = (
    "Abbotsford", "Ainsworth", "Alconbury", "Aldham", "Amberley", "Ardleigh", "Ashwin", "Aspland", "Avenell",
    "Balmes", "Barbauld", "Beechwood", "Bellevue", "Benyon", "Blurton", "Boleyn", "Bouverie", "Bracey", "Brenthouse",
    "Broadway", "Bushberry", "Calvert", "Canonbury", "Castlewood", "Cecilia", "Chardmore", "Chesholm", "Clissold",
    "Colvestone", "Cowper", "Cranbrook", "Cropley", "Culford", "Danesdale", "Darville", "Dericote", "Downham",
    "Dunsmure", "Durlston", "Eleanor", "Elrington", "Englefield", "Enfield", "Eswyn", "Fairholt", "Fenwick",
    "Filey", "Forburg", "Foulden", "Frampton", "Gayhurst", "Gilpin", "Glyn", "Gore", "Greenwood", "Grosvenor",
    "Hackford", "Halidon", "Harrowgate", "Hawthorne", "Hertford", "Hindle", "Holly", "Hoxton", "Hunsdon",
    "Jerome", "Kenworthy", "Kersley", "Kynaston", "Lamb", "Lavender", "Leswin", "Linscott", "Listria", "Loddiges",
    "Lucas", "Manse", "Mapledene", "Marcon", "Mayola", "Meeson", "Mildenhall", "Milton", "Moresby", "Morning",
    "Mortimer", "Narford", "Nelson", "Newick", "Norcott", "Nuttall", "Oakfield", "Orchard", "Ormsby", "Palatine",
    "Paragon", "Parkholme", "Penn", "Pellerin", "Pemberton", "Petherton", "Poole", "Prince", "Quilter", "Ravensdale",
    "Reading", "Redmans", "Regents", "Ritson", "Roseberry", "Rossington", "Rowe", "Sach", "Salcombe", "Sanford",
    "Sapphire", "Sheep", "Shepherd", "Sistova", "Southgate", "Spenser", "Stamford", "Stellman", "Stoneleigh",
    "Sutton", "Sylvester", "Tabley", "Terrace", "Thistlewaite", "Tower", "Trehurst", "Tudor", "Tyssen", "Union",
    "Vartry", "Verulam", "Vivian", "Walford", "Warneford", "Wayland", "Weald", "Wellington", "Westgate", "Whiston",
    "Wick", "Windsor", "Wolsey", "Woolridge", "Wragby", "Wyke", "Yorkton", "Zealand",
)  # fmt: skip
SAINTS = ("PETERS", "JOHNS", "MARKS", "MATTHIAS", "ANNES", "BARNABAS", "MICHAELS", "LUKES", "AUGUSTINES", "KILDAS")
# Street types as BS7666 writes them in full; the typed forms live in errors.py.
KINDS = (
    ("ROAD", 30), ("STREET", 20), ("AVENUE", 5), ("GROVE", 6), ("TERRACE", 5), ("GARDENS", 5), ("CLOSE", 5),
    ("MEWS", 4), ("DRIVE", 3), ("PARADE", 2), ("CRESCENT", 3), ("PLACE", 4), ("SQUARE", 2), ("LANE", 4),
    ("WALK", 3), ("WAY", 3), ("ROW", 1), ("PASSAGE", 1), ("HILL", 2),
)  # fmt: skip
BUILDING_KINDS = ("HOUSE", "COURT", "POINT", "LODGE", "MANSIONS", "APARTMENTS", "BUILDINGS", "TOWER", "HALL", "WHARF")
SHOPS = ("TESCO EXPRESS", "SAINSBURYS LOCAL", "COSTCUTTER", "THE PRINCE ARTHUR PH", "BETFRED", "LADBROKES",
         "THE BLACK HORSE PH", "LLOYDS PHARMACY", "LIBRARY", "HEALTH CENTRE", "LAUNDERETTE", "POST OFFICE")  # fmt: skip
TOWN = "LONDON"


@dataclass(frozen=True)
class Boroughs:
    """A split's borough settings: its own name, outward codes and localities."""

    name: str
    districts: tuple[str, ...]
    localities: tuple[str, ...]
    neighbour_districts: tuple[str, ...]  # a neighbouring borough's outward codes (for foreign postcodes)
    stems: int  # which half of STEMS its street names come from: 0 for a tuning split, 1 for a held-out one


SPLITS: dict[str, Boroughs] = {
    "tuning": Boroughs(
        "HOLLOWAY VALE", ("N7", "N19", "N5"),
        ("LOWER HOLLOWAY", "UPPER HOLLOWAY", "TUFNELL PARK", "HIGHBURY VALE", "ARCHWAY"), ("N4", "N6", "NW5"), 0,
    ),
    "held_out": Boroughs(
        "CLAPTON WICK", ("E5", "E8", "E9", "N16"),
        ("LOWER CLAPTON", "UPPER CLAPTON", "HOMERTON", "DALSTON", "STOKE NEWINGTON", "HACKNEY WICK"),
        ("E2", "E10", "N1", "N15"), 1,
    ),
    "field_tuning": Boroughs(
        "BARNSBURY GREEN", ("N1", "EC1", "WC1"),
        ("BARNSBURY", "PENTONVILLE", "CLERKENWELL", "KINGS CROSS", "SOMERS TOWN"), ("NW1", "EC2", "N7"), 0,
    ),
    "field_held_out": Boroughs(
        "SURREY DOCKS", ("SE16", "SE8", "SE15"),
        ("ROTHERHITHE", "SURREY QUAYS", "DEPTFORD", "BERMONDSEY", "NUNHEAD", "SOUTH BERMONDSEY"),
        ("SE1", "SE14", "SE4", "SE17"), 1,
    ),
    "issue_tuning": Boroughs(
        "KILBURN VALE", ("NW6", "NW8", "W9"),
        ("KILBURN", "MAIDA VALE", "WEST HAMPSTEAD", "QUEENS PARK", "SOUTH HAMPSTEAD"), ("NW2", "W10", "NW3"), 0,
    ),
    "issue_held_out": Boroughs(
        "BRIXTON RISE", ("SW9", "SW2", "SE24"),
        ("BRIXTON", "STOCKWELL", "HERNE HILL", "TULSE HILL", "LOWER BRIXTON", "LOUGHBOROUGH JUNCTION"),
        ("SW4", "SE5", "SW8", "SE27"), 1,
    ),
}  # fmt: skip


@dataclass
class Address:
    """One LLPG record: a BLPU with its LPI (SAO, PAO, street, locality, town, postcode)."""

    uprn: int
    usrn: int
    sao: str  # secondary addressable object: FLAT 3, GROUND FLOOR FLAT, FLAT A ('' when none)
    pao_text: str  # primary addressable object name: BURBAGE HOUSE, TESCO EXPRESS ('' when none)
    pao_number: str  # 12, 12A, 65-67 ('' when none)
    street: str
    locality: str
    postcode: str
    blpu_class: str  # RD03 house, RD06 flat, PP shell (a building of several units), CR01 shop
    parent_uprn: int | None = None

    def lines(self) -> tuple[str, str, str]:
        """address_line_1..3 as the council's LLPG export writes them: SAO, then PAO with its number, then street."""
        first = " ".join(x for x in (self.sao, self.pao_text) if x)
        street = " ".join(x for x in (self.pao_number, self.street) if x)
        return (first, street, self.locality) if first else (street, self.locality, "")

    def single_line(self) -> str:
        return ", ".join(x for x in (*self.lines(), TOWN) if x)


@dataclass
class Borough:
    split: str
    settings: Boroughs
    addresses: list[Address] = field(default_factory=list)
    # Addresses that are real places but not in this gazetteer: new builds not listed yet, flats that do not exist,
    # and streets of the same name in the neighbouring borough (with its postcodes). Records drawn from these have no
    # true UPRN.
    absent: list[Address] = field(default_factory=list)

    @classmethod
    def draw(cls, split: str, target: int = 25_000) -> Borough:
        settings = SPLITS[split]
        rng = random.Random(zlib.crc32(f"address-eval-borough|{split}".encode()))
        # Each split owns half the stems (by a hash of the stem), so no street name is shared by a tuning and a
        # held-out split.
        stems = [s.upper() for s in STEMS if zlib.crc32(s.encode()) % 2 == settings.stems]
        borough = cls(split, settings)
        _Builder(rng, borough, stems).build(target)
        return borough

    def by_uprn(self) -> dict[int, Address]:
        return {a.uprn: a for a in self.addresses}


class _Builder:
    def __init__(self, rng: random.Random, borough: Borough, stems: list[str]) -> None:
        self.rng, self.borough, self.stems = rng, borough, stems
        self.next_uprn = 100_000_000_000 + rng.randint(0, 10**9)
        self.next_usrn = 20_000_000 + rng.randint(0, 10**5)
        self.units: dict[str, list[int]] = {}  # postcode unit -> addresses
        self.used_postcodes: set[str] = set()

    def uprn(self) -> int:
        self.next_uprn += self.rng.randint(1, 40)
        return self.next_uprn

    def postcode(self, district: str) -> str:
        while True:
            code = f"{district} {self.rng.randint(0, 9)}{''.join(self.rng.choices('ABDEFGHJLNPQRSTUWXYZ', k=2))}"
            if code not in self.used_postcodes:
                self.used_postcodes.add(code)
                return code

    def street_names(self) -> list[str]:
        rng, names = self.rng, []
        kinds, weights = zip(*KINDS, strict=True)
        for stem in self.stems:
            for kind in rng.sample(kinds, k=rng.choice((1, 2, 2, 3))):
                names.append(f"{stem} {kind}")
        # A few streets share a stem with a different type (CLISSOLD ROAD, CLISSOLD CRESCENT): that is what makes a
        # dropped or wrong street type matter.
        names += [f"ST {saint} {rng.choices(kinds, weights)[0]}" for saint in SAINTS]
        names += ["HIGH STREET", "CHURCH STREET", "STATION ROAD", "MILL ROW", "NORTH ROAD", "SOUTH ROAD"]
        rng.shuffle(names)
        return list(dict.fromkeys(names))

    def build(self, target: int) -> None:
        rng, settings = self.rng, self.borough.settings
        for street in self.street_names():
            if len(self.borough.addresses) >= target:
                break
            usrn = self.next_usrn = self.next_usrn + rng.randint(1, 9)
            district = rng.choice(settings.districts)
            locality = rng.choice(settings.localities) if rng.random() < 0.45 else ""
            self.street(street, usrn, district, locality)

    def street(self, street: str, usrn: int, district: str, locality: str) -> None:
        rng = self.rng
        length = rng.choice((12, 20, 30, 40, 60, 80, 110, 140))
        postcode, in_unit = self.postcode(district), 0
        number = 1
        while number <= length:
            if in_unit >= rng.randint(14, 30):
                postcode, in_unit = self.postcode(district), 0
            roll = rng.random()
            base = dict(usrn=usrn, street=street, locality=locality, postcode=postcode)
            if roll < 0.05 and number + 2 <= length:  # a number range: a shop with flats above
                pao = f"{number}-{number + 2}"
                self.converted(pao, base, shop=True)
                number += 3
                in_unit += 3
                continue
            if roll < 0.09:  # a block with a name and a street number
                self.block(str(number), base)
            elif roll < 0.40:
                self.converted(str(number), base)
            elif roll < 0.44:
                self.add(Address(self.uprn(), sao="", pao_text=rng.choice(SHOPS), pao_number=str(number),
                                 blpu_class="CR01", **base))  # fmt: skip
            else:
                self.add(Address(self.uprn(), sao="", pao_text="", pao_number=str(number), blpu_class="RD03", **base))
                if rng.random() < 0.04:  # an infill house numbered 12A
                    self.add(Address(self.uprn(), sao="", pao_text="", pao_number=f"{number}A", blpu_class="RD03",
                                     **base))  # fmt: skip
            number += rng.choice((1, 1, 1, 2))  # odd/even sides and gaps
            in_unit += 1
        if rng.random() < 0.35:  # estates: named blocks on the street with no street number
            for _ in range(rng.randint(1, 3)):
                self.block("", dict(usrn=usrn, street=street, locality=locality, postcode=self.postcode(district)))
        # New builds not in the gazetteer yet: numbers past the street's end.
        for extra in range(rng.randint(0, 3)):
            self.borough.absent.append(Address(0, usrn, "", "", str(length + 2 + 2 * extra), street, locality,
                                               postcode, "RD03"))  # fmt: skip
        # The neighbouring borough has a street of the same name (different postcodes, no UPRN here).
        if rng.random() < 0.15:
            other = self.rng.choice(self.borough.settings.neighbour_districts)
            for n in rng.sample(range(1, 90), k=4):
                self.borough.absent.append(Address(0, 0, "", "", str(n), street, "", self.postcode(other), "RD03"))

    def add(self, address: Address) -> Address:
        self.borough.addresses.append(address)
        return address

    def converted(self, pao: str, base: dict, shop: bool = False) -> None:
        rng = self.rng
        shell = self.add(Address(self.uprn(), sao="", pao_text="", pao_number=pao, blpu_class="PP", **base))
        style = rng.choice(("floors", "letters", "numbers"))
        count = rng.randint(2, 4)
        if style == "floors":
            saos = ["BASEMENT FLAT", "GROUND FLOOR FLAT", "FIRST FLOOR FLAT", "SECOND FLOOR FLAT", "TOP FLOOR FLAT"]
            saos = saos[rng.randint(0, 1) : rng.randint(0, 1) + count]
        elif style == "letters":
            saos = [f"FLAT {c}" for c in "ABCDE"[:count]]
        else:
            saos = [f"FLAT {n}" for n in range(1, count + 1)]
        if shop:
            self.add(Address(self.uprn(), sao="", pao_text=rng.choice(SHOPS), pao_number=pao, blpu_class="CR01",
                             **base, parent_uprn=shell.uprn))  # fmt: skip
            saos = [s for s in saos if "GROUND" not in s and "BASEMENT" not in s] or ["FLAT A"]
        for sao in saos:
            self.add(Address(self.uprn(), sao=sao, pao_text="", pao_number=pao, blpu_class="RD06", **base,
                             parent_uprn=shell.uprn))  # fmt: skip
        if rng.random() < 0.1:  # a flat the LLPG has not caught up with
            self.borough.absent.append(Address(0, base["usrn"], f"FLAT {count + 5}", "", pao, base["street"],
                                               base["locality"], base["postcode"], "RD06"))  # fmt: skip

    def block(self, number: str, base: dict) -> None:
        rng = self.rng
        name = f"{rng.choice(self.stems)} {rng.choice(BUILDING_KINDS)}"
        shell = self.add(Address(self.uprn(), sao="", pao_text=name, pao_number=number, blpu_class="PP", **base))
        flats = rng.choice((6, 12, 20, 30, 48, 64))
        for n in range(1, flats + 1):
            self.add(Address(self.uprn(), sao=f"FLAT {n}", pao_text=name, pao_number=number, blpu_class="RD06",
                             **base, parent_uprn=shell.uprn))  # fmt: skip
        self.borough.absent.append(Address(0, base["usrn"], f"FLAT {flats + rng.randint(1, 9)}", name, number,
                                           base["street"], base["locality"], base["postcode"], "RD06"))  # fmt: skip
