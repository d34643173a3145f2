"""E-invoices: the EN 16931 XML of invoices and credit notes (`?format=cii|xrechnung-cii|xrechnung-ubl`)."""

from django.urls import path

from . import views_einvoice

urlpatterns: list = [
    path("invoices/<str:number>.xml", views_einvoice.invoice_xml, name="invoice_xml"),
    path("credit-notes/<str:number>.xml", views_einvoice.credit_note_xml, name="credit_note_xml"),
]
