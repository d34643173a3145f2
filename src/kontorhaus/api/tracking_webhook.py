"""The carriers' tracking webhook: a carrier (or a tracking aggregator) pushes scans of our
parcels instead of waiting to be asked by the periodic refresh.

No API token: the delivery proves itself with the carrier account's webhook secret, in the
same scheme as Kontorhaus' own outgoing webhooks (integrations.services_webhooks_send):
`X-Kontorhaus-Timestamp: <unix seconds>` and `X-Kontorhaus-Signature: sha256=<hex
HMAC-SHA256(secret, "<timestamp>." + raw body)>`. As with the PSP webhooks, the signature is
checked over the exact bytes before the body is parsed, compared in constant time, and a
timestamp more than five minutes from our clock is refused, so a recorded delivery cannot be
replayed later. A replay inside the window stores nothing: the same event is the same row
(TrackingEvent is unique per parcel, time and code), so it is counted as a duplicate.

Answers: 200 with what was recorded, what was a duplicate, which tracking numbers are not ours
(ignored: an aggregator may push parcels of other shops) and which were refused (not a tracking
number, or the parcel could not take its events); 401 for a missing or wrong signature, an old
timestamp, and alike for an unknown, switched-off or unconfigured carrier account (so account
codes cannot be probed); 413 over 256 KB; 400 for a body that is not JSON; 422 for JSON that is
not a list of events (the field named). What the events mean is flows.tracking_update's
(tracking_events_pushed): this edge checks the signature and the shape, nothing else."""

import datetime as dt
import hmac
import json
import logging
import secrets

from django.http import HttpRequest
from ninja import Header, Router
from pydantic import ValidationError as SchemaError

from kontorhaus.core import clock
from kontorhaus.core.exceptions import DomainError, InvalidInput, NotFound
from kontorhaus.core.webhook_signature import webhook_signature
from kontorhaus.flows.tracking_update import PushedEvent, tracking_events_pushed
from kontorhaus.fulfillment.models import CarrierAccount
from kontorhaus.fulfillment.selectors_carriers import carrier_account_get
from kontorhaus.fulfillment.services_carriers import webhook_secret

from .raw_body import body_bytes
from .schemas_shipping import WebhookAnswerOut, WebhookErrorOut, WebhookEventIn, WebhookEventsIn

router = Router(tags=["carrier webhooks"])
logger = logging.getLogger(__name__)
MAX_BODY_BYTES = 256 * 1024
TOLERANCE_SECONDS = 300
TIMESTAMP_HEADER = "X-Kontorhaus-Timestamp"
SIGNATURE_HEADER = "X-Kontorhaus-Signature"
HEX_SHA256 = 64


class SignatureRefused(DomainError):
    """The delivery is not proven to come from the carrier: nothing is read or stored."""

    code = "invalid_signature"
    status = 401


class PayloadRefused(DomainError):
    code = "invalid_payload"
    status = 400




def tracking_signature_verify(*, body: bytes, timestamp: str, signature: str, secret: str,
                              now: dt.datetime) -> None:
    if not timestamp or not signature:
        raise SignatureRefused(f"the {TIMESTAMP_HEADER} and {SIGNATURE_HEADER} headers are required")
    if not (timestamp.isascii() and timestamp.isdigit() and len(timestamp) <= 12):  # noqa: PLR2004
        raise SignatureRefused(f"{TIMESTAMP_HEADER} is not a unix time in seconds")
    scheme, _, digest = signature.strip().partition("=")
    if scheme != "sha256" or len(digest) != HEX_SHA256 or not digest.isascii():
        raise SignatureRefused(f"{SIGNATURE_HEADER} is not sha256=<64 hex digits>")
    expected = webhook_signature(secret=secret, timestamp=int(timestamp), body=body)  # as our outgoing ones
    if not hmac.compare_digest(expected.encode(), f"sha256={digest.lower()}".encode()):
        raise SignatureRefused("the signature does not match the body")
    if abs(now.timestamp() - int(timestamp)) > TOLERANCE_SECONDS:
        raise SignatureRefused(f"the timestamp is more than {TOLERANCE_SECONDS} s away from now")


def _account(code: str) -> tuple[CarrierAccount | None, str]:
    """The account and its webhook secret. An unknown, switched-off or unconfigured account gets
    a throwaway secret instead, so its delivery fails the signature check like a forged one: the
    answer does not tell which account codes exist. The log says what was wrong."""
    try:
        account = carrier_account_get(code=code[:32])
        secret = webhook_secret(account) if account.active else ""
    except NotFound:
        account, secret = None, ""
    except DomainError:  # stored with another secret key: unreadable, so as good as none
        secret = ""
    if not secret:
        logger.warning("tracking webhook for carrier account %r refused: no such active account with a webhook "
                       "secret (set one under Settings → Carriers)", code[:32])
        return None, secrets.token_hex(32)
    return account, secret


def _events_in(body: bytes) -> WebhookEventsIn:
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        raise PayloadRefused(f"the body is not JSON: {str(error)[:100]}", details={"field": "body"}) from None
    if not isinstance(data, dict):
        raise PayloadRefused('the body is not a JSON object {"events": [...]}', details={"field": "body"})
    try:
        return WebhookEventsIn.model_validate(data)
    except SchemaError as error:
        errors = [{"field": ".".join(str(p) for p in e["loc"]) or "body", "reason": e["msg"]}
                  for e in error.errors()[:50]]
        raise InvalidInput("; ".join(f"{e['field']}: {e['reason']}" for e in errors[:5]),
                           details={"errors": errors}) from None


def _pushed(event: WebhookEventIn) -> PushedEvent:
    return PushedEvent(tracking_number=event.tracking_number, timestamp=event.timestamp,
                       status_code=event.status_code, description=event.description or "",
                       location=event.location or "", problem=event.problem or "")


def _inlined(schema: dict) -> dict:
    """The body's JSON schema without $defs (OpenAPI would resolve their refs elsewhere)."""
    defs = schema.pop("$defs", {})

    def walk(node: object) -> object:
        if isinstance(node, dict):
            if "$ref" in node:
                return walk(defs[node["$ref"].rsplit("/", 1)[-1]])
            return {key: walk(value) for key, value in node.items()}
        if isinstance(node, list):
            return [walk(value) for value in node]
        return node

    return walk(schema)


ERRORS = {status: WebhookErrorOut for status in (400, 401, 413, 422)}
BODY_DOC = {"requestBody": {"required": True, "content": {"application/json": {
    "schema": _inlined(WebhookEventsIn.model_json_schema())}}}}


@router.post("/carriers/{code}/tracking-events", auth=None, response={200: WebhookAnswerOut, **ERRORS},
             openapi_extra=BODY_DOC)
def carrier_tracking_events(request: HttpRequest, code: str,
                            timestamp: str = Header("", alias=TIMESTAMP_HEADER),
                            signature: str = Header("", alias=SIGNATURE_HEADER)):
    """Tracking events pushed by the carrier, signed with the carrier account's webhook secret
    (see docs/shipping.md). Body: `{"events": [{"tracking_number", "timestamp" (ISO 8601 with
    offset), "status_code" (label_created|in_transit|out_for_delivery|delivered|exception|
    returned|unknown), "description", "location", "problem" (optional: damaged|address|
    returned|failure)}]}`, at most 256 KB."""
    body = body_bytes(request, limit=MAX_BODY_BYTES)
    account, secret = _account(code)
    tracking_signature_verify(body=body, timestamp=timestamp, signature=signature, secret=secret, now=clock.now())
    if account is None:  # cannot happen with the throwaway secret; never fall through to storing
        raise SignatureRefused("the signature does not match the body")
    pushed = tracking_events_pushed(account=account, events=[_pushed(e) for e in _events_in(body).events])
    return {"recorded": pushed.recorded, "duplicates": pushed.duplicates,
            "unknown_tracking_numbers": pushed.unknown_tracking_numbers,
            "parcels": [{"tracking_number": number, "status": status} for number, status in pushed.parcels],
            "refused": [{"tracking_number": number, "message": message} for number, message in pushed.refused]}
