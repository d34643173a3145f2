"""Carrier accounts (STYLE 4): saving one, and its credentials encrypted at rest.

Credentials are a small JSON object (API key and secret, portal user and password, tracking
key, webhook secret) encrypted with Fernet. The key is CARRIER_CREDENTIALS_KEY when set (any
string; rotate by re-entering the credentials), else derived from SECRET_KEY. For API keys only,
the last four characters are kept in clear ("set …1234" on the settings page, to tell keys
apart); of a password, user or secret nothing is shown but "set". Nothing reads a secret back
out to a page or an API answer.

The stored credentials go to the account's addresses. So an address may point only at https
(or http on this machine: the local fake), and moving an address to another host needs the
credentials entered again in the same save: otherwise whoever may edit the settings could send
the stored ones to a host of their choosing ("Test connection")."""

import base64
import json
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass, field

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.validators import URLValidator, ValidationError, validate_slug

from kontorhaus.core import clock
from kontorhaus.core.audit import Actor, AuditAction, record
from kontorhaus.core.exceptions import DomainError, InvalidInput
from kontorhaus.core.transactions import operation

from .carriers.base import CarrierConfig, CarrierCredentials
from .carriers.http import LOOPBACK_HOSTS
from .carriers.manual import link_templates
from .models_carriers import CarrierAccount, CarrierKind

SECRET_FIELDS = ("api_key", "api_secret", "username", "password", "tracking_api_key", "webhook_secret")
HINTED_FIELDS = ("api_key", "tracking_api_key")  # the only ones whose last characters are shown
SENT_FIELDS = ("api_key", "api_secret", "username", "password", "tracking_api_key")  # go to the carrier's hosts
URL_FIELDS = ("api_base_url", "auth_url", "tracking_base_url", "returns_base_url")
AUTH_MODES = ("oauth", "basic")
SECRET_MAX = 500


@dataclass(frozen=True)
class CarrierAccountData:
    name: str
    kind: str
    tracking_carrier: str
    shipping_methods: tuple[str, ...] = ()
    active: bool = True
    api_base_url: str = ""
    auth_url: str = ""
    tracking_base_url: str = ""
    returns_base_url: str = ""
    auth_mode: str = "oauth"
    billing_number: str = ""
    product: str = ""
    return_billing_number: str = ""
    return_receiver_id: str = ""
    returns_enabled: bool = False
    extra: dict = field(default_factory=dict)


def _fernet() -> Fernet:
    secret = getattr(settings, "CARRIER_CREDENTIALS_KEY", "") or settings.SECRET_KEY
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"kontorhaus", info=b"carrier-credentials").derive(
        secret.encode("utf-8"))
    return Fernet(base64.urlsafe_b64encode(key))


def credentials_encrypt(values: Mapping[str, str]) -> str:
    return _fernet().encrypt(json.dumps(dict(values), sort_keys=True).encode("utf-8")).decode("ascii")


def credentials_decrypt(token: str) -> dict[str, str]:
    if not token:
        return {}
    try:
        return json.loads(_fernet().decrypt(token.encode("ascii")))
    except (InvalidToken, ValueError) as error:
        raise DomainError("the carrier credentials cannot be read (the secret key changed?); enter them again",
                          code="credentials_unreadable") from error


def _hint(name: str, value: str) -> str:
    if name not in HINTED_FIELDS or len(value) < 8:  # noqa: PLR2004 - a short key is not shown even in part
        return ""
    return value[-4:]


def _url(value: str, name: str) -> str:
    value = value.strip()
    if value:
        try:
            URLValidator(schemes=["http", "https"])(value)
        except ValidationError:
            raise InvalidInput(f"{name} is not an http(s) address", details={"field": name})
        parts = urllib.parse.urlsplit(value)
        if parts.scheme == "http" and parts.hostname not in LOOPBACK_HOSTS:
            raise InvalidInput(f"{name} must be an https address (http only to 127.0.0.1 or localhost, for the local "
                               "fake)", details={"field": name})
    return value


def _host(url: str) -> tuple[str, str, int | None]:
    parts = urllib.parse.urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        port = None
    return parts.scheme, parts.hostname or "", port


def _refuse_host_change(account: CarrierAccount, data: CarrierAccountData, stored: dict, entered: set[str]) -> None:
    """A new host gets the credentials only when they are typed in again with the address."""
    if account.pk is None:
        return
    moved = [name for name in URL_FIELDS
             if getattr(account, name) and _host(getattr(account, name)) != _host(getattr(data, name).strip())]
    missing = [name for name in SENT_FIELDS if stored.get(name) and name not in entered]
    if moved and missing:
        raise InvalidInput(f"{', '.join(moved)} now points at another host: enter the credentials again "
                           f"({', '.join(missing)}), so the stored ones are never sent to a new host",
                           details={"field": missing[0]})


def _validate(code: str, data: CarrierAccountData) -> None:
    try:
        validate_slug(code)
    except ValidationError:
        raise InvalidInput("the code has letters, digits, - and _ only", details={"field": "code"})
    if not data.name.strip() or len(data.name) > 100:  # noqa: PLR2004
        raise InvalidInput("a carrier account needs a name (at most 100 characters)", details={"field": "name"})
    if data.kind not in CarrierKind.values:
        raise InvalidInput(f"kind is one of {', '.join(CarrierKind.values)}", details={"field": "kind"})
    if data.tracking_carrier not in link_templates():
        raise InvalidInput(f"tracking carrier is one of {', '.join(link_templates())}",
                           details={"field": "tracking_carrier"})
    if data.auth_mode not in AUTH_MODES:
        raise InvalidInput("auth mode is oauth or basic", details={"field": "auth_mode"})
    for name in ("billing_number", "return_billing_number"):
        value = getattr(data, name)
        if value and not (value.isdigit() and len(value) == 14):  # noqa: PLR2004 - EKP 10 + procedure 2 + 2
            raise InvalidInput("a DHL billing number has 14 digits", details={"field": name})
    if data.kind == CarrierKind.DHL_PARCEL_DE and not (data.api_base_url and data.billing_number):
        raise InvalidInput("DHL needs the API address and the billing number", details={"field": "api_base_url"})
    if data.returns_enabled and data.kind == CarrierKind.DHL_PARCEL_DE and not data.return_billing_number:
        raise InvalidInput("DHL returns need the return billing number (procedure 07)",
                           details={"field": "return_billing_number"})


def _methods(code: str, methods: tuple[str, ...]) -> list[str]:
    cleaned = sorted({m.strip().lower() for m in methods if m and m.strip()})
    if any(len(m) > 32 for m in cleaned):  # noqa: PLR2004 - as long as an order's shipping method
        raise InvalidInput("a shipping method has at most 32 characters", details={"field": "shipping_methods"})
    for other in CarrierAccount.objects.exclude(code=code).only("code", "shipping_methods"):
        taken = set(cleaned) & set(other.shipping_methods)
        if taken:
            raise InvalidInput(f"shipping method {sorted(taken)[0]} is booked by {other.code} already",
                               details={"field": "shipping_methods"})
    return cleaned


@operation
def carrier_account_set(*, code: str, data: CarrierAccountData, credentials: Mapping[str, str] | None,
                        actor: Actor) -> CarrierAccount:
    """Create or update the account `code`. A credential field given non-empty replaces the
    stored one; left empty it keeps it (the form never shows the old value to send back)."""
    _validate(code, data)
    account = CarrierAccount.objects.select_for_update().filter(code=code).first() or CarrierAccount(code=code)
    try:
        stored = credentials_decrypt(account.credentials_encrypted)
    except DomainError:  # encrypted with a key we no longer have: useless, so entering new ones replaces them
        stored = {}
    before = dict(stored)
    changed = []
    for name, value in (credentials or {}).items():
        if name not in SECRET_FIELDS:
            raise InvalidInput(f"unknown credential {name}", details={"field": name})
        value = str(value or "").strip()
        if len(value) > SECRET_MAX or any(ord(c) < 32 for c in value):  # noqa: PLR2004
            raise InvalidInput(f"{name} is not a valid credential", details={"field": name})
        if value:
            stored[name] = value
            changed.append(name)
    _refuse_host_change(account, data, before, set(changed))
    account.shipping_methods = _methods(code, data.shipping_methods)
    for name in ("name", "kind", "tracking_carrier", "active", "auth_mode", "billing_number", "product",
                 "return_billing_number", "return_receiver_id", "returns_enabled"):
        setattr(account, name, getattr(data, name))
    for name in URL_FIELDS:
        setattr(account, name, _url(getattr(data, name), name))
    account.credentials_encrypted = credentials_encrypt(stored) if stored else ""
    account.credentials_hint = {name: _hint(name, value) for name, value in stored.items()}
    account.updated_at = clock.now()
    account.save()
    record(action=AuditAction.FULFILLMENT_CARRIER_ACCOUNT_SAVED, obj=account, actor=actor,
           data={"kind": account.kind, "credentials_changed": sorted(changed)})  # names only, never values
    return account


def carrier_config(account: CarrierAccount) -> CarrierConfig:
    """What the adapter needs, with the credentials decrypted (kept in memory only)."""
    secrets = credentials_decrypt(account.credentials_encrypted)
    return CarrierConfig(
        kind=account.kind, tracking_carrier=account.tracking_carrier, api_base_url=account.api_base_url,
        auth_url=account.auth_url, tracking_base_url=account.tracking_base_url,
        returns_base_url=account.returns_base_url, billing_number=account.billing_number,
        return_billing_number=account.return_billing_number, return_receiver_id=account.return_receiver_id,
        product=account.product, auth_mode=account.auth_mode,
        credentials=CarrierCredentials(**{k: secrets.get(k, "") for k in CarrierCredentials.__dataclass_fields__}),
        timeout_seconds=settings.KONTORHAUS.get("CARRIER_TIMEOUT_SECONDS", 20),
    )


def webhook_secret(account: CarrierAccount) -> str:
    return credentials_decrypt(account.credentials_encrypted).get("webhook_secret", "")
