"""The return slip on the delivery note, as print data: the deadline from the packing date and
the shop's return period, the order number's barcode, and a QR code that is segno's code of the
portal link — checked module by module against the matrix segno computes for that link."""

import re

import segno

from kontorhaus.documents.barcodes import barcode_svg, qr_svg
from kontorhaus.documents.portal_links import portal_link
from kontorhaus.documents.presentation_picking import delivery_note_print_data
from kontorhaus.documents.presentation_return_slip import return_deadline

URL = "https://shop.example/portal/o/eyJvIjoiQVUtMjAyNi0wMDAxMjMifQ:1abc:xyz/return/"


def _snapshot(**changes):
    snapshot = {
        "kind": "delivery_note", "number": "LS-2026-000007", "language": "de", "issue_date": "2026-11-20",
        "order_number": "AU-2026-000123", "carrier": "dhl", "seller": {"name": "Shop GmbH", "country": "DE"},
        "customer_name": "Erika", "shipping_address": {"name": "Erika", "street": "Hauptstr. 1",
                                                        "postal_code": "20095", "city": "Hamburg", "country": "DE"},
        "lines": [{"position": 1, "sku": "MUG", "name": "Mug", "quantity": 1}], "parcels": 1,
        "return_period_days": 14, "return_portal_url": URL,
    }
    snapshot.update(changes)
    return snapshot


def _dark_modules(svg: str) -> set[tuple[int, int]]:
    """The dark (row, column) cells drawn by segno's one-path SVG ("M x y", "m dx dy", "h n")."""
    path = re.search(r' d="([^"]+)"', svg).group(1)
    cells, x, y = set(), 0.0, 0.0
    for op, args in re.findall(r"([Mmh])([-\d. ]+)", path):
        numbers = [float(n) for n in args.split()]
        if op == "M":
            x, y = numbers
        elif op == "m":
            x, y = x + numbers[0], y + numbers[1]
        else:
            cells |= {(int(y - 0.5), int(x) + i) for i in range(int(numbers[0]))}
            x += numbers[0]
    return cells


def _matrix_cells(payload: str) -> set[tuple[int, int]]:
    qr = segno.make(payload, error="m", micro=False)
    border = 4
    return {(r + border, c + border) for r, row in enumerate(qr.matrix) for c, dark in enumerate(row) if dark}


def test_the_slip_carries_order_number_deadline_and_the_qr_of_the_portal_link():
    # given a delivery note packed on 20 November with a 14-day return period
    # when it is turned into print data
    slip = delivery_note_print_data(_snapshot())["return_slip"]
    # then the slip names the order, as text and Code 128, and the deadline 14 days on
    assert slip["title"] == "Rücksendeschein" and slip["order_number"] == "AU-2026-000123"
    assert slip["order_barcode"] == barcode_svg("AU-2026-000123", height=30)
    assert slip["deadline"] == "14 Tage ab Erhalt der Ware, mindestens bis 04.12.2026"
    # and the QR code is segno's code of exactly the portal link, module for module
    assert slip["url"] == URL and slip["qr"] == qr_svg(URL)
    assert _dark_modules(slip["qr"]) == _matrix_cells(URL)
    assert _dark_modules(slip["qr"]) != _matrix_cells(URL.replace("xyz", "xyw"))


def test_a_longer_period_moves_the_deadline_and_english_notes_say_so_in_english():
    slip = delivery_note_print_data(_snapshot(language="en", return_period_days=30))["return_slip"]
    assert slip["title"] == "Return slip"
    assert slip["deadline"] == "30 days from receipt of the goods, at least until 20 Dec 2026"


def test_without_a_portal_link_the_slip_points_to_the_lookup_and_has_no_qr():
    slip = delivery_note_print_data(_snapshot(return_portal_url=""))["return_slip"]
    assert slip["qr"] == "" and slip["url"] == ""
    assert "Auftragsnummer und Postleitzahl" in slip["hint"]


def test_a_snapshot_from_before_the_slip_prints_no_slip():
    old = _snapshot()
    del old["return_period_days"], old["return_portal_url"]
    assert return_deadline(old) is None
    assert delivery_note_print_data(old)["return_slip"] is None


def test_deadline_crosses_the_year():
    assert str(return_deadline(_snapshot(issue_date="2026-12-24"))) == "2027-01-07"


def test_qr_of_nothing_is_nothing():
    assert qr_svg("") == ""


def test_without_a_registered_maker_there_is_no_portal_link():
    # documents never imports the portal; a purpose nobody registered gives no link, not an error
    assert portal_link("no-such-purpose", order_number="AU-2026-000123") == ""
