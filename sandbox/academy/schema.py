"""The sandbox's own copy of the Academy reporting schema (`dbo`), as the replica serves it.

Each table records what a connector meets in production (the SQL Server type of the reporting copy) beside the
PostgreSQL type that stands in for it here, whether it has a change column, and its primary key (or none).
The platform's contract lives elsewhere on purpose: if the two drift, a test should notice.
"""

from __future__ import annotations

from dataclasses import dataclass

SCHEMA = "dbo"


@dataclass(frozen=True)
class Column:
    name: str
    pg_type: str
    sql_server_type: str
    description: str
    not_null: bool = False


@dataclass(frozen=True)
class VendorTable:
    name: str
    domain: str
    description: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...]
    change_column: str | None
    # Columns the sandbox's history matches a changed row on: the key, or for a keyless table an indexed column.
    match_on: tuple[str, ...]

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def snapshot_only(self) -> bool:
        return self.change_column is None


def _c(name: str, pg_type: str, sql_server_type: str, description: str, not_null: bool = False) -> Column:
    return Column(name, pg_type, sql_server_type, description, not_null)


def _address(prefix: str = "addr") -> tuple[Column, ...]:
    return tuple(_c(f"{prefix}{i}", "varchar(60)", "nvarchar(60)", f"address line {i}") for i in range(1, 5)) + (
        _c("postcode", "varchar(10)", "nvarchar(10)", "postcode, outward and inward code"),
        _c("uprn", "bigint", "bigint", "unique property reference number (gazetteer)"),
    )


LAST_MODIFIED = _c("last_modified", "timestamp", "datetime2", "set on every change of the row", not_null=True)

TABLES: tuple[VendorTable, ...] = (
    VendorTable(
        "ctproperty", "council_tax", "Council-tax properties (dwellings), one row per property.",
        (
            _c("property_ref", "varchar(12)", "nvarchar(12)", "property reference, zero-padded digits", True),
            *_address(),
            _c("band", "char(1)", "nchar(1)", "valuation band A-H"),
            _c("band_effective_date", "date", "date", "date the band took effect"),
            _c("prop_type", "varchar(4)", "nvarchar(4)", "HSE house, FLAT flat"),
            _c("ward_name", "varchar(40)", "nvarchar(40)", "electoral ward"),
            _c("exempt_code", "varchar(2)", "nvarchar(2)", "exemption class, mostly null"),
            LAST_MODIFIED,
        ),
        ("property_ref",), "last_modified", ("property_ref",),
    ),
    VendorTable(
        "ctaccount", "council_tax", "Council-tax accounts: one per liability period of a household at a property.",
        (
            _c("account_ref", "integer", "int", "account reference", True),
            _c("property_ref", "varchar(12)", "nvarchar(12)", "the property billed", True),
            _c("lead_liab_title", "varchar(10)", "nvarchar(10)", "lead liable person's title"),
            _c("lead_liab_name", "varchar(80)", "nvarchar(80)", "lead liable person's name, 'Title Forename Surname'"),
            _c("lead_liab_pos", "smallint", "smallint", "liab_pos of the lead liable person (1)"),
            _c("account_status", "char(1)", "nchar(1)", "L live, C closed"),
            _c("paymeth_code", "varchar(4)", "nvarchar(4)", "DD direct debit, CASH"),
            _c("instal_day", "smallint", "smallint", "day of month instalments fall due"),
            _c("balance", "money", "money", "amount owed (negative: in credit)"),
            _c("account_guid", "uuid", "uniqueidentifier", "row GUID"),
            _c("created_date", "date", "date", "account opened (the occupation date)"),
            _c("closed_date", "date", "date", "account closed (the vacation date)"),
            _c("notes", "text", "nvarchar(max)", "free-text case notes, sometimes many kilobytes"),
            LAST_MODIFIED,
        ),
        ("account_ref",), "last_modified", ("account_ref",),
    ),
    VendorTable(
        "ctliab_person", "council_tax", "Liable parties of an account (joint and several liability: several rows).",
        (
            _c("account_ref", "integer", "int", "account", True),
            _c("party_ref", "integer", "int", "person (party) reference", True),
            _c("liab_pos", "smallint", "smallint", "position among the liable parties, 1 = lead"),
            _c("liab_title", "varchar(10)", "nvarchar(10)", "title"),
            _c("liab_name", "varchar(80)", "nvarchar(80)", "forename and surname"),
            _c("liab_pers_occ", "char(1)", "nchar(1)", "Y when the liable person occupies the property"),
        ),
        ("account_ref", "party_ref"), None, ("account_ref", "party_ref"),
    ),
    VendorTable(
        "ctnon_liab", "council_tax", "Adults living at the property who are not liable (adult children, lodgers).",
        (
            _c("account_ref", "integer", "int", "account", True),
            _c("nonliab_title", "varchar(10)", "nvarchar(10)", "title"),
            _c("nonliab_name", "varchar(80)", "nvarchar(80)", "forename and surname"),
            _c("nonliab_occ", "char(1)", "nchar(1)", "Y when the person occupies the property"),
            _c("nonliab_type", "varchar(12)", "nvarchar(12)", "ADULT CHILD, LODGER, CARER"),
        ),
        (), None, ("account_ref",),
    ),
    VendorTable(
        "ctoccupation", "council_tax", "Who occupies which property and when; liability code per occupation.",
        (
            _c("property_ref", "varchar(12)", "nvarchar(12)", "property", True),
            _c("account_ref", "integer", "int", "account", True),
            _c("live_ind", "char(1)", "nchar(1)", "Y while the occupation is current"),
            _c("occupation_date", "date", "date", "moved in"),
            _c("vacation_date", "date", "date", "moved out (null while current)"),
            _c("liab_code", "smallint", "smallint", "liability code 0-12, e.g. 1 joint and several, 4 tenant"),
            LAST_MODIFIED,
        ),
        ("property_ref", "account_ref"), "last_modified", ("property_ref", "account_ref"),
    ),
    VendorTable(
        "ctdiscount", "council_tax", "Discounts on an account, e.g. SPD single person discount (25%).",
        (
            _c("account_ref", "integer", "int", "account", True),
            _c("disc_code", "varchar(4)", "nvarchar(4)", "SPD single person, DBR disabled band reduction, STU student"),
            _c("disc_pct", "numeric(5,2)", "decimal(5,2)", "percentage off the charge"),
            _c("start_date", "date", "date", "first day the discount applies", True),
            _c("end_date", "date", "date", "day the discount stopped applying (null while current)"),
            LAST_MODIFIED,
        ),
        ("account_ref", "disc_code", "start_date"), "last_modified", ("account_ref", "disc_code", "start_date"),
    ),
    VendorTable(
        "hbclaim", "benefits", "Housing benefit / council-tax reduction claims.",
        (
            _c("claim_id", "integer", "int", "claim", True),
            _c("ctax_ref", "integer", "int", "council-tax account of the claimant's home"),
            _c("claim_status", "char(1)", "nchar(1)", "L live, C closed"),
            _c("from_date", "date", "date", "claim start"),
            _c("to_date", "date", "date", "claim end (null while live)"),
            LAST_MODIFIED,
        ),
        ("claim_id",), "last_modified", ("claim_id",),
    ),
    VendorTable(
        "hbhousehold", "benefits", "Household versions of a claim: a new house_id on every change of household.",
        (
            _c("claim_id", "integer", "int", "claim", True),
            _c("house_id", "smallint", "smallint", "household version within the claim", True),
            *_address(),
            _c("from_date", "date", "date", "version start"),
            _c("to_date", "date", "date", "version end (null while current)"),
        ),
        ("claim_id", "house_id"), None, ("claim_id", "house_id"),
    ),
    VendorTable(
        "hbmember", "benefits", "Members of each household version of a claim.",
        (
            _c("claim_id", "integer", "int", "claim", True),
            _c("house_id", "smallint", "smallint", "household version", True),
            _c("member_id", "smallint", "smallint", "member within the claim (stable across versions)", True),
            _c("title", "varchar(10)", "nvarchar(10)", "title"),
            _c("forename", "varchar(40)", "nvarchar(40)", "forename"),
            _c("surname", "varchar(40)", "nvarchar(40)", "surname"),
            _c("birth_date", "date", "date", "date of birth"),
            _c("nino", "varchar(9)", "nvarchar(9)", "national insurance number (null for children, some adults)"),
            _c("gender", "smallint", "smallint", "1 = M, 2 = F"),
            _c("type_ind", "smallint", "smallint", "1 claimant, 2 partner, 3 dependant child, 4 non-dependant"),
        ),
        ("claim_id", "house_id", "member_id"), None, ("claim_id", "house_id", "member_id"),
    ),
    VendorTable(
        "hbrentass", "benefits", "Rent assessments of tenants' claims (weekly amounts). No key is declared.",
        (
            _c("claim_id", "integer", "int", "claim", True),
            _c("house_id", "smallint", "smallint", "household version"),
            _c("from_date", "date", "date", "assessment start"),
            _c("to_date", "date", "date", "assessment end (null while current)"),
            _c("rent_amt", "money", "money", "weekly rent"),
            _c("elig_rent", "money", "money", "weekly eligible rent"),
            _c("hb_amt", "money", "money", "weekly housing benefit"),
            LAST_MODIFIED,
        ),
        (), "last_modified", ("claim_id",),
    ),
    VendorTable(
        "hbctaxass", "benefits", "Council-tax reduction assessments (weekly amounts).",
        (
            _c("claim_id", "integer", "int", "claim", True),
            _c("house_id", "smallint", "smallint", "household version"),
            _c("from_date", "date", "date", "assessment start", True),
            _c("to_date", "date", "date", "assessment end (null while current)"),
            _c("model_amt", "money", "money", "weekly reduction"),
            _c("dhp_ind", "char(1)", "nchar(1)", "Y when a discretionary housing payment applies"),
            LAST_MODIFIED,
        ),
        ("claim_id", "from_date"), "last_modified", ("claim_id", "from_date"),
    ),
    VendorTable(
        "nndrproperty", "business_rates", "Business-rates hereditaments.",
        (
            _c("property_ref", "varchar(12)", "nvarchar(12)", "property reference, 'N' + digits", True),
            *_address(),
            _c("description", "varchar(60)", "nvarchar(60)", "e.g. SHOP AND PREMISES"),
            _c("scat_code", "varchar(5)", "nvarchar(5)", "special category code (assumed values)"),
            _c("rateable_value", "money", "money", "rateable value"),
            _c("rv_effective_date", "date", "date", "date the rateable value took effect"),
            LAST_MODIFIED,
        ),
        ("property_ref",), "last_modified", ("property_ref",),
    ),
    VendorTable(
        "nndraccount", "business_rates", "Business-rates accounts: one per ratepayer occupation of a property.",
        (
            _c("account_ref", "integer", "int", "account", True),
            _c("property_ref", "varchar(12)", "nvarchar(12)", "hereditament", True),
            _c("ratepayer_name", "varchar(100)", "nvarchar(100)", "ratepayer"),
            _c("ratepayer_type", "varchar(8)", "nvarchar(8)", "LTD company, IND individual, CHA charity"),
            _c("occupation_date", "date", "date", "liability start"),
            _c("vacation_date", "date", "date", "liability end (null while current)"),
            _c("relief_code", "varchar(4)", "nvarchar(4)", "SBR small business rate relief, CHR charity relief"),
            _c("balance", "money", "money", "amount owed"),
        ),
        ("account_ref",), None, ("account_ref",),
    ),
)  # fmt: skip

BY_NAME: dict[str, VendorTable] = {t.name: t for t in TABLES}

# Liability codes 0-12 (1, 4 and 12 as the borough's data has them; the rest assumed, in the order of the
# statutory hierarchy of liability).
LIABILITY_CODES: dict[int, str] = {
    0: "not yet determined",
    1: "joint and several",
    2: "resident freeholder (owner-occupier)",
    3: "resident leaseholder",
    4: "tenant",
    5: "licensee",
    6: "resident",
    7: "owner, not resident",
    8: "house in multiple occupation: owner",
    9: "care home or hostel: owner",
    10: "executor of a deceased person",
    11: "receiver or trustee",
    12: "council-tax payer (other)",
}


def table(name: str) -> VendorTable:
    try:
        return BY_NAME[name]
    except KeyError:
        raise KeyError(f"no Academy table {name!r}; tables: {', '.join(BY_NAME)}") from None


def create_table_sql(t: VendorTable) -> str:
    """CREATE TABLE without the key: keys and indexes are added after a bulk load."""
    columns = ",\n    ".join(f"{c.name} {c.pg_type}{' NOT NULL' if c.not_null else ''}" for c in t.columns)
    return f"CREATE TABLE {SCHEMA}.{t.name} (\n    {columns}\n)"


def add_key_sql(t: VendorTable) -> str | None:
    if not t.primary_key:
        return None
    return f"ALTER TABLE {SCHEMA}.{t.name} ADD PRIMARY KEY ({', '.join(t.primary_key)})"


def schema_markdown() -> str:
    """The schema as Markdown, for the package README (a test keeps the two in step)."""
    lines: list[str] = []
    for t in TABLES:
        key = ", ".join(t.primary_key) if t.primary_key else "**none** (key ranges impossible)"
        change = f"`{t.change_column}`" if t.change_column else "**none** (snapshot-only: land a full copy per run)"
        lines += [f"### `{SCHEMA}.{t.name}` ({t.domain.replace('_', ' ')})", "", t.description, ""]
        lines += [f"Primary key: {key}. Change column: {change}.", ""]
        lines += ["| column | PostgreSQL | SQL Server | meaning |", "|---|---|---|---|"]
        lines += [f"| {c.name} | {c.pg_type} | {c.sql_server_type} | {c.description} |" for c in t.columns]
        lines.append("")
    return "\n".join(lines)
