"""Demo customers: German, Austrian and Swiss-sounding names at German addresses (the VAT
rules of this slice know German supplies only), e-mail addresses at example.com (reserved,
RFC 2606) and phone numbers from the ranges the Bundesnetzagentur keeps free for fiction."""

import random
from dataclasses import dataclass, replace

from stdnum.at import uid

from .checkdigits import vat_id_de

FIRST_NAMES = (
    "Anna", "Lena", "Lukas", "Jonas", "Felix", "Leonie", "Marie", "Sophie", "Paul", "Maximilian", "Elias",
    "Johanna", "Katharina", "Florian", "Tobias", "Sebastian", "Julia", "Laura", "Niklas", "Moritz", "Hannah",
    "Emma", "Mia", "Finn", "Greta", "Ida", "Theresa", "Valentina", "Reto", "Urs", "Seraina", "Ursina", "Gian",
    "Matthias", "Stefan", "Birgit", "Gabriele", "Monika", "Ingrid", "Jürgen", "Uwe", "Dieter", "Heike",
    "Sabine", "Thomas", "Michael", "Andreas", "Wolfgang", "Ursula", "Renate", "Klaus", "Jörg", "Björn",
    "Frauke", "Hauke", "Merle", "Ole", "Wiebke", "Sören", "Anneliese",
)
LAST_NAMES = (
    "Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz", "Hoffmann",
    "Schäfer", "Koch", "Bauer", "Richter", "Klein", "Wolf", "Schröder", "Neumann", "Schwarz", "Zimmermann",
    "Braun", "Krüger", "Hartmann", "Lange", "Werner", "Krause", "Lehmann", "Petersen", "Hansen", "Jensen",
    "Huber", "Gruber", "Pichler", "Steiner", "Moser", "Mayr", "Egger", "Brunner", "Keller", "Baumann",
    "Frei", "Gerber", "Widmer", "Ammann", "Feddersen", "Ströbele", "Oßwald", "Kühne", "Vogt", "Brandt",
)
# (postal code, city): real pairs.
CITIES = (
    ("20095", "Hamburg"), ("22765", "Hamburg"), ("22301", "Hamburg"), ("10115", "Berlin"), ("10999", "Berlin"),
    ("12043", "Berlin"), ("80331", "München"), ("81667", "München"), ("50667", "Köln"), ("60311", "Frankfurt am Main"),
    ("70173", "Stuttgart"), ("40213", "Düsseldorf"), ("04109", "Leipzig"), ("01067", "Dresden"),
    ("30159", "Hannover"), ("28195", "Bremen"), ("90402", "Nürnberg"), ("24103", "Kiel"), ("23552", "Lübeck"),
    ("48143", "Münster"), ("79098", "Freiburg im Breisgau"), ("18055", "Rostock"), ("69117", "Heidelberg"),
    ("53111", "Bonn"), ("86150", "Augsburg"), ("37073", "Göttingen"), ("24937", "Flensburg"),
    ("93047", "Regensburg"), ("99084", "Erfurt"), ("14467", "Potsdam"), ("25980", "Sylt"), ("26506", "Norden"),
)
STREETS = (
    "Hauptstraße", "Bahnhofstraße", "Gartenweg", "Schillerstraße", "Goethestraße", "Lindenallee", "Am Markt",
    "Kirchgasse", "Mühlenweg", "Birkenweg", "Rosenstraße", "Bergstraße", "Ringstraße", "Friedrichstraße",
    "Kastanienallee", "Am Hafen", "Dorfstraße", "Waldweg", "Feldstraße", "Sonnenweg", "Deichstraße",
    "Elbchaussee", "Königstraße", "Uhlandstraße", "Am Stadtpark",
)
COMPANY_PATTERNS = (
    "{last} Bürobedarf GmbH", "Café {last}", "Buchhandlung {last} e. K.", "Rösterei {city} GmbH",
    "{last} IT-Service UG (haftungsbeschränkt)", "Hotel {last} KG", "{last} & {other} Architekten PartG mbB",
    "Praxis Dr. {last}", "{last} Werbeagentur GmbH", "Kanzlei {last} & {other}",
)
# Rufnummern für Film, Funk und Fernsehen (Bundesnetzagentur): never assigned to anyone.
PHONE_RANGES = ("+49 30 23125", "+49 40 66969", "+49 69 90009", "+49 89 99998")

_ASCII = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"})


@dataclass(frozen=True)
class DemoCustomer:
    email: str
    name: str
    company: str
    vat_id: str
    phone: str
    address: dict  # name, company, street, postal_code, city, country
    einvoice_format: str = ""  # public-sector customers want XRechnung
    buyer_reference: str = ""  # their Leitweg-ID

    @property
    def is_business(self) -> bool:
        return bool(self.company)


def _email_local(text: str) -> str:
    return "".join(c for c in text.translate(_ASCII).lower() if c.isalnum() or c in ".-")


def _street(rng: random.Random) -> str:
    number = str(rng.randint(1, 140))
    if rng.random() < 0.1:
        number += rng.choice("abc")
    return f"{rng.choice(STREETS)} {number}"


def demo_customer(rng: random.Random, taken: set[str], *, business: bool) -> DemoCustomer:
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    name = f"{first} {last}"
    postal_code, city = rng.choice(CITIES)
    company = vat_id = ""
    if business:
        company = rng.choice(COMPANY_PATTERNS).format(last=last, other=rng.choice(LAST_NAMES), city=city)
        vat_id = vat_id_de(str(rng.randint(10_000_000, 99_999_999))) if rng.random() < 0.8 else ""
        local = f"einkauf.{_email_local(company.split()[0])}"
    else:
        local = rng.choice((f"{first}.{last}", f"{first[0]}.{last}", f"{first}{last}", f"{last}.{first}"))
        local = _email_local(local)
    email, n = f"{local}@example.com", 1
    while email in taken:
        n += 1
        email = f"{local}{n}@example.com"
    taken.add(email)
    phone = f"{rng.choice(PHONE_RANGES)} {rng.randint(0, 999):03d}" if business or rng.random() < 0.3 else ""
    address = {"name": name, "company": company, "street": _street(rng), "postal_code": postal_code,
               "city": city, "country": "DE"}
    return DemoCustomer(email=email, name=name, company=company, vat_id=vat_id, phone=phone, address=address)


def demo_shipping_address(rng: random.Random, customer: DemoCustomer) -> dict:
    """A different delivery address: a neighbour, the office, or a parcel locker."""
    postal_code, city = customer.address["postal_code"], customer.address["city"]
    if rng.random() < 0.4:
        # The address has no field for DHL's Postnummer; shops put it in the company line.
        return {"name": customer.name, "company": f"Postnummer {rng.randint(10_000_000, 99_999_999)}",
                "street": f"Packstation {rng.randint(101, 299)}", "postal_code": postal_code, "city": city,
                "country": "DE"}
    return {"name": f"{rng.choice(FIRST_NAMES)} {customer.name.split()[-1]}", "company": "",
            "street": _street(rng), "postal_code": postal_code, "city": city, "country": "DE"}


# Customers abroad show the VAT cases: consumers in the EU (OSS, destination rates), Austrian
# businesses with a VAT id (intra-community supply), Switzerland (export).
ABROAD = (
    ("AT", "1070", "Wien", "Neubaugasse"), ("FR", "75011", "Paris", "Rue de la Roquette"),
    ("NL", "1012 AB", "Amsterdam", "Damrak"), ("AT", "8010", "Graz", "Herrengasse"),
    ("CH", "8001", "Zürich", "Bahnhofstrasse"), ("IT", "20121", "Milano", "Via Brera"),
)


def demo_abroad(customer: DemoCustomer, index: int) -> DemoCustomer:
    """The same customer living abroad (no random draws: the rest of the demo stays as it was)."""
    country, postal_code, city, street = ABROAD[index % len(ABROAD)]
    vat_id, company = "", customer.company
    if index % len(ABROAD) == 0 and not company:  # the Viennese ones buy for their business
        company = f"{customer.name.split()[-1]} Handels GmbH"
    if company and country == "AT":
        body = f"{1_000_000 + index * 7919 % 8_999_999:07d}"
        vat_id = f"ATU{body}{uid.calc_check_digit('U' + body)}"
    address = {**customer.address, "company": company, "street": f"{street} {index % 90 + 1}",
               "postal_code": postal_code, "city": city, "country": country}
    return replace(customer, company=company, vat_id=vat_id, address=address)


def demo_public_sector(customer: DemoCustomer, index: int) -> DemoCustomer:
    """A town's office that orders on account and must receive an XRechnung (Leitweg-ID)."""
    city = customer.address["city"]
    company = f"Stadt {city}, Bürgeramt"
    return replace(customer, company=company, vat_id="", address={**customer.address, "company": company},
                   einvoice_format="xrechnung_cii" if index % 2 else "xrechnung_ubl",
                   buyer_reference=f"0{2 + index % 7}000000-{10000 + index:05d}-{index % 90 + 10:02d}")
