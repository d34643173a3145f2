"""E-invoices: the EN 16931 XML (CII, XRechnung CII or UBL) of invoices and credit notes."""

from ninja import Router

router = Router()
