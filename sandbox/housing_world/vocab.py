"""Word lists for the simulated borough: streets, buildings, people, repair work. Pure data, no logic."""

from __future__ import annotations

BOROUGH = "HACKNEY"
TOWN = "LONDON"
# Outward codes of a London-style borough; the inward code is drawn per postcode unit.
DISTRICTS = ("E2", "E5", "E8", "E9", "N1", "N4", "N16")
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"  # Royal Mail never uses C I K M O V in the inward code

STREET_STEMS = (
    "Albion", "Amhurst", "Balls Pond", "Barretts", "Brooke", "Cazenove", "Chatsworth", "Clapton", "Clarence",
    "Dalston", "Downs", "Dunlace", "Evering", "Fassett", "Geldeston", "Glenarm", "Graham", "Homerton", "Kenninghall",
    "Kingsland", "Lansdowne", "Laura", "Lordship", "Mare", "Median", "Middleton", "Millfields", "Mount Pleasant",
    "Navarino", "Nightingale", "Northwold", "Osbaldeston", "Powerscroft", "Queensbridge", "Rectory", "Richmond",
    "Rushmore", "Sandringham", "Shacklewell", "Sigdon", "Stoke Newington", "Tollington", "Urswick", "Valette",
    "Victoria", "Wattisfield", "Wilton", "Woodberry", "Wordsworth", "Yoakley", "Ashenden", "Belsham", "Chelmer",
    "Digby", "Elderfield", "Farleigh", "Gunton", "Hassett", "Ickburgh", "Jenner", "Kyverdale", "Lockhurst",
    "Maury", "Nevill", "Oldhill", "Pembury", "Reighton", "Sewdley", "Templar", "Upton", "Walsingham",
)  # fmt: skip
# Saint names: "ST" at the start of a street is Saint, so a cleaner must not expand it to STREET.
SAINT_STEMS = ("St Mark's", "St Johns", "St Thomas's", "St Jude's", "St Marys", "St Philip's", "St Pauls")
STREET_KINDS = ("ROAD", "STREET", "AVENUE", "GROVE", "LANE", "TERRACE", "CLOSE", "GARDENS", "PLACE", "WALK")
HIGH_STREETS = ("HIGH STREET", "HIGH ROAD")
KIND_ABBREVIATIONS = {"ROAD": "RD", "STREET": "ST", "AVENUE": "AVE", "GARDENS": "GDNS", "TERRACE": "TERR"}

BLOCK_STEMS = (
    "Aldington", "Bannister", "Cranwood", "Dunstan", "Evelyn", "Fawcett", "Granville", "Hawksley", "Ivinghoe",
    "Jacobson", "Kinnoull", "Lincoln", "Marcon", "Norris", "Oswald", "Pitcairn", "Rendlesham", "Seaton",
    "Tressell", "Underwood", "Vaine", "Westcott", "Yorkshire", "Zenith", "Burbage", "Cheverell", "Dorothy",
    "Fernbank", "Gilby", "Holmbrook", "Kirkland", "Lambeth", "Mandeville", "Nisbet", "Priestley", "Ravenscroft",
)  # fmt: skip
BLOCK_KINDS = ("HOUSE", "COURT", "LODGE", "POINT", "TOWER", "MANSIONS")
BUILDING_ABBREVIATIONS = {"HOUSE": "HSE", "COURT": "CT"}
# Royal Mail / common short forms a contractor may type anywhere in the address (the broader error model).
MORE_ABBREVIATIONS = {
    "GROVE": "GRV", "LANE": "LN", "CLOSE": "CL", "PLACE": "PL", "WALK": "WLK", "GARDENS": "GDNS", "TERRACE": "TCE",
    "MANSIONS": "MANS", "TOWER": "TWR", "LODGE": "LDG", "POINT": "PT", "AVENUE": "AVE", "ESTATE": "EST",
}  # fmt: skip
ESTATE_SUFFIX = "ESTATE"

FORENAMES_F = (
    "Abena", "Ada", "Amina", "Ayesha", "Barbara", "Beatrice", "Chidinma", "Dorothy", "Edna", "Elif", "Esther",
    "Fatima", "Gladys", "Grace", "Hannah", "Iris", "Joan", "Joyce", "Kathleen", "Leah", "Lorna", "Margaret",
    "Mary", "Maureen", "Nkechi", "Patricia", "Rachel", "Rivka", "Rose", "Ruth", "Sarah", "Shirley", "Sylvia",
    "Yetunde", "Zoë", "Zeynep", "Chloé", "Siobhán",
)  # fmt: skip
FORENAMES_M = (
    "Abdul", "Ahmet", "Alan", "Albert", "Bernard", "Chaim", "Clifton", "David", "Delroy", "Desmond", "Emmanuel",
    "Errol", "Francis", "George", "Harold", "Ibrahim", "Kwame", "Leonard", "Mehmet", "Michael", "Moshe",
    "Mustafa", "Norman", "Olusegun", "Patrick", "Peter", "Raymond", "Samuel", "Stanley", "Terence", "Winston",
    "Yusuf", "Zoltán", "Seán",
)  # fmt: skip
SURNAMES = (
    "Adebayo", "Ahmed", "Akhtar", "Baker", "Begum", "Brown", "Campbell", "Clarke", "Cohen", "Davies", "Demir",
    "Evans", "Friedman", "Green", "Hall", "Hussain", "Kaya", "Khan", "Klein", "Lewis", "Martin", "Mensah",
    "Miah", "Morris", "Nwosu", "O'Brien", "O'Connor", "Okafor", "Osei", "Patel", "Reid", "Roberts", "Rahman",
    "Scott", "Shah", "Smith", "Taylor", "Thomas", "Turner", "Walker", "White", "Williams", "Wright", "Yilmaz",
    "Yıldız", "Ní Bhriain",
)  # fmt: skip
TITLES = ("Mr", "Mrs", "Ms", "Miss", "Mx", "Dr")

# (trade, description, SOR code, typical value in pounds)
WORKS = (
    ("Plumbing", "Leaking tap in kitchen", "20060020", 45.0),
    ("Plumbing", "Blocked sink", "20060150", 62.5),
    ("Plumbing", "Toilet not flushing", "20060300", 88.0),
    ("Plumbing", "Leak from ceiling", "20060410", 140.0),
    ("Heating", "No heating or hot water", "20110010", 95.0),
    ("Heating", "Boiler pressure keeps dropping", "20110060", 120.0),
    ("Heating", "Radiator not working", "20110120", 75.0),
    ("Electrical", "No power to sockets", "20310010", 110.0),
    ("Electrical", "Light fitting not working", "20310200", 55.0),
    ("Electrical", "Smoke alarm beeping", "20310510", 40.0),
    ("Carpentry", "Front door will not lock", "20410030", 130.0),
    ("Carpentry", "Kitchen cupboard door hanging off", "20410220", 48.0),
    ("Carpentry", "Window will not close", "20410400", 160.0),
    ("Roofing", "Roof leaking into bedroom", "20510010", 380.0),
    ("Plastering", "Damp and mould in bathroom", "20610050", 240.0),
    ("Glazing", "Broken window pane", "20710010", 150.0),
    ("Drainage", "Blocked drain outside", "20810020", 210.0),
    ("Lifts", "Stairlift not working", "20910030", 260.0),
    ("Lifts", "Stairlift annual service", "20910100", 120.0),
    ("Decorating", "Make good after leak", "21010010", 320.0),
)  # fmt: skip
COMMUNAL_WORKS = (
    ("Electrical", "Communal lighting out on stairwell", "20310700", 90.0),
    ("Carpentry", "Communal entrance door not closing", "20410800", 175.0),
    ("Drainage", "Bin chute blocked", "20810300", 140.0),
    ("Lifts", "Passenger lift out of service", "20910500", 450.0),
)
GARAGE_WORKS = (
    ("Carpentry", "Garage door damaged", "20410900", 220.0),
    ("Locksmith", "Garage lock replacement", "20420010", 85.0),
)
OPERATIVES = ("J. Okoro", "D. Flynn", "S. Ahmed", "M. Kowalski", "T. Baptiste", "R. Hughes", "K. Mensah", "L. Ward")
STATUS_NOTES = ("Parts ordered", "No access - carded", "Completed", "Awaiting second visit", "Tenant cancelled")
VULNERABILITY_NOTES = ("Uses walking frame", "Hard of hearing", "Lives alone", "Needs interpreter", "Oxygen at home")
JUNK_SCRIBBLES = ("x", "chased", "see email", "ok", "?", "dup", "N")
