"""DATEV export: the Buchungsstapel (EXTF 700) of the invoices and credit notes of a period."""
