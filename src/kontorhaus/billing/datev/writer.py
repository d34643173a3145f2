"""The DATEV-Format file itself: Buchungsstapel, EXTF version 700, data category 21, format
version 13 (125 columns). Pure: bookings in, bytes out; no database, no settings, no clock.

Layout (DATEV's sample in /work/shared/fixtures/05-datev, notes in its SPEC file):
line 1 the header (Vorlaufsatz, 31 fields), line 2 the column titles, then one booking per line.
Windows-1252, CRLF, ';' between fields, text in '"' (inner quotes doubled), numbers and dates
unquoted, a decimal comma, amounts always positive (the direction is the S/H column). An empty
text field is written "" and an empty number field as nothing, position by position as DATEV's
own sample does.
"""

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from kontorhaus.core.exceptions import InvalidInput
from kontorhaus.core.money import has_at_most_places

ENCODING = "cp1252"
NEWLINE = "\r\n"
FORMAT_VERSION = 13

COLUMNS: tuple[str, ...] = (
    "Umsatz (ohne Soll/Haben-Kz)", "Soll/Haben-Kennzeichen", "WKZ Umsatz", "Kurs", "Basis-Umsatz",
    "WKZ Basis-Umsatz", "Konto", "Gegenkonto (ohne BU-Schlüssel)", "BU-Schlüssel", "Belegdatum", "Belegfeld 1",
    "Belegfeld 2", "Skonto", "Buchungstext", "Postensperre", "Diverse Adressnummer", "Geschäftspartnerbank",
    "Sachverhalt", "Zinssperre", "Beleglink",
    *(f"Beleginfo - {kind} {n}" for n in range(1, 9) for kind in ("Art", "Inhalt")),
    "KOST1 - Kostenstelle", "KOST2 - Kostenstelle", "Kost-Menge", "EU-Land u. UStID (Bestimmung)",
    "EU-Steuersatz (Bestimmung)", "Abw. Versteuerungsart", "Sachverhalt L+L", "Funktionsergänzung L+L",
    "BU 49 Hauptfunktionstyp", "BU 49 Hauptfunktionsnummer", "BU 49 Funktionsergänzung",
    # DATEV's own spelling: "Zusatzinformation - Art n" but "Zusatzinformation- Inhalt n".
    *(title for n in range(1, 21) for title in (f"Zusatzinformation - Art {n}", f"Zusatzinformation- Inhalt {n}")),
    "Stück", "Gewicht", "Zahlweise", "Forderungsart", "Veranlagungsjahr", "Zugeordnete Fälligkeit", "Skontotyp",
    "Auftragsnummer", "Buchungstyp", "USt-Schlüssel (Anzahlungen)", "EU-Land (Anzahlungen)",
    "Sachverhalt L+L (Anzahlungen)", "EU-Steuersatz (Anzahlungen)", "Erlöskonto (Anzahlungen)", "Herkunft-Kz",
    "Buchungs GUID", "KOST-Datum", "SEPA-Mandatsreferenz", "Skontosperre", "Gesellschaftername",
    "Beteiligtennummer", "Identifikationsnummer", "Zeichnernummer", "Postensperre bis",
    "Bezeichnung SoBil-Sachverhalt", "Kennzeichen SoBil-Buchung", "Festschreibung", "Leistungsdatum",
    "Datum Zuord. Steuerperiode", "Fälligkeit", "Generalumkehr (GU)", "Steuersatz", "Land", "Abrechnungsreferenz",
    "BVV-Position", "EU-Land u. UStID (Ursprung)", "EU-Steuersatz (Ursprung)", "Abw. Skontokonto",
)
# 1-based positions of the text columns (quoted even when empty), as in DATEV's sample rows.
TEXT_COLUMNS = frozenset({2, 3, 6, 9, 11, 12, 14, 16, 19, *range(20, 39), 40, 42, *range(48, 88), 91, 95, 96, 98,
                          102, 103, 105, 107, 108, 109, 110, 112, 118, 120, 121, 123})
COL = {name: position for position, name in enumerate(COLUMNS, start=1)}

# Belegfeld 1 is DATEV's open-item key: only these characters, at most 36 of them.
_BELEGFELD = re.compile(r"[^A-Za-z0-9$&%*+\-/]")
# What NFKD cannot take apart but a reader still recognises (cp1252 has Š, Ž, Œ, but no Ł).
_TRANSLITERATE = str.maketrans({"Ł": "L", "ł": "l", "Đ": "D", "đ": "d", "Ħ": "H", "ħ": "h", "ı": "i",
                                "Ŀ": "L", "ŀ": "l"})


@dataclass(frozen=True)
class Header:
    created_at: dt.datetime  # "Erzeugt am", local time
    exported_by: str
    consultant: int  # Beraternummer
    client: int  # Mandantennummer
    fiscal_year_start: dt.date
    account_length: int
    date_from: dt.date
    date_to: dt.date
    label: str  # Bezeichnung of the batch
    chart: str  # "03" or "04"
    lock: bool = False
    currency: str = "EUR"


@dataclass(frozen=True)
class Booking:
    amount: Decimal  # > 0, in `currency`
    debit_credit: str  # "S" or "H", seen from `account`
    account: str  # Konto: the debtor
    contra_account: str  # Gegenkonto: the revenue account
    document_date: dt.date
    document_number: str  # Belegfeld 1
    text: str  # Buchungstext
    currency: str = "EUR"
    bu_key: str = ""
    eu_id: str = ""  # EU-Land u. UStID (Bestimmung): country code (OSS) or the buyer's VAT id
    eu_rate: Decimal | None = None  # EU-Steuersatz (Bestimmung)
    origin_id: str = ""  # EU-Land u. UStID (Ursprung): the seller's VAT id (OSS)
    service_date: dt.date | None = None  # Leistungsdatum


def cp1252_text(value: str, limit: int) -> str:
    """Text as DATEV can hold it: no control characters, what Windows-1252 lacks transliterated
    (Ł -> L, ő -> o); what cannot be transliterated is left out, never replaced by '?'."""
    out = []
    for char in " ".join(str(value or "").split()).translate(_TRANSLITERATE):
        if _encodable(char):
            out.append(char)
        else:
            out.extend(c for c in unicodedata.normalize("NFKD", char) if c.isascii() and c.isprintable())
    return " ".join("".join(out).split())[:limit]


def _encodable(char: str) -> bool:
    try:
        char.encode(ENCODING)
    except UnicodeEncodeError:
        return False
    return char.isprintable()


def belegfeld(value: str) -> str:
    return _BELEGFELD.sub("", value)[:36]


def amount_text(amount: Decimal) -> str:
    """12,2 with a decimal comma, no thousands separator, never negative or zero."""
    if amount <= 0 or not has_at_most_places(amount, 2):
        raise InvalidInput(f"DATEV amounts are positive with at most 2 decimals, not {amount}")
    return f"{amount:.2f}".replace(".", ",")


def rate_text(rate: Decimal) -> str:
    return f"{rate:.2f}".replace(".", ",")


def _quote(value: str) -> str:
    return '"' + value.replace('"', '""') + '"'


def _line(fields: Sequence[tuple[str, bool]]) -> str:
    """(value, is_text) pairs: text quoted (also when empty), numbers and dates bare."""
    return ";".join(_quote(value) if is_text else value for value, is_text in fields)


def header_line(header: Header) -> str:
    t, n = True, False
    fields = [
        ("EXTF", t), ("700", n), ("21", n), ("Buchungsstapel", t), (str(FORMAT_VERSION), n),
        (f"{header.created_at:%Y%m%d%H%M%S}{header.created_at.microsecond // 1000:03d}", n),
        ("", n),  # Importiert: set by DATEV
        ("RE", t), (cp1252_text(header.exported_by, 25), t), ("", t),
        (str(header.consultant), n), (str(header.client), n), (f"{header.fiscal_year_start:%Y%m%d}", n),
        (str(header.account_length), n), (f"{header.date_from:%Y%m%d}", n), (f"{header.date_to:%Y%m%d}", n),
        (cp1252_text(header.label, 30), t), ("", t),  # Diktatkürzel
        ("1", n), ("0", n), ("1" if header.lock else "0", n),  # Finanzbuchführung, Zweck, Festschreibung
        (header.currency, t), ("", n), ("", t), ("", n), ("", n), (header.chart, t),
        ("", n), ("", n), ("", t), ("", t),
    ]
    return _line(fields)


def booking_fields(booking: Booking) -> list[str]:
    """The 125 values of one booking line, unquoted (position i is column i + 1)."""
    values = [""] * len(COLUMNS)

    def put(column: str, value: str) -> None:
        values[COL[column] - 1] = value

    if booking.debit_credit not in ("S", "H"):
        raise InvalidInput(f"Soll/Haben-Kennzeichen must be S or H, not {booking.debit_credit!r}")
    put("Umsatz (ohne Soll/Haben-Kz)", amount_text(booking.amount))
    put("Soll/Haben-Kennzeichen", booking.debit_credit)
    put("WKZ Umsatz", booking.currency)
    put("Konto", booking.account)
    put("Gegenkonto (ohne BU-Schlüssel)", booking.contra_account)
    put("BU-Schlüssel", booking.bu_key)
    put("Belegdatum", f"{booking.document_date:%d%m}")
    put("Belegfeld 1", belegfeld(booking.document_number))
    put("Buchungstext", cp1252_text(booking.text, 60))
    put("EU-Land u. UStID (Bestimmung)", booking.eu_id)
    put("EU-Steuersatz (Bestimmung)", rate_text(booking.eu_rate) if booking.eu_rate is not None else "")
    put("Leistungsdatum", f"{booking.service_date:%d%m%Y}" if booking.service_date else "")
    put("EU-Land u. UStID (Ursprung)", booking.origin_id)
    return values


def booking_line(booking: Booking) -> str:
    return _line([(value, position in TEXT_COLUMNS)
                  for position, value in enumerate(booking_fields(booking), start=1)])


def buchungsstapel(header: Header, bookings: Iterable[Booking]) -> bytes:
    lines = [header_line(header), ";".join(COLUMNS), *(booking_line(b) for b in bookings)]
    return (NEWLINE.join(lines) + NEWLINE).encode(ENCODING)
