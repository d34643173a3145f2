"""Check digits for identifiers that must look right on documents: GTIN/EAN-13, ISBN-13
(an EAN-13 with prefix 978/979), German VAT ids (ISO 7064 MOD 11,10) and IBANs (MOD 97)."""


def ean13(body: str) -> str:
    """The 13-digit GTIN for 12 digits of body."""
    if len(body) != 12 or not body.isdigit():
        raise ValueError(f"an EAN-13 body has 12 digits, not {body!r}")
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body))
    return body + str((10 - total % 10) % 10)


def ean13_valid(code: str) -> bool:
    return len(code) == 13 and code.isdigit() and ean13(code[:12]) == code


def vat_id_de(body: str) -> str:
    """`DE` + 8 digits + the check digit the Federal Central Tax Office's algorithm gives."""
    if len(body) != 8 or not body.isdigit() or body[0] == "0":
        raise ValueError(f"a German VAT id body has 8 digits not starting with 0, not {body!r}")
    product = 10
    for digit in body:
        total = (int(digit) + product) % 10 or 10
        product = (2 * total) % 11
    check = 11 - product
    return f"DE{body}{0 if check == 10 else check}"


def iban_de(bank_code: str, account: str) -> str:
    """A German IBAN (22 characters) for an 8-digit bank code and an account number."""
    bban = bank_code + account.zfill(10)
    if len(bban) != 18 or not bban.isdigit():
        raise ValueError("a German BBAN has an 8-digit bank code and up to 10 account digits")
    check = 98 - int(bban + "131400") % 97  # D=13, E=14, then "00"
    return f"DE{check:02d}{bban}"


def iban_valid(iban: str) -> bool:
    iban = iban.replace(" ", "").upper()
    if len(iban) < 15 or not iban[:2].isalpha() or not iban[2:].isalnum():
        return False
    digits = "".join(str(int(c, 36)) for c in iban[4:] + iban[:4])
    return int(digits) % 97 == 1
