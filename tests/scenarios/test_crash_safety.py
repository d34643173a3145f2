"""Crash safety with real processes: the whole server (web and worker) is killed with SIGKILL
in the middle of an order load and started again. Also: the worker killed in the middle of
sending an e-mail. The e-mails go to a real (local) SMTP server."""

import http.client
import json
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from email import message_from_bytes

import pytest

from kontorhaus.api.services import api_token_create
from kontorhaus.billing.models import Invoice
from kontorhaus.core import clock
from kontorhaus.inventory.selectors import stock_reconcile
from kontorhaus.notifications.models import OutgoingEmail
from kontorhaus.notifications.tests.smtp import start_smtp_server
from kontorhaus.sales.models import SalesOrder
from kontorhaus.sales.tests.factories import make_article, order_payload, place_order

from .processes import child_env, free_port, kill_tree, start, stop, wait_until_serving

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]


def post(port: int, token: str, body: dict) -> tuple[int, dict | None]:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/api/v1/orders", data=json.dumps(body).encode(), method="POST",
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json",
                 "Idempotency-Key": f"key-{body['external_id']}"},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - our own server
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, None


def load(port: int, token: str, bodies: list[dict], progress: dict, stop_at: threading.Event) -> None:
    """Post bodies one after another until the server goes away; remember what was sent and
    what was answered."""
    answered, attempted = progress["answered"], progress["attempted"]
    for body in bodies:
        if stop_at.is_set():
            return
        attempted.add(body["external_id"])
        try:
            status, order = post(port, token, body)
        except (OSError, http.client.HTTPException):
            return  # the server died under us: this request has no answer
        if status in (200, 201):
            answered[body["external_id"]] = order["number"]


def wait_for(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.25)
    raise AssertionError(f"timed out waiting for {what}")


def delivered_order_numbers(mailbox) -> Counter:
    subjects = Counter()
    for received in mailbox.messages:
        message = message_from_bytes(received.data)
        subjects[message["Message-ID"]] += 1
    return subjects


def test_server_killed_mid_load_loses_nothing_and_duplicates_nothing(tmp_path):
    # given a real server (web + worker) against the test database and a real SMTP server
    make_article(sku="TSHIRT-M", stock=10_000)
    _, token = api_token_create(name="crash")
    smtp, mailbox = start_smtp_server()
    env = child_env(var_dir=tmp_path, email_url=f"smtp://127.0.0.1:{smtp.server_address[1]}",
                    KONTORHAUS_EMAIL_LEASE="2")
    port = free_port()
    server = start(["serve", "--port", str(port), "--workers", "2", "--threads", "2"], env, tmp_path / "serve.log")
    wait_until_serving(port)
    bodies = [order_payload(external_id=f"crash-{i}") for i in range(400)]
    answered: dict[str, str] = {}
    progress = {"answered": answered, "attempted": set()}
    stop_at = threading.Event()
    clients = [threading.Thread(target=load, args=(port, token, bodies[i::4], progress, stop_at)) for i in range(4)]
    try:
        # when it is killed with SIGKILL while four clients are posting orders
        for client in clients:
            client.start()
        wait_for(lambda: len(answered) >= 30, 60, "30 answered orders")
        kill_tree(server)
        stop_at.set()
        # the sending lease (2 s) of e-mails cut off mid-send expires before the restart, so the
        # new worker's first sweep re-queues them instead of the one a minute later
        time.sleep(2.5)
        for client in clients:
            client.join(timeout=30)
        answered_before = dict(answered)
        # and started again, with every client retrying every order with its Idempotency-Key
        server = start(["serve", "--port", str(port), "--workers", "2", "--threads", "2"], env,
                       tmp_path / "serve2.log")
        wait_until_serving(port)
        assert len(answered_before) < len(bodies)  # it died mid-load
        sent = [body for body in bodies if body["external_id"] in progress["attempted"]]
        retried = {body["external_id"]: post(port, token, body) for body in sent}
        # then every order answered before the crash exists once and the retry returns it
        for external_id, number in answered_before.items():
            status, order = retried[external_id]
            assert (status, order["number"]) == (200, number)
        assert all(status in (200, 201) for status, _ in retried.values())
        assert SalesOrder.objects.count() == len(sent)
        # invoice numbers are unique and gapless, the stock counters equal the ledger
        numbers = sorted(Invoice.objects.values_list("number", flat=True))
        assert numbers == [f"RE-{clock.today().year}-{i:06d}" for i in range(1, len(sent) + 1)]
        assert stock_reconcile() == []
        # and every confirmation e-mail is sent exactly once
        wait_for(lambda: not OutgoingEmail.objects.exclude(status="sent").exists(), 120, "all e-mails sent")
        assert OutgoingEmail.objects.count() == len(sent)
        per_message = delivered_order_numbers(mailbox)
        assert len(per_message) == len(sent)
        assert set(per_message.values()) == {1}, [m for m, n in per_message.items() if n > 1]
    finally:
        stop(server)
        smtp.shutdown()


def test_worker_killed_while_sending_sends_the_email_once_after_restart(tmp_path):
    # given a queued confirmation and an SMTP server that keeps the sender waiting before DATA
    make_article(sku="TSHIRT-M", stock=10)
    order = place_order().order
    hold = threading.Event()
    smtp, mailbox = start_smtp_server(hold=hold)
    env = child_env(var_dir=tmp_path, email_url=f"smtp://127.0.0.1:{smtp.server_address[1]}",
                    KONTORHAUS_EMAIL_LEASE="1")
    worker = start(["worker"], env, tmp_path / "worker.log")
    try:
        # when the worker is killed while the e-mail is being sent
        wait_for(lambda: OutgoingEmail.objects.filter(status="sending").exists(), 60, "the worker to start sending")
        time.sleep(1.0)  # it is now waiting for the SMTP server
        kill_tree(worker)
        hold.set()
        assert mailbox.messages == []
        assert OutgoingEmail.objects.get().status == "sending"
        # and started again after the sending lease has expired
        time.sleep(1.5)
        worker = start(["worker"], env, tmp_path / "worker2.log")
        wait_for(lambda: OutgoingEmail.objects.get().status == "sent", 60, "the e-mail to be sent")
        time.sleep(1.0)  # give a duplicate the chance to show up
        # then the customer got it exactly once, with the invoice attached
        assert len(mailbox.messages) == 1
        message = message_from_bytes(mailbox.messages[0].data)
        assert order.number in message["Subject"]
        attachments = [part.get_filename() for part in message.walk() if part.get_filename()]
        assert attachments == [f"{Invoice.objects.get().number}.pdf"]
    finally:
        stop(worker)
        smtp.shutdown()
