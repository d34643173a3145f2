"""A local stand-in for DHL's APIs, for tests and demos: the same paths, headers and answer
shapes as the published ones (Parcel DE Shipping v2, its OAuth password grant, the Parcel DE
Returns API and Shipment Tracking – Unified; compare ../shared/fixtures/06-shipping/).

It answers like DHL does when things go wrong: 401 for a wrong API key, user or token; 400 with
`validationMessages` for an address DHL cannot deliver to (a German address without house
number, or a postal code that does not belong to the city); 207 with a status per shipment when
several were sent and some failed; 503 while `outage` is set; an RFC 7807 404 for a tracking
number it does not know. A house number above 500 books with a warning ("house number not
found"), as the real API does for an address it can route but not verify.

Run it with `kontorhaus fake-dhl --port 8765` and point a carrier account at
http://127.0.0.1:8765/parcel/de/shipping/v2 (see docs/shipping.md). With `auto_progress_seconds`
a booked parcel moves on its own: in transit, out for delivery, delivered."""

import base64
import datetime as dt
import itertools
import json
import threading
import time
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from .fake_pdf import label_pdf

SHIPPING = "/parcel/de/shipping/v2"
TOKEN = "/parcel/de/account/auth/ropc/v1/token"  # noqa: S105 - a path
RETURNS = "/parcel/de/shipping/returns/v1"
TRACKING = "/track/shipments"
# Postal code -> city, for the "postal code does not match the city" check (German addresses).
GAZETTEER = {"10115": "berlin", "20457": "hamburg", "53113": "bonn", "80331": "münchen", "50667": "köln",
             "60311": "frankfurt am main", "45133": "essen", "01067": "dresden", "04109": "leipzig"}
MAX_GRAMS = 31_500  # DHL Paket's weight limit
TEXTS = {
    "de": {"house": "Bitte geben Sie eine Hausnummer an.", "plz": "Die Postleitzahl passt nicht zum Ort.",
           "plz_format": "Die Postleitzahl ist ungültig.", "house_warn": "Die angegebene Hausnummer kann nicht "
           "gefunden werden.", "ok": "Die Sendung wurde erfolgreich erstellt.", "failed": "Validierung fehlgeschlagen.",
           "weight": "Das Gewicht muss zwischen 0 und 31,5 kg liegen."},
    "en": {"house": "Please enter a house number.", "plz": "The postal code does not match the city.",
           "plz_format": "The postal code is invalid.", "house_warn": "The house number could not be found.",
           "ok": "The shipment was created successfully.", "failed": "Validation failed.",
           "weight": "The weight must be between 0 and 31.5 kg."},
}
PROGRESS = [("transit", "The shipment has been processed in the parcel center", "Bonn"),
            ("transit", "The shipment has been loaded onto the delivery vehicle", "Berlin"),
            ("delivered", "The shipment has been successfully delivered", "Berlin")]


@dataclass
class FakeDhlState:
    api_key: str = "demo-api-key"
    api_secret: str = "demo-api-secret"  # noqa: S105 - the fake's published demo credentials
    username: str = "user-valid"
    password: str = "SandboxPasswort2023!"  # noqa: S105 - as DHL's sandbox documentation
    token_lifetime: int = 1800
    outage: int = 0  # an HTTP status (503, 500) answered to every call while set
    auto_progress_seconds: float = 0
    # Misbehaviour on demand, for tests: parcels (1-based, per booking call) booked without a
    # label; seconds a booking waits after booking before it answers (a read timeout on our side
    # with the parcels booked); an address every call is redirected to (307).
    missing_label_positions: set[int] = field(default_factory=set)
    booking_delay_seconds: float = 0
    redirect_to: str = ""
    tokens: dict[str, float] = field(default_factory=dict)
    shipments: dict[str, dict] = field(default_factory=dict)
    events: dict[str, list[dict]] = field(default_factory=dict)
    requests: list[dict] = field(default_factory=list)  # method, path, headers, body: for contract tests
    lock: threading.Lock = field(default_factory=threading.Lock)
    numbers: itertools.count = field(default_factory=lambda: itertools.count(1))

    def scan(self, number: str, *, code: str, description: str, location: str = "Bonn",
             timestamp: str = "") -> None:
        """A scan in DHL's network: the tracking API shows it from now on."""
        stamp = timestamp or _utc_now().replace(microsecond=0).isoformat().replace("+00:00", "Z")
        with self.lock:
            self.events.setdefault(number, []).append(_event(stamp, code, description, location))


def _utc_now() -> dt.datetime:
    """The fake's own wall clock (it plays DHL's servers, not our business time)."""
    return dt.datetime.fromtimestamp(time.time(), dt.UTC)


def _event(stamp: str, code: str, description: str, location: str) -> dict:
    return {"timestamp": stamp, "location": {"address": {"countryCode": "DE", "addressLocality": location}},
            "statusCode": code, "status": description.upper()[:40], "description": description}


def _status(code: int, title: str, detail: str) -> dict:
    return {"title": title, "statusCode": code, "status": code, "instance": "", "detail": detail}


class Handler(BaseHTTPRequestHandler):
    server_version = "FakeDHL/1.0"
    state: FakeDhlState  # set on the subclass made per server

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - BaseHTTPRequestHandler's name
        return None

    # --- plumbing ---------------------------------------------------------------------------

    def _send(self, code: int, body: dict, content_type: str = "application/json") -> None:
        raw = json.dumps(body, ensure_ascii=False).encode("utf-8")
        self.send_response(code)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def _body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(min(length, 5_000_000)) if length else b""

    def _dispatch(self, method: str) -> None:
        url = urllib.parse.urlsplit(self.path)
        query = urllib.parse.parse_qs(url.query)
        body = self._body()
        with self.state.lock:
            self.state.requests.append({"method": method, "path": url.path, "query": query,
                                        "headers": {k.lower(): v for k, v in self.headers.items()}, "body": body})
        if self.state.redirect_to:
            self.send_response(307)
            self.send_header("Location", self.state.redirect_to.rstrip("/") + self.path)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if self.state.outage:
            code = self.state.outage
            self._send(code, _status(code, "Service Unavailable" if code == 503 else "Internal Server Error",  # noqa: PLR2004
                                     "The service is temporarily unavailable."), "application/problem+json")
            return
        routes = {("POST", TOKEN): self._token, ("POST", SHIPPING + "/orders"): self._create,
                  ("DELETE", SHIPPING + "/orders"): self._delete, ("GET", TRACKING): self._track,
                  ("POST", RETURNS + "/orders"): self._return}
        handler = routes.get((method, url.path.rstrip("/")))
        if handler is None:
            self._send(404, {"title": "Not Found", "status": 404, "detail": f"no route {url.path}"},
                       "application/problem+json")
            return
        handler(query, body)

    def do_GET(self) -> None:  # noqa: N802 - http.server's names
        self._dispatch("GET")

    def do_POST(self) -> None:  # noqa: N802
        self._dispatch("POST")

    def do_DELETE(self) -> None:  # noqa: N802
        self._dispatch("DELETE")

    def _language(self) -> str:
        return "de" if (self.headers.get("Accept-Language") or "").lower().startswith("de") else "en"

    def _authorised(self) -> bool:
        """dhl-api-key plus Basic (portal user) or a Bearer token from the token endpoint."""
        state = self.state
        if self.headers.get("dhl-api-key") != state.api_key:
            self._send(401, _status(401, "Unauthorized", "Invalid API key."), "application/problem+json")
            return False
        auth = self.headers.get("Authorization") or ""
        if auth.startswith("Basic "):
            try:
                user, _, password = base64.b64decode(auth[6:]).decode().partition(":")
            except ValueError:
                user, password = "", ""
            ok = (user, password) == (state.username, state.password)
        else:
            ok = state.tokens.get(auth.removeprefix("Bearer "), 0) > time.monotonic()
        if not ok:
            self._send(401, _status(401, "Unauthorized", "Unauthorized for given resource."),
                       "application/problem+json")
        return ok

    # --- OAuth2 password grant ---------------------------------------------------------------

    def _token(self, query: dict, body: bytes) -> None:
        form = {k: v[0] for k, v in urllib.parse.parse_qs(body.decode("utf-8", "replace")).items()}
        state = self.state
        if (form.get("grant_type") != "password" or form.get("client_id") != state.api_key
                or form.get("client_secret") != state.api_secret
                or (form.get("username"), form.get("password")) != (state.username, state.password)):
            self._send(401, {"error": "invalid_grant", "error_description": "Invalid credentials."})
            return
        token = base64.urlsafe_b64encode(f"{time.monotonic_ns()}".encode()).decode().rstrip("=")
        with state.lock:
            state.tokens[token] = time.monotonic() + state.token_lifetime
        self._send(200, {"access_token": token, "token_type": "Bearer", "expires_in": state.token_lifetime})

    # --- shipments --------------------------------------------------------------------------

    def _address_errors(self, prefix: str, address: dict, texts: dict) -> list[dict]:
        errors = []
        if address.get("country") == "DEU":
            plz, city = str(address.get("postalCode") or ""), str(address.get("city") or "").strip().lower()
            if not (plz.isdigit() and len(plz) == 5):  # noqa: PLR2004
                errors.append({"property": f"{prefix}.postalCode", "validationMessage": texts["plz_format"],
                               "validationState": "Error"})
            elif plz in GAZETTEER and GAZETTEER[plz] != city:
                errors.append({"property": f"{prefix}.postalCode", "validationMessage": texts["plz"],
                               "validationState": "Error"})
            if not address.get("addressHouse"):
                errors.append({"property": f"{prefix}.addressHouse", "validationMessage": texts["house"],
                               "validationState": "Error"})
        for name in ("name1", "addressStreet", "city", "country"):
            if not address.get(name):
                errors.append({"property": f"{prefix}.{name}", "validationMessage": f"{name} is required",
                               "validationState": "Error"})
        return errors

    def _item(self, shipment: dict, texts: dict, *, validate: bool) -> dict:
        consignee = shipment.get("consignee") or {}
        messages = self._address_errors("consignee", consignee, texts)
        messages += self._address_errors("shipper", shipment.get("shipper") or {}, texts)
        weight = ((shipment.get("details") or {}).get("weight") or {}).get("value") or 0
        if not isinstance(weight, int | float) or not 0 < weight <= MAX_GRAMS:
            messages.append({"property": "details.weight", "validationMessage": texts["weight"],
                             "validationState": "Error"})
        if not str(shipment.get("billingNumber") or "").isdigit():
            messages.append({"property": "billingNumber", "validationMessage": "billingNumber is invalid",
                             "validationState": "Error"})
        if messages:
            return {"sstatus": _status(400, "Bad Request", texts["failed"]), "validationMessages": messages}
        house = str(consignee.get("addressHouse") or "")
        if house[:3].isdigit() and int("".join(c for c in house if c.isdigit())) > 500:  # noqa: PLR2004
            messages.append({"property": "consignee", "validationMessage": texts["house_warn"],
                             "validationState": "Warning"})
        item = {"sstatus": _status(200, "OK", texts["ok"]), "validationMessages": messages}
        if validate:
            return item
        number = f"0034043416{next(self.state.numbers):010d}"
        item.update(shipmentNo=number, shipmentRefNo=shipment.get("refNo", ""),
                    routingCode="40327653113+99000933090010",
                    label={"b64": _b64_label("DHL Paket", number, consignee), "fileFormat": "PDF", "printFormat": "A4"})
        if (shipment.get("services") or {}).get("dhlRetoure"):
            retoure = f"6070100{next(self.state.numbers):07d}"
            item.update(returnShipmentNo=retoure, returnLabel={"b64": _b64_label("DHL Retoure", retoure, consignee),
                                                                "fileFormat": "PDF", "printFormat": "A4"})
        with self.state.lock:
            self.state.shipments[number] = {"refNo": shipment.get("refNo", ""), "cancelled": False,
                                            "booked_at": time.monotonic()}
        return item

    def _create(self, query: dict, body: bytes) -> None:
        if not self._authorised():
            return
        texts = TEXTS[self._language()]
        try:
            order = json.loads(body)
            shipments = order["shipments"]
            assert order.get("profile") and isinstance(shipments, list) and 1 <= len(shipments) <= 30  # noqa: PLR2004
        except (ValueError, KeyError, TypeError, AssertionError):
            self._send(400, {**_status(400, "Bad Request", "The request body is invalid."), "items": []},
                       "application/problem+json")
            return
        validate = (query.get("validate") or ["false"])[0] == "true"
        items = [self._item(s, texts, validate=validate) for s in shipments]
        for position in self.state.missing_label_positions:
            if position <= len(items) and "label" in items[position - 1]:
                items[position - 1]["label"] = {"b64": "", "fileFormat": "PDF"}
        if self.state.booking_delay_seconds and not validate:
            time.sleep(self.state.booking_delay_seconds)
        ok = sum(1 for i in items if i["sstatus"]["statusCode"] == 200)  # noqa: PLR2004
        if len(items) > 1:
            detail = f"{ok} of {len(items)} shipments successfully created."
            self._send(207, {"status": _status(207, "Multi-Status", detail), "items": items})
        elif ok:
            self._send(200, {"status": _status(200, "OK", texts["ok"]), "items": items})
        else:
            self._send(400, {"status": _status(400, "Bad Request", texts["failed"]), "items": items},
                       "application/problem+json")

    def _delete(self, query: dict, body: bytes) -> None:
        if not self._authorised():
            return
        numbers = query.get("shipment") or []
        if not query.get("profile") or not numbers:
            self._send(400, _status(400, "Bad Request", "profile and shipment are required."),
                       "application/problem+json")
            return
        items = []
        with self.state.lock:
            for number in numbers:
                known = self.state.shipments.get(number)
                if known and not known["cancelled"]:
                    known["cancelled"] = True
                    items.append({"shipmentNo": number, "sstatus": _status(200, "OK", "Shipment deleted.")})
                else:
                    items.append({"shipmentNo": number, "sstatus": _status(400, "Bad Request", "Unknown shipment.")})
        code = 207 if len(items) > 1 else items[0]["sstatus"]["statusCode"]
        self._send(code, {"status": _status(code, "OK" if code == 200 else "Multi-Status", ""), "items": items})  # noqa: PLR2004

    def _return(self, query: dict, body: bytes) -> None:
        if not self._authorised():
            return
        try:
            data = json.loads(body)
            shipper = data["shipper"]
            assert data.get("receiverId") and shipper.get("name1") and shipper.get("postalCode")
        except (ValueError, KeyError, TypeError, AttributeError, AssertionError):
            self._send(400, _status(400, "Bad Request", "receiverId and shipper are required."),
                       "application/problem+json")
            return
        number = f"9990{next(self.state.numbers):010d}"
        with self.state.lock:
            self.state.shipments[number] = {"refNo": data.get("customerReference", ""), "cancelled": False,
                                            "booked_at": time.monotonic()}
        self._send(201, {"shipmentNo": number, "routingCode": "40327610117+99000933000000",
                         "label": {"b64": _b64_label("DHL Retoure", number, shipper)},
                         "sstatus": _status(201, "Created", "")})

    # --- tracking ---------------------------------------------------------------------------

    def _track(self, query: dict, body: bytes) -> None:
        if self.headers.get("DHL-API-Key") != self.state.api_key:
            self._send(401, {"title": "Unauthorized", "status": 401, "detail": "Invalid API key."},
                       "application/problem+json")
            return
        number = (query.get("trackingNumber") or [""])[0]
        events = self._events_of(number)
        if not events:
            self._send(404, {"title": "No result found", "detail": "No shipment with given tracking number found.",
                             "status": 404, "instance": f"/shipment/{number}"}, "application/problem+json")
            return
        newest = events[-1]
        status = {**newest, "timestamp": newest["timestamp"]}
        self._send(200, {"shipments": [{"id": number, "service": "parcel-de", "status": status,
                                        "details": {"product": {"productName": "DHL PAKET"}},
                                        "events": list(reversed(events))}]})

    def _events_of(self, number: str) -> list[dict]:
        state = self.state
        with state.lock:
            events = list(state.events.get(number, []))
            booked = state.shipments.get(number)
        if state.auto_progress_seconds and booked and not booked["cancelled"]:
            steps = int((time.monotonic() - booked["booked_at"]) // state.auto_progress_seconds)
            now = _utc_now()
            for index, (code, text, place) in enumerate(PROGRESS[:steps]):
                stamp = (now - dt.timedelta(seconds=len(PROGRESS) - index)).replace(microsecond=0, tzinfo=None)
                events.append(_event(stamp.isoformat(), code, text, place))  # no offset, like DHL's events
        return events


def _b64_label(title: str, number: str, address: dict) -> str:
    lines = [str(address.get(k) or "") for k in ("name1", "name2", "addressStreet", "addressHouse", "postalCode",
                                                 "city", "country")]
    return base64.b64encode(label_pdf(title=title, tracking_number=number, lines=[x for x in lines if x])).decode()


class FakeDhlServer:
    """The fake on a port of its own, in a thread: `with FakeDhlServer() as fake: fake.url`."""

    def __init__(self, *, host: str = "127.0.0.1", port: int = 0, state: FakeDhlState | None = None):
        self.state = state or FakeDhlState()
        handler = type("BoundHandler", (Handler,), {"state": self.state})
        self.httpd = ThreadingHTTPServer((host, port), handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> "FakeDhlServer":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def __enter__(self) -> "FakeDhlServer":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
