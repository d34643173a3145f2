"""One DHL return label per return (a label carries one parcel), against the local fake DHL
server over real HTTP: each return gets its own label, asking again books nothing, the Retoure
label from the outbound parcel serves the order's first return only, and scanning a label or an
order number finds the right return."""

import itertools

import pytest

from kontorhaus.core.exceptions import InvalidInput, NotFound
from kontorhaus.flows.pack_and_ship import PackItem, order_pack, shipment_handed_over
from kontorhaus.flows.pick_run import pick_confirmed
from kontorhaus.flows.return_received import return_goods_received, return_scanned
from kontorhaus.flows.return_registered import return_label_fetch, return_register_and_notify
from kontorhaus.flows.shipment_booking import return_label_create, return_label_return_number, shipment_book
from kontorhaus.fulfillment.models import CarrierReturnLabel, Parcel
from kontorhaus.fulfillment.selectors_picking import pick_rows
from kontorhaus.fulfillment.services_carriers import carrier_account_set
from kontorhaus.fulfillment.tests import carrier_fixtures
from kontorhaus.fulfillment.tests.carrier_fixtures import PARCEL, dhl_account_data
from kontorhaus.fulfillment.tests.factories_picking import make_bin, released_order, start, stocked
from kontorhaus.returns.models import ReturnRequest
from kontorhaus.returns.selectors import return_find_by_scan
from kontorhaus.returns.services import return_label_attach
from kontorhaus.returns.services_inspection import return_cancel
from kontorhaus.returns.states import ReturnStatus
from kontorhaus.returns.tests.factories import draft_for, shipped_order
from kontorhaus.sales.models import SalesOrder
from kontorhaus.sales.tests.factories import TESTER

pytestmark = pytest.mark.django_db
fake_dhl, dhl_account = carrier_fixtures.fake_dhl, carrier_fixtures.dhl_account
BERLIN = {"name": "Erika Mustermann", "street": "Hauptstraße 1", "postal_code": "10115", "city": "Berlin",
          "country": "DE"}
_skus = itertools.count(1)


@pytest.fixture
def returns_on(dhl_account, fake_dhl):
    return carrier_account_set(code="dhl", data=dhl_account_data(fake_dhl.url, returns_enabled=True),
                               credentials={}, actor=TESTER)


def _return_bookings(fake_dhl) -> int:
    return len([r for r in fake_dhl.state.requests if r["method"] == "POST" and "/returns/" in r["path"]])


def _register(order: SalesOrder, units: int = 1) -> ReturnRequest:
    return return_register_and_notify(draft=draft_for(order, (1, units)), actor=TESTER, notify=False)


def _booked_at_dhl_and_shipped(units: int = 3) -> SalesOrder:
    """An order shipped in one parcel booked at (fake) DHL with returns on: it carries a Retoure label."""
    sku = f"RL-{next(_skus)}"
    stocked(sku, units=units + 5, bin_=make_bin(f"R-{sku}", 10))
    order = released_order((sku, units))
    SalesOrder.objects.filter(pk=order.pk).update(shipping_address=BERLIN)
    run = start("single", order_number=order.number)
    for row in pick_rows(run=run):
        pick_confirmed(run=run, article=row.article, location=row.location, quantity=row.open, actor=TESTER)
    shipment = order_pack(order=SalesOrder.objects.get(pk=order.pk), items=[PackItem(sku, units)], parcels=[PARCEL],
                          actor=TESTER)
    shipment_handed_over(shipment=shipment_book(shipment=shipment, actor=TESTER), actor=TESTER)
    return SalesOrder.objects.get(pk=order.pk)


def test_two_returns_of_one_order_get_two_labels_each_asked_for_once(returns_on, fake_dhl):
    order = shipped_order(3)
    first, second = _register(order), _register(order)
    first, second = return_label_fetch(request=first, actor=TESTER), return_label_fetch(request=second, actor=TESTER)
    assert first.label_tracking_number and second.label_tracking_number
    assert first.label_tracking_number != second.label_tracking_number
    assert bytes(first.label_pdf).startswith(b"%PDF") and bytes(second.label_pdf).startswith(b"%PDF")
    assert _return_bookings(fake_dhl) == 2
    # asking again for the same return (a reload, a second tab) hands out its label, books nothing
    again = return_label_create(order_number=order.number, return_number=first.number, actor=TESTER)
    assert again.tracking_number == first.label_tracking_number
    assert return_label_fetch(request=ReturnRequest.objects.get(pk=first.pk), actor=TESTER).label_tracking_number \
        == first.label_tracking_number
    assert _return_bookings(fake_dhl) == 2
    assert dict(CarrierReturnLabel.objects.values_list("return_number", "tracking_number")) == {
        first.number: first.label_tracking_number, second.number: second.label_tracking_number}
    # scanning each label finds its own return, whatever the other's status
    assert return_label_return_number(tracking_number=first.label_tracking_number) == first.number
    assert return_scanned(code=first.label_tracking_number).pk == first.pk
    assert return_scanned(code=f" {second.label_tracking_number} ").pk == second.pk
    return_cancel(request=second, actor=TESTER)
    assert return_scanned(code=second.label_tracking_number).pk == second.pk
    assert return_scanned(code=first.label_tracking_number).pk == first.pk


def test_the_outbound_retoure_label_serves_the_first_return_only(returns_on, fake_dhl):
    order = _booked_at_dhl_and_shipped()
    retoure = order_parcel_retoure(order)
    assert retoure
    first, second = _register(order), _register(order)
    # the Retoure label in the parcel names the first return even before anyone asked for a label
    assert return_scanned(code=retoure).pk == first.pk
    # the second return asks first: it gets a label of its own, not the first return's Retoure
    second = return_label_fetch(request=second, actor=TESTER)
    assert second.label_tracking_number and second.label_tracking_number != retoure
    first = return_label_fetch(request=first, actor=TESTER)
    assert first.label_tracking_number == retoure
    assert CarrierReturnLabel.objects.get(tracking_number=retoure).return_number == first.number
    assert _return_bookings(fake_dhl) == 1
    third = return_label_fetch(request=_register(order), actor=TESTER)
    assert third.label_tracking_number not in (retoure, second.label_tracking_number)
    assert _return_bookings(fake_dhl) == 2
    assert [return_scanned(code=r.label_tracking_number).pk for r in (first, second, third)] == [
        first.pk, second.pk, third.pk]


def order_parcel_retoure(order: SalesOrder) -> str:
    return Parcel.objects.get(shipment__order_number=order.number).return_tracking_number


def test_a_cancelled_first_return_leaves_the_retoure_label_to_the_next(returns_on, fake_dhl):
    order = _booked_at_dhl_and_shipped()
    retoure = order_parcel_retoure(order)
    cancelled = _register(order)
    return_cancel(request=cancelled, actor=TESTER)
    kept = return_label_fetch(request=_register(order), actor=TESTER)
    assert kept.label_tracking_number == retoure and _return_bookings(fake_dhl) == 0
    assert return_scanned(code=retoure).pk == kept.pk


def test_an_order_number_scan_finds_the_one_open_return(db):
    order = shipped_order(3)
    first = _register(order)
    assert return_scanned(code=order.number).pk == first.pk
    return_goods_received(request=first, actor=TESTER)
    assert return_scanned(code=order.number.lower()).pk == first.pk  # received: still open for the warehouse
    second = _register(order)
    with pytest.raises(InvalidInput, match="several open returns") as several:
        return_scanned(code=order.number)
    assert first.number in several.value.message and second.number in several.value.message
    assert several.value.code == "several_returns"
    return_cancel(request=second, actor=TESTER)
    assert return_scanned(code=order.number).pk == first.pk
    for done in (ReturnStatus.REFUNDED, ReturnStatus.CLOSED, ReturnStatus.CANCELLED):
        # set directly: the lookup only reads the status, the way there is not what is tested
        ReturnRequest.objects.filter(pk=first.pk).update(status=done)
        with pytest.raises(NotFound, match="no open return"):
            return_scanned(code=order.number)


def test_a_label_shared_before_each_return_had_its_own_names_the_open_return(db):
    # before the fix one label was attached to every return of the order: the scan no longer
    # picks the newest whatever its status
    order = shipped_order(3)
    older, newer = _register(order), _register(order)
    for request in (older, newer):
        return_label_attach(request=request, tracking_number="999000000000042", pdf=b"%PDF-old", actor=TESTER)
    with pytest.raises(InvalidInput, match="several open returns"):
        return_find_by_scan(code="999000000000042")
    ReturnRequest.objects.filter(pk=newer.pk).update(status=ReturnStatus.REFUNDED)
    assert return_scanned(code="999000000000042").pk == older.pk


def test_malformed_and_hostile_input_change_nothing(returns_on, fake_dhl):
    order = shipped_order(2)
    for bad in ("", "   ", "R" * 33):
        with pytest.raises(InvalidInput, match="one return"):
            return_label_create(order_number=order.number, return_number=bad, actor=TESTER)
    assert _return_bookings(fake_dhl) == 0 and not CarrierReturnLabel.objects.exists()
    for bad in ("", " ", "9" * 65):
        with pytest.raises(InvalidInput):
            return_scanned(code=bad)
    for unknown in ("' OR 1=1 --", "999099999999999", "%", "<script>"):
        with pytest.raises(NotFound):
            return_scanned(code=unknown)
        assert return_label_return_number(tracking_number=unknown) is None
    assert return_label_return_number(tracking_number="") is None
    assert not ReturnRequest.objects.exists()
