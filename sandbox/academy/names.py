"""Word lists the world draws from: a London borough's streets (real names, outward codes and wards), people's
names, business descriptions. Small worlds use only the real streets; big ones add made-up streets for scale."""

from __future__ import annotations

# (street, outward code, locality, ward)
STREETS: tuple[tuple[str, str, str, str], ...] = (
    ("Mare Street", "E8", "Hackney", "Hackney Central"),
    ("Dalston Lane", "E8", "Dalston", "Dalston"),
    ("Amhurst Road", "E8", "Hackney", "Hackney Downs"),
    ("Graham Road", "E8", "Hackney", "Hackney Central"),
    ("Richmond Road", "E8", "Hackney", "London Fields"),
    ("Navarino Road", "E8", "Dalston", "Dalston"),
    ("Sandringham Road", "E8", "Dalston", "Shacklewell"),
    ("Shacklewell Lane", "E8", "Dalston", "Shacklewell"),
    ("Queensbridge Road", "E8", "Haggerston", "Haggerston"),
    ("Lansdowne Drive", "E8", "Hackney", "London Fields"),
    ("Forest Road", "E8", "Dalston", "De Beauvoir"),
    ("Wilton Way", "E8", "Hackney", "London Fields"),
    ("Greenwood Road", "E8", "Hackney", "Hackney Central"),
    ("Middleton Road", "E8", "Haggerston", "Haggerston"),
    ("Albion Drive", "E8", "Haggerston", "Haggerston"),
    ("Lavender Grove", "E8", "Haggerston", "Haggerston"),
    ("Well Street", "E9", "Hackney", "Victoria"),
    ("Morning Lane", "E9", "Homerton", "Homerton"),
    ("Homerton High Street", "E9", "Homerton", "Homerton"),
    ("Cassland Road", "E9", "Hackney", "Victoria"),
    ("Victoria Park Road", "E9", "Hackney", "Victoria"),
    ("Wick Road", "E9", "Hackney Wick", "Hackney Wick"),
    ("Brooksby's Walk", "E9", "Homerton", "Homerton"),
    ("Chatsworth Road", "E5", "Clapton", "Lea Bridge"),
    ("Lower Clapton Road", "E5", "Clapton", "Clapton"),
    ("Clapton Common", "E5", "Clapton", "Springfield"),
    ("Rushmore Road", "E5", "Clapton", "Lea Bridge"),
    ("Median Road", "E5", "Clapton", "Clapton"),
    ("Glenarm Road", "E5", "Clapton", "Lea Bridge"),
    ("Powerscroft Road", "E5", "Clapton", "Lea Bridge"),
    ("Millfields Road", "E5", "Clapton", "Lea Bridge"),
    ("Mount Pleasant Hill", "E5", "Clapton", "Springfield"),
    ("Upper Clapton Road", "E5", "Clapton", "Springfield"),
    ("Kenninghall Road", "E5", "Clapton", "King's Park"),
    ("Rendlesham Road", "E5", "Clapton", "Hackney Downs"),
    ("Narford Road", "E5", "Clapton", "Hackney Downs"),
    ("Mildenhall Road", "E5", "Clapton", "Hackney Downs"),
    ("Dunlace Road", "E5", "Clapton", "Hackney Downs"),
    ("Atherden Road", "E5", "Clapton", "Clapton"),
    ("Stamford Hill", "N16", "Stamford Hill", "Stamford Hill West"),
    ("Stoke Newington Church Street", "N16", "Stoke Newington", "Stoke Newington"),
    ("Stoke Newington High Street", "N16", "Stoke Newington", "Stoke Newington"),
    ("Albion Road", "N16", "Stoke Newington", "Stoke Newington"),
    ("Evering Road", "N16", "Stoke Newington", "Cazenove"),
    ("Manor Road", "N16", "Stoke Newington", "Stamford Hill West"),
    ("Lordship Road", "N16", "Stoke Newington", "Woodberry Down"),
    ("Amhurst Park", "N16", "Stamford Hill", "Stamford Hill West"),
    ("Cazenove Road", "N16", "Stoke Newington", "Cazenove"),
    ("Kyverdale Road", "N16", "Stamford Hill", "Cazenove"),
    ("Osbaldeston Road", "N16", "Stoke Newington", "Cazenove"),
    ("Northwold Road", "N16", "Stoke Newington", "Cazenove"),
    ("Green Lanes", "N4", "Stoke Newington", "Brownswood"),
    ("Seven Sisters Road", "N4", "Finsbury Park", "Woodberry Down"),
    ("Woodberry Grove", "N4", "Finsbury Park", "Woodberry Down"),
    ("Brownswood Road", "N4", "Finsbury Park", "Brownswood"),
    ("Blackstock Road", "N4", "Finsbury Park", "Brownswood"),
    ("Hoxton Street", "N1", "Hoxton", "Hoxton East & Shoreditch"),
    ("Pitfield Street", "N1", "Hoxton", "Hoxton West"),
    ("Kingsland Road", "E2", "Haggerston", "Haggerston"),
    ("Hackney Road", "E2", "Haggerston", "Hoxton East & Shoreditch"),
    ("Whiston Road", "E2", "Haggerston", "Haggerston"),
    ("Haggerston Road", "E8", "Haggerston", "Haggerston"),
    ("Downham Road", "N1", "De Beauvoir", "De Beauvoir"),
    ("Englefield Road", "N1", "De Beauvoir", "De Beauvoir"),
    ("Culford Road", "N1", "De Beauvoir", "De Beauvoir"),
    ("Balls Pond Road", "N1", "Dalston", "Dalston"),
    ("Mortimer Road", "N1", "De Beauvoir", "De Beauvoir"),
    ("De Beauvoir Road", "N1", "De Beauvoir", "De Beauvoir"),
    ("Shepherdess Walk", "N1", "Hoxton", "Hoxton West"),
    ("Provost Street", "N1", "Hoxton", "Hoxton West"),
    ("East Road", "N1", "Hoxton", "Hoxton West"),
    ("Rivington Street", "EC2A", "Shoreditch", "Hoxton East & Shoreditch"),
)

# Made-up streets for worlds bigger than the borough: stems x suffixes, spread over the same outward codes.
STREET_STEMS = (
    "Aberdeen", "Ashwin", "Barnabas", "Beecholme", "Benthal", "Bodney", "Brett", "Cardigan", "Casimir", "Chelmer",
    "Clifden", "Colvestone", "Cranwich", "Darnley", "Digby", "Downs", "Elderfield", "Ellingfort", "Eleanor",
    "Evering", "Fountayne", "Frampton", "Gayhurst", "Glyn", "Gore", "Hindrey", "Holmleigh", "Ickburgh", "Jenner",
    "Kenworthy", "Kingshold", "Lauriston", "Leswin", "Linscott", "Lockhurst", "Lyme", "Margaret", "Marcon",
    "Mayola", "Meynell", "Moresby", "Nevill", "Norcott", "Oriel", "Ottaway", "Paragon", "Parkholme", "Penpoll",
    "Pembury", "Quilter", "Ravensdale", "Reighton", "Retreat", "Rowhill", "Sewdley", "Sidworth", "Southgate",
    "Spurstowe", "Tresham", "Tyssen", "Urswick", "Vartry", "Walsingham", "Wattisfield", "Wayland", "Wordsworth",
)  # fmt: skip
STREET_SUFFIXES = ("Road", "Street", "Grove", "Close", "Walk", "Gardens", "Terrace")

FEMALE_FORENAMES = (
    "Mary", "Patricia", "Margaret", "Jean", "Joan", "Dorothy", "Iris", "Doreen", "Sylvia", "Barbara", "Elizabeth",
    "Susan", "Janet", "Linda", "Christine", "Ann", "Julie", "Karen", "Sarah", "Claire", "Emma", "Rachel", "Laura",
    "Hannah", "Sophie", "Charlotte", "Olivia", "Amelia", "Isla", "Ava", "Grace", "Fatima", "Aisha", "Ayesha",
    "Zainab", "Maryam", "Chiamaka", "Ngozi", "Abena", "Adwoa", "Funmilayo", "Yetunde", "Esther", "Rivka", "Chaya",
    "Leah", "Miriam", "Elif", "Zeynep", "Ayse", "Fatma", "Hatice", "Precious", "Blessing", "Joy", "Marcia",
    "Beverley", "Paulette", "Agnieszka", "Katarzyna", "Ana", "Maria", "Mei", "Priya", "Anjali", "Sana", "Hui",
)  # fmt: skip
MALE_FORENAMES = (
    "John", "David", "Michael", "Peter", "Robert", "James", "William", "Richard", "George", "Kenneth", "Ronald",
    "Stanley", "Arthur", "Albert", "Thomas", "Paul", "Mark", "Stephen", "Andrew", "Daniel", "Christopher",
    "Matthew", "Oliver", "Jack", "Harry", "Noah", "Leo", "Oscar", "Mohammed", "Ahmed", "Ali", "Hassan", "Ibrahim",
    "Yusuf", "Omar", "Chukwuemeka", "Oluwaseun", "Kwame", "Kofi", "Emeka", "Tunde", "Samuel", "Moshe", "Yosef",
    "Chaim", "Shlomo", "Mehmet", "Mustafa", "Hasan", "Huseyin", "Emmanuel", "Winston", "Delroy", "Clive",
    "Tomasz", "Piotr", "Jose", "Carlos", "Wei", "Raj", "Arjun", "Imran", "Tariq", "Kemal", "Dwayne", "Leroy",
)  # fmt: skip
SURNAMES = (
    "Smith", "Jones", "Williams", "Brown", "Taylor", "Davies", "Wilson", "Evans", "Thomas", "Johnson", "Roberts",
    "Walker", "Wright", "Robinson", "Thompson", "White", "Hughes", "Edwards", "Green", "Hall", "Wood", "Harris",
    "Lewis", "Martin", "Jackson", "Clarke", "Clark", "Turner", "Hill", "Scott", "Cooper", "Morris", "Ward",
    "Moore", "King", "Watson", "Baker", "Harrison", "Morgan", "Patel", "Khan", "Ahmed", "Ali", "Hussain", "Begum",
    "Rahman", "Islam", "Miah", "Uddin", "Shah", "Singh", "Kaur", "Okafor", "Okonkwo", "Adeyemi", "Adebayo",
    "Mensah", "Owusu", "Boateng", "Asante", "Oduya", "Nwosu", "Eze", "Campbell", "Francis", "Grant", "Henry",
    "Reid", "Richards", "Bennett", "Stewart", "Yilmaz", "Kaya", "Demir", "Sahin", "Celik", "Ozturk", "Aydin",
    "Cohen", "Levy", "Friedman", "Goldberg", "Stern", "Weiss", "Katz", "Schwartz", "Kowalski", "Nowak",
    "Wisniewski", "Silva", "Santos", "Ferreira", "Rodriguez", "Garcia", "Chen", "Wang", "Li", "Zhang", "Nguyen",
    "Tran", "O'Brien", "O'Connor", "Murphy", "Kelly", "Byrne", "McCarthy", "Doyle", "Gallagher", "D'Souza",
    "Fernandes", "Mahmood", "Choudhury", "Kamara", "Sesay", "Conteh", "Mohamed", "Abdi", "Warsame", "Farah",
)  # fmt: skip

NINO_PREFIXES = (
    "AB", "AE", "AH", "AK", "AL", "AM", "AP", "AR", "AS", "AT", "AW", "AX", "AY", "AZ", "BA", "BB", "BE", "BH",
    "BK", "BL", "BM", "BT", "CA", "CB", "CE", "CH", "CK", "CL", "CR", "EA", "EB", "EE", "EH", "EK", "EL", "EM",
    "EP", "ER", "ES", "ET", "EW", "EX", "EY", "EZ", "GY", "HA", "HB", "HE", "HH", "HK", "HL", "HM", "HP", "HR",
    "HS", "HT", "HW", "HX", "HY", "HZ", "JA", "JB", "JC", "JE", "JG", "JH", "JJ", "JK", "JL", "JM", "JN", "JP",
    "JR", "JS", "JT", "JW", "JX", "JY", "JZ", "KA", "KB", "KE", "KH", "KK", "KL", "KM", "KP", "KR", "KS", "KT",
    "LA", "LB", "LE", "LH", "LK", "LL", "LM", "LP", "LR", "LS", "LT", "LW", "LX", "LY", "LZ", "MA", "MW", "MX",
    "NA", "NB", "NE", "NH", "NL", "NM", "NP", "NR", "NS", "NW", "NX", "NY", "NZ", "OA", "OB", "OE", "OH", "OK",
    "PA", "PB", "PE", "PH", "PK", "PL", "PM", "PP", "PR", "PS", "PT", "PW", "PX", "PY", "RA", "RB", "RE", "RH",
    "RK", "RM", "RP", "RR", "RS", "RT", "RW", "RX", "RY", "RZ", "SA", "SB", "SC", "SE", "SG", "SH", "SJ", "SK",
    "SL", "SM", "SP", "SR", "SS", "ST", "SW", "SX", "SY", "SZ", "TA", "TB", "TE", "TH", "TK", "TL", "TM", "TP",
    "TR", "TS", "TT", "TW", "TX", "TY", "TZ", "WA", "WB", "WE", "WK", "WL", "WM", "WP", "YA", "YB", "YE", "YH",
    "YK", "YL", "YM", "YP", "YR", "YS", "YT", "YW", "YX", "YY", "YZ", "ZA", "ZB", "ZE", "ZH", "ZK", "ZL", "ZM",
    "ZP", "ZR", "ZS", "ZT", "ZW", "ZX", "ZY",
)  # fmt: skip

# (description, special category code) for business-rates hereditaments; the codes are assumed.
BUSINESS_USES = (
    ("SHOP AND PREMISES", "249"),
    ("OFFICES AND PREMISES", "203"),
    ("WAREHOUSE AND PREMISES", "217"),
    ("RESTAURANT AND PREMISES", "227"),
    ("CAFE AND PREMISES", "226"),
    ("WORKSHOP AND PREMISES", "096"),
    ("PUBLIC HOUSE AND PREMISES", "226"),
    ("HAIRDRESSING SALON AND PREMISES", "249"),
    ("STUDIO AND PREMISES", "203"),
)
COMPANY_SUFFIXES = ("Ltd", "& Co", "Trading Ltd", "Holdings Ltd", "Foods Ltd", "Studios Ltd", "Services Ltd")

SHORT_NOTES = (
    "Customer phoned about instalments; agreed to pay by direct debit.",
    "Reminder issued.",
    "Final notice issued.",
    "Liability order granted at magistrates court.",
    "Landlord notification of new tenancy received.",
    "Moved in per tenancy agreement; bill issued.",
    "Refund requested by customer, awaiting bank details.",
    "Correspondence returned: not known at this address.",
    "Arrangement to pay agreed, 10 monthly instalments.",
    "Single person discount review form returned.",
)


def street_rows() -> list[tuple[int, str, str, str, str]]:
    """Every street, real first: (street_no, street, outward, locality, ward)."""
    rows = [(i, *street) for i, street in enumerate(STREETS)]
    made_up = [f"{stem} {suffix}" for suffix in STREET_SUFFIXES for stem in STREET_STEMS]
    for j, name in enumerate(made_up):
        _, outward, locality, ward = STREETS[(j * 7) % len(STREETS)]
        rows.append((len(STREETS) + j, name, outward, locality, ward))
    return rows
