"""DHL Parcel DE Shipping API v2 (developer.dhl.com "Parcel DE Shipping (Post & Parcel Germany)").

POST {base}/orders books up to 30 shipments in one call: we send one shipment per parcel (DHL
has no multi-piece shipment for Paket), `refNo` = our order number, countries in alpha-3,
street and house number apart. One parcel answers 200; several answer 207 with a status per
item, so one may fail while the others got labels: we then cancel the booked ones
(DELETE {base}/orders?shipment=...) and report the failure — the caller stores nothing.
Warnings ("house number not found") still produce a label and are handed on.

Authentication: the `dhl-api-key` header on every call, plus either Basic (the business
customer portal user) or an OAuth2 password-grant token from {auth_url}, cached until shortly
before it expires. Base URLs come from the carrier account, so the sandbox, production and
the local fake (carriers/fake_dhl.py) differ only in configuration."""

import base64
import threading
import time
import urllib.parse

from .base import (
    BookedParcel,
    BookingRequest,
    BookingResult,
    CarrierConfig,
    CarrierError,
    CarrierErrorKind,
    ReturnRequest,
    TrackingEvent,
)
from .dhl_address import dhl_address
from .http import HttpAnswer, http_call, json_body
from .manual import tracking_link

CARRIER = "DHL"
TOKEN_MARGIN_SECONDS = 60
# A refusal is about the address when DHL names a consignee field (or, without a field, says so).
ADDRESS_WORDS = ("consignee", "postalcode", "postleitzahl", "addressstreet", "addresshouse", "hausnummer",
                 "house number", "address", "adresse")
_tokens: dict[tuple[str, str, str], tuple[str, float]] = {}
_tokens_lock = threading.Lock()


def token_cache_clear() -> None:
    with _tokens_lock:
        _tokens.clear()


class DhlParcelDe:
    can_book = True
    can_track = True  # through dhl_tracking (Shipment Tracking - Unified)
    can_return = True

    def __init__(self, config: CarrierConfig):
        self.config = config

    # --- authentication ---------------------------------------------------------------------

    def _token(self, *, fresh: bool = False) -> str:
        creds = self.config.credentials
        key = (self.config.auth_url, creds.username, creds.api_key)
        with _tokens_lock:
            cached = _tokens.get(key)
            if cached and not fresh and cached[1] > time.monotonic():
                return cached[0]
        form = urllib.parse.urlencode({"grant_type": "password", "username": creds.username, "password": creds.password,
                                       "client_id": creds.api_key, "client_secret": creds.api_secret}).encode()
        answer = http_call("POST", self.config.auth_url, body=form, timeout=self.config.timeout_seconds,
                           carrier=CARRIER, headers={"Content-Type": "application/x-www-form-urlencoded",
                                                     "Accept": "application/json"})
        body = answer.body if isinstance(answer.body, dict) else {}
        if answer.status != 200 or not body.get("access_token"):  # noqa: PLR2004
            _raise_for_status(answer, default_kind=CarrierErrorKind.AUTH)
        lifetime = max(int(body.get("expires_in") or 0) - TOKEN_MARGIN_SECONDS, 0)
        with _tokens_lock:
            _tokens[key] = (str(body["access_token"]), time.monotonic() + lifetime)
        return str(body["access_token"])

    def _headers(self, language: str, *, fresh: bool = False) -> dict[str, str]:
        creds = self.config.credentials
        if not creds.api_key:
            raise CarrierError("DHL: the carrier account has no API key", kind=CarrierErrorKind.AUTH)
        headers = {"dhl-api-key": creds.api_key, "Accept": "application/json", "Content-Type": "application/json",
                   "Accept-Language": "de-DE" if language == "de" else "en-US"}
        if self.config.auth_mode == "basic":
            pair = f"{creds.username}:{creds.password}".encode()
            headers["Authorization"] = "Basic " + base64.b64encode(pair).decode("ascii")
        else:
            headers["Authorization"] = "Bearer " + self._token(fresh=fresh)
        return headers

    def _call(self, method: str, url: str, *, language: str, body: bytes | None = None,
              books: bool = False) -> HttpAnswer:
        """One call; an OAuth token the carrier no longer accepts is fetched anew once. `books`:
        the call creates labels, so a lost answer is "unknown", not "nothing booked"."""
        answer = http_call(method, url, headers=self._headers(language), body=body,
                           timeout=self.config.timeout_seconds, carrier=CARRIER, books=books)
        if answer.status == 401 and self.config.auth_mode != "basic":  # noqa: PLR2004
            answer = http_call(method, url, headers=self._headers(language, fresh=True), body=body,
                               timeout=self.config.timeout_seconds, carrier=CARRIER, books=books)
        return answer

    # --- booking ----------------------------------------------------------------------------

    def shipment_order(self, request: BookingRequest) -> dict:
        """The request body of POST /orders: one shipment per parcel."""
        shipper = dhl_address(request.shipper, who="shipper")
        consignee = dhl_address(request.consignee, who="consignee")
        services = {}
        if request.return_address is not None:
            services["dhlRetoure"] = {"billingNumber": self.config.return_billing_number or self.config.billing_number,
                                      "refNo": request.reference[:35],
                                      "returnAddress": dhl_address(request.return_address, who="return address")}
        shipments = []
        for parcel in request.parcels:
            shipment = {
                "product": self.config.product or "V01PAK", "billingNumber": self.config.billing_number,
                "refNo": request.reference[:35], "shipDate": request.ship_date.isoformat(),
                "shipper": shipper, "consignee": consignee,
                "details": {"dim": {"uom": "mm", "length": parcel.length_cm * 10, "width": parcel.width_cm * 10,
                                    "height": parcel.height_cm * 10},
                            "weight": {"uom": "g", "value": parcel.weight_grams}},
            }
            if services:
                shipment["services"] = services
            shipments.append(shipment)
        return {"profile": self.config.profile, "shipments": shipments}

    def book(self, request: BookingRequest) -> BookingResult:
        if not request.parcels:
            raise CarrierError("nothing to book: the shipment has no parcel", kind=CarrierErrorKind.REJECTED)
        query = {"docFormat": "PDF", "combine": "false"}
        if request.validate_only:
            query["validate"] = "true"
        url = f"{self.config.api_base_url.rstrip('/')}/orders?{urllib.parse.urlencode(query)}"
        answer = self._call("POST", url, language=request.language, body=json_body(self.shipment_order(request)),
                            books=not request.validate_only)
        if answer.status not in (200, 207):  # noqa: PLR2004
            _raise_for_status(answer)
        items = answer.body.get("items") if isinstance(answer.body, dict) else None
        if not isinstance(items, list) or len(items) != len(request.parcels):
            raise CarrierError("DHL answered with an unexpected response; nothing was booked",
                               kind=CarrierErrorKind.UNAVAILABLE)
        # Every parcel DHL booked in this call, label or not: all of them are undone if any fails.
        numbers = [str(item.get("shipmentNo")) for item in items if _item_ok(item) and item.get("shipmentNo")]
        booked, failures = [], []
        for position, item in enumerate(items, start=1):
            if not _item_ok(item):
                failures.append((position, item))
                continue
            try:
                booked.append(_booked_parcel(item, validate_only=request.validate_only))
            except CarrierError:
                self._cancel_quietly(numbers)
                raise
        if failures:
            self._cancel_quietly(numbers)
            raise _partial_failure(failures, len(items))
        return BookingResult(parcels=tuple(booked))

    def _cancel_quietly(self, tracking_numbers: list[str]) -> None:
        """Undo the parcels booked by a call that failed for another parcel. If even that fails,
        the error names the numbers, so a person can delete them in DHL's portal."""
        if not tracking_numbers:
            return
        try:
            self.cancel(tracking_numbers)
        except CarrierError as error:
            raise CarrierError(f"another parcel failed and cancelling the booked ones failed too ({error.message}); "
                               f"delete {', '.join(tracking_numbers)} in the DHL business portal",
                               kind=CarrierErrorKind.UNAVAILABLE) from error

    def cancel(self, tracking_numbers: list[str]) -> None:
        if not tracking_numbers:
            return
        query = urllib.parse.urlencode([("profile", self.config.profile)]
                                       + [("shipment", n) for n in tracking_numbers])
        answer = self._call("DELETE", f"{self.config.api_base_url.rstrip('/')}/orders?{query}", language="en")
        items = answer.body.get("items") if isinstance(answer.body, dict) else None
        if answer.status not in (200, 207, 400) or not isinstance(items, list) or not items:  # noqa: PLR2004
            _raise_for_status(answer)
        refused = [str(item.get("shipmentNo")) for item in items if not _item_ok(item)]
        if refused:
            raise CarrierError(f"DHL did not cancel {', '.join(refused)} (already manifested or unknown)",
                               kind=CarrierErrorKind.REJECTED)

    def return_label(self, request: ReturnRequest) -> BookedParcel:
        """A DHL Retoure label through the Parcel DE Returns API (POST {returns}/orders)."""
        if not self.config.returns_base_url or not self.config.return_receiver_id:
            raise CarrierError("DHL returns are not set up for this carrier account", kind=CarrierErrorKind.REJECTED)
        customer = dhl_address(request.customer, who="customer")
        shipper = {k: v for k, v in customer.items() if k in ("name1", "name2", "name3", "addressStreet",
                                                                "addressHouse", "postalCode", "city", "country")}
        body = {"receiverId": self.config.return_receiver_id, "customerReference": request.reference[:30],
                "shipmentReference": request.reference[:30], "shipper": shipper,
                "itemWeight": {"uom": "g", "value": request.weight_grams}}
        url = f"{self.config.returns_base_url.rstrip('/')}/orders?labelType=SHIPMENT_LABEL"
        answer = self._call("POST", url, language="de", body=json_body(body), books=True)
        if answer.status not in (200, 201):  # noqa: PLR2004
            _raise_for_status(answer)
        data = answer.body if isinstance(answer.body, dict) else {}
        label = _label_bytes(data.get("label"))
        if not data.get("shipmentNo") or not label:
            raise CarrierError("DHL answered the return label request without a label",
                               kind=CarrierErrorKind.UNAVAILABLE)
        return BookedParcel(tracking_number=str(data["shipmentNo"]), label_pdf=label)

    def track(self, tracking_number: str) -> list[TrackingEvent]:
        return []  # see dhl_tracking.DhlTracking; the registry combines them

    def tracking_url(self, tracking_number: str, *, postal_code: str = "") -> str:
        return tracking_link("dhl", tracking_number)


def _item_ok(item: dict) -> bool:
    status = item.get("sstatus") or {}
    code = status.get("statusCode", status.get("status"))
    try:
        return 200 <= int(code) < 300  # noqa: PLR2004
    except (TypeError, ValueError):
        return False


def _label_bytes(label: object) -> bytes:
    if not isinstance(label, dict) or not label.get("b64"):
        return b""
    try:
        return base64.b64decode(label["b64"], validate=True)
    except ValueError:
        return b""


def _messages(item: dict, *, state: str) -> list[str]:
    found = []
    for message in item.get("validationMessages") or []:
        if str(message.get("validationState", "")).lower() == state:
            prop = message.get("property") or ""
            text = message.get("validationMessage") or ""
            text = str(text).rstrip(". ")
            found.append(f"{prop}: {text}" if prop else text)
    return found


def _booked_parcel(item: dict, *, validate_only: bool) -> BookedParcel:
    number = str(item.get("shipmentNo") or "")  # a JSON number in some answers: never a float
    label = _label_bytes(item.get("label"))
    if not validate_only and (not number or not label.startswith(b"%PDF")):
        raise CarrierError("DHL booked a parcel without a PDF label; nothing was stored",
                           kind=CarrierErrorKind.UNAVAILABLE)
    return BookedParcel(tracking_number=number, label_pdf=label, warnings=tuple(_messages(item, state="warning")),
                        return_tracking_number=str(item.get("returnShipmentNo") or ""),
                        return_label_pdf=_label_bytes(item.get("returnLabel")))


def _kind_of(messages: list[str]) -> str:
    text = " ".join(m.split(":", 1)[-1] if m.lower().startswith(("shipper", "services")) else m
                    for m in messages).lower()
    return CarrierErrorKind.INVALID_ADDRESS if any(w in text for w in ADDRESS_WORDS) else CarrierErrorKind.REJECTED


def _partial_failure(failures: list[tuple[int, dict]], total: int) -> CarrierError:
    messages = []
    for position, item in failures:
        errors = _messages(item, state="error") or [str((item.get("sstatus") or {}).get("detail") or "refused")]
        messages.extend(errors)
        prefix = f"parcel {position} of {total}: " if total > 1 else ""
        messages[-len(errors):] = [prefix + e for e in errors]
    return CarrierError("DHL refused the booking — " + "; ".join(messages) + ". Nothing was booked.",
                        kind=_kind_of(messages), details=messages)


def _raise_for_status(answer: HttpAnswer, *, default_kind: str = CarrierErrorKind.REJECTED) -> None:
    body = answer.body if isinstance(answer.body, dict) else {}
    status = body.get("status") if isinstance(body.get("status"), dict) else body
    detail = str(status.get("detail") or status.get("title") or body.get("detail") or "").strip()
    if answer.status in (401, 403):  # noqa: PLR2004
        raise CarrierError(f"DHL refused our credentials ({detail or answer.status}); check the DHL carrier account",
                           kind=CarrierErrorKind.AUTH)
    if answer.status == 429 or answer.status >= 500:  # noqa: PLR2004
        raise CarrierError(f"DHL is not available right now ({answer.status} {detail}). Nothing was booked; try "
                           "again in a few minutes.", kind=CarrierErrorKind.UNAVAILABLE)
    messages = [m for item in body.get("items") or [] for m in _messages(item, state="error")]
    if answer.status == 400 and messages:  # noqa: PLR2004
        raise CarrierError("DHL refused the booking — " + "; ".join(messages) + ". Nothing was booked.",
                           kind=_kind_of(messages), details=messages)
    raise CarrierError(f"DHL refused the request ({answer.status} {detail or 'no reason given'}). Nothing was booked.",
                       kind=default_kind, details=messages)
