"""The client's address, for rate limits and download logs.

Behind a reverse proxy (TLS termination, `KONTORHAUS_HTTPS=1`) REMOTE_ADDR is the proxy's own
address, and every customer would share one rate limit. When REMOTE_ADDR is one of the
TRUSTED_PROXIES (`KONTORHAUS_TRUSTED_PROXIES`, addresses or networks), the client is the
right-most address of X-Forwarded-For that is not a trusted proxy itself — the left part of
that header is whatever the client sent and proves nothing. Without trusted proxies the header
is ignored."""

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(spec: str) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(part.strip(), strict=False) for part in spec.split(",") if part.strip())


def _address(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        return None


def _trusted(address, networks: tuple[Network, ...]) -> bool:
    return any(address in network for network in networks)


def client_ip(request: HttpRequest) -> str | None:
    remote = _address(request.META.get("REMOTE_ADDR", ""))
    if remote is None:
        return None
    networks = _networks(settings.KONTORHAUS.get("TRUSTED_PROXIES", ""))
    if not networks or not _trusted(remote, networks):
        return str(remote)
    for hop in reversed(request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")[-20:]):
        address = _address(hop)
        if address is None:
            return str(remote)  # a malformed hop: trust nothing left of it
        if not _trusted(address, networks):
            return str(address)
    return str(remote)
