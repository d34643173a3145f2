"""Factur-X / ZUGFeRD hybrid: the CII XML embedded in the PDF/A-3b that Typst made.

- The XML is the embedded file `factur-x.xml` (/Subtype text/xml, /Params with dates), listed
  in the name tree and in the catalog's /AF array (PDF/A-3 associated file).
- /AFRelationship is /Alternative: Factur-X 1.07 allows /Data, /Source or /Alternative for the
  EN 16931 profile, and ZUGFeRD (the German edition of the same standard) names /Alternative
  where the XML is the invoice itself, as it is for an e-invoice under § 14 UStG since 2025.
- The XMP keeps Typst's PDF/A-3b identification and gains the fx: properties and their
  PDF/A extension schema description in the same pdfaExtension:schemas bag (one bag:
  PDF/A forbids a property twice).
Every date written is the document's issue date and the file /ID is derived from the content,
so embedding the same XML in the same PDF gives the same bytes again.
"""

import datetime as dt
import io

import pikepdf
from lxml import etree

from .incremental import incremental_embed

FILENAME = "factur-x.xml"
FX_NS = "urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#"
CONFORMANCE_LEVEL = "EN 16931"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
PDFA_EXTENSION = "http://www.aiim.org/pdfa/ns/extension/"
PDFA_SCHEMA = "http://www.aiim.org/pdfa/ns/schema#"
PDFA_PROPERTY = "http://www.aiim.org/pdfa/ns/property#"

_FX_PROPERTIES = (
    ("DocumentFileName", "The name of the embedded XML document"),
    ("DocumentType", "The type of the hybrid document in capital letters, e.g. INVOICE or ORDER"),
    ("Version", "The actual version of the standard applying to the embedded XML document"),
    ("ConformanceLevel", "The conformance level of the embedded XML document"),
)
_XMP_PARSER = etree.XMLParser(remove_blank_text=False, resolve_entities=False, no_network=True)


def _q(ns: str, name: str) -> str:
    return f"{{{ns}}}{name}"


def _fx_schema_description(bag: etree._Element) -> None:
    li = etree.SubElement(bag, _q(RDF, "li"), {_q(RDF, "parseType"): "Resource"})
    etree.SubElement(li, _q(PDFA_SCHEMA, "schema")).text = "Factur-X PDFA Extension Schema"
    etree.SubElement(li, _q(PDFA_SCHEMA, "namespaceURI")).text = FX_NS
    etree.SubElement(li, _q(PDFA_SCHEMA, "prefix")).text = "fx"
    seq = etree.SubElement(etree.SubElement(li, _q(PDFA_SCHEMA, "property")), _q(RDF, "Seq"))
    for name, description in _FX_PROPERTIES:
        prop = etree.SubElement(seq, _q(RDF, "li"), {_q(RDF, "parseType"): "Resource"})
        etree.SubElement(prop, _q(PDFA_PROPERTY, "name")).text = name
        etree.SubElement(prop, _q(PDFA_PROPERTY, "valueType")).text = "Text"
        etree.SubElement(prop, _q(PDFA_PROPERTY, "category")).text = "external"
        etree.SubElement(prop, _q(PDFA_PROPERTY, "description")).text = description


def facturx_xmp(xmp: bytes, *, conformance_level: str = CONFORMANCE_LEVEL) -> bytes:
    """Typst's XMP packet with the Factur-X properties and their extension schema added."""
    tree = etree.parse(io.BytesIO(xmp), _XMP_PARSER)
    rdf = tree.getroot().find(_q(RDF, "RDF"))
    bag = rdf.find(f"{_q(RDF, 'Description')}/{_q(PDFA_EXTENSION, 'schemas')}/{_q(RDF, 'Bag')}")
    if bag is None:  # a template without extension schemas of its own
        holder = etree.SubElement(rdf, _q(RDF, "Description"), {_q(RDF, "about"): ""},
                                  nsmap={"pdfaExtension": PDFA_EXTENSION})
        bag = etree.SubElement(etree.SubElement(holder, _q(PDFA_EXTENSION, "schemas")), _q(RDF, "Bag"))
    _fx_schema_description(bag)
    fx = etree.SubElement(rdf, _q(RDF, "Description"), {_q(RDF, "about"): ""}, nsmap={"fx": FX_NS})
    for name, value in (("DocumentType", "INVOICE"), ("DocumentFileName", FILENAME), ("Version", "1.0"),
                        ("ConformanceLevel", conformance_level)):
        etree.SubElement(fx, _q(FX_NS, name)).text = value
    return etree.tostring(tree, encoding="UTF-8")


def _pdf_date(day: dt.date) -> str:
    return f"D:{day:%Y%m%d}000000Z"


def facturx_embed(pdf: bytes, xml: bytes, *, issue_date: dt.date) -> bytes:
    """The PDF/A-3b with `xml` embedded as factur-x.xml and the Factur-X XMP.

    Appended as an incremental update (the new objects, a new catalog and XMP, a cross-reference
    section pointing back to Typst's) when Typst's file has the plain shape it writes: a classic
    cross-reference table, an uncompressed XMP, no attachments yet. Rewriting the whole file with
    pikepdf costs about 10 ms per invoice; appending costs well under one. Anything else goes
    the pikepdf way."""
    appended = incremental_embed(pdf, xml, issue_date=issue_date, filename=FILENAME, rewrite_xmp=facturx_xmp)
    return appended if appended is not None else _rewrite_embed(pdf, xml, issue_date=issue_date)


def _rewrite_embed(pdf: bytes, xml: bytes, *, issue_date: dt.date) -> bytes:
    with pikepdf.open(io.BytesIO(pdf)) as document:
        stamp = _pdf_date(issue_date)
        spec = pikepdf.AttachedFileSpec(
            document, xml, description="Factur-X / ZUGFeRD EN 16931 invoice data", filename=FILENAME,
            mime_type="text/xml", creation_date=stamp, mod_date=stamp,
            relationship=pikepdf.Name.Alternative,
        )
        document.attachments[FILENAME] = spec
        document.Root.AF = document.make_indirect(pikepdf.Array([spec.obj]))
        metadata = document.Root.Metadata
        metadata.write(facturx_xmp(metadata.read_bytes()))
        metadata.Type, metadata.Subtype = pikepdf.Name.Metadata, pikepdf.Name.XML  # XMP stays uncompressed
        out = io.BytesIO()
        # Typst's streams are written as they are (no decode/re-encode), and its XMP already
        # names PDF 1.7: both would cost milliseconds per invoice for nothing.
        document.save(out, deterministic_id=True, compress_streams=True, fix_metadata_version=False,
                      stream_decode_level=pikepdf.StreamDecodeLevel.none,
                      object_stream_mode=pikepdf.ObjectStreamMode.preserve)
    return out.getvalue()


def facturx_xml(pdf: bytes) -> bytes | None:
    """The embedded factur-x.xml of a hybrid PDF, or None."""
    with pikepdf.open(io.BytesIO(pdf)) as document:
        spec = document.attachments.get(FILENAME)
        return spec.get_file().read_bytes() if spec is not None else None
