"""The names and places the demo data set is drawn from (shared_code/accounts/demo.py).

Places are real US cities with a ZIP code and area code of theirs; organisations, suppliers and
distributors are invented, so the demo never suggests a real company's contract. Phone numbers use
the 555-01xx range and e-mail addresses `example.org`, both reserved for fiction.
"""

from __future__ import annotations

from typing import NamedTuple


class City(NamedTuple):
    name: str
    state: str
    postal_code: str
    area_code: str
    region: str


CITIES: tuple[City, ...] = (
    City("Omaha", "NE", "68102", "402", "Great Plains"), City("Lincoln", "NE", "68508", "402", "Great Plains"),
    City("Kearney", "NE", "68847", "308", "Great Plains"), City("Des Moines", "IA", "50309", "515", "Great Plains"),
    City("Cedar Rapids", "IA", "52401", "319", "Great Plains"), City("Wichita", "KS", "67202", "316", "Great Plains"),
    City("Topeka", "KS", "66603", "785", "Great Plains"), City("Kansas City", "MO", "64108", "816", "Great Plains"),
    City("St. Louis", "MO", "63110", "314", "Midwest"), City("Springfield", "IL", "62701", "217", "Midwest"),
    City("Chicago", "IL", "60611", "312", "Midwest"), City("Indianapolis", "IN", "46202", "317", "Midwest"),
    City("Columbus", "OH", "43215", "614", "Midwest"), City("Cleveland", "OH", "44106", "216", "Midwest"),
    City("Madison", "WI", "53703", "608", "Midwest"), City("Milwaukee", "WI", "53202", "414", "Midwest"),
    City("Minneapolis", "MN", "55415", "612", "Midwest"), City("Rochester", "MN", "55902", "507", "Midwest"),
    City("Louisville", "KY", "40202", "502", "Southeast"), City("Lexington", "KY", "40536", "859", "Southeast"),
    City("Nashville", "TN", "37203", "615", "Southeast"), City("Knoxville", "TN", "37916", "865", "Southeast"),
    City("Charlotte", "NC", "28203", "704", "Southeast"), City("Raleigh", "NC", "27610", "919", "Southeast"),
    City("Atlanta", "GA", "30303", "404", "Southeast"), City("Savannah", "GA", "31401", "912", "Southeast"),
    City("Tampa", "FL", "33606", "813", "Southeast"), City("Orlando", "FL", "32803", "407", "Southeast"),
    City("Richmond", "VA", "23219", "804", "Mid-Atlantic"), City("Norfolk", "VA", "23507", "757", "Mid-Atlantic"),
    City("Pittsburgh", "PA", "15213", "412", "Mid-Atlantic"), City("Harrisburg", "PA", "17101", "717", "Mid-Atlantic"),
    City("Dallas", "TX", "75246", "214", "South Central"), City("Austin", "TX", "78701", "512", "South Central"),
    City("Houston", "TX", "77030", "713", "South Central"), City("San Antonio", "TX", "78229", "210", "South Central"),
    City("Tulsa", "OK", "74104", "918", "South Central"), City("Oklahoma City", "OK", "73104", "405", "South Central"),
    City("Little Rock", "AR", "72205", "501", "South Central"),
    City("New Orleans", "LA", "70112", "504", "South Central"),
    City("Denver", "CO", "80204", "303", "Mountain West"),
    City("Colorado Springs", "CO", "80903", "719", "Mountain West"),
    City("Salt Lake City", "UT", "84132", "801", "Mountain West"), City("Boise", "ID", "83712", "208", "Mountain West"),
    City("Phoenix", "AZ", "85006", "602", "Southwest"), City("Tucson", "AZ", "85719", "520", "Southwest"),
    City("Albuquerque", "NM", "87102", "505", "Southwest"), City("Sacramento", "CA", "95817", "916", "Pacific"),
    City("Fresno", "CA", "93701", "559", "Pacific"), City("Portland", "OR", "97239", "503", "Pacific"),
    City("Seattle", "WA", "98104", "206", "Pacific"), City("Spokane", "WA", "99204", "509", "Pacific"),
)

# Health systems: (name, the state of its hospitals)
HEALTH_SYSTEMS: tuple[tuple[str, str], ...] = (
    ("Heartland Health", "NE"), ("Prairie Valley Health System", "IA"), ("Sunflower Regional Health", "KS"),
    ("Gateway Health Partners", "MO"), ("Lakeshore Health", "IL"), ("Crossroads Health Network", "IN"),
    ("Buckeye Valley Health", "OH"), ("North Woods Health", "WI"), ("North Star Health", "MN"),
    ("Bluegrass Health System", "KY"), ("Cumberland Health", "TN"), ("Piedmont Care Network", "NC"),
    ("Peach State Health", "GA"), ("Gulf Coast Medical System", "FL"), ("Tidewater Health", "VA"),
    ("Allegheny Valley Health", "PA"), ("Lone Star Health Partners", "TX"), ("Red River Health", "OK"),
    ("Front Range Health", "CO"), ("Cascade Health", "WA"),
)
SAINTS = ("St. Luke's", "St. Mary's", "St. Joseph", "St. Francis", "St. Vincent", "Mercy", "Good Samaritan",
          "Sacred Heart", "St. Elizabeth", "Providence")
HOSPITAL_PATTERNS = ("{system} {city} Medical Center", "{saint} Hospital of {city}", "{city} Regional Hospital",
                     "{system} Children's Hospital", "{saint} Medical Center")
# (account type, name pattern) of the sites under a hospital
SITE_PATTERNS: tuple[tuple[str, str], ...] = (
    ("clinic", "{short} Family Medicine - {place}"), ("clinic", "{short} Urgent Care {city}"),
    ("clinic", "{city} Orthopedic Clinic"), ("clinic", "{short} Cancer Center"),
    ("physician_practice", "{last} & {last2} Pediatrics"), ("physician_practice", "{city} Cardiology Associates"),
    ("physician_practice", "{last} Internal Medicine"), ("pharmacy", "{short} Outpatient Pharmacy"),
    ("pharmacy", "{short} Specialty Pharmacy"), ("long_term_care", "{place} Care Center"),
    ("long_term_care", "{saint} Senior Living"),
)
INDEPENDENT_PATTERNS: tuple[tuple[str, str], ...] = (
    ("pharmacy", "{street} Pharmacy"), ("pharmacy", "{last} Family Drug"), ("pharmacy", "{city} Apothecary"),
    ("clinic", "{city} Community Health Clinic"), ("physician_practice", "{last} Family Practice"),
    ("long_term_care", "{place} Nursing and Rehabilitation"),
)
# Streets; the first word also names places ("Hillcrest Care Center")
STREETS = ("Main Street", "Oak Avenue", "Maple Street", "Elm Street", "Park Avenue", "Lincoln Way",
           "Washington Street", "Cedar Lane", "Lakeview Drive", "Hillcrest Road", "Riverside Drive", "Pine Street",
           "Walnut Street", "Grand Avenue", "Highland Avenue", "Meadowbrook Lane", "Fairview Road", "Willow Street")
FIRST_NAMES = ("James", "Mary", "Robert", "Patricia", "Michael", "Jennifer", "David", "Linda", "William", "Susan",
               "Maria", "Carlos", "Aisha", "Wei", "Priya", "Daniel", "Emily", "Kevin", "Rachel", "Andre", "Grace",
               "Samuel", "Olivia", "Nathan", "Hannah", "Luis", "Fatima", "Thomas", "Megan", "Jorge")
LAST_NAMES = ("Anderson", "Baker", "Carter", "Diaz", "Evans", "Foster", "Garcia", "Hughes", "Iverson", "Johnson",
              "Kim", "Lopez", "Martin", "Nguyen", "Olsen", "Patel", "Quinn", "Reyes", "Schmidt", "Thompson",
              "Underwood", "Vasquez", "Walker", "Young", "Zimmerman", "Brooks", "Chen", "Murphy", "Okafor", "Novak")
CONTACT_TITLES = ("Director of Materials Management", "Purchasing Manager", "Pharmacy Director",
                  "Supply Chain Manager", "Contract Analyst", "Practice Manager")

# Contract categories: (code, name, description, account types its contracts are offered to)
CATEGORIES: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    ("PHARM", "Pharmacy", "Drugs, IV solutions and pharmacy supplies", ("hospital", "pharmacy", "long_term_care")),
    ("MEDSURG", "Medical/Surgical Supplies", "Gloves, wound care, drapes and everyday supplies",
     ("hospital", "clinic", "physician_practice", "long_term_care")),
    ("LAB", "Laboratory", "Analyzers, reagents and point-of-care testing", ("hospital", "clinic")),
    ("IMAGING", "Imaging", "Imaging equipment, service and contrast media", ("hospital",)),
    ("NUTR", "Nutrition", "Enteral and oral nutrition", ("hospital", "long_term_care")),
    ("FOOD", "Food Service", "Food distribution and dietary supplies", ("hospital", "long_term_care")),
    ("CARDIO", "Cardiology", "Cardiac devices and catheter lab supplies", ("hospital", "physician_practice")),
    ("ORTHO", "Orthopedics", "Joint implants, trauma and spine", ("hospital", "clinic")),
)
# Contracts: (category code, name, supplier, tier or None, with a letter of commitment)
CONTRACTS: tuple[tuple[str, str, str, str | None, bool], ...] = (
    ("PHARM", "IV Solutions and Large Volume Parenterals", "Northfield Pharmaceuticals", "Tier 2", True),
    ("PHARM", "Generic Injectables", "Clearbrook Generics", "Tier 1", False),
    ("PHARM", "Oncology Biosimilars", "Meridian Biologics", "Tier 3", True),
    ("PHARM", "Pharmacy Automation", "Apex Dispensing Systems", None, False),
    ("MEDSURG", "Exam and Surgical Gloves", "Clearwater Medical Supply", "Tier 1", False),
    ("MEDSURG", "Advanced Wound Care", "Harbor Wound Solutions", "Tier 2", True),
    ("MEDSURG", "Surgical Drapes and Gowns", "Clearwater Medical Supply", None, False),
    ("MEDSURG", "Incontinence Products", "Comfort Care Products", "Tier 1", False),
    ("MEDSURG", "Sharps Safety Products", "SafeGuard Medical", None, False),
    ("LAB", "Chemistry Analyzers and Reagents", "Meridian Diagnostics", "Tier 2", True),
    ("LAB", "Point-of-Care Glucose Testing", "Vantage Diagnostics", "Tier 1", False),
    ("LAB", "Blood Culture Systems", "Meridian Diagnostics", None, False),
    ("IMAGING", "CT and MRI Service Agreements", "Apex Imaging Systems", None, True),
    ("IMAGING", "Contrast Media", "Lumen Imaging Agents", "Tier 1", False),
    ("IMAGING", "Ultrasound Systems", "Apex Imaging Systems", "Tier 2", False),
    ("NUTR", "Enteral Nutrition", "Harvest Nutrition", "Tier 1", False),
    ("NUTR", "Oral Supplements", "Harvest Nutrition", None, False),
    ("FOOD", "Food Service Distribution", "Keystone Foodservice", "Tier 2", True),
    ("FOOD", "Dietary Disposables", "Keystone Foodservice", None, False),
    ("CARDIO", "Cardiac Rhythm Management", "Cardiant Devices", "Tier 3", True),
    ("CARDIO", "Coronary Stents", "Cardiant Devices", "Tier 2", True),
    ("CARDIO", "Cath Lab Supplies", "Pulse Medical", None, False),
    ("ORTHO", "Total Joint Implants", "Granite Orthopedics", "Tier 2", True),
    ("ORTHO", "Trauma Plates and Screws", "Granite Orthopedics", "Tier 1", False),
    ("ORTHO", "Spine Systems", "Keel Spine Technologies", "Tier 3", True),
)
# Distributors: (code, name, regions served)
DISTRIBUTORS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("CMD", "Continental Medical Distribution", ("Great Plains", "Midwest", "Southeast", "South Central", "Pacific",
                                                 "Mountain West", "Southwest", "Mid-Atlantic")),
    ("PHS", "Pinnacle Healthcare Supply", ("Midwest", "Mid-Atlantic", "Southeast", "Great Plains")),
    ("HDD", "Heartland Drug Distributors", ("Great Plains", "Midwest")),
    ("CML", "Coastal Medical Logistics", ("Southeast", "Mid-Atlantic")),
    ("SPW", "Summit Pharma Wholesale", ("Mountain West", "Southwest", "Pacific", "South Central")),
    ("GLS", "Great Lakes Surgical Supply", ("Midwest",)),
    ("LSM", "Lone Star Medical Supply", ("South Central", "Southwest")),
    ("PNW", "Evergreen Health Distribution", ("Pacific", "Mountain West")),
    ("DXS", "Dixie Surgical", ("Southeast", "South Central")),
    ("KMS", "Keystone Medical Source", ("Mid-Atlantic",)),
    ("RMH", "Rocky Mountain Healthcare Supply", ("Mountain West", "Great Plains")),
    ("NSD", "National Specialty Distribution", ("Great Plains", "Midwest", "Southeast", "South Central", "Pacific",
                                                "Mountain West", "Southwest", "Mid-Atlantic")),
)
