"""The demo seller: a plausible Hamburg GmbH. Its VAT id and IBAN pass their check digits;
the IBAN is the well-known German test IBAN, the phone number is from the Bundesnetzagentur's
range for fiction, the e-mail address at a reserved domain."""

from .checkdigits import iban_de, vat_id_de

DEMO_COMPANY = {
    "name": "Elbkontor Handelsgesellschaft mbH",
    "street": "Sandtorkai 42",
    "postal_code": "20457",
    "city": "Hamburg",
    "country": "DE",
    "vat_id": vat_id_de("27482619"),
    "tax_number": "48/735/01234",
    "email": "service@example.com",
    "phone": "+49 40 66969 100",
    "iban": iban_de("37040044", "0532013000"),
    "bic": "COBADEFFXXX",
    "bank_name": "Commerzbank (Test-IBAN)",
    "register": "Amtsgericht Hamburg HRB 187423",
    "register_court": "Amtsgericht Hamburg",
    "register_number": "HRB 187423",
    "contact_name": "Kundenservice",
    "managing_directors": "Friederike Brandt, Hauke Petersen",
}
