"""Vocabulary for the simulated Tascomi world: names, addresses, proposals, form answers, letters.

Everything here is drawn from a caller-supplied `random.Random`, so the world stays deterministic.
"""

from __future__ import annotations

import random
import sys
from datetime import date

from sandbox.tascomi.draws import between, pick

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

# Answers on the application form, shared by every record that gives them.
SIGNATORIES = tuple(f"{f} {s}" for f in FORENAMES for s in SURNAMES[:8])
GEOJSON_POINTS = tuple(f'{{"type":"Point","coordinates":[{531_000 + 250 * i},{182_000 + 230 * i}]}}' for i in range(24))
WKT_POINTS = tuple(f"POINT({531_000 + 250 * i} {182_000 + 230 * i})" for i in range(24))
DRAWING_REFERENCES = tuple(
    f"{prefix}-{n:03d} Rev {rev}" for prefix in ("PL", "GA", "EX", "SK") for n in range(1, 13) for rev in "ABC"
)
CASE_REFERENCES = tuple(f"{year}/{n:04d}" for year in range(2012, 2025) for n in range(7, 3000, 97))
PORTAL_REFERENCES = tuple(f"PP-{13_000_000 + 7919 * n}" for n in range(64))
MATERIALS = (
    "London stock brick to match existing", "Red multi brick", "Natural slate", "Clay plain tiles",
    "Painted timber sash windows", "Double glazed uPVC", "Powder coated aluminium", "Render, white",
    "Zinc standing seam", "Timber cladding", "Cast iron rainwater goods", "Close boarded timber fence 1.8m",
    "Permeable block paving", "Not applicable", "As existing",
)  # fmt: skip
NEWSPAPERS = ("Hackney Gazette", "East London Advertiser", "Evening Standard")
FORM_PHRASES = (
    "See design and access statement", "As shown on the submitted drawings", "Details to follow under condition",
    "Existing rear extension to be demolished", "No change to the existing use", "Works are minor in scale",
    "Replacement like for like", "Refer to the planning statement", "The site is not within a flood zone",
    "The proposal accords with the development plan", "Pre-application advice was followed",
    "Works required for structural safety", "Owner notified by recorded delivery", "Survey report attached",
    "Part of the wider estate regeneration", "Temporary use for a period of two years",
)  # fmt: skip
FORM_ANSWERS = ("Yes", "No", "Pending", "See file", "Not required", "Consulted", "Not applicable", "Unknown")

COMMENTS = {  # by stance
    "Object": (
        "I object: the extension will overshadow my garden.", "Loss of privacy to neighbouring properties.",
        "Out of keeping with the conservation area.", "Concerned about parking pressure on the street.",
        "The design is too bulky for the terrace.", "Noise and disturbance during construction.",
    ),
    "Support": ("I support this application.", "A welcome improvement to a derelict site.",
                "Much needed family housing."),
    "Neutral": ("Please ensure the trees are protected.", "No objection subject to conditions.",
                "Please consider the hours of construction."),
}  # fmt: skip
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")  # fmt: skip
COMPLAINTS = (
    "Extension being built without permission", "Change of use to a car wash", "Unauthorised advertisement hoarding",
    "Works to a listed building without consent", "Tree felled in a conservation area", "Untidy land and fly-tipping",
    "Construction hours not being complied with", "Flats being created without permission",
    "Roof terrace erected at the rear", "Shopfront replaced with roller shutters",
)  # fmt: skip
BREACHES = (
    "Erection of a rear extension without planning permission",
    "Material change of use without planning permission",
    "Failure to comply with condition 3 (hours of construction)",
    "Display of advertisements without consent",
    "Unauthorised works to a listed building",
    "Works to a protected tree without consent",
    "Condition of land adversely affecting the amenity of the area (s215)",
)  # fmt: skip
OUTCOME_NOTES = (
    "Site visited; no breach of planning control found.", "Owner removed the structure voluntarily.",
    "Retrospective application received and registered.", "Notice complied with on re-inspection.",
    "Not expedient to pursue formal action.", "Matter referred to legal services for prosecution.",
)  # fmt: skip
EMAIL_SUBJECTS = (
    "Planning application received", "Decision on your planning application", "Your pre-application enquiry",
    "Your comments have been received", "Appeal started",
)  # fmt: skip
EMAIL_BODIES = (  # one per subject, in the same order
    "Your application has been received and will be checked for validity.",
    "The decision notice for your application is attached.",
    "We write regarding your enquiry; please see the attached letter.",
    "Thank you for your comments, which have been recorded.",
    "Please find attached correspondence regarding the above appeal.",
)  # fmt: skip
TEAM_DESCRIPTIONS = (
    "Householder and minor applications", "Major and strategic applications", "Planning enforcement and appeals",
    "Validation, registration and technical support", "Tree and landscape casework",
    "Development management: applications in the northern wards", "Development management: southern wards",
)  # fmt: skip


def person(rng: random.Random) -> tuple[str, str]:
    return pick(rng, FORENAMES), pick(rng, SURNAMES)


# Generated strings repeat across many records (a few thousand addresses, a few hundred emails): they are interned
# so that a 100k-application world keeps one copy of each.


def email(forename: str, surname: str, domain: str) -> str:
    return sys.intern(f"{forename}.{surname}@{domain}".lower())


def street_address(rng: random.Random) -> str:
    return sys.intern(f"{between(rng, 1, 250)} {pick(rng, STREETS)} {pick(rng, STREET_KINDS)}")


def postcode(rng: random.Random) -> str:
    letters = "ABDEFGHJLNPQRSTUWXYZ"
    return sys.intern(f"E{between(rng, 1, 20)} {between(rng, 1, 9)}{pick(rng, letters)}{pick(rng, letters)}")


def company(rng: random.Random) -> str:
    return sys.intern(f"{pick(rng, SURNAMES)} {pick(rng, COMPANIES)} Ltd")


def long_date(day: date) -> str:
    """'6 January 2025', whatever the process locale."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def proposal(rng: random.Random) -> str:
    return sys.intern(pick(rng, PROPOSALS).format(n=between(rng, 2, 60)))
