"""The shop hears about availability: when an article's available stock crosses its reorder
point or reaches zero (and only then), a signed `article.availability_changed` webhook is queued
in the stock change's transaction and delivered by the worker, with retries."""

import datetime as dt
import hashlib
import hmac
import json

import pytest
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from kontorhaus.core import clock
from kontorhaus.core.exceptions import InvalidInput
from kontorhaus.core.models import AuditEvent
from kontorhaus.integrations.models_webhooks import WebhookDelivery, WebhookDeliveryStatus, WebhookEndpoint
from kontorhaus.integrations.services_webhooks import webhook_endpoint_save, webhook_sweep
from kontorhaus.integrations.services_webhooks_send import webhook_signature
from kontorhaus.integrations.tasks_webhooks import webhook_deliver_task
from kontorhaus.inventory.models import Warehouse
from kontorhaus.inventory.services import ReservationRequest, stock_adjust, stock_release, stock_reserve
from kontorhaus.inventory.services_bins import stock_policy_set, warehouse_create
from kontorhaus.notifications.worker import _sweeps
from kontorhaus.sales.tests.factories import TESTER, make_article

from .webhook_receiver import webhook_receiver

pytestmark = pytest.mark.django_db
SECRET = "shop-secret-0123456789"  # noqa: S105 -- a test key


@pytest.fixture
def receiver():
    with webhook_receiver() as receiver:
        webhook_endpoint_save(endpoint=None, name="Shop", url=receiver.url, secret=SECRET,
                              events=["article.availability_changed"], active=True, actor=TESTER)
        yield receiver


@pytest.fixture
def mug():
    """5 mugs in the default warehouse, reorder point 3."""
    article = make_article(sku="MUG", stock=5)
    warehouse = warehouse_create(code="ZZ", name="Nur Retouren", sellable=False, actor=TESTER)
    stock_policy_set(article=article, warehouse=warehouse, default_bin=None, reorder_point=50, target_level=None,
                     actor=TESTER)  # not sellable: its reorder point does not count
    stock_policy_set(article=article, warehouse=Warehouse.objects.get(code="MAIN"), default_bin=None,
                     reorder_point=3, target_level=10, actor=TESTER)
    return article


def _reserve(article, quantity, order_number):
    stock_reserve(requests=[ReservationRequest(article, quantity, 1)], order_number=order_number,
                  require_all=False, actor=TESTER)


def _events() -> list[tuple[str, int]]:
    bodies = [json.loads(d.body) for d in WebhookDelivery.objects.order_by("id")]
    return [(b["data"]["status"], b["data"]["available"]) for b in bodies]


def _run_queued_tasks() -> None:
    for task in DBTaskResult.objects.filter(task_path__endswith="webhook_deliver_task").order_by("enqueued_at"):
        webhook_deliver_task.call(*task.args_kwargs["args"])
        task.delete()


def test_an_event_is_queued_on_each_threshold_crossing_and_only_then(receiver, mug):
    _reserve(mug, 1, "AU-1")  # 4 left: still available
    assert _events() == []
    _reserve(mug, 1, "AU-2")  # 3 = the reorder point: low
    _reserve(mug, 1, "AU-3")  # 2: low still, nothing new
    assert _events() == [("low", 3)]
    _reserve(mug, 5, "AU-4")  # 2 reserved, 3 backordered: sold out
    stock_adjust(article=mug, delta=1, reason="adjustment", note="", actor=TESTER)  # 1: low again
    stock_release(order_number="AU-4", actor=TESTER)  # 3: low still
    stock_adjust(article=mug, delta=6, reason="receipt", note="", actor=TESTER)  # 9: available
    assert _events() == [("low", 3), ("sold_out", 0), ("low", 1), ("available", 9)]
    assert AuditEvent.objects.filter(action="inventory.availability.changed").count() == 4


def test_the_webhook_reaches_the_shop_signed_and_verifiable(receiver, mug):
    _reserve(mug, 2, "AU-1")
    _run_queued_tasks()  # what the worker does with the queued task
    (request,) = receiver.requests
    body, headers = request["body"], request["headers"]
    # the shop checks the signature over "<timestamp>." + the raw body with the shared secret
    expected = hmac.new(SECRET.encode(), headers["x-kontorhaus-timestamp"].encode() + b"." + body,
                        hashlib.sha256).hexdigest()
    assert hmac.compare_digest(headers["x-kontorhaus-signature"], f"sha256={expected}")
    assert abs(int(headers["x-kontorhaus-timestamp"]) - clock.now().timestamp()) < 60
    payload = json.loads(body)
    assert payload["type"] == headers["x-kontorhaus-event"] == "article.availability_changed"
    assert payload["id"] == headers["x-kontorhaus-delivery"]
    assert payload["data"] == {"sku": "MUG", "available": 3, "status": "low", "previous_status": "available",
                               "reorder_point": 3}
    assert WebhookDelivery.objects.get().status == WebhookDeliveryStatus.DELIVERED
    assert webhook_signature(secret="k", timestamp=1, body=b"{}") == (
        "sha256=" + hmac.new(b"k", b"1.{}", hashlib.sha256).hexdigest())


def test_a_failed_delivery_is_retried_later_with_the_same_id(receiver, mug):
    receiver.answers = [500]
    _reserve(mug, 2, "AU-1")
    (delivery,) = WebhookDelivery.objects.all()
    webhook_deliver_task.call(str(delivery.public_id))
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_error) == ("queued", 1, "HTTP 500")
    retry = DBTaskResult.objects.filter(task_path__endswith="webhook_deliver_task").order_by("enqueued_at").last()
    assert retry.run_after > clock.now()
    webhook_deliver_task.call(str(delivery.public_id))  # too early: nothing happens
    assert len(receiver.requests) == 1
    try:
        clock.freeze(delivery.next_attempt_at + dt.timedelta(seconds=1))
        webhook_deliver_task.call(str(delivery.public_id))
    finally:
        clock.unfreeze()
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("delivered", 2)
    assert [json.loads(r["body"])["id"] for r in receiver.requests] == [str(delivery.public_id)] * 2


def test_a_delivery_that_keeps_failing_ends_as_failed(receiver, mug, settings):
    settings.KONTORHAUS = {**settings.KONTORHAUS, "WEBHOOK_MAX_ATTEMPTS": 2}
    receiver.answers = [503, 503]
    _reserve(mug, 2, "AU-1")
    (delivery,) = WebhookDelivery.objects.all()
    webhook_deliver_task.call(str(delivery.public_id))
    WebhookDelivery.objects.filter(pk=delivery.pk).update(next_attempt_at=None)
    webhook_deliver_task.call(str(delivery.public_id))
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("failed", 2, 503)
    assert AuditEvent.objects.filter(action="integrations.webhook_delivery.failed").count() == 1


def test_nothing_is_sent_when_the_stock_change_rolls_back(receiver, mug):
    with pytest.raises(RuntimeError), transaction.atomic():
        _reserve(mug, 5, "AU-1")
        assert WebhookDelivery.objects.count() == 1
        raise RuntimeError("the order failed after reserving")
    assert WebhookDelivery.objects.count() == 0
    assert not DBTaskResult.objects.filter(task_path__endswith="webhook_deliver_task").exists()
    _run_queued_tasks()
    assert receiver.requests == []


def test_a_lost_task_is_requeued_by_the_sweep(receiver, mug):
    _reserve(mug, 2, "AU-1")
    DBTaskResult.objects.all().delete()  # the task was lost
    assert webhook_sweep() == 0  # too fresh to call it lost
    try:
        clock.freeze(clock.now() + dt.timedelta(minutes=5))
        assert webhook_sweep() == 1
        assert webhook_sweep() == 0  # its task waits now
        _run_queued_tasks()
    finally:
        clock.unfreeze()
    assert len(receiver.requests) == 1
    assert _sweeps["webhooks"] is webhook_sweep


def test_no_endpoint_no_delivery_and_bad_endpoints_are_refused(mug):
    _reserve(mug, 5, "AU-1")
    assert WebhookDelivery.objects.count() == 0
    for bad in ({"url": "ftp://x"}, {"secret": "short"}, {"events": ["order.created"]}, {"name": " "}):
        fields = {"name": "Shop", "url": "https://shop.example/hook", "secret": SECRET,
                  "events": ["article.availability_changed"], **bad}
        with pytest.raises(InvalidInput):
            webhook_endpoint_save(endpoint=None, active=True, actor=TESTER, **fields)


def test_staff_set_up_an_endpoint_in_the_admin_and_its_secret_is_never_shown(client, django_user_model):
    staff = django_user_model.objects.create_user("chefin", password="x", is_staff=True, is_superuser=True)
    client.force_login(staff)
    fields = {"name": "Shop", "url": "https://shop.example/hooks", "secret": SECRET,
              "events": ["article.availability_changed"], "active": "on"}
    assert client.post("/admin/integrations/webhookendpoint/add/", fields).status_code == 302
    endpoint = WebhookEndpoint.objects.get()
    change = f"/admin/integrations/webhookendpoint/{endpoint.pk}/change/"
    assert client.post(change, {**fields, "secret": "", "url": "https://shop.example/h2"}).status_code == 302
    endpoint.refresh_from_db()
    assert (endpoint.url, endpoint.secret) == ("https://shop.example/h2", SECRET)
    assert SECRET not in client.get(change).content.decode()
    assert AuditEvent.objects.filter(action="integrations.webhook_endpoint.saved").count() == 2
