"""The application form: which of `applications`' ~750 vendor columns an application fills, and with what.

The vendor's applications table is the union of every national application form (householder, full, listed
building consent, adverts, prior approval, lawful development certificates, ...) plus case-management fields, so
any one record fills a small subset. Here every form column belongs to a section (by its name); an application
type answers its own sections and, now and then, an unrelated one (a telecoms mast, a fish farm), plus a few
stray columns. Values are type-correct for the vendor type and drawn from small shared vocabularies, so a
100k-application world stays small in memory.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from sandbox.tascomi import text
from sandbox.tascomi.draws import between, pick
from sandbox.tascomi.schema import vendor_schema
from sandbox.tascomi.store import midnight

# Columns the life-cycle simulation owns; the form never fills them.
LIFE_CYCLE_COLUMNS = frozenset({
    "id", "last_updated", "creation_user_id", "submit_date", "last_updated_by", "gis_map_image_base64",
    "application_reference_number", "application_type_id", "ps_development_code_id", "decision_type_id",
    "decision_level_id", "officer_id", "user_team_id", "ward_id", "dtf_location_id", "applicant_id", "agent_id",
    "proposal", "site_address_description", "received_date", "valid_date", "registration_date",
    "decision_issued_date", "expiry_date", "extension_of_time_due_date", "ceased", "ceased_date", "application_stage",
    "validation_officer_id", "decision_officer_id", "committee_date", "committee_proposed_date",
    "committee_actual_date", "extension_of_time_agreed", "site_address_x", "site_address_y", "total_fee",
    "requested_committee_meeting_id", "date_decision_taken", "in_time", "decision_user_team_id",
    "decision_expiry_date", "decision_expiry_years",
})  # fmt: skip

# (section, pattern on the column name): the first match wins; unmatched columns are "general".
SECTION_RULES: tuple[tuple[str, str], ...] = (
    ("lbc", r"^lbc_|^grade_i|^ecclesiastical_|^dont_know|listed|^less_than_30_years_old$"),
    ("advert", r"advert|^fascia_signs$|^projecting_or_hanging_signs$|^hoardings$|^other_signs"),
    ("trees", r"tree|^tpo_|hedge|^felled_|^pruned_|^replant_required$|^date_planted_evidenced$"),
    ("hazardous", r"_tonnes_$|hazardous"),
    ("renewables", r"^(solar|wind|biomass|biofuels|geothermal|hydropower|fuel_cells|district_heating|waste_heat_energy"
                   r"|anaerobic_digestion|combined_heat_and_power|ground_water_air_heat_pumps)$|renewable"),
    ("minerals_waste", r"throughput|excavat|landfill|^quantity_m3$|^surface_|imported_waste|spoil_rubble|^romp_"
                       r"|hydrocarbon|interceptor|trade_effluent|^waste_management_proposal$|^oil_fuel|^hazardous$"
                       r"|^municipal|^livestock_slurry"),
    ("agriculture", r"agricultur|holding|^tan6_|^from_nearest_non_farm|^from_roadway|fish_tank|^proposed_building_"
                    r"|^proposed_road_|^new_road_proposed$|^designed_for_agriculture$"),
    ("telecoms", r"apparatus|^icnirp_"),
    ("parking", r"^(car|cycle|disability|lgv|motorcycles|other)_(difference|total_existing|total_proposed)$"),
    ("housing", r"housing|residential|dwelling|^gross_floor|^floor_area|floorspace_100m2|_units$|^approved_units$"),
    ("employment", r"employees"),
    ("materials", r"^(walls|roof|windows|doors|boundaries|lighting|access_hardstand|other)_(existing|proposed)"
                  r"|^materials_plan_references$"),
    ("prior_approval", r"^[abcd]_|^previous_cou_|^sole_|_cou_|^b8_use|arcade|3_july_2012|last_prior_uses"
                       r"|^brought_into_use|^last_in_use_date|_4(acd|acs|bcd|ocd|phv|sca|scd|stc|atf)$|^previous_total"),
    ("lawful", r"^grounds_for|^existing_use|^use_works_activity|^interruption|^ldce_|^certificate_of_immunity$"
               r"|^certificate_result$|^relevant_use_class$|last_known_use|^end_of_previous_use$|^details_of_use$"
               r"|^statutory_declaration"),
    ("conditions", r"condition|discharge|^original_|^section_73|^s73_|^reference_for_|^reserved_matters"
                   r"|^related_to_reserved|^matters_to_be_|_plans_or_drawings|^substitute_plans$|^proposed_amendment$"
                   r"|modification|^reference_number_5rm$|^date_of_decision_5rm$|^twelve_month_resubmission$"),
    ("legal", r"s106|legal|^date_of_deed|planning_agreement|_sum$|obligation|^agreement_summary$|^viability"
              r"|^cil_|^outline_draft_agreement"),
    ("committee", r"committee|overturn|^referral|^external_refer"),
    ("certificates", r"^certificate_|^ownership_certificate$|^owner_of_the_land|owner_details|^nature_of_applicants"
                     r"|^applicant_is_owner$|^applicant_owns|^non_agricultural|^full_contact_not_known$"),
    ("site", r"^designated_|flood|^within_|contamina|watercourse|^sustainable_drainage$|^soakaway$|^mains_|septic"
             r"|cess_pit|package_treatment|^other_disposal$|^pond_lake$|archeolog|species|geological|^designated_sites"
             r"|^site_area|^at_risk|^alleged_subsidence|^insurance_claim$|sewage|^use_vulnerable"),
    ("extension", r"^extension|roof_installation|roof_projection|^alterations_or_enlargement_to_roof$|^maximum_height"
                  r"|^height_of_proposed|^new_altered_|parking_impact|impact_on_existing_parking|^siting_appearance"
                  r"|^design_external_appearance_changes$"),
    ("demolition", r"demoli|^i_total_building_volume$|^ii_volume|^iii_date|^previous_building$"
                   r"|^redevelopment_rebuilding$"),
    ("portal", r"^application_declaration|^planning_portal|^valid_at_receipt$|^application_source_id$"
               r"|^pre_application|^site_visit|^own_council|^existing_council|^relationship_details$"
               r"|^result_of_preapp$|^intial_vetting|^record_allocated|^import_datetime$|^la_ref$"),
)  # fmt: skip

# (section, share of its columns an answering application fills) per application type code; "certificate" picks
# one of the ownership certificates A-D.
TYPE_SECTIONS: dict[str, tuple[tuple[str, float], ...]] = {
    "HOU": (("portal", 0.35), ("materials", 0.3), ("extension", 0.35), ("site", 0.1), ("certificates", 0.1),
            ("parking", 0.15), ("trees", 0.05)),
    "FUL": (("portal", 0.35), ("housing", 0.2), ("employment", 0.35), ("parking", 0.25), ("site", 0.12),
            ("materials", 0.1), ("demolition", 0.2), ("certificates", 0.1), ("legal", 0.15)),
    "LBC": (("portal", 0.35), ("lbc", 0.3), ("demolition", 0.15), ("site", 0.08), ("certificates", 0.1)),
    "ADV": (("portal", 0.35), ("advert", 0.5), ("certificates", 0.1)),
    "PA": (("portal", 0.35), ("prior_approval", 0.12), ("site", 0.1)),
    "CLP": (("portal", 0.35), ("lawful", 0.35), ("certificates", 0.1)),
    "DOC": (("portal", 0.35), ("conditions", 0.2)),
    "TPO": (("portal", 0.35), ("trees", 0.4)),
}  # fmt: skip
# Sections an application of any type answers now and then: (section, chance, share filled).
OCCASIONAL_SECTIONS = (
    ("committee", 0.05, 0.4), ("renewables", 0.03, 0.4), ("telecoms", 0.02, 0.6), ("agriculture", 0.02, 0.3),
    ("minerals_waste", 0.015, 0.3), ("hazardous", 0.01, 0.4), ("legal", 0.03, 0.25), ("housing", 0.02, 0.2),
)  # fmt: skip
STRAY_COLUMNS = (1, 5)  # how many "general" columns an application fills, inclusive range
FORM_COLUMNS = (4, 38)  # form columns per application, inclusive: with the life cycle, 20-80 non-null in all

# *_id-like form columns that point at records the world serves: column -> table.
FORM_REFERENCES = {
    "admin_officer_id": "users",
    "original_application_reference": "applications", "original_application_type": "application_types",
    "site_visit_other_contact": "contacts", "certificate_b_owner_details": "contacts",
    "certificate_c_owner_details": "contacts", "certificate_of_compliance_b_owner_details": "contacts",
    "certificate_of_compliance_c_owner_details": "contacts", "other_owner_details": "contacts",
    "agricultural_holding_involved_owner_details": "contacts", "surface_site_owner": "contacts",
    "external_referee_id": "contacts",
}  # fmt: skip


class References(Protocol):
    """What the form needs from the world: an existing record of a table, as of the form's time."""

    def pick(self, table: str, t: datetime) -> int | None: ...


Maker = Callable[[random.Random, datetime, References], Any]


@dataclass(frozen=True)
class FormColumn:
    name: str
    make: Maker
    certificate: str | None  # which ownership certificate (a-d) the column belongs to, if any


def section_of(column: str) -> str:
    for section, pattern in SECTION_RULES:
        if re.search(pattern, column):
            return section
    return "general"


def _certificate_group(column: str) -> str | None:
    """Ownership certificates A-D (and their 'of compliance' twins) are alternatives: a form signs one."""
    match = re.match(r"^certificate_(?:of_compliance_)?([abcd])_", column)
    return match.group(1) if match else None


class ApplicationForm:
    """The form columns of `applications`, their sections, and a generator of plausible answers."""

    def __init__(self, fill_rate: float = 1.0, seed: int = 0) -> None:
        columns = vendor_schema()["applications"]
        self.fill_rate = fill_rate
        self.sections: dict[str, list[FormColumn]] = {}
        self.by_name: dict[str, FormColumn] = {}
        for name, vendor_type in columns.items():
            if name in LIFE_CYCLE_COLUMNS:
                continue
            column = FormColumn(name, value_maker(name, vendor_type), _certificate_group(name))
            self.sections.setdefault(section_of(name), []).append(column)
            self.by_name[name] = column
        # Which columns of a section a form answers: a window of a few fixed shuffles of the section (doubled so a
        # window can wrap). Two random draws per section instead of one per column: forms are made 100k times.
        order_rng = random.Random(f"tascomi:{seed}:form-orders")
        self._orders: dict[str, list[list[FormColumn]]] = {}
        for section, members in self.sections.items():
            self._orders[section] = []
            for _ in range(_ORDERS):
                shuffled = list(members)
                order_rng.shuffle(shuffled)
                self._orders[section].append(shuffled + shuffled)

    def answer(self, rng: random.Random, type_code: str, t: datetime, refs: References) -> dict[str, Any]:
        """A new application's form answers: {column: native value}."""
        chosen: dict[str, FormColumn] = {}
        for section, share in TYPE_SECTIONS.get(type_code, ()):
            self._fill(rng, section, share, chosen)
        for section, chance, share in OCCASIONAL_SECTIONS:
            if rng.random() < chance:
                self._fill(rng, section, share, chosen)
        general = self.sections.get("general", [])
        for _ in range(between(rng, *STRAY_COLUMNS)):
            column = pick(rng, general)
            chosen[column.name] = column
        lo, hi = FORM_COLUMNS
        picked = list(chosen.values())
        if len(picked) > hi:
            picked = rng.sample(picked, hi)
        while len(picked) < lo:
            column = pick(rng, general)
            if column.name not in chosen:
                chosen[column.name] = column
                picked.append(column)
        answers = {c.name: c.make(rng, t, refs) for c in picked}
        return {name: value for name, value in answers.items() if value is not None}

    def _fill(self, rng: random.Random, section: str, share: float, chosen: dict[str, FormColumn]) -> None:
        orders = self._orders.get(section)
        if not orders:
            return
        size = len(orders[0]) // 2
        wanted = min(size, max(1, round(size * share * self.fill_rate)))
        order = orders[int(rng.random() * _ORDERS)]
        start = int(rng.random() * size)
        certificate = "abcd"[int(rng.random() * 4)]
        for column in order[start : start + wanted]:
            if column.certificate is None or column.certificate == certificate:
                chosen[column.name] = column

    def amend(self, rng: random.Random, answers: dict[str, Any], t: datetime, refs: References) -> dict[str, Any]:
        """A later edit: one or two answers change (or a column is answered for the first time).

        `answers` are the record's current extras; life-cycle columns among them are left alone."""
        changes: dict[str, Any] = {}
        answered = [self.by_name[name] for name in answers if name in self.by_name]
        for _ in range(between(rng, 1, 2)):
            if answered and rng.random() < 0.8:
                column = pick(rng, answered)
            else:
                general = self.sections["general"]
                column = pick(rng, general)
            value = column.make(rng, t, refs)
            if value is not None and value != answers.get(column.name):
                changes[column.name] = value
        return changes


_ORDERS = 8

# ---------------------------------------------------------------------------------------------- values


def value_maker(name: str, vendor_type: str) -> Maker:
    """How to answer one column: by vendor type first (so values are always type-correct), then by its name."""
    if vendor_type == "boolean":
        return _boolean(0.8 if name.endswith(("_none_of_the_above", "dont_know")) else 0.35)
    if vendor_type == "timestamp":
        return _timestamp(name)
    if vendor_type in ("integer", "long"):
        return _integer(name, vendor_type)
    if vendor_type in ("float", "double"):
        return _real(name)
    return _string(name)


# Makers draw with rng.random() (implemented in C) rather than randint/choice: they run millions of times.


def _boolean(false_share: float) -> Maker:
    def make(rng: random.Random, t: datetime, refs: References) -> bool:
        return rng.random() >= false_share

    return make


_FUTURE = re.compile(r"planned|expiry|deadline|due|_to$|commencement|implementation|completion|beneficial")


def _timestamp(name: str) -> Maker:
    """Dates near the application's time: signatures and history before it, plans and deadlines after."""
    future = bool(_FUTURE.search(name))

    span = 400 if future else 90 if "signed" in name else 2000

    def make(rng: random.Random, t: datetime, refs: References) -> datetime:
        days = int(rng.random() * span)
        return midnight((t + timedelta(days=days + 1 if future else -days)).date())

    return make


def _integer(name: str, vendor_type: str) -> Maker:
    target = FORM_REFERENCES.get(name)
    if target is not None:

        def reference(rng: random.Random, t: datetime, refs: References) -> int | None:
            return refs.pick(target, t)

        return reference
    if vendor_type == "long" or name.endswith(("_x", "_y")):
        low, high = (531_000, 537_000) if name.endswith("_x") else (182_000, 188_000)
        if not name.endswith(("_x", "_y")):
            low, high = 1, 400
        return _int_between(low, high)
    if name.endswith("_months"):
        return _int_between(1, 11)
    if name.endswith("_years"):
        return _int_between(1, 5)
    if re.search(r"difference|existing|proposed|employees|units|dwellings|trees|volume", name):
        return _int_between(0, 24)
    return _int_between(1, 12)  # codes into vendor lists the council does not pull


def _int_between(low: int, high: int) -> Maker:
    span = high - low + 1

    def make(rng: random.Random, t: datetime, refs: References) -> int:
        return low + int(rng.random() * span)

    return make


def _real(name: str) -> Maker:
    if re.search(r"_m$|height|depth|projection|eaves|ridge|breadth|length|width|distance", name):
        return _real_between(0.5, 15.0, 1)
    if re.search(r"hectares|_ha$|site_area|surface_area|size_of_holding", name):
        return _real_between(0.01, 6.0, 2)
    if re.search(r"_sum$|total_fee", name):
        return _real_between(1_000, 400_000, 0)
    if re.search(r"floor|area|_m2|floorspace|open_space", name):
        return _real_between(5, 4_000, 1)
    if name.endswith("tonnes_"):
        return _real_between(0.1, 60.0, 1)
    return _real_between(0.5, 500.0, 1)


_FLOATS: dict[float, float] = {}  # one shared object per value: rounded values repeat across records


def _real_between(low: float, high: float, digits: int) -> Maker:
    span = high - low

    def make(rng: random.Random, t: datetime, refs: References) -> float:
        value = round(low + span * rng.random(), digits)
        return _FLOATS.setdefault(value, float(value))

    return make


def _string(name: str) -> Maker:
    for pattern, vocabulary in _STRING_VOCABULARIES:
        if re.search(pattern, name):
            return _choice(vocabulary)
    return _choice(text.FORM_ANSWERS)


_STRING_VOCABULARIES: tuple[tuple[str, tuple[str, ...]], ...] = (
    (r"signed_by|_name$|^site_visit_please_contact$", text.SIGNATORIES),
    (r"portal_reference$", text.PORTAL_REFERENCES),
    (r"application_reference|planning_reference$|s73_reference|reference_for_|reference_number_5rm|^la_ref$",
     text.CASE_REFERENCES),
    (r"_json$", text.GEOJSON_POINTS),
    (r"geom$", text.WKT_POINTS),
    (r"references?$|refs|^reference$", text.DRAWING_REFERENCES),
    (r"(existing|proposed)$|materials|colours", text.MATERIALS),
    (r"newspaper", text.NEWSPAPERS),
    (r"description|details|justification|explanation|reason|summary|proposal|notes|steps|grounds|_uses?$|"
     r"impact|information|features|species|method|interest|condition|_advice|use_s_|type_of_", text.FORM_PHRASES),
)  # fmt: skip


def _choice(vocabulary: tuple[str, ...]) -> Maker:
    size = len(vocabulary)

    def make(rng: random.Random, t: datetime, refs: References) -> str:
        return vocabulary[int(rng.random() * size)]

    return make
