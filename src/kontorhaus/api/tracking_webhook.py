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

Answers: 200 with what was recorded, what was a duplicate and which tracking numbers are not
ours (ignored: an aggregator may push parcels of other shops); 401 for a missing or wrong
signature, an old timestamp or an account without a webhook secret; 404 for an unknown or
inactive carrier account; 413 over 256 KB; 400 for a body that is not JSON; 422 for JSON that
is not a list of events (the field named). Each parcel's events are one transaction of
flows.tracking_update, so a parcel that cannot take its events does not hold back the others."""

import datetime as dt
import hashlib
import hmac
import json
from collections import defaultdict

from django.http import HttpRequest
from ninja import Header, Router
from pydantic import ValidationError as SchemaError

from kontorhaus.core import clock
from kontorhaus.core.audit import Actor
from kontorhaus.core.exceptions import DomainError, InvalidInput, NotFound
from kontorhaus.flows.tracking_update import tracking_events_received
from kontorhaus.fulfillment.carriers.base import TrackingEvent, TrackingStatus
from kontorhaus.fulfillment.carriers.manual import tracking_number_clean
from kontorhaus.fulfillment.models import CarrierAccount, Parcel, TrackingEventSource
from kontorhaus.fulfillment.selectors_carriers import carrier_account_get
from kontorhaus.fulfillment.selectors_tracking import parcel_by_tracking_number
from kontorhaus.fulfillment.services_carriers import webhook_secret

from .raw_body import body_bytes
from .schemas_shipping import WebhookAnswerOut, WebhookErrorOut, WebhookEventIn, WebhookEventsIn

router = Router(tags=["carrier webhooks"])
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


def tracking_signature(*, secret: str, timestamp: int, body: bytes) -> str:
    """The X-Kontorhaus-Signature value for these bytes (for tests and for trying it by hand)."""
    return "sha256=" + hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()


def tracking_signature_verify(*, body: bytes, timestamp: str, signature: str, secret: str,
                              now: dt.datetime) -> None:
    if not timestamp or not signature:
        raise SignatureRefused(f"the {TIMESTAMP_HEADER} and {SIGNATURE_HEADER} headers are required")
    if not (timestamp.isascii() and timestamp.isdigit() and len(timestamp) <= 12):  # noqa: PLR2004
        raise SignatureRefused(f"{TIMESTAMP_HEADER} is not a unix time in seconds")
    scheme, _, digest = signature.strip().partition("=")
    if scheme != "sha256" or len(digest) != HEX_SHA256 or not digest.isascii():
        raise SignatureRefused(f"{SIGNATURE_HEADER} is not sha256=<64 hex digits>")
    expected = tracking_signature(secret=secret, timestamp=int(timestamp), body=body)
    if not hmac.compare_digest(expected.encode(), f"sha256={digest.lower()}".encode()):
        raise SignatureRefused("the signature does not match the body")
    if abs(now.timestamp() - int(timestamp)) > TOLERANCE_SECONDS:
        raise SignatureRefused(f"the timestamp is more than {TOLERANCE_SECONDS} s away from now")


def _account(code: str) -> tuple[CarrierAccount, str]:
    account = carrier_account_get(code=code)  # NotFound: 404
    if not account.active:
        raise NotFound(f"carrier account {account.code} is switched off", details={"field": "code"})
    try:
        secret = webhook_secret(account)
    except DomainError:  # stored with another secret key: unreadable, so as good as none
        secret = ""
    if not secret:
        raise SignatureRefused(f"carrier account {account.code} has no webhook secret: set one under Settings → "
                               "Carriers", code="webhook_not_configured")
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


def _carrier_event(event: WebhookEventIn) -> TrackingEvent:
    text, location = (event.description or "").strip(), (event.location or "").strip()
    # The code is what makes an event the same event again (with parcel and time): the status
    # plus a digest of what the carrier said, so two different scans in the same second are
    # two events while a retried delivery is one.
    digest = hashlib.sha256(f"{text}\n{location}".encode()).hexdigest()[:8]
    problem = event.problem or ("returned" if event.status_code == TrackingStatus.RETURNED else "")
    return TrackingEvent(occurred_at=event.timestamp, status=event.status_code, code=f"{event.status_code}:{digest}",
                         text=text, location=location, problem=problem)


def _belongs_to(parcel: Parcel, account: CarrierAccount) -> bool:
    """A secret of one carrier account speaks only for that carrier's parcels."""
    if parcel.shipment.carrier_account_id:
        return parcel.shipment.carrier_account_id == account.pk
    return parcel.tracking_carrier == account.tracking_carrier


def _parcel_of(number: str, account: CarrierAccount) -> Parcel | None:
    parcel = parcel_by_tracking_number(tracking_number=number)
    return parcel if parcel is not None and _belongs_to(parcel, account) else None


def _grouped(body: WebhookEventsIn) -> dict[str, list[TrackingEvent]]:
    grouped: dict[str, list[TrackingEvent]] = defaultdict(list)
    for event in body.events:
        grouped[tracking_number_clean(event.tracking_number)].append(_carrier_event(event))
    return grouped


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


ERRORS = {status: WebhookErrorOut for status in (400, 401, 404, 413, 422)}
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
    return _apply(_grouped(_events_in(body)), account=account)


def _apply(grouped: dict[str, list[TrackingEvent]], *, account: CarrierAccount) -> dict:
    """Each parcel's events in its own transaction (tracking_update), the answer counted up."""
    actor = Actor("carrier", f"webhook-{account.code}")
    answer = {"recorded": 0, "duplicates": 0, "unknown_tracking_numbers": [], "parcels": [], "refused": []}
    for number, events in grouped.items():
        parcel = _parcel_of(number, account)
        if parcel is None:
            answer["unknown_tracking_numbers"].append(number)
            continue
        try:
            recorded = tracking_events_received(parcel=parcel, events=events, source=TrackingEventSource.WEBHOOK,
                                                actor=actor)
        except DomainError as error:  # rolled back whole; the carrier's retry would meet the same refusal
            answer["refused"].append({"tracking_number": number, "message": error.message})
            continue
        answer["recorded"] += len(recorded.new)
        answer["duplicates"] += len(events) - len(recorded.new)
        answer["parcels"].append({"tracking_number": number, "status": recorded.status})
    return answer
