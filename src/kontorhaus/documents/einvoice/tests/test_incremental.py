"""The XML goes into Typst's PDF as an incremental update: the printed PDF stays byte for byte
in front, readers see one document with the attachment; other shapes are rewritten instead."""

import datetime as dt
import io

import pikepdf
import pytest

from kontorhaus.documents.einvoice.facturx import FILENAME, facturx_embed, facturx_xml, facturx_xmp
from kontorhaus.documents.einvoice.incremental import incremental_embed
from kontorhaus.documents.rendering import render_pdf
from kontorhaus.documents.tests.factories import invoice_snapshot

DAY = dt.date(2026, 11, 26)
XML = (b'<?xml version="1.0" encoding="UTF-8"?>'
       b'<rsm:CrossIndustryInvoice xmlns:rsm="urn:x">\xc3\xa4</rsm:CrossIndustryInvoice>')


@pytest.fixture(scope="module")
def typst_pdf() -> bytes:
    return render_pdf(invoice_snapshot(lines=3))


def test_the_update_is_appended_and_reads_back(typst_pdf):
    embedded = facturx_embed(typst_pdf, XML, issue_date=DAY)
    assert embedded.startswith(typst_pdf) and embedded.endswith(b"%%EOF\n")
    assert facturx_xml(embedded) == XML
    with pikepdf.open(io.BytesIO(embedded)) as document:
        assert document.check_pdf_syntax() == []
        assert len(document.pages) == 1 and list(document.attachments) == [FILENAME]
        assert document.Root.AF[0].AFRelationship == pikepdf.Name.Alternative
        original_id = pikepdf.open(io.BytesIO(typst_pdf)).trailer.ID[0]
        assert document.trailer.ID[0] == original_id  # the first /ID stays across updates
        assert b"fx:ConformanceLevel" in document.Root.Metadata.read_bytes()


def test_the_same_input_gives_the_same_bytes(typst_pdf):
    assert facturx_embed(typst_pdf, XML, issue_date=DAY) == facturx_embed(typst_pdf, XML, issue_date=DAY)


def test_a_pdf_of_another_shape_is_rewritten_instead(typst_pdf):
    # given a PDF with object streams and a cross-reference stream (not what Typst writes)
    with pikepdf.open(io.BytesIO(typst_pdf)) as document:
        out = io.BytesIO()
        document.save(out, object_stream_mode=pikepdf.ObjectStreamMode.generate)
    other = out.getvalue()
    assert incremental_embed(other, XML, issue_date=DAY, filename=FILENAME, rewrite_xmp=facturx_xmp) is None
    # when embedding, then the slower rewrite still gives a Factur-X PDF
    assert facturx_xml(facturx_embed(other, XML, issue_date=DAY)) == XML


def test_a_pdf_that_already_has_an_attachment_is_not_updated_twice(typst_pdf):
    once = facturx_embed(typst_pdf, XML, issue_date=DAY)
    assert incremental_embed(once, XML, issue_date=DAY, filename=FILENAME, rewrite_xmp=facturx_xmp) is None
