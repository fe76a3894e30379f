"""Who a request really came from, and whether it was HTTPS, behind a trusted reverse proxy."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import Any

from aiohttp import web

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@dataclass(frozen=True, slots=True)
class Proxy:
    """The proxies whose forwarded headers are believed, and the public scheme if fixed."""

    trusted: tuple[Network, ...] = ()
    # "https": every public address is HTTPS whatever the headers say; "http": only
    # a direct TLS connection counts; None: that, or a trusted proxy's X-Forwarded-Proto.
    public_scheme: str | None = None

    def trusts(self, address: Address | None) -> bool:
        """Whether this address is one of the configured proxies."""
        return address is not None and any(address in net for net in self.trusted)


PROXY: web.AppKey[Proxy] = web.AppKey("proxy")


def from_settings(settings: Any) -> Proxy:
    """The proxy configuration of the deployment (none for a settings object without it)."""
    networks = getattr(settings, "trusted_proxies", None) or ()
    trusted = tuple(ipaddress.ip_network(str(n), strict=False) for n in networks)
    return Proxy(trusted, getattr(settings, "public_scheme", None))


def install(app: web.Application, settings: Any) -> None:
    """Keep the deployment's proxy configuration on the application."""
    app[PROXY] = from_settings(settings)


def _config(request: web.Request) -> Proxy:
    return request.app.get(PROXY) or Proxy()


def parse_address(text: str) -> Address | None:
    """An address as proxies write it: bare, `[v6]`, `[v6]:port` or `v4:port`; else None."""
    text = text.strip()
    if text.startswith("["):
        text = text[1:].split("]", 1)[0]
    elif text.count(":") == 1:
        text = text.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    # A dual-stack socket shows IPv4 peers as ::ffff:a.b.c.d; the settings name them as IPv4.
    mapped = getattr(address, "ipv4_mapped", None)
    return mapped or address


def client_address(request: web.Request) -> str:
    """The client's address: the peer's, or from X-Forwarded-For when the peer is trusted.

    The header is read from the right: each trusted proxy appended the address it saw,
    so the first untrusted one is the client; anything left of it may be made up.
    """
    config = _config(request)
    peer = request.remote or ""
    hop = parse_address(peer)
    if not config.trusts(hop):
        return peer or "-"
    forwarded = ",".join(request.headers.getall("X-Forwarded-For", []))
    for entry in reversed([e for e in forwarded.split(",") if e.strip()]):
        address = parse_address(entry)
        if address is None:
            break  # garbage from the client: the proxy that passed it on is what we know
        hop = address
        if not config.trusts(hop):
            break
    return str(hop)


def is_https(request: web.Request) -> bool:
    """Whether the browser reached us over HTTPS (directly, or through a trusted proxy)."""
    config = _config(request)
    if config.public_scheme == "https" or request.secure:
        return True
    if config.public_scheme == "http" or not config.trusts(parse_address(request.remote or "")):
        return False
    proto = request.headers.get("X-Forwarded-Proto", "").split(",", 1)[0]
    return proto.strip().lower() == "https"
