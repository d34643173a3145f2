import io

import pikepdf
import pytest

from kontorhaus.core.audit import Actor
from kontorhaus.core.services import company_profile_update
from kontorhaus.core.tests.images import SVG, png
from kontorhaus.core.tests.test_company_profile import VALID
from kontorhaus.documents import branding as branding_module
from kontorhaus.documents import rendering
from kontorhaus.documents.branding import Branding, branding, branding_of, logo_renders
from kontorhaus.documents.presentation import print_data
from kontorhaus.documents.rendering import render_pdf
from kontorhaus.sales.tests.factories import make_article, place_order

from .factories import invoice_snapshot
from .pdfcheck import pdfa_part
from .pdftext import pdf_text

ACCENT = "#aa3300"
INTRA = "Steuerfreie innergemeinschaftliche Lieferung gemäß § 4 Nr. 1 Buchst. b i. V. m. § 6a UStG."


def _images(pdf: bytes) -> list[tuple[int, int]]:
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        return [(int(o.Width), int(o.Height)) for o in doc.objects
                if isinstance(o, pikepdf.Stream) and o.get("/Subtype") == "/Image"]


def _fill_colours(pdf: bytes) -> set[tuple[str, ...]]:
    with pikepdf.open(io.BytesIO(pdf)) as doc:
        return {tuple(str(x) for x in operands) for operands, op in pikepdf.parse_content_stream(doc.pages[0])
                if str(op) in {"scn", "SCN", "rg", "RG"}}


@pytest.fixture(autouse=True)
def _fresh_cache():
    branding_module.cache_clear()
    yield
    branding_module.cache_clear()


def test_a_logo_is_embedded_as_an_image_and_the_accent_colour_is_used():
    # given a PNG logo of 60 × 20 pixels and an accent colour
    brand = Branding(logo=png(), content_type="image/png", accent_colour=ACCENT)
    # when an invoice is rendered with and without it
    plain = render_pdf(invoice_snapshot())
    branded = render_pdf(invoice_snapshot(), branding=brand)
    # then only the branded PDF has the image and the colour (0xaa/255, 0x33/255, 0), still PDF/A
    assert _images(branded) == [(60, 20)]
    assert _images(plain) == []
    assert ("0.6666667", "0.2", "0") in _fill_colours(branded)
    assert ("0.6666667", "0.2", "0") not in _fill_colours(plain)
    assert pdfa_part(branded) == "3"


def test_an_svg_logo_renders_as_vector_graphics():
    pdf = render_pdf(invoice_snapshot(), branding=Branding(logo=SVG, content_type="image/svg+xml",
                                                           accent_colour=ACCENT))
    assert ("0", "0.6666667", "0.46666667") in _fill_colours(pdf)  # #0a7, the SVG's own fill


def test_logo_renders_refuses_what_typst_cannot_decode():
    assert logo_renders(png(), "image/png")
    broken = bytearray(png())
    broken[45:55] = b"\x00" * 10  # inside the image data, CRCs aside
    assert not logo_renders(bytes(broken), "image/png")


@pytest.mark.django_db
def test_branding_reads_the_profile_and_the_blob_only_when_the_logo_changed(django_assert_num_queries):
    # given a profile with a logo
    company_profile_update(changes={**VALID, "logo": png()}, actor=Actor("user", "anna"))
    # when branding is asked for twice
    with django_assert_num_queries(2):  # the short columns, then the blob
        first = branding()
    with django_assert_num_queries(1):  # the short columns only
        second = branding()
    # then it is the same cached object with the logo and colour
    assert second is first
    assert (first.logo, first.content_type, first.accent_colour) == (png(), "image/png", ACCENT)
    # and a new logo is picked up
    company_profile_update(changes={**VALID, "logo": SVG}, actor=Actor("user", "anna"))
    assert branding().content_type == "image/svg+xml"


@pytest.mark.django_db
def test_no_profile_means_no_branding():
    assert branding() is None


def test_the_invoice_carries_everything_section_14_asks_for():
    # given an intra-community invoice to a business with a VAT id
    seller = {**invoice_snapshot()["seller"], "register_court": "Amtsgericht Hamburg", "register_number": "HRB 4711"}
    snapshot = invoice_snapshot(
        seller=seller, notes=[INTRA], buyer={**invoice_snapshot()["buyer"], "company": "Lyon SARL",
                                             "vat_id": "FR40303265045", "country": "FR"},
        tax_buckets=[{"rate": "0.00", "category": "K", "net": "67.20", "tax": "0.00", "gross": "67.20"}],
    )
    # when
    text = pdf_text(render_pdf(snapshot)).replace("\xa0", " ")
    # then
    for expected in (
        "Kontorhaus Demo GmbH", "Speicherstadt 1", "USt-IdNr.: DE123456788", "Steuernummer: 22/123/45678",
        "Amtsgericht Hamburg HRB 4711", "Geschäftsführung: Erika Mustermann", "IBAN: DE02120300000000202051",
        "Rechnungsnummer", "RE-2026-000001", "Rechnungsdatum", "Lieferdatum", "26.11.2026",
        "Lyon SARL", "Ihre USt-IdNr.", "FR40303265045", "T-Shirt M", "Nettobetrag", "Gesamtbetrag",
        "Umsatzsteuer 0 % auf 67,20 € (steuerfreie innergemeinschaftliche Lieferung)",
        "Steuerfreie innergemeinschaftliche Lieferung gemäß § 4 Nr. 1 Buchst. b i. V. m. § 6a UStG.",
    ):
        assert expected in text, expected


def test_english_documents_use_english_labels_and_the_foreign_rate():
    snapshot = invoice_snapshot(language="en", notes=["Reverse charge: VAT is owed by the recipient."],
                                tax_buckets=[{"rate": "20.00", "category": "S", "net": "100.00", "tax": "20.00",
                                              "gross": "120.00"}])
    text = pdf_text(render_pdf(snapshot)).replace("\xa0", " ")
    assert "VAT 20% on €100.00" in text
    assert "Reverse charge: VAT is owed by the recipient." in text
    assert "Managing directors: Erika Mustermann" in text


def test_notes_are_their_own_block_not_remarks():
    data = print_data(invoice_snapshot(notes=[INTRA, ""]))
    assert data["notes"] == [INTRA]
    assert INTRA not in data["remarks"]


def test_a_layout_without_notes_key_still_renders():
    # quotes and other presenters built before the notes block
    saved = dict(rendering.PRESENTERS)
    rendering.PRESENTERS["invoice"] = lambda s: {k: v for k, v in print_data(s).items() if k != "notes"}
    try:
        assert render_pdf(invoice_snapshot()).startswith(b"%PDF-")
    finally:
        rendering.PRESENTERS.clear()
        rendering.PRESENTERS.update(saved)


@pytest.mark.django_db
def test_an_issued_invoice_prints_the_logo_it_was_issued_with():
    # given an invoice issued while the profile had a PNG logo
    actor = Actor("user", "anna")
    company_profile_update(changes={**VALID, "logo": png()}, actor=actor)
    make_article(stock=5)
    invoice = place_order().invoice
    # when the profile gets another logo and colour before the invoice is first printed
    company_profile_update(changes={**VALID, "logo": SVG, "accent_colour": "#00aa00"}, actor=actor)
    printed = branding_of(invoice.seller)
    # then it prints with the logo and colour it was issued with
    assert printed.logo == png() and printed.logo_sha256 == invoice.seller["logo_sha256"]
    assert printed.accent_colour.lower() == VALID["accent_colour"].lower()
    assert branding().accent_colour == "#00aa00"  # what new documents get
