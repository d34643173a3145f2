from pathlib import Path

from kontorhaus.documents.presentation import print_data
from kontorhaus.documents.rendering import render_pdf, template_path

from .factories import invoice_snapshot
from .pdfcheck import page_count, pdfa_conformance, pdfa_part


def test_invoice_is_pdfa_3b():
    # given an issued invoice snapshot
    snapshot = invoice_snapshot(lines=2)
    # when it is rendered
    pdf = render_pdf(snapshot)
    # then it is a one-page PDF/A-3b
    assert pdf.startswith(b"%PDF-")
    assert pdfa_part(pdf) == "3"
    assert pdfa_conformance(pdf) == "B"
    assert page_count(pdf) == 1


def test_rendering_the_same_snapshot_twice_gives_identical_bytes():
    # given a snapshot rendered once
    first = render_pdf(invoice_snapshot(lines=3))
    # when it is rendered again from a fresh copy
    second = render_pdf(invoice_snapshot(lines=3))
    # then the bytes are identical
    assert first == second


def test_sixty_lines_spread_over_several_pages():
    # given an invoice with 60 lines
    snapshot = invoice_snapshot(lines=60)
    # when it is rendered
    pdf = render_pdf(snapshot)
    # then it has more than one page and is still PDF/A
    assert page_count(pdf) > 1
    assert pdfa_part(pdf) == "3"


def test_amounts_and_dates_are_formatted_for_german():
    # given a German invoice
    data = print_data(invoice_snapshot(total_gross="1234.56", language="de"))
    # then amounts and dates follow German conventions
    assert data["grand_total"] == ["Gesamtbetrag", "1.234,56\xa0€"]
    assert ["Rechnungsdatum", "26.11.2026"] in data["meta"]
    assert data["lines"][0]["tax_rate"] == "19\xa0%"
    assert data["title"] == "Rechnung"


def test_amounts_and_dates_are_formatted_for_english():
    # given an English invoice
    data = print_data(invoice_snapshot(total_gross="1234.56", language="en"))
    # then amounts use English conventions and labels
    assert data["grand_total"] == ["Total", "€1,234.56"]
    assert ["Invoice date", "26 Nov 2026"] in data["meta"]
    assert data["labels"]["page"] == "Page"


def test_credit_note_names_the_invoice_it_refers_to():
    # given a credit note snapshot
    data = print_data(invoice_snapshot(kind="credit_note"))
    # then the title and the reference line say so
    assert data["title"] == "Gutschrift"
    assert data["intro"] == "Diese Gutschrift bezieht sich auf die Rechnung RE-2026-000001."
    assert render_pdf(invoice_snapshot(kind="credit_note")).startswith(b"%PDF-")


def test_shop_template_overrides_the_builtin(settings, tmp_path: Path):
    # given a shop template folder with its own invoice.typ
    (tmp_path / "invoice.typ").write_text(
        "#let data = json(bytes(sys.inputs.data))\n#data.title #data.number\n", encoding="utf-8"
    )
    settings.KONTORHAUS = {**settings.KONTORHAUS, "DOCUMENT_TEMPLATE_DIR": str(tmp_path)}
    # when an invoice and a credit note are rendered
    # then the invoice uses the shop's file and the credit note falls back to ours
    assert template_path("invoice") == tmp_path.resolve() / "invoice.typ"
    assert template_path("credit_note").parent.name == "typst"
    assert pdfa_part(render_pdf(invoice_snapshot())) == "3"
