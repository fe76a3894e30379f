"""How fast one address and one session may send web chat messages, in bounded memory."""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from ipaddress import ip_address, ip_network

from aiohttp import web

from bot.settings import Settings
from bot.web import proxy

# Buckets kept per limit; the least recently used goes first. A bucket forgotten early
# only gives that sender a fresh allowance, so the bound trades exactness for memory.
MAX_KEYS = 10_000
IPV6_PREFIX = 64  # one home or phone gets a whole /64: its addresses are one sender


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
        )

    def check(self, request: web.Request, session: str) -> float:
        """Counts a message; seconds the sender must wait instead when over a limit."""
        # Through a trusted proxy (TRUSTED_PROXIES), the address it names; see bot/web/proxy.py.
        address = sender_key(proxy.client_address(request))
        wait = max(self.by_address.wait(address), self.by_session.wait(session))
        if wait == 0:
            self.by_address.take(address)
            self.by_session.take(session)
        return wait


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
