"""On a phone (390 x 844): the customer withdraws with the clearly labelled button and its
confirmation step, and registers a return of a damaged item with a photo. In the back office:
a clerk scans the return, inspects it and approves the refund."""

import re
from collections.abc import Iterator
from typing import Any

import pytest

from kontorhaus.billing.models import CreditNote
from kontorhaus.flows.return_registered import return_register_and_notify
from kontorhaus.inventory.models import StockMove
from kontorhaus.notifications.models import OutgoingEmail
from kontorhaus.returns.models import ReturnPhoto, ReturnRequest, Withdrawal
from kontorhaus.returns.tests.factories import draft_for, shipped_order
from kontorhaus.sales.tests.factories import TESTER
from kontorhaus.web.portal_links import RETURN, WITHDRAWAL, portal_link_make

from .factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 400


@pytest.fixture
def phone(_chromium: Any, live_server: Any) -> Iterator[Any]:
    context = _chromium.new_context(base_url=live_server.url, locale="de-DE", timezone_id="Europe/Berlin",
                                    viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


def fits_the_screen(page: Any) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_withdrawal_button_and_confirmation_on_a_phone(phone: Any) -> None:
    order = shipped_order(2, 1)
    phone.goto(portal_link_make(order_number=order.number, purpose=WITHDRAWAL, max_age_days=7))
    button = phone.get_by_role("link", name="Vertrag widerrufen")
    assert button.is_visible() and fits_the_screen(phone)
    button.click()
    phone.wait_for_url(re.compile(r"/withdrawal/confirm/$"))
    assert phone.locator("#withdrawal-order").inner_text() == order.number
    # the order's address is not shown to whoever holds the link: the customer types one
    assert phone.locator("#id_customer_email").input_value() == ""
    phone.fill("#id_customer_email", order.customer_email)
    phone.get_by_label("Nur einzelne Artikel").check()
    phone.fill("#id_item_1", "1")
    phone.fill("#id_statement", "Zu groß")
    assert not Withdrawal.objects.exists()  # nothing until the second button
    phone.get_by_role("button", name="Widerruf bestätigen").click()
    phone.wait_for_selector("#withdrawal-done")
    assert "Widerruf eingegangen" in phone.inner_text("#withdrawal-done") and fits_the_screen(phone)
    withdrawal = Withdrawal.objects.get(order=order)
    assert withdrawal.items[0]["position"] == 1 and withdrawal.items[0]["quantity"] == 1
    assert OutgoingEmail.objects.filter(template="withdrawal_confirmation").count() == 1


def test_return_of_a_damaged_item_with_a_photo_on_a_phone(phone: Any, tmp_path: Any) -> None:
    order = shipped_order(2)
    photo = tmp_path / "schaden.jpg"
    photo.write_bytes(JPEG)
    phone.goto(portal_link_make(order_number=order.number, purpose=RETURN, max_age_days=7))
    assert fits_the_screen(phone)
    assert not phone.locator("#photos_1").is_visible()  # asked for only when damaged
    phone.fill("#id_qty_1", "1")
    phone.select_option("#id_reason_1", "damaged")
    assert phone.locator("#photos_1").is_visible()
    phone.set_input_files("#photos_1", str(photo))
    phone.get_by_role("button", name="Rücksendung anmelden").click()
    phone.wait_for_selector("#return-done")
    created = ReturnRequest.objects.get()
    assert created.number in phone.inner_text("#return-done")
    assert phone.locator("#return-instructions").is_visible()  # no carrier account here: instructions
    assert ReturnPhoto.objects.get().content_type == "image/jpeg"
    assert fits_the_screen(phone)


def test_clerk_scans_inspects_and_approves(browser_page: Any) -> None:
    page = browser_page
    UserFactory(username="rita")
    order = shipped_order(2)
    created = return_register_and_notify(draft=draft_for(order, (1, 2)), actor=TESTER)
    page.goto("/returns/")
    page.fill("#id_username", "rita")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url(re.compile(r"/returns/$"))
    page.fill("#scan-code", created.number)
    page.press("#scan-code", "Enter")
    page.wait_for_url(f"**/returns/{created.number}/")
    assert page.get_attribute("#return-status", "data-status") == "received"
    page.select_option("#id_condition_1", "resellable")
    page.select_option("#id_disposition_1", "restocked")
    page.fill("#id_loss_1", "2.00")
    page.click("#save-inspection")
    page.wait_for_selector("#approve-refund")
    assert page.get_attribute("#return-status", "data-status") == "refund_proposed"
    assert StockMove.objects.filter(reference=created.number, reason="return").count() == 1
    page.click("#approve-refund")
    page.wait_for_selector("#return-status[data-status=refunded]")
    assert CreditNote.objects.filter(order_number=order.number, kind="partial").count() == 1
