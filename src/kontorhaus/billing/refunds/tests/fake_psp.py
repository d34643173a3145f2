"""Local fakes of the Stripe and PayPal refund APIs: real HTTP on 127.0.0.1, the published
request and response shapes, auth and idempotency checked like the providers do. Nothing leaves
the machine."""

import base64
import json
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

STRIPE_KEY = "sk_test_kontorhaus"
PAYPAL_ID, PAYPAL_SECRET = "paypal-client", "paypal-secret"


@dataclass
class FakeState:
    captured: dict[str, int]  # payment intent / capture id -> amount captured (minor units)
    refunded: dict[str, int] = field(default_factory=dict)
    idempotent: dict[str, tuple[int, dict]] = field(default_factory=dict)  # key -> first answer
    requests: list[dict[str, Any]] = field(default_factory=list)
    refunds_created: int = 0
    fail_with: int = 0  # answer every refund call with this HTTP status (e.g. 500)
    token: str = "A21AAFakeAccessToken"
    pending: bool = False  # new refunds are left pending (Stripe "pending", PayPal "PENDING")
    created: dict[str, dict] = field(default_factory=dict)  # refund id -> its current representation


class _Handler(BaseHTTPRequestHandler):
    state: FakeState

    def log_message(self, *args: Any) -> None:  # keep pytest output clean
        pass

    def _send(self, status: int, body: dict) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self) -> None:  # noqa: N802 - http.server's name
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        headers = {k.lower(): v for k, v in self.headers.items()}
        self.state.requests.append({"path": self.path, "headers": headers, "body": body})
        status, answer = self.route(body)
        self._send(status, answer)

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        headers = {k.lower(): v for k, v in self.headers.items()}
        self.state.requests.append({"path": self.path, "headers": headers, "body": b"", "method": "GET"})
        status, answer = self.lookup()
        self._send(status, answer)

    def route(self, body: bytes) -> tuple[int, dict]:
        raise NotImplementedError

    def lookup(self) -> tuple[int, dict]:
        raise NotImplementedError

    def keep(self, answer: dict) -> dict:
        self.state.created[answer["id"]] = answer
        return answer

    def refund_once(self, key: str | None, make: Any) -> tuple[int, dict]:
        """The provider's idempotency: the same key answers the first answer again."""
        if self.state.fail_with:
            return self.state.fail_with, {"error": {"type": "api_error", "message": "Internal error"}}
        if key and key in self.state.idempotent:
            return self.state.idempotent[key]
        answer = make()
        if key:
            self.state.idempotent[key] = answer
        return answer


class StripeHandler(_Handler):
    def route(self, body: bytes) -> tuple[int, dict]:
        if self.headers.get("Authorization") != f"Bearer {STRIPE_KEY}":
            return 401, {"error": {"type": "invalid_request_error", "message": "Invalid API Key provided"}}
        if self.path != "/v1/refunds":
            return 404, {"error": {"type": "invalid_request_error", "message": "Unrecognized request URL"}}
        form = {k: v[0] for k, v in parse_qs(body.decode()).items()}
        return self.refund_once(self.headers.get("Idempotency-Key"), lambda: self._create(form))

    def _create(self, form: dict[str, str]) -> tuple[int, dict]:
        intent = form.get("payment_intent", "")
        if intent not in self.state.captured:
            return 404, {"error": {"type": "invalid_request_error", "code": "resource_missing",
                                   "message": f"No such payment_intent: '{intent}'", "param": "payment_intent"}}
        amount = int(form.get("amount") or self.state.captured[intent])
        left = self.state.captured[intent] - self.state.refunded.get(intent, 0)
        if left <= 0:
            return 400, {"error": {"type": "invalid_request_error", "code": "charge_already_refunded",
                                   "message": f"Charge ch_{intent[3:]} has already been refunded."}}
        if amount > left:
            return 400, {"error": {"type": "invalid_request_error", "code": "amount_too_large",
                                   "message": f"Refund amount ({amount}) is greater than unrefunded amount ({left})"}}
        self.state.refunded[intent] = self.state.refunded.get(intent, 0) + amount
        self.state.refunds_created += 1
        return 200, self.keep({
            "id": f"re_{uuid.uuid4().hex[:24]}", "object": "refund", "amount": amount, "currency": "eur",
            "payment_intent": intent, "charge": f"ch_{intent[3:]}",
            "status": "pending" if self.state.pending else "succeeded",
            "metadata": {k[9:-1]: v for k, v in form.items() if k.startswith("metadata[")},
            "reason": form.get("reason")})

    def lookup(self) -> tuple[int, dict]:
        if self.headers.get("Authorization") != f"Bearer {STRIPE_KEY}":
            return 401, {"error": {"type": "invalid_request_error", "message": "Invalid API Key provided"}}
        refund_id = self.path.removeprefix("/v1/refunds/")
        if not self.path.startswith("/v1/refunds/") or refund_id not in self.state.created:
            return 404, {"error": {"type": "invalid_request_error", "code": "resource_missing",
                                   "message": f"No such refund: '{refund_id}'"}}
        return 200, self.state.created[refund_id]


class PayPalHandler(_Handler):
    def route(self, body: bytes) -> tuple[int, dict]:
        if self.path == "/v1/oauth2/token":
            basic = base64.b64encode(f"{PAYPAL_ID}:{PAYPAL_SECRET}".encode()).decode()
            if self.headers.get("Authorization") != f"Basic {basic}" or body != b"grant_type=client_credentials":
                return 401, {"error": "invalid_client", "error_description": "Client Authentication failed"}
            return 200, {"scope": "https://uri.paypal.com/services/payments/refund", "access_token": self.state.token,
                         "token_type": "Bearer", "app_id": "APP-80W284485P519543T", "expires_in": 32400}
        if self.headers.get("Authorization") != f"Bearer {self.state.token}":
            return 401, {"name": "AUTHENTICATION_FAILURE", "message": "Authentication failed due to invalid token."}
        parts = self.path.split("/")  # /v2/payments/captures/{id}/refund
        if len(parts) != 6 or parts[1:4] != ["v2", "payments", "captures"] or parts[5] != "refund":
            return 404, {"name": "RESOURCE_NOT_FOUND", "message": "The specified resource does not exist."}
        payload = json.loads(body)
        return self.refund_once(self.headers.get("PayPal-Request-Id"), lambda: self._create(parts[4], payload))

    def _create(self, capture: str, payload: dict) -> tuple[int, dict]:
        if capture not in self.state.captured:
            return 404, {"name": "RESOURCE_NOT_FOUND", "message": "The specified resource does not exist.",
                         "details": [{"issue": "INVALID_RESOURCE_ID", "description": "Specified resource ID does "
                                      "not exist. Please check the resource ID and try again."}]}
        value = payload["amount"]["value"]
        cents = int(value.replace(".", ""))
        left = self.state.captured[capture] - self.state.refunded.get(capture, 0)
        if left <= 0 or cents > left:
            return 422, {"name": "UNPROCESSABLE_ENTITY", "message": "The requested action could not be performed, "
                         "semantically incorrect, or failed business validation.",
                         "details": [{"issue": "CAPTURE_FULLY_REFUNDED" if left <= 0 else "REFUND_AMOUNT_EXCEEDED",
                                      "description": "The capture has already been fully refunded."}]}
        self.state.refunded[capture] = self.state.refunded.get(capture, 0) + cents
        self.state.refunds_created += 1
        return 201, self.keep({
            "id": uuid.uuid4().hex[:17].upper(), "status": "PENDING" if self.state.pending else "COMPLETED",
            "amount": {"value": value, "currency_code": payload["amount"]["currency_code"]},
            "note_to_payer": payload.get("note_to_payer"), "links": []})

    def lookup(self) -> tuple[int, dict]:
        if self.headers.get("Authorization") != f"Bearer {self.state.token}":
            return 401, {"name": "AUTHENTICATION_FAILURE", "message": "Authentication failed due to invalid token."}
        refund_id = self.path.removeprefix("/v2/payments/refunds/")
        if not self.path.startswith("/v2/payments/refunds/") or refund_id not in self.state.created:
            return 404, {"name": "RESOURCE_NOT_FOUND", "message": "The specified resource does not exist."}
        return 200, self.state.created[refund_id]


@contextmanager
def serve(handler: type[_Handler], state: FakeState) -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), type("Bound", (handler,), {"state": state}))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
