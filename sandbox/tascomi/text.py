"""Vocabulary for the simulated Tascomi world: names, addresses, proposals, sparse vendor columns.

Everything here is drawn from a caller-supplied `random.Random`, so the world stays deterministic.
"""

from __future__ import annotations

import random
from datetime import datetime

FORENAMES = (
    "Amara", "Ben", "Chloe", "Dev", "Ella", "Femi", "Grace", "Hassan", "Isla", "Jon", "Kemi", "Liam",
    "Maya", "Nikhil", "Olu", "Priya", "Quinn", "Rosa", "Sam", "Tariq", "Uma", "Viktor", "Wen", "Yusuf", "Zoe",
)  # fmt: skip
SURNAMES = (
    "Adeyemi", "Brown", "Chen", "Davies", "Evans", "Fernandes", "Green", "Hughes", "Islam", "Jones", "Khan",
    "Lewis", "Mensah", "Novak", "Okafor", "Patel", "Quigley", "Roberts", "Singh", "Taylor", "Usman", "Walsh",
    "Xu", "Young", "Zielinski",
)  # fmt: skip
STREETS = (
    "Albion", "Brook", "Cedar", "Dalton", "Elm", "Fountain", "Glebe", "Harbour", "Ivy", "Jubilee", "Kings",
    "Lime", "Mill", "Navarino", "Orchard", "Parkside", "Queens", "Rectory", "Station", "Tower", "Victoria",
    "Wellington",
)  # fmt: skip
STREET_KINDS = ("Road", "Street", "Avenue", "Grove", "Lane", "Terrace", "Close", "Gardens")
COMPANIES = ("Planning", "Architects", "Design", "Associates", "Consulting", "Property", "Homes")
JOB_TITLES = (
    "Planning Officer", "Senior Planning Officer", "Principal Planning Officer", "Planning Team Leader",
    "Technical Support Officer", "Validation Officer", "Planning Enforcement Officer", "Business Analyst",
)  # fmt: skip
PROPOSALS = (
    "Erection of a single storey rear extension",
    "Erection of a part single, part two storey rear extension",
    "Loft conversion with rear dormer and front rooflights",
    "Change of use from retail (Class E) to residential (Class C3)",
    "Demolition of existing garage and erection of a two storey dwelling",
    "Installation of replacement timber sash windows",
    "Display of an illuminated fascia sign",
    "Works to a protected tree: crown reduction by 2m",
    "Redevelopment of the site to provide {n} residential units with associated landscaping",
    "Discharge of condition {n} (materials) of the planning permission",
    "Certificate of lawfulness for a proposed outbuilding",
    "Prior approval for the conversion of offices to {n} flats",
    "Installation of an air source heat pump",
    "Non-material amendment to change the position of windows",
)
WARD_NAMES = (
    "Abbey", "Brookside", "Canal", "Castle", "Clissold", "De Beauvoir", "Eastfield", "Fairholt", "Gardens",
    "Hackford", "Kingsmead", "Lea Bridge", "London Fields", "Millfields", "Northwold", "Parkway", "Queensbridge",
    "Riverside", "Springfield", "Stamford", "Victoria", "Woodberry",
)  # fmt: skip

# Pieces of vendor-style column names for the sparse columns of `applications`.
_SPARSE_PREFIXES = (
    "pa", "cil", "s106", "tpo", "lbc", "eia", "bng", "hmo", "cond", "cons", "enf", "gla", "tfl", "flood",
    "heritage", "highways", "noise", "arch", "committee", "neighbour", "site_notice", "press", "ppa", "nma",
)  # fmt: skip
_SPARSE_STEMS = (
    "consultation", "notification", "liable", "exempt", "amount", "reference", "expiry", "received", "start",
    "end", "officer", "comments", "status", "check", "response", "levy", "zone", "area", "units", "storeys",
    "parking", "affordable", "review", "objection", "support", "screening", "category", "lead",
)  # fmt: skip
_SPARSE_SUFFIXES = ("_date", "_flag", "_id", "_text", "")

# Sparse columns that must exist whatever the seed: the vendor names the brief quotes.
FIXED_SPARSE = ("cil_liable", "pa_consultation_expiry_date", "s106_agreement_date", "eia_screening_flag")


def sparse_column_names(rng: random.Random, count: int, taken: set[str]) -> list[str]:
    """`count` unique vendor-looking column names, none of them in `taken` (contract columns)."""
    names: list[str] = [n for n in FIXED_SPARSE if n not in taken][:count]
    seen = set(names) | taken
    attempts = 0
    while len(names) < count:
        attempts += 1
        parts = [rng.choice(_SPARSE_PREFIXES), rng.choice(_SPARSE_STEMS)]
        if rng.random() < 0.4:
            parts.append(rng.choice(_SPARSE_STEMS))
        name = "_".join(parts) + rng.choice(_SPARSE_SUFFIXES)
        if attempts > 50 * count:  # vocabulary exhausted: number the rest so any count works
            name = f"{name}_{len(names)}"
        if name not in seen and name.isascii():
            seen.add(name)
            names.append(name)
    return names


def sparse_kind(name: str) -> str:
    """The vendor type a sparse column's name suggests; decides what values it gets."""
    if name.endswith("_date"):
        return "timestamp"
    if name.endswith("_id") or name.endswith("_units") or name.endswith("_storeys"):
        return "integer"
    if name.endswith("_flag") or name.endswith("liable") or name.endswith("exempt"):
        return "boolean"
    if "amount" in name or "levy" in name or "area" in name:
        return "real"
    return "text"


def sparse_value(rng: random.Random, kind: str, when: datetime) -> str:
    """A served (string) value for a sparse column of the given kind."""
    if kind == "timestamp":
        return f"{when:%Y-%m-%d} 00:00:00"
    if kind == "integer":
        return str(rng.randint(1, 400))
    if kind == "boolean":
        return rng.choice("tf")
    if kind == "real":
        return str(round(rng.uniform(10, 50_000), 1))
    return rng.choice(("Yes", "No", "Pending", "See file", "Not required", "Consulted"))


def person(rng: random.Random) -> tuple[str, str]:
    return rng.choice(FORENAMES), rng.choice(SURNAMES)


def email(forename: str, surname: str, domain: str) -> str:
    return f"{forename}.{surname}@{domain}".lower()


def street_address(rng: random.Random) -> str:
    return f"{rng.randint(1, 250)} {rng.choice(STREETS)} {rng.choice(STREET_KINDS)}"


def postcode(rng: random.Random) -> str:
    letters = "ABDEFGHJLNPQRSTUWXYZ"
    return f"E{rng.randint(1, 20)} {rng.randint(1, 9)}{rng.choice(letters)}{rng.choice(letters)}"


def company(rng: random.Random) -> str:
    return f"{rng.choice(SURNAMES)} {rng.choice(COMPANIES)} Ltd"


def proposal(rng: random.Random) -> str:
    return rng.choice(PROPOSALS).format(n=rng.randint(2, 60))
