"""The seven contractors' response sheets as they really look: raw Google Form headers, tab names, habits.

This is the sandbox's own copy of the "vendor schema": each column's raw header text and which true field the
sandbox writes into it. The platform keeps its own mapping from normalised headers to its vocabulary; a test pins
that the two agree (so a drift on either side is noticed).

Field names used here: datetime_raised, email_staff, name_full, property_address, postal_code_raw,
property_reference_uh, phone_1..3, contact_information (phone and name in one free text), description_of_work,
trade_description, work_priority_description, sor, operative, order_value, recharge, form_ref,
vulnerability_flag, vulnerability_notes, alert_regarding_person, alert_regarding_person_notes,
order_status_notes, completed_date, junk (a column nobody fills on purpose).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sandbox.housing_world.messy import Habits

FORM_TAB = "Form responses 1"


@dataclass(frozen=True)
class Column:
    header: str  # raw header text, exactly as the sheet shows it
    field: str  # the true field the sandbox writes here ("junk" for stray columns)


@dataclass(frozen=True)
class Delivery:
    """How a contractor's log reaches the council: the Sheets API, or exported files dropped in the landing zone."""

    kind: str  # "sheets" | "csv_cumulative" | "xlsx_cumulative" | "csv_incremental"
    file_pattern: str = ""  # strftime pattern of the dropped file's name
    weekdays_only: bool = False


@dataclass(frozen=True)
class Contractor:
    key: str
    name: str
    sheet_title: str
    tab: str
    columns: tuple[Column, ...]
    share: float  # share of all repairs
    since_days: int  # the sheet's first response was this many days before the run starts
    delivery: Delivery
    habits: Habits = field(default_factory=Habits)

    def fields(self) -> set[str]:
        return {c.field for c in self.columns}


def _cols(*pairs: tuple[str, str]) -> tuple[Column, ...]:
    return tuple(Column(h, f) for h, f in pairs)


DLO = Contractor(
    "dlo", "DLO", "DLO Repairs Log (Responses)", FORM_TAB,
    _cols(
        ("Timestamp", "datetime_raised"), ("Email address", "email_staff"), ("Name of resident", "name_full"),
        ("Address of repair", "property_address"), ("Postcode of property", "postal_code_raw"),
        ("UH Property reference", "property_reference_uh"), ("Phone 1", "phone_1"), ("Phone 2", "phone_2"),
        ("Phone 3", "phone_3"), ("Description of work", "description_of_work"), ("Trade", "trade_description"),
        ("Priority", "work_priority_description"), ("SOR", "sor"), ("Operative", "operative"),
        ("Order value (£)", "order_value"), ("Recharge?", "recharge"), ("Form ref.", "form_ref"),
        ("Vulnerability flag", "vulnerability_flag"), ("Vulnerability notes", "vulnerability_notes"),
        ("Alert regarding person", "alert_regarding_person"),
        ("Alert regarding person - notes", "alert_regarding_person_notes"), ("Completed date", "completed_date"),
    ),
    0.42, 2400, Delivery("sheets"),
    Habits(upper=0.5, abbreviate=0.3, typo=0.04, postcode_in_address=0.1, postcode_missing=0.05, town_suffix=0.2),
)  # fmt: skip
HERTS_HERITAGE = Contractor(
    "herts_heritage", "Herts Heritage", "Herts Heritage - LBH jobs", "Jobs",
    _cols(
        ("Time Stamp", "datetime_raised"), ("Name", "name_full"), ("Address", "property_address"),
        ("Post Code", "postal_code_raw"), ("Contact information for access", "phone_1"),
        ("Description of works", "description_of_work"), ("Priority", "work_priority_description"),
        ("SOR", "sor"), ("Status notes", "order_status_notes"), ("Completed date", "completed_date"),
    ),
    0.07, 1500, Delivery("csv_incremental", "HH_new_jobs_%Y%m%d.csv"),
    Habits(upper=0.8, typo=0.1, postcode_in_address=0.4, postcode_missing=0.3, town_suffix=0.5),
)  # fmt: skip
AVONLINE = Contractor(
    "avonline", "Avonline", "Avonline Repairs (Responses)", FORM_TAB,
    _cols(
        ("Timestamp", "datetime_raised"), ("Email address", "email_staff"),
        ("Contact information", "contact_information"), ("Address of repair", "property_address"),
        ("Postcode", "postal_code_raw"), ("Description of work", "description_of_work"),
        ("Trade", "trade_description"), ("Priority", "work_priority_description"), ("Call out SORs", "sor"),
        ("Order value", "order_value"), ("Date completed", "completed_date"),
    ),
    0.10, 1800, Delivery("sheets"),
    Habits(upper=0.2, abbreviate=0.5, typo=0.1, postcode_missing=0.15),
)  # fmt: skip
ALPHATRACK = Contractor(
    "alphatrack", "Alphatrack", "Alphatrack - Hackney repairs (Responses)", FORM_TAB,
    _cols(
        ("Timestamp", "datetime_raised"), ("Email Address", "email_staff"),
        ("Contact Information", "contact_information"), ("Property address", "property_address"),
        ("Postcode", "postal_code_raw"), ("Job description", "description_of_work"),
        ("Priority", "work_priority_description"), ("Call out SORs", "sor"), ("Value", "order_value"),
        ("Completed date", "completed_date"),
    ),
    0.08, 1400, Delivery("sheets"),
    Habits(upper=0.3, abbreviate=0.4, typo=0.12, postcode_in_address=0.3, postcode_missing=0.2),
)  # fmt: skip
STANNAH = Contractor(
    "stannah", "Stannah", "Stannah LBH stairlifts (Responses)", FORM_TAB,
    _cols(
        ("Timestamp", "datetime_raised"), ("Email address", "email_staff"), ("Resident name", "name_full"),
        ("Address", "property_address"), ("Postcode", "postal_code_raw"), ("Telephone", "phone_1"),
        ("Work required", "description_of_work"), ("Priority", "work_priority_description"),
        ("SORs (frequent use only)", "sor"), ("Column10", "junk"), ("Value / costs", "order_value"),
        ("Date completed", "completed_date"),
    ),
    0.05, 1200, Delivery("xlsx_cumulative", "Stannah_LBH_repairs_%d%m%Y.xlsx", weekdays_only=True),
    Habits(upper=0.1, typo=0.05, postcode_missing=0.05, town_suffix=0.6),
)  # fmt: skip
PURDY = Contractor(
    "purdy", "Purdy", "Purdy repairs log", FORM_TAB,
    _cols(
        ("Timestamp", "datetime_raised"), ("Email address", "email_staff"), ("Tenant name", "name_full"),
        ("Address of property", "property_address"), ("Postcode", "postal_code_raw"), ("Tel no.", "phone_1"),
        ("Description", "description_of_work"), ("Trade", "trade_description"),
        ("Priority", "work_priority_description"), ("SOR code", "sor"), ("Column11", "junk"),
        ("Cost (£)", "order_value"), ("Date completed", "completed_date"),
    ),
    0.12, 2000, Delivery("csv_cumulative", "Purdy repairs log - Form responses 1 (%Y-%m-%d).csv"),
    Habits(upper=0.4, typo=0.08, postcode_in_address=0.25, postcode_missing=0.1),
)  # fmt: skip
AXIS = Contractor(
    "axis", "Axis", "Axis Europe - LBH works (Responses)", FORM_TAB,
    _cols(
        ("Timestamp", "datetime_raised"), ("Email", "email_staff"), ("Resident name", "name_full"),
        ("Address", "property_address"), ("Postcode", "postal_code_raw"), ("Phone", "phone_1"),
        ("Job description", "description_of_work"), ("Priority", "work_priority_description"), ("SOR", "sor"),
        ("Order value", "order_value"), ("Completed date", "completed_date"),
    ),
    0.16, 1100, Delivery("sheets"),
    Habits(upper=0.6, abbreviate=0.5, typo=0.06, postcode_sloppy=0.4, date_completed_format="%d/%m/%Y %H:%M:%S"),
)  # fmt: skip

CONTRACTORS: dict[str, Contractor] = {
    c.key: c for c in (DLO, HERTS_HERITAGE, AVONLINE, ALPHATRACK, STANNAH, PURDY, AXIS)
}
