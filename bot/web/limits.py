"""How fast one address and one session may send web chat messages, in bounded memory."""

from __future__ import annotations

import re
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from ipaddress import IPv4Network, IPv6Network, ip_address, ip_network

from aiohttp import web

from bot.settings import Settings

# Buckets kept per limit; the least recently used goes first. A bucket forgotten early
# only gives that sender a fresh allowance, so the bound trades exactness for memory.
MAX_KEYS = 10_000
IPV6_PREFIX = 64  # one home or phone gets a whole /64: its addresses are one sender
Network = IPv4Network | IPv6Network
_SEPARATORS = re.compile(r"[\s,]+")


class Bucket:
    """A token bucket: `burst` messages at once, then `per_minute` a minute."""

    __slots__ = ("tokens", "when")

    def __init__(self, tokens: float, when: float) -> None:
        self.tokens = tokens
        self.when = when


class Limiter:
    """Token buckets by key (an address, a session); `per_minute` 0 switches it off."""

    def __init__(
        self,
        per_minute: float,
        burst: int,
        clock: Callable[[], float] = time.monotonic,
        max_keys: int = MAX_KEYS,
    ) -> None:
        self.rate = per_minute / 60
        self.burst = float(burst)
        self.clock = clock
        self.max_keys = max_keys
        self.buckets: OrderedDict[str, Bucket] = OrderedDict()

    def _bucket(self, key: str) -> Bucket:
        now = self.clock()
        bucket = self.buckets.get(key)
        if bucket is None:
            bucket = self.buckets[key] = Bucket(self.burst, now)
            while len(self.buckets) > self.max_keys:
                self.buckets.popitem(last=False)
        else:
            self.buckets.move_to_end(key)
            bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.when) * self.rate)
            bucket.when = now
        return bucket

    def wait(self, key: str) -> float:
        """Seconds until `key` may send again; 0 when it may now."""
        if self.rate <= 0:
            return 0.0
        tokens = self._bucket(key).tokens
        return 0.0 if tokens >= 1 else (1 - tokens) / self.rate

    def take(self, key: str) -> None:
        """Count one message from `key` (after `wait` said it may)."""
        if self.rate > 0:
            self._bucket(key).tokens -= 1


@dataclass
class ChatLimits:
    """The web chat's two limits: per client address and per session."""

    by_address: Limiter
    by_session: Limiter
    trusted: tuple[Network, ...] = ()

    @classmethod
    def from_settings(
        cls, settings: object, clock: Callable[[], float] = time.monotonic
    ) -> ChatLimits:
        """The limits a deployment configured; the defaults for what it leaves out."""

        def value(name: str) -> float:
            return float(getattr(settings, name, Settings.model_fields[name].default))

        return cls(
            Limiter(value("chat_ip_per_minute"), int(value("chat_ip_burst")), clock),
            Limiter(value("chat_session_per_minute"), int(value("chat_session_burst")), clock),
            trusted_networks(getattr(settings, "trusted_proxies", None)),
        )

    def check(self, request: web.Request, session: str) -> float:
        """Counts a message; seconds the sender must wait instead when over a limit."""
        address = sender_key(client_address(request, self.trusted))
        wait = max(self.by_address.wait(address), self.by_session.wait(session))
        if wait == 0:
            self.by_address.take(address)
            self.by_session.take(session)
        return wait


def trusted_networks(configured: str | Iterable[str] | None) -> tuple[Network, ...]:
    """Proxy networks from a setting: a list, or one string of addresses and CIDRs."""
    if not configured:
        return ()
    items = _SEPARATORS.split(configured) if isinstance(configured, str) else configured
    return tuple(ip_network(str(item).strip(), strict=False) for item in items if item)


def _within(address: str, networks: tuple[Network, ...]) -> bool:
    try:
        parsed = ip_address(address)
    except ValueError:
        return False
    return any(parsed in network for network in networks)


def client_address(request: web.Request, trusted: tuple[Network, ...]) -> str:
    """The sender's address: the peer, or what a trusted proxy put in X-Forwarded-For.

    Hops are read from the right, the end the proxies wrote; the first one not a
    trusted proxy is the client. Anything further left came from the client itself.
    """
    peer = request.remote or ""
    if not trusted or not _within(peer, trusted):
        return peer
    forwarded = ",".join(request.headers.getall("X-Forwarded-For", []))
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    for hop in reversed(hops):
        if not _within(hop, trusted):
            return hop
    return hops[0] if hops else peer


def sender_key(address: str) -> str:
    """The bucket an address counts in: itself, or its /64 for IPv6."""
    try:
        parsed = ip_address(address)
    except ValueError:
        return address
    if parsed.version == 6 and parsed.ipv4_mapped is not None:
        return str(parsed.ipv4_mapped)
    if parsed.version == 6:
        return str(ip_network(f"{parsed}/{IPV6_PREFIX}", strict=False))
    return str(parsed)
