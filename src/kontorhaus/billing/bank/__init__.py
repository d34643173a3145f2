"""Bank statements: parsing (camt.053, MT940) and matching credit lines to open invoices."""
