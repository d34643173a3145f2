"""Finding our document numbers in a bank line's free text, and comparing names.

Customers type references as they like: "RE-2026-000123", "re 2026 123", "RE2026000123",
"Rechnung 2026-000123", "AU-2026-00O123" (letter O for zero), or with one digit wrong or
missing. A reference is reduced to a digits-only key, year plus a six-digit sequence
("2026000123"), so spacing, dashes, case and leading zeros no longer matter. One typo is
found by generating the typed number's edit-distance-1 neighbourhood over the ten digits
(about a hundred keys) and looking each up in a dict of the open numbers: constant work per
reference however many invoices are open, and no second index in memory.
"""

import re
import unicodedata
from dataclasses import dataclass

INVOICE, ORDER = "RE", "AU"
SEQ_DIGITS = 6
DIGITS = "0123456789"

_PREFIXES = {
    INVOICE: ("RECHNUNGSNUMMER", "RECHNUNGSNR", "RECHNUNG", "RECHN", "RGNR", "RG", "RE", "INVOICE", "INV"),
    ORDER: ("AUFTRAGSNUMMER", "AUFTRAGSNR", "AUFTRAG", "AU", "BESTELLNUMMER", "BESTELLNR", "BESTELLUNG", "ORDER"),
}
_KIND_OF = {word: kind for kind, words in _PREFIXES.items() for word in words}
_PREFIX = "|".join(sorted(_KIND_OF, key=len, reverse=True))
_REFERENCE = re.compile(
    rf"(?<![A-Z0-9])(?:(?P<prefix>{_PREFIX})[\s.:#/_-]*(?:NR|NO|NUMMER)?[\s.:#/_-]*)?"
    r"(?P<year>2[0O][0-9O]{2})[\s./_-]{0,3}(?P<seq>[0-9O]{0,6}[0-9])(?![0-9])"
)
_NUMBER = re.compile(r"^(?P<prefix>[A-Z]+)-(?P<year>\d{4})-(?P<seq>\d+)$")
_STRONG_SEQ = 5  # without a prefix, a reference needs at least this many sequence digits


@dataclass(frozen=True)
class Reference:
    kind: str  # INVOICE, ORDER, or "" when the text does not say
    year: str
    seq: str  # as typed, letter O read as zero

    @property
    def key(self) -> str | None:
        return self.year + self.seq.zfill(SEQ_DIGITS) if len(self.seq) <= SEQ_DIGITS else None

    @property
    def label(self) -> str:
        return f"{self.kind or '?'}-{self.year}-{self.seq}"


def number_key(number: str) -> tuple[str, str] | None:
    """("RE", "2026000123") for "RE-2026-000123"; None for a number of another shape."""
    found = _NUMBER.match(number)
    if found is None or len(found["seq"]) > SEQ_DIGITS:
        return None
    return found["prefix"], found["year"] + found["seq"].zfill(SEQ_DIGITS)


def references_in(text: str) -> list[Reference]:
    """The document numbers in a remittance text, in order, each once. Numbers without a
    prefix count only when they look like ours (year and at least five sequence digits), so
    dates and amounts are not read as references."""
    found: list[Reference] = []
    for hit in _REFERENCE.finditer(text.upper()):
        prefix, seq = hit["prefix"], hit["seq"].replace("O", "0")
        if prefix is None and len(seq) < _STRONG_SEQ:
            continue
        ref = Reference(kind=_KIND_OF.get(prefix or "", ""), year=hit["year"].replace("O", "0"), seq=seq)
        if ref not in found:
            found.append(ref)
    return found


def neighbour_keys(ref: Reference) -> set[str]:
    """Keys one wrong, missing or extra digit away from the typed reference (not the key itself)."""
    seqs = set()
    seq = ref.seq
    for i in range(len(seq) + 1):
        if i < len(seq):
            seqs.add(seq[:i] + seq[i + 1:])  # an extra digit was typed
            seqs.update(seq[:i] + d + seq[i + 1:] for d in DIGITS)  # a wrong digit
        seqs.update(seq[:i] + d + seq[i:] for d in DIGITS)  # a digit is missing
    keys = {ref.year + s.zfill(SEQ_DIGITS) for s in seqs if s and len(s) <= SEQ_DIGITS}
    if ref.key is not None:
        year, rest = ref.year, ref.key[4:]
        for i in range(4):
            keys.update(year[:i] + d + year[i + 1:] + rest for d in DIGITS)  # a wrong digit in the year
        keys.discard(ref.key)
    return keys


# --- names ----------------------------------------------------------------------------------

_NOISE = frozenset({
    "gmbh", "mbh", "ag", "kg", "ug", "ohg", "gbr", "ek", "ev", "co", "und", "se", "ltd", "inc", "sarl",
    "herr", "herrn", "frau", "dr", "prof", "familie", "fam",
})
_TRANSLIT = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


def name_tokens(name: str) -> frozenset[str]:
    """Lower-case words of a name, umlauts spelt out, accents, legal forms and titles dropped:
    "MUSTERMANN, ERIKA" and "Erika Mustermann" give the same tokens."""
    text = unicodedata.normalize("NFKD", name.casefold().translate(_TRANSLIT))
    text = "".join(c for c in text if not unicodedata.combining(c))
    words = re.findall(r"[a-z0-9]+", text)
    return frozenset(w for w in words if len(w) > 1 and w not in _NOISE)


def names_similar(payer: str, names: tuple[str, ...]) -> bool:
    """At least half of the shorter name's words appear in the other (token overlap)."""
    mine = name_tokens(payer)
    if not mine:
        return False
    for name in names:
        theirs = name_tokens(name)
        if theirs and 2 * len(mine & theirs) >= min(len(mine), len(theirs)):
            return True
    return False
