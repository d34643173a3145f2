"""EN 16931 e-invoices of invoices and credit notes, made from their issued snapshot only:
UN/CEFACT CII (Factur-X, embedded in every PDF; XRechnung CII) and UBL 2.1 (XRechnung UBL),
checked before anything is stored or sent (checks.py)."""
