"""The SQL that builds and changes the world. Set-based throughout: a 500k-account world is a few dozen statements.

Randomness is `academy_sandbox.rnd(seed, tag, key)`, a hash of its arguments (md5), so every draw is reproducible
from the seed and independent of row order, parallel plans or earlier runs. Parameters use psycopg's client-side
binding (`%(name)s`), so the same text also works inside CREATE TABLE AS.

Temporary tables carry a batch between statements: `hh` (households to create), `np` (people to create), and so
on. A household's hkey numbers its people (`person_id = hkey * 8 + member_no`), so ids never depend on order.
"""

from __future__ import annotations

R = "academy_sandbox"

FUNCTIONS = f"""
CREATE FUNCTION {R}.rnd(s integer, tag text, k bigint) RETURNS double precision
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$ SELECT ('x' || substr(md5(s::text || '/' || tag || '/' || k::text), 1, 13))::bit(52)::bigint::float8
          / 4503599627370496 $$;

CREATE FUNCTION {R}.pick(s integer, tag text, k bigint, n integer) RETURNS integer
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$ SELECT floor({R}.rnd(s, tag, k) * greatest(n, 1))::integer $$;

-- A cheap draw in [0, 1) for the daily selections (multiplicative hashing; a and b differ per day and purpose),
-- so picking a few changes from 500k rows does not cost an md5 per row.
CREATE FUNCTION {R}.draw(a bigint, b bigint, k bigint) RETURNS double precision
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$ SELECT ((k * a + b) & 4294967295)::float8 / 4294967296 $$;

-- A change's time of day: office hours on the day it happened.
CREATE FUNCTION {R}.stamp(s integer, d date, k bigint) RETURNS timestamp
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$ SELECT d + time '08:00' + make_interval(secs => floor({R}.rnd(s, 'stamp:' || d::text, k) * 36000)) $$;

CREATE FUNCTION {R}.inward(s integer, k bigint) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$ SELECT (1 + {R}.pick(s, 'pc1', k, 9))::text
          || substr('ABDEFGHJLNPQRSTUWXYZ', 1 + {R}.pick(s, 'pc2', k, 20), 1)
          || substr('ABDEFGHJLNPQRSTUWXYZ', 1 + {R}.pick(s, 'pc3', k, 20), 1) $$;

-- Annual council-tax charge of a band (band D = 1,800; statutory ninths).
CREATE FUNCTION {R}.band_charge(band char) RETURNS numeric
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS
$$ SELECT (ARRAY[6, 7, 8, 9, 11, 13, 15, 18])[ascii(band) - 64] * 200.0 $$;

CREATE TABLE {R}.world (
    seed integer NOT NULL, start_date date NOT NULL, sim_day date NOT NULL, n_accounts integer NOT NULL,
    next_hkey bigint NOT NULL, activity double precision NOT NULL
);
CREATE FUNCTION {R}.sim_day() RETURNS date LANGUAGE sql STABLE AS $$ SELECT sim_day FROM {R}.world $$;
"""

LOOKUP_TABLES = f"""
CREATE TABLE {R}.street (street_no integer PRIMARY KEY, street text, outward text, locality text, ward text);
CREATE TABLE {R}.forename (gender smallint, idx integer, name text, PRIMARY KEY (gender, idx));
CREATE TABLE {R}.surname (idx integer PRIMARY KEY, name text UNIQUE);
CREATE TABLE {R}.nino_prefix (idx integer PRIMARY KEY, prefix text);
CREATE TABLE {R}.note (idx integer PRIMARY KEY, text text);
CREATE TABLE {R}.business_use (idx integer PRIMARY KEY, description text, scat text);
CREATE TABLE {R}.company_suffix (idx integer PRIMARY KEY, suffix text);
"""

# What really happened, kept beside the vendor tables (the platform never reads this schema).
TRUTH_TABLES = f"""
CREATE TABLE {R}.household (
    account_ref integer PRIMARY KEY, hkey bigint NOT NULL, property_ref text NOT NULL, kind text NOT NULL,
    tenure_code smallint NOT NULL
);
CREATE TABLE {R}.person (
    person_id bigint PRIMARY KEY, title text, forename text, surname text, gender smallint, birth_date date,
    nino text
);
CREATE TABLE {R}.residence (
    person_id bigint NOT NULL, account_ref integer NOT NULL, property_ref text NOT NULL, role text NOT NULL,
    from_date date NOT NULL, to_date date
);
CREATE TABLE {R}.claim_member (
    claim_id integer, member_id smallint, person_id bigint, PRIMARY KEY (claim_id, member_id)
);
CREATE TABLE {R}.day_log (day date, event text, n bigint, PRIMARY KEY (day, event));
CREATE TABLE {R}.schema_change (day date, changed_at timestamptz DEFAULT now(), table_name text, ddl text);
"""

TRUTH_INDEXES = f"""
CREATE INDEX ON {R}.residence (account_ref) WHERE to_date IS NULL;
CREATE INDEX ON {R}.residence (account_ref, from_date);
CREATE INDEX ON {R}.residence (person_id);
CREATE INDEX ON {R}.residence (property_ref);
ANALYZE {R}.household; ANALYZE {R}.person; ANALYZE {R}.residence; ANALYZE {R}.claim_member;
"""

VENDOR_INDEXES = """
CREATE INDEX ON dbo.ctaccount (property_ref);
CREATE INDEX ON dbo.ctoccupation (account_ref);
CREATE INDEX ON dbo.ctnon_liab (account_ref);
CREATE INDEX ON dbo.hbclaim (ctax_ref);
CREATE INDEX ON dbo.hbrentass (claim_id);
CREATE INDEX ON dbo.nndraccount (property_ref);
"""


DRAW_TAGS = (
    "move_out",
    "move_in",
    "join",
    "leave",
    "claim_end",
    "new_claim",
    "late_spd",
    "cash",
    "band",
    "nndr_out",
    "nndr_in",
    "rv",
)


def temp(name: str, select: str) -> list[str]:
    """Statements replacing temp table `name` with the result of `select`."""
    return [f"DROP TABLE IF EXISTS {name}", f"CREATE TEMP TABLE {name} AS {select}", f"ANALYZE {name}"]


# -- properties --------------------------------------------------------------------------------------------------

SEED_PROPERTIES = f"""
INSERT INTO dbo.ctproperty
WITH base AS (
    SELECT p, {R}.pick(%(seed)s, 'street', p, %(n_streets)s) AS street_no
    FROM generate_series(1, %(n_properties)s) AS p
), placed AS (
    SELECT b.p, b.street_no, row_number() OVER (PARTITION BY b.street_no ORDER BY b.p) - 1 AS idx,
           {R}.rnd(%(seed)s, 'flats', b.street_no) < .45 AS flats
    FROM base AS b
), numbered AS (
    SELECT pl.*,
           CASE WHEN flats THEN idx / 6 + 1 ELSE idx + 1 END AS house_no,
           CASE WHEN flats THEN idx %% 6 + 1 END AS flat_no,
           street_no * 100000 + CASE WHEN flats THEN idx / 18 ELSE idx / 14 END AS pc_group
    FROM placed AS pl
), banded AS (
    SELECT n.*, {R}.rnd(%(seed)s, 'band', n.p) AS rb FROM numbered AS n
)
SELECT lpad(b.p::text, 8, '0'),
       CASE WHEN b.flat_no IS NULL THEN b.house_no || ' ' || s.street ELSE 'Flat ' || b.flat_no END,
       CASE WHEN b.flat_no IS NULL THEN s.locality ELSE b.house_no || ' ' || s.street END,
       CASE WHEN b.flat_no IS NULL THEN 'London' ELSE s.locality END,
       CASE WHEN b.flat_no IS NULL THEN NULL ELSE 'London' END,
       s.outward || ' ' || {R}.inward(%(seed)s, b.pc_group),
       100021000000 + b.p * 3,
       CASE WHEN b.flat_no IS NOT NULL THEN
                CASE WHEN rb < .25 THEN 'A' WHEN rb < .60 THEN 'B' WHEN rb < .85 THEN 'C' WHEN rb < .95 THEN 'D'
                     ELSE 'E' END
            ELSE CASE WHEN rb < .10 THEN 'B' WHEN rb < .30 THEN 'C' WHEN rb < .55 THEN 'D' WHEN rb < .75 THEN 'E'
                      WHEN rb < .88 THEN 'F' WHEN rb < .97 THEN 'G' ELSE 'H' END END,
       date '1993-04-01',
       CASE WHEN b.flat_no IS NULL THEN 'HSE' ELSE 'FLAT' END,
       s.ward,
       NULL,
       {R}.stamp(%(seed)s, date '1993-04-01'
                 + {R}.pick(%(seed)s, 'plm', b.p, greatest(1, %(today)s::date - date '1993-04-01')), b.p)
FROM banded AS b JOIN {R}.street AS s ON s.street_no = b.street_no
"""

# Occupancy at the seed day: the current household of each occupied property and the households before it,
# laid back to back (with short empty spells) going back from the current one.
SEED_PROPERTY_OCCUPANCY = temp(
    "prop_occ",
    f"""
    SELECT p, lpad(p::text, 8, '0') AS property_ref,
           {R}.rnd(%(seed)s, 'vacant', p) < .025 AS vacant,
           %(today)s::date - (1 + floor(power({R}.rnd(%(seed)s, 'tenure_len', p), 2) * 9000))::integer AS current_from,
           %(today)s::date - (1 + {R}.pick(%(seed)s, 'vacancy', p, 90)) AS vacant_since
    FROM generate_series(1, %(n_properties)s) AS p
    """,
)

SEED_HOUSEHOLDS = temp(
    "hh",
    f"""
    WITH earlier AS (
        SELECT 1 + {R}.pick(%(seed)s, 'prev', k, %(n_properties)s) AS p, k
        FROM generate_series(1, greatest(0, %(n_accounts)s - (SELECT count(*) FROM prop_occ WHERE NOT vacant))) AS k
    ), laid AS (
        SELECT e.p, e.k,
               {R}.pick(%(seed)s, 'gap', e.k, 60) AS gap,
               120 + {R}.pick(%(seed)s, 'dur', e.k, 2500) AS dur,
               row_number() OVER (PARTITION BY e.p ORDER BY e.k) AS j
        FROM earlier AS e
    ), dated AS (
        SELECT l.p, l.k,
               CASE WHEN po.vacant THEN po.vacant_since ELSE po.current_from END - l.gap
               - coalesce(sum(l.gap + l.dur) OVER (PARTITION BY l.p ORDER BY l.j
                                                  ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0)::integer
               AS vacation_date,
               l.dur
        FROM laid AS l JOIN prop_occ AS po ON po.p = l.p
    ), all_households AS (
        SELECT p, greatest(date '1993-04-01', vacation_date - dur) AS occupation_date,
               greatest(date '1993-04-02', vacation_date) AS vacation_date
        FROM dated
        UNION ALL
        SELECT p, current_from, NULL FROM prop_occ WHERE NOT vacant
    )
    SELECT row_number() OVER w AS hkey, (30000000 + row_number() OVER w)::integer AS account_ref,
           lpad(p::text, 8, '0') AS property_ref, occupation_date, vacation_date
    FROM all_households
    WINDOW w AS (ORDER BY occupation_date, p, vacation_date NULLS LAST)
    """,
)

# -- households and people (seed and move-ins) -------------------------------------------------------------------

HOUSEHOLD_SHAPE = temp(
    "hh_shape",
    f"""
    WITH k AS (
        SELECT h.*, coalesce(h.vacation_date, %(today)s::date) AS ref_date,
               {R}.rnd(%(seed)s, 'kind', h.hkey) AS rk, {R}.rnd(%(seed)s, 'age', h.hkey) AS ra,
               {R}.rnd(%(seed)s, 'age2', h.hkey) AS ra2, {R}.rnd(%(seed)s, 'tenure', h.hkey) AS rt
        FROM hh AS h
    ), s AS (
        SELECT k.*, CASE WHEN rk < .38 THEN 'single' WHEN rk < .45 THEN 'single_parent' WHEN rk < .72 THEN 'couple'
                         WHEN rk < .87 THEN 'couple_kids' ELSE 'shared' END AS kind
        FROM k
    ), a AS (
        SELECT s.*, least(100, greatest(18 + (s.ref_date - s.occupation_date) / 365,
            CASE s.kind
                WHEN 'single' THEN CASE WHEN ra < .32 THEN 70 + floor(ra2 * 31) WHEN ra < .52 THEN 55 + floor(ra2 * 15)
                                        ELSE 18 + floor(ra2 * 37) END
                WHEN 'single_parent' THEN 19 + floor(ra2 * 37)
                WHEN 'couple' THEN CASE WHEN ra < .22 THEN 70 + floor(ra2 * 26) ELSE 22 + floor(ra2 * 48) END
                WHEN 'couple_kids' THEN 22 + floor(ra2 * 34)
                ELSE 18 + floor(ra2 * 43) END))::integer AS lead_age
        FROM s
    )
    SELECT a.hkey, a.account_ref, a.property_ref, a.occupation_date, a.vacation_date, a.ref_date, a.kind, a.lead_age,
           CASE WHEN a.kind IN ('single', 'single_parent') THEN 1 ELSE 2 END AS n_liable,
           CASE WHEN a.kind = 'shared' THEN 1 + ({R}.rnd(%(seed)s, 'lodgers', a.hkey) < .4)::integer
                WHEN a.kind = 'couple_kids' AND a.lead_age >= 38 AND {R}.rnd(%(seed)s, 'adult_child', a.hkey) < .2
                THEN 1 ELSE 0 END AS n_nonliable,
           CASE WHEN a.kind IN ('single_parent', 'couple_kids') THEN 1 + {R}.pick(%(seed)s, 'kids', a.hkey, 3)
                ELSE 0 END AS n_children,
           (CASE WHEN a.rt < .60 THEN 4 WHEN a.rt < .85 THEN 2 WHEN a.rt < .90 THEN 5 WHEN a.rt < .93 THEN 6
                 ELSE 12 END)::smallint AS tenure_code,
           CASE WHEN a.kind = 'single' AND a.lead_age >= 70
                THEN CASE WHEN {R}.rnd(%(seed)s, 'lead_sex', a.hkey) < .62 THEN 2 ELSE 1 END
                ELSE 1 + {R}.pick(%(seed)s, 'lead_sex', a.hkey, 2) END AS lead_gender,
           {R}.pick(%(seed)s, 'surname', a.hkey, %(n_surnames)s) AS surname_idx
    FROM a
    """,
)

HOUSEHOLD_MEMBERS = temp(
    "np",
    f"""
    WITH m AS (
        SELECT s.*, g.m AS member_no, s.hkey * 8 + g.m AS person_id,
               CASE WHEN g.m = 1 THEN 'lead' WHEN g.m <= s.n_liable THEN 'joint'
                    WHEN g.m <= s.n_liable + s.n_nonliable THEN 'nonliab' ELSE 'child' END AS role
        FROM hh_shape AS s, generate_series(1, s.n_liable + s.n_nonliable + s.n_children) AS g(m)
    )
    SELECT m.person_id, m.account_ref, m.property_ref, m.occupation_date, m.vacation_date, m.member_no, m.role,
           m.kind, m.ref_date,
           (CASE m.role
                WHEN 'lead' THEN m.lead_gender
                WHEN 'joint' THEN CASE WHEN m.kind <> 'shared' AND {R}.rnd(%(seed)s, 'sex', m.person_id) < .92
                                       THEN 3 - m.lead_gender ELSE 1 + {R}.pick(%(seed)s, 'sex', m.person_id, 2) END
                ELSE 1 + {R}.pick(%(seed)s, 'sex', m.person_id, 2) END)::smallint AS gender,
           (CASE m.role
                WHEN 'lead' THEN m.lead_age
                WHEN 'joint' THEN CASE WHEN m.kind = 'shared' THEN 18 + {R}.pick(%(seed)s, 'age', m.person_id, 43)
                                       ELSE least(100, greatest(18, m.lead_age - 5
                                                                + {R}.pick(%(seed)s, 'age', m.person_id, 11))) END
                WHEN 'nonliab' THEN CASE WHEN m.kind = 'couple_kids'
                                         THEN 18 + {R}.pick(%(seed)s, 'age', m.person_id, least(8, m.lead_age - 36))
                                         ELSE 18 + {R}.pick(%(seed)s, 'age', m.person_id, 40) END
                ELSE {R}.pick(%(seed)s, 'age', m.person_id, least(18, m.lead_age - 16)) END)::integer AS age,
           CASE WHEN m.role IN ('lead', 'child') OR (m.role = 'nonliab' AND m.kind = 'couple_kids') THEN m.surname_idx
                WHEN m.role = 'joint' AND m.kind <> 'shared' AND {R}.rnd(%(seed)s, 'same_name', m.person_id) < .6
                THEN m.surname_idx
                ELSE {R}.pick(%(seed)s, 'surname', m.person_id, %(n_surnames)s) END AS surname_idx,
           m.surname_idx AS family_surname_idx,
           (m.role = 'joint' AND m.kind <> 'shared') OR (m.role = 'lead' AND m.kind IN ('couple', 'couple_kids'))
               AS couple
    FROM m
    """,
)

# Names, titles, dates of birth and NI numbers for the people in `np`.
PEOPLE = temp(
    "np_full",
    f"""
    SELECT np.*, f.name AS forename, sn.name AS surname,
           CASE WHEN np.role = 'child' THEN NULL
                WHEN np.gender = 1 THEN CASE WHEN {R}.rnd(%(seed)s, 'title', np.person_id) < .03 THEN 'Dr' ELSE 'Mr' END
                WHEN np.couple AND np.surname_idx = np.family_surname_idx THEN 'Mrs'
                ELSE (ARRAY['Ms', 'Ms', 'Ms', 'Miss', 'Mrs'])[1 + {R}.pick(%(seed)s, 'title', np.person_id, 5)] END
               AS title,
           (np.ref_date - make_interval(years => np.age))::date - {R}.pick(%(seed)s, 'dob', np.person_id, 365)
               AS birth_date,
           CASE WHEN np.role <> 'child' AND {R}.rnd(%(seed)s, 'nino', np.person_id) >= .06
                THEN pf.prefix || lpad({R}.pick(%(seed)s, 'nino_digits', np.person_id, 1000000)::text, 6, '0')
                     || substr('ABCD', 1 + {R}.pick(%(seed)s, 'nino_suffix', np.person_id, 4), 1) END AS nino
    FROM np
    JOIN {R}.forename AS f ON f.gender = np.gender
        AND f.idx = {R}.pick(%(seed)s, 'forename', np.person_id,
                             CASE np.gender WHEN 1 THEN %(n_male)s ELSE %(n_female)s END)
    JOIN {R}.surname AS sn ON sn.idx = np.surname_idx
    JOIN {R}.nino_prefix AS pf ON pf.idx = {R}.pick(%(seed)s, 'nino_prefix', np.person_id, %(n_prefixes)s)
    """,
)

RECORD_PEOPLE = [
    f"""INSERT INTO {R}.person
        SELECT person_id, title, forename, surname, gender, birth_date, nino FROM np_full""",
    f"""INSERT INTO {R}.residence
        SELECT person_id, account_ref, property_ref, role, greatest(occupation_date, birth_date), vacation_date
        FROM np_full""",
]

RECORD_HOUSEHOLDS = f"""
INSERT INTO {R}.household SELECT account_ref, hkey, property_ref, kind, tenure_code FROM hh_shape
"""

NEW_ACCOUNTS = [
    f"""
    INSERT INTO dbo.ctaccount
    SELECT s.account_ref, s.property_ref, p.title, concat_ws(' ', p.title, p.forename, p.surname), 1,
           CASE WHEN s.vacation_date IS NULL THEN 'L' ELSE 'C' END,
           CASE WHEN {R}.rnd(%(seed)s, 'paymeth', s.hkey) < .7 THEN 'DD' ELSE 'CASH' END,
           1 + {R}.pick(%(seed)s, 'instal_day', s.hkey, 28),
           (CASE WHEN s.vacation_date IS NULL THEN round(({R}.rnd(%(seed)s, 'balance', s.hkey) * 900 - 150)::numeric, 2)
                 WHEN {R}.rnd(%(seed)s, 'balance', s.hkey) < .12
                 THEN round(({R}.rnd(%(seed)s, 'arrears', s.hkey) * 1500)::numeric, 2)
                 ELSE 0 END)::money,
           md5(%(seed)s::text || '/account/' || s.account_ref)::uuid,
           s.occupation_date, s.vacation_date,
           CASE WHEN {R}.rnd(%(seed)s, 'notes', s.hkey) < .01 THEN (
                    SELECT string_agg(to_char(s.occupation_date + g * 11, 'DD/MM/YYYY') || ' ' || n.text, E'\\n'
                                      ORDER BY g)
                    FROM generate_series(1, 20 + {R}.pick(%(seed)s, 'note_lines', s.hkey, 200)) AS g
                    JOIN {R}.note AS n ON n.idx = (g + s.hkey) %% %(n_notes)s)
                WHEN {R}.rnd(%(seed)s, 'notes', s.hkey) < .09
                THEN (SELECT n.text FROM {R}.note AS n WHERE n.idx = {R}.pick(%(seed)s, 'note', s.hkey, %(n_notes)s))
           END,
           {R}.stamp(%(seed)s,
                     least(%(today)s::date, coalesce(s.vacation_date, greatest(s.occupation_date,
                           %(today)s::date - {R}.pick(%(seed)s, 'touched', s.hkey, 60)))),
                     s.account_ref)
    FROM hh_shape AS s JOIN np_full AS p ON p.person_id = s.hkey * 8 + 1
    """,
    """
    INSERT INTO dbo.ctliab_person
    SELECT account_ref, person_id, member_no, title, forename || ' ' || surname, 'Y'
    FROM np_full WHERE role IN ('lead', 'joint')
    """,
    f"""
    INSERT INTO dbo.ctnon_liab
    SELECT account_ref, title, forename || ' ' || surname, 'Y',
           CASE WHEN kind = 'couple_kids' THEN 'ADULT CHILD'
                WHEN {R}.rnd(%(seed)s, 'nonliab_type', person_id) < .15 THEN 'CARER' ELSE 'LODGER' END
    FROM np_full WHERE role = 'nonliab' AND vacation_date IS NULL
    """,
    f"""
    INSERT INTO dbo.ctoccupation
    SELECT property_ref, account_ref, CASE WHEN vacation_date IS NULL THEN 'Y' ELSE 'N' END,
           occupation_date, vacation_date, CASE WHEN n_liable >= 2 THEN 1 ELSE tenure_code END,
           {R}.stamp(%(seed)s, coalesce(vacation_date, occupation_date), account_ref)
    FROM hh_shape
    """,
]

NEW_SPD = f"""
INSERT INTO dbo.ctdiscount
SELECT account_ref, 'SPD', 25.00, occupation_date, vacation_date,
       {R}.stamp(%(seed)s, coalesce(vacation_date, occupation_date), account_ref)
FROM hh_shape WHERE n_liable + n_nonliable = 1 AND {R}.rnd(%(seed)s, 'spd', hkey) < .97
"""

NEW_OTHER_DISCOUNTS = f"""
INSERT INTO dbo.ctdiscount
SELECT account_ref, 'DBR', NULL,
       occupation_date + {R}.pick(%(seed)s, 'dbr_start', hkey, ref_date - occupation_date), vacation_date,
       {R}.stamp(%(seed)s, coalesce(vacation_date, occupation_date), account_ref)
FROM hh_shape WHERE {R}.rnd(%(seed)s, 'dbr', hkey) < .015
UNION ALL
SELECT account_ref, 'STU', 100.00, occupation_date, vacation_date,
       {R}.stamp(%(seed)s, coalesce(vacation_date, occupation_date), account_ref)
FROM hh_shape WHERE kind = 'shared' AND {R}.rnd(%(seed)s, 'student', hkey) < .08
"""

# Which of the new households claim benefit, from when, and (seed only) whether the claim has ended.
HOUSEHOLD_CLAIMS = temp(
    "new_claims",
    f"""
    WITH c AS (
        SELECT s.*,
               CASE WHEN s.kind = 'single' AND s.lead_age >= 70 THEN .30 WHEN s.kind = 'single' THEN .12
                    WHEN s.kind = 'single_parent' THEN .45 WHEN s.kind = 'couple' AND s.lead_age >= 70 THEN .15
                    WHEN s.kind = 'couple' THEN .06 WHEN s.kind = 'couple_kids' THEN .12 ELSE .05 END
               * CASE WHEN s.tenure_code = 2 THEN .3 ELSE 1 END AS p_claim
        FROM hh_shape AS s
    ), chosen AS (
        SELECT c.*, c.occupation_date + {R}.pick(%(seed)s, 'claim_from', c.hkey, c.ref_date - c.occupation_date)
                    AS from_date
        FROM c WHERE {R}.rnd(%(seed)s, 'claim', c.hkey) < c.p_claim
    )
    SELECT account_ref, property_ref, tenure_code, from_date,
           CASE WHEN vacation_date IS NOT NULL THEN vacation_date
                WHEN {R}.rnd(%(seed)s, 'claim_end', hkey) < .12 AND from_date < %(today)s::date - 30
                THEN from_date + 1 + {R}.pick(%(seed)s, 'claim_end_day', hkey, %(today)s::date - from_date - 1)
           END AS to_date
    FROM chosen
    """,
)

CREATE_CLAIMS = [
    *temp(
        "claim_ids",
        """
        SELECT nc.*, ((SELECT coalesce(max(claim_id), 5000000) FROM dbo.hbclaim)
                      + row_number() OVER (ORDER BY nc.from_date, nc.account_ref))::integer AS claim_id
        FROM new_claims AS nc
        """,
    ),
    f"""
    INSERT INTO dbo.hbclaim
    SELECT claim_id, account_ref, CASE WHEN to_date IS NULL THEN 'L' ELSE 'C' END, from_date, to_date,
           {R}.stamp(%(seed)s, coalesce(to_date, from_date), claim_id)
    FROM claim_ids
    """,
    """
    INSERT INTO dbo.hbhousehold
    SELECT c.claim_id, 1, p.addr1, p.addr2, p.addr3, p.addr4, p.postcode, p.uprn, c.from_date, c.to_date
    FROM claim_ids AS c JOIN dbo.ctproperty AS p ON p.property_ref = c.property_ref
    """,
    *temp(
        "claim_members",
        f"""
        SELECT c.claim_id, r.person_id, r.role, h.kind,
               row_number() OVER (PARTITION BY c.claim_id ORDER BY r.role <> 'lead', r.person_id)::smallint
                   AS member_id
        FROM claim_ids AS c
        JOIN {R}.residence AS r ON r.account_ref = c.account_ref AND r.from_date <= c.from_date
                                AND (r.to_date IS NULL OR r.to_date > c.from_date)
        JOIN {R}.household AS h ON h.account_ref = c.account_ref
        """,
    ),
    f"INSERT INTO {R}.claim_member SELECT claim_id, member_id, person_id FROM claim_members",
    f"""
    INSERT INTO dbo.hbmember
    SELECT cm.claim_id, 1, cm.member_id, p.title, p.forename, p.surname, p.birth_date, p.nino, p.gender,
           CASE cm.role WHEN 'lead' THEN 1 WHEN 'joint' THEN CASE WHEN cm.kind = 'shared' THEN 4 ELSE 2 END
                        WHEN 'nonliab' THEN 4 ELSE 3 END
    FROM claim_members AS cm JOIN {R}.person AS p ON p.person_id = cm.person_id
    """,
    f"""
    INSERT INTO dbo.hbrentass
    SELECT c.claim_id, 1, c.from_date, c.to_date, r.rent::money, round(r.rent * .93, 2)::money,
           round(r.rent * .93 * (.35 + .65 * {R}.rnd(%(seed)s, 'hb', c.claim_id))::numeric, 2)::money,
           {R}.stamp(%(seed)s, coalesce(c.to_date, c.from_date), c.claim_id)
    FROM claim_ids AS c JOIN dbo.ctproperty AS p ON p.property_ref = c.property_ref,
    LATERAL (SELECT round((110 + (ascii(p.band) - 65) * 22 + 90 * {R}.rnd(%(seed)s, 'rent', c.claim_id))::numeric, 2)
                 AS rent) AS r
    WHERE c.tenure_code IN (4, 5)
    """,
    f"""
    INSERT INTO dbo.hbctaxass
    SELECT c.claim_id, 1, c.from_date, c.to_date,
           round({R}.band_charge(p.band) / 52 * (.5 + .5 * {R}.rnd(%(seed)s, 'ctr', c.claim_id))::numeric, 2)::money,
           CASE WHEN {R}.rnd(%(seed)s, 'dhp', c.claim_id) < .04 THEN 'Y' ELSE 'N' END,
           {R}.stamp(%(seed)s, coalesce(c.to_date, c.from_date), c.claim_id)
    FROM claim_ids AS c JOIN dbo.ctproperty AS p ON p.property_ref = c.property_ref
    """,
]

# -- business rates --------------------------------------------------------------------------------------------

SEED_NNDR_PROPERTIES = f"""
INSERT INTO dbo.nndrproperty
SELECT 'N' || lpad(b::text, 7, '0'),
       (1 + {R}.pick(%(seed)s, 'nndr_no', b, 250)) || ' ' || s.street, s.locality, 'London', NULL,
       s.outward || ' ' || {R}.inward(%(seed)s, 9000000 + b / 4),
       10008000000 + b * 7,
       u.description, u.scat,
       (round((2000 + power({R}.rnd(%(seed)s, 'rv', b), 3) * 250000)::numeric / 100) * 100)::money,
       least(%(today)s::date, date '2023-04-01'),
       {R}.stamp(%(seed)s, least(%(today)s::date, date '2023-04-01'
                 + {R}.pick(%(seed)s, 'nndr_lm', b, %(today)s::date - date '2023-04-01')), b)
FROM generate_series(1, %(n_business)s) AS b
JOIN {R}.street AS s ON s.street_no = {R}.pick(%(seed)s, 'nndr_street', b, %(n_real_streets)s)
JOIN {R}.business_use AS u ON u.idx = {R}.pick(%(seed)s, 'use', b, %(n_uses)s)
"""

SEED_NNDR_OCCUPANCY = temp(
    "nn_new",
    f"""
    WITH props AS (
        SELECT b, 'N' || lpad(b::text, 7, '0') AS property_ref, {R}.rnd(%(seed)s, 'nndr_vacant', b) < .06 AS vacant,
               %(today)s::date - (1 + {R}.pick(%(seed)s, 'nndr_from', b, 4000)) AS current_from,
               %(today)s::date - (1 + {R}.pick(%(seed)s, 'nndr_vacant_since', b, 200)) AS vacant_since
        FROM generate_series(1, %(n_business)s) AS b
    ), occ AS (
        SELECT b, property_ref, current_from AS occupation_date, NULL::date AS vacation_date FROM props WHERE NOT vacant
        UNION ALL
        SELECT b, property_ref, x.vac - (200 + {R}.pick(%(seed)s, 'nndr_dur', b, 3000)), x.vac
        FROM props, LATERAL (SELECT CASE WHEN vacant THEN vacant_since
                                         ELSE current_from - {R}.pick(%(seed)s, 'nndr_gap', b, 90) END AS vac) AS x
        WHERE vacant OR {R}.rnd(%(seed)s, 'nndr_prev', b) < .35
    )
    SELECT (70000000 + row_number() OVER (ORDER BY occupation_date, b))::integer AS account_ref, property_ref,
           b AS k, occupation_date, vacation_date
    FROM occ
    """,
)

NEW_RATEPAYERS = f"""
INSERT INTO dbo.nndraccount
SELECT n.account_ref, n.property_ref,
       CASE WHEN x.r < .68 THEN sn.name || ' ' || cs.suffix WHEN x.r < .9 THEN fn.name || ' ' || sn.name
            ELSE sn.name || ' Community Trust' END,
       CASE WHEN x.r < .68 THEN 'LTD' WHEN x.r < .9 THEN 'IND' ELSE 'CHA' END,
       n.occupation_date, n.vacation_date,
       CASE WHEN x.r >= .9 THEN 'CHR'
            WHEN p.rateable_value < 15000::money AND {R}.rnd(%(seed)s, 'sbr', n.account_ref) < .8 THEN 'SBR' END,
       (CASE WHEN n.vacation_date IS NULL
             THEN round(({R}.rnd(%(seed)s, 'nndr_balance', n.account_ref) * 3000 - 500)::numeric, 2)
             ELSE 0 END)::money
FROM nn_new AS n
JOIN dbo.nndrproperty AS p ON p.property_ref = n.property_ref
CROSS JOIN LATERAL (SELECT {R}.rnd(%(seed)s, 'ratepayer', n.account_ref) AS r) AS x
JOIN {R}.surname AS sn ON sn.idx = {R}.pick(%(seed)s, 'rp_surname', n.account_ref, %(n_surnames)s)
JOIN {R}.forename AS fn ON fn.gender = 1 AND fn.idx = {R}.pick(%(seed)s, 'rp_forename', n.account_ref, %(n_male)s)
JOIN {R}.company_suffix AS cs ON cs.idx = {R}.pick(%(seed)s, 'rp_suffix', n.account_ref, %(n_suffixes)s)
"""

# -- one simulated day -------------------------------------------------------------------------------------------

DAY_START = [
    f"UPDATE {R}.world SET sim_day = %(day)s",
    "DROP TABLE IF EXISTS touched",
    "CREATE TEMP TABLE touched (account_ref integer)",
]

STAMP = f"{R}.stamp(%(seed)s, %(day)s::date, {{key}})"


def stamp(key: str) -> str:
    return STAMP.format(key=key)


CLOSE_CLAIMS = [
    f"""UPDATE dbo.hbclaim SET claim_status = 'C', to_date = %(day)s, last_modified = {stamp("claim_id")}
        WHERE claim_id IN (SELECT claim_id FROM closing_claims)""",
    """UPDATE dbo.hbhousehold SET to_date = %(day)s
       WHERE claim_id IN (SELECT claim_id FROM closing_claims) AND to_date IS NULL""",
    f"""UPDATE dbo.hbrentass SET to_date = %(day)s, last_modified = {stamp("claim_id")}
        WHERE claim_id IN (SELECT claim_id FROM closing_claims) AND to_date IS NULL""",
    f"""UPDATE dbo.hbctaxass SET to_date = %(day)s, last_modified = {stamp("claim_id")}
        WHERE claim_id IN (SELECT claim_id FROM closing_claims) AND to_date IS NULL""",
]

MOVE_OUTS = [
    *temp(
        "moving_out",
        f"""
        SELECT o.account_ref, o.property_ref FROM dbo.ctoccupation AS o
        WHERE o.live_ind = 'Y' AND o.occupation_date < %(day)s
          AND {R}.draw(%(a_move_out)s, %(b_move_out)s, o.account_ref) < %(p_move_out)s
        """,
    ),
    "INSERT INTO touched SELECT account_ref FROM moving_out",
    f"""UPDATE {R}.residence SET to_date = %(day)s
        WHERE account_ref IN (SELECT account_ref FROM moving_out) AND to_date IS NULL""",
    f"""UPDATE dbo.ctoccupation SET live_ind = 'N', vacation_date = %(day)s, last_modified = {stamp("account_ref")}
        WHERE account_ref IN (SELECT account_ref FROM moving_out) AND live_ind = 'Y'""",
    f"""UPDATE dbo.ctaccount SET account_status = 'C', closed_date = %(day)s,
               balance = balance + round(({R}.rnd(%(seed)s, 'final_bill', account_ref) * 400 - 200)::numeric, 2)::money,
               last_modified = {stamp("account_ref")}
        WHERE account_ref IN (SELECT account_ref FROM moving_out)""",
    f"""UPDATE dbo.ctdiscount SET end_date = %(day)s, last_modified = {stamp("account_ref")}
        WHERE account_ref IN (SELECT account_ref FROM moving_out) AND end_date IS NULL""",
    "DELETE FROM dbo.ctnon_liab WHERE account_ref IN (SELECT account_ref FROM moving_out)",
    *temp(
        "closing_claims",
        """SELECT claim_id FROM dbo.hbclaim
           WHERE claim_status = 'L' AND ctax_ref IN (SELECT account_ref FROM moving_out)""",
    ),
    *CLOSE_CLAIMS,
]

# Each daily change first picks its few rows into a small analysed temp table, so the planner joins from there
# instead of hashing whole tables.
MOVE_IN_HOUSEHOLDS = [
    *temp(
        "move_in_pick",
        f"""SELECT property_ref FROM dbo.ctproperty
            WHERE {R}.draw(%(a_move_in)s, %(b_move_in)s, property_ref::bigint) < %(p_move_in)s""",
    ),
    *temp(
        "hh",
        f"""
    WITH vacant AS (
        SELECT p.property_ref FROM move_in_pick AS p
        WHERE NOT EXISTS (SELECT 1 FROM dbo.ctoccupation AS o WHERE o.property_ref = p.property_ref
                          AND (o.live_ind = 'Y' OR o.vacation_date >= %(day)s))
    ), numbered AS (
        SELECT property_ref, row_number() OVER (ORDER BY property_ref) AS n FROM vacant
    )
    SELECT w.next_hkey + n - 1 AS hkey, ((SELECT max(account_ref) FROM dbo.ctaccount) + n)::integer AS account_ref,
           property_ref, %(day)s::date AS occupation_date, NULL::date AS vacation_date
    FROM numbered CROSS JOIN {R}.world AS w
    """,
    ),
]

ADVANCE_HKEY = f"UPDATE {R}.world SET next_hkey = next_hkey + (SELECT count(*) FROM {{table}})"

JOINERS = [
    *temp(
        "join_pick",
        f"""
        SELECT o.account_ref, o.property_ref FROM dbo.ctoccupation AS o
        WHERE o.live_ind = 'Y' AND o.occupation_date < %(day)s
          AND {R}.draw(%(a_join)s, %(b_join)s, o.account_ref) < %(p_join)s
          AND o.account_ref NOT IN (SELECT account_ref FROM touched)
        """,
    ),
    *temp(
        "joining",
        f"""
        WITH sized AS (
            SELECT c.account_ref, c.property_ref, h.kind,
                   count(*) FILTER (WHERE r.role <> 'child') AS adults,
                   count(*) FILTER (WHERE r.role IN ('lead', 'joint')) AS liable,
                   max(p.gender) FILTER (WHERE r.role = 'lead') AS lead_gender,
                   (max(%(day)s::date - p.birth_date) FILTER (WHERE r.role = 'lead')) / 365 AS lead_age,
                   max(sn.idx) FILTER (WHERE r.role = 'lead') AS lead_surname_idx
            FROM join_pick AS c
            JOIN {R}.household AS h ON h.account_ref = c.account_ref
            JOIN {R}.residence AS r ON r.account_ref = c.account_ref AND r.to_date IS NULL
            JOIN {R}.person AS p ON p.person_id = r.person_id
            JOIN {R}.surname AS sn ON sn.name = p.surname
            GROUP BY c.account_ref, c.property_ref, h.kind
        )
        SELECT sized.*, w.next_hkey + row_number() OVER (ORDER BY sized.account_ref) - 1 AS hkey,
               CASE WHEN adults = 1 AND liable = 1 AND {R}.rnd(%(seed)s, 'join_role', sized.account_ref) < .6
                    THEN 'joint' ELSE 'nonliab' END AS role
        FROM sized CROSS JOIN {R}.world AS w
        WHERE sized.adults < 4 AND sized.lead_gender IS NOT NULL
        """,
    ),
    ADVANCE_HKEY.format(table="joining"),
    *temp(
        "np",
        f"""
        SELECT j.hkey * 8 + 1 AS person_id, j.account_ref, j.property_ref, %(day)s::date AS occupation_date,
               NULL::date AS vacation_date, NULL::integer AS member_no, j.role, j.kind, %(day)s::date AS ref_date,
               (CASE WHEN j.role = 'joint' AND {R}.rnd(%(seed)s, 'sex', j.hkey * 8 + 1) < .9 THEN 3 - j.lead_gender
                     ELSE 1 + {R}.pick(%(seed)s, 'sex', j.hkey * 8 + 1, 2) END)::smallint AS gender,
               (CASE WHEN j.role = 'joint'
                     THEN least(100, greatest(18, j.lead_age - 5 + {R}.pick(%(seed)s, 'age', j.hkey * 8 + 1, 11)))
                     ELSE 18 + {R}.pick(%(seed)s, 'age', j.hkey * 8 + 1, 40) END)::integer AS age,
               CASE WHEN j.role = 'joint' AND {R}.rnd(%(seed)s, 'same_name', j.hkey * 8 + 1) < .5
                    THEN j.lead_surname_idx
                    ELSE {R}.pick(%(seed)s, 'surname', j.hkey * 8 + 1, %(n_surnames)s) END AS surname_idx,
               j.lead_surname_idx AS family_surname_idx,
               j.role = 'joint' AS couple
        FROM joining AS j
        """,
    ),
    *PEOPLE,
    *RECORD_PEOPLE,
    """
    INSERT INTO dbo.ctliab_person
    SELECT n.account_ref, n.person_id,
           (SELECT coalesce(max(c.liab_pos), 0) + 1 FROM dbo.ctliab_person AS c WHERE c.account_ref = n.account_ref),
           n.title, n.forename || ' ' || n.surname, 'Y'
    FROM np_full AS n WHERE n.role = 'joint'
    """,
    f"""
    INSERT INTO dbo.ctnon_liab
    SELECT account_ref, title, forename || ' ' || surname, 'Y',
           CASE WHEN {R}.rnd(%(seed)s, 'nonliab_type', person_id) < .15 THEN 'CARER' ELSE 'LODGER' END
    FROM np_full WHERE role = 'nonliab'
    """,
    f"""UPDATE dbo.ctoccupation SET liab_code = 1, last_modified = {stamp("account_ref")}
        WHERE live_ind = 'Y' AND account_ref IN (SELECT account_ref FROM joining WHERE role = 'joint')""",
    "INSERT INTO touched SELECT account_ref FROM joining",
]

# A second adult moving in ends a single person discount; the bill goes up by the rest of the year's discount.
SPD_ENDED_BY_JOINERS = f"""
UPDATE dbo.ctdiscount SET end_date = %(day)s, last_modified = {stamp("account_ref")}
WHERE disc_code = 'SPD' AND end_date IS NULL AND account_ref IN (SELECT account_ref FROM joining WHERE adults = 1)
"""

BILL_AFTER_SPD_CHANGE = f"""
UPDATE dbo.ctaccount AS a
SET balance = a.balance + round(({R}.band_charge(p.band) * .25 * %(sign)s
                                 * (1 + {R}.pick(%(seed)s, 'spd_days', a.account_ref, 365)) / 365)::numeric, 2)::money,
    last_modified = {stamp("a.account_ref")}
FROM dbo.ctproperty AS p
WHERE p.property_ref = a.property_ref AND a.account_ref IN (SELECT account_ref FROM spd_changed)
"""

LEAVERS = [
    *temp(
        "leave_pick",
        f"""
        SELECT o.account_ref FROM dbo.ctoccupation AS o
        WHERE o.live_ind = 'Y' AND o.occupation_date < %(day)s
          AND {R}.draw(%(a_leave)s, %(b_leave)s, o.account_ref) < %(p_leave)s
          AND o.account_ref NOT IN (SELECT account_ref FROM touched)
        """,
    ),
    *temp(
        "leaving",
        f"""
        WITH members AS (
            SELECT c.account_ref, r.person_id, r.role,
                   count(*) FILTER (WHERE r.role <> 'child') OVER (PARTITION BY c.account_ref) AS adults,
                   count(*) FILTER (WHERE r.role IN ('lead', 'joint')) OVER (PARTITION BY c.account_ref) AS liable,
                   row_number() OVER (PARTITION BY c.account_ref
                                      ORDER BY r.role IN ('joint', 'nonliab') DESC, r.person_id DESC) AS pick_order
            FROM leave_pick AS c JOIN {R}.residence AS r ON r.account_ref = c.account_ref AND r.to_date IS NULL
        )
        SELECT m.account_ref, m.person_id, m.role, m.adults, m.liable, h.tenure_code,
               p.forename || ' ' || p.surname AS name
        FROM members AS m
        JOIN {R}.person AS p ON p.person_id = m.person_id
        JOIN {R}.household AS h ON h.account_ref = m.account_ref
        WHERE m.pick_order = 1 AND m.role IN ('joint', 'nonliab') AND m.adults >= 2
        """,
    ),
    f"""UPDATE {R}.residence AS r SET to_date = %(day)s FROM leaving AS l
        WHERE r.person_id = l.person_id AND r.account_ref = l.account_ref AND r.to_date IS NULL""",
    """DELETE FROM dbo.ctliab_person AS c USING leaving AS l
       WHERE l.role = 'joint' AND c.account_ref = l.account_ref AND c.party_ref = l.person_id""",
    """DELETE FROM dbo.ctnon_liab WHERE ctid IN (
           SELECT DISTINCT ON (l.account_ref) n.ctid FROM leaving AS l
           JOIN dbo.ctnon_liab AS n ON n.account_ref = l.account_ref AND n.nonliab_name = l.name
           WHERE l.role = 'nonliab' ORDER BY l.account_ref, n.ctid)""",
    f"""UPDATE dbo.ctoccupation AS o SET liab_code = l.tenure_code, last_modified = {stamp("o.account_ref")}
        FROM leaving AS l
        WHERE o.account_ref = l.account_ref AND o.live_ind = 'Y' AND l.role = 'joint' AND l.liable = 2""",
    "INSERT INTO touched SELECT account_ref FROM leaving",
]

# Left alone: a single person discount from today, unless one is already open.
SPD_GRANTED_TO_LEAVERS = f"""
INSERT INTO dbo.ctdiscount
SELECT l.account_ref, 'SPD', 25.00, %(day)s, NULL, {stamp("l.account_ref")}
FROM leaving AS l
WHERE l.adults = 2 AND NOT EXISTS (
    SELECT 1 FROM dbo.ctdiscount AS d
    WHERE d.account_ref = l.account_ref AND d.disc_code = 'SPD' AND (d.end_date IS NULL OR d.start_date = %(day)s))
"""

HB_CHANGE_OF_HOUSEHOLD = [
    *temp(
        "hb_versions",
        """
        SELECT c.claim_id, hh.house_id AS old_house, (hh.house_id + 1)::smallint AS new_house, x.add_person_id,
               x.add_role, x.remove_person_id
        FROM hb_change AS x
        JOIN dbo.hbclaim AS c ON c.ctax_ref = x.account_ref AND c.claim_status = 'L'
        JOIN dbo.hbhousehold AS hh ON hh.claim_id = c.claim_id AND hh.to_date IS NULL
        """,
    ),
    """
    INSERT INTO dbo.hbhousehold
    SELECT v.claim_id, v.new_house, hh.addr1, hh.addr2, hh.addr3, hh.addr4, hh.postcode, hh.uprn, %(day)s, NULL
    FROM hb_versions AS v JOIN dbo.hbhousehold AS hh ON hh.claim_id = v.claim_id AND hh.house_id = v.old_house
    """,
    """UPDATE dbo.hbhousehold AS hh SET to_date = %(day)s FROM hb_versions AS v
       WHERE hh.claim_id = v.claim_id AND hh.house_id = v.old_house""",
    f"""
    INSERT INTO dbo.hbmember
    SELECT m.claim_id, v.new_house, m.member_id, m.title, m.forename, m.surname, m.birth_date, m.nino, m.gender,
           m.type_ind
    FROM dbo.hbmember AS m JOIN hb_versions AS v ON m.claim_id = v.claim_id AND m.house_id = v.old_house
    WHERE NOT EXISTS (SELECT 1 FROM {R}.claim_member AS cm WHERE cm.claim_id = m.claim_id
                      AND cm.member_id = m.member_id AND cm.person_id = v.remove_person_id)
    """,
    *temp(
        "hb_new_member",
        f"""
        SELECT v.claim_id, v.new_house, v.add_person_id AS person_id, v.add_role,
               ((SELECT max(cm.member_id) FROM {R}.claim_member AS cm WHERE cm.claim_id = v.claim_id) + 1)::smallint
                   AS member_id
        FROM hb_versions AS v WHERE v.add_person_id IS NOT NULL
        """,
    ),
    f"INSERT INTO {R}.claim_member SELECT claim_id, member_id, person_id FROM hb_new_member",
    f"""
    INSERT INTO dbo.hbmember
    SELECT n.claim_id, n.new_house, n.member_id, p.title, p.forename, p.surname, p.birth_date, p.nino, p.gender,
           CASE WHEN n.add_role = 'joint' THEN 2 ELSE 4 END
    FROM hb_new_member AS n JOIN {R}.person AS p ON p.person_id = n.person_id
    """,
    *temp(
        "open_ctr",
        """SELECT a.*, v.new_house, v.add_person_id IS NOT NULL AS grew
           FROM dbo.hbctaxass AS a JOIN hb_versions AS v ON v.claim_id = a.claim_id WHERE a.to_date IS NULL""",
    ),
    *temp(
        "open_rent",
        """SELECT a.*, v.new_house, v.add_person_id IS NOT NULL AS grew
           FROM dbo.hbrentass AS a JOIN hb_versions AS v ON v.claim_id = a.claim_id WHERE a.to_date IS NULL""",
    ),
    f"""UPDATE dbo.hbctaxass SET to_date = %(day)s, last_modified = {stamp("claim_id")}
        WHERE to_date IS NULL AND claim_id IN (SELECT claim_id FROM hb_versions)""",
    f"""UPDATE dbo.hbrentass SET to_date = %(day)s, last_modified = {stamp("claim_id")}
        WHERE to_date IS NULL AND claim_id IN (SELECT claim_id FROM hb_versions)""",
    f"""
    INSERT INTO dbo.hbctaxass
    SELECT claim_id, new_house, %(day)s, NULL,
           round(model_amt::numeric * CASE WHEN grew THEN .7 ELSE 1.25 END, 2)::money, dhp_ind, {stamp("claim_id")}
    FROM open_ctr
    """,
    f"""
    INSERT INTO dbo.hbrentass
    SELECT claim_id, new_house, %(day)s, NULL, rent_amt, elig_rent,
           least(elig_rent::numeric, round(hb_amt::numeric * CASE WHEN grew THEN .8 ELSE 1.2 END, 2))::money,
           {stamp("claim_id")}
    FROM open_rent
    """,
    f"""UPDATE dbo.hbclaim SET last_modified = {stamp("claim_id")}
        WHERE claim_id IN (SELECT claim_id FROM hb_versions)""",
]

CLAIM_ENDS = [
    *temp(
        "closing_claims",
        f"""
        SELECT claim_id, ctax_ref FROM dbo.hbclaim
        WHERE claim_status = 'L' AND from_date < %(day)s
          AND {R}.draw(%(a_claim_end)s, %(b_claim_end)s, claim_id) < %(p_claim_end)s
          AND ctax_ref NOT IN (SELECT account_ref FROM touched)
        """,
    ),
    "INSERT INTO touched SELECT ctax_ref FROM closing_claims",
    *CLOSE_CLAIMS,
]

NEW_CLAIMS = [
    *temp(
        "claim_pick",
        f"""
        SELECT o.account_ref, o.property_ref FROM dbo.ctoccupation AS o
        WHERE o.live_ind = 'Y' AND {R}.draw(%(a_new_claim)s, %(b_new_claim)s, o.account_ref) < %(p_new_claim)s
          AND o.account_ref NOT IN (SELECT account_ref FROM touched)
        """,
    ),
    *temp(
        "new_claims",
        f"""
        SELECT o.account_ref, o.property_ref, h.tenure_code, %(day)s::date AS from_date, NULL::date AS to_date
        FROM claim_pick AS o JOIN {R}.household AS h ON h.account_ref = o.account_ref
        WHERE NOT EXISTS (SELECT 1 FROM dbo.hbclaim AS c WHERE c.ctax_ref = o.account_ref AND c.claim_status = 'L')
        """,
    ),
]

# Single adults who had not claimed the discount claim it late; it is backdated (start before the change day).
LATE_SPD = [
    *temp(
        "late_pick",
        f"""
        SELECT o.account_ref,
               greatest(o.occupation_date,
                        %(day)s::date - 1 - {R}.pick(%(seed)s, 'spd_back:' || %(tag)s, o.account_ref, 90)) AS start
        FROM dbo.ctoccupation AS o
        WHERE o.live_ind = 'Y' AND {R}.draw(%(a_late_spd)s, %(b_late_spd)s, o.account_ref) < %(p_late_spd)s
          AND o.account_ref NOT IN (SELECT account_ref FROM touched)
        """,
    ),
    *temp(
        "late_spd",
        f"""
        SELECT c.* FROM late_pick AS c
        WHERE (SELECT count(*) FROM {R}.residence AS r
               WHERE r.account_ref = c.account_ref AND r.to_date IS NULL AND r.role <> 'child') = 1
          AND NOT EXISTS (SELECT 1 FROM dbo.ctdiscount AS d WHERE d.account_ref = c.account_ref
                          AND d.disc_code = 'SPD' AND (d.end_date IS NULL OR d.end_date > c.start))
        """,
    ),
    f"""INSERT INTO dbo.ctdiscount
        SELECT account_ref, 'SPD', 25.00, start, NULL, {stamp("account_ref")} FROM late_spd""",
    "INSERT INTO touched SELECT account_ref FROM late_spd",
]

PAYMENTS = [
    *temp(
        "paying",
        f"""
        SELECT a.account_ref, a.property_ref FROM dbo.ctaccount AS a
        WHERE a.account_status = 'L' AND a.created_date < %(day)s
          AND ((a.paymeth_code = 'DD' AND a.instal_day = extract(day FROM %(day)s::date))
               OR (a.paymeth_code = 'CASH' AND {R}.draw(%(a_cash)s, %(b_cash)s, a.account_ref) < 1 / 30.0))
        """,
    ),
    f"""
    UPDATE dbo.ctaccount AS a
    SET balance = a.balance - round({R}.band_charge(p.band) / 10, 2)::money, last_modified = {stamp("a.account_ref")}
    FROM paying AS x JOIN dbo.ctproperty AS p ON p.property_ref = x.property_ref
    WHERE a.account_ref = x.account_ref
    """,
]

# 1 April: every live account is billed for the year (most of ctaccount changes in one day).
ANNUAL_BILLING = f"""
UPDATE dbo.ctaccount AS a
SET balance = a.balance + round({R}.band_charge(p.band)
                                * CASE WHEN EXISTS (SELECT 1 FROM dbo.ctdiscount AS d
                                                    WHERE d.account_ref = a.account_ref
                                                      AND d.disc_code = 'SPD' AND d.end_date IS NULL)
                                       THEN .75 ELSE 1 END, 2)::money,
    last_modified = {stamp("a.account_ref")}
FROM dbo.ctproperty AS p
WHERE p.property_ref = a.property_ref AND a.account_status = 'L'
"""

BAND_CHANGES = f"""
UPDATE dbo.ctproperty
SET band = chr(ascii(band) + CASE WHEN band = 'A'
                                       OR (band < 'H' AND {R}.rnd(%(seed)s, 'band_up', property_ref::bigint) < .5)
                                  THEN 1 ELSE -1 END),
    band_effective_date = %(day)s, last_modified = {stamp("property_ref::bigint")}
WHERE {R}.draw(%(a_band)s, %(b_band)s, property_ref::bigint) < %(p_band_change)s
"""

NNDR_VACATIONS = [
    *temp(
        "nn_out",
        f"""
        SELECT account_ref, property_ref FROM dbo.nndraccount
        WHERE vacation_date IS NULL AND occupation_date < %(day)s
          AND {R}.draw(%(a_nndr_out)s, %(b_nndr_out)s, account_ref) < %(p_nndr_change)s
        """,
    ),
    "UPDATE dbo.nndraccount SET vacation_date = %(day)s WHERE account_ref IN (SELECT account_ref FROM nn_out)",
]

NNDR_RELETS = temp(
    "nn_new",
    f"""
        WITH wanted AS (
            SELECT property_ref FROM nn_out WHERE {R}.rnd(%(seed)s, 'nndr_relet', account_ref) < .8
            UNION
            SELECT p.property_ref FROM dbo.nndrproperty AS p
            WHERE {R}.draw(%(a_nndr_in)s, %(b_nndr_in)s, substr(p.property_ref, 2)::bigint) < 1 / 60.0
              AND NOT EXISTS (SELECT 1 FROM dbo.nndraccount AS a WHERE a.property_ref = p.property_ref
                              AND (a.vacation_date IS NULL OR a.vacation_date >= %(day)s))
        )
        SELECT ((SELECT max(account_ref) FROM dbo.nndraccount) + row_number() OVER (ORDER BY property_ref))::integer
                   AS account_ref,
               property_ref, 0::bigint AS k, %(day)s::date AS occupation_date, NULL::date AS vacation_date
        FROM wanted
        """,
)

NNDR_CHANGES = [
    """
    UPDATE dbo.nndraccount AS a SET balance = a.balance - round(p.rateable_value::numeric * .05, 2)::money
    FROM dbo.nndrproperty AS p
    WHERE p.property_ref = a.property_ref AND a.vacation_date IS NULL AND a.occupation_date < %(day)s
      AND a.account_ref %% 28 + 1 = extract(day FROM %(day)s::date)
    """,
    f"""
    UPDATE dbo.nndrproperty
    SET rateable_value = (round(rateable_value::numeric
                                * (.8 + .4 * {R}.rnd(%(seed)s, 'rv_change', substr(property_ref, 2)::bigint))::numeric
                                / 100)
                          * 100)::money,
        rv_effective_date = %(day)s, last_modified = {stamp("substr(property_ref, 2)::bigint")}
    WHERE {R}.draw(%(a_rv)s, %(b_rv)s, substr(property_ref, 2)::bigint) < %(p_rv_change)s
    """,
]
