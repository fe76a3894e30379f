from aiohttp import web
from aiohttp.test_utils import make_mocked_request

from bot.web import proxy
from bot.web.limits import ChatLimits, Limiter, sender_key


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_burst_then_the_rate_a_minute():
    clock = Clock()
    limiter = Limiter(per_minute=6, burst=3, clock=clock)
    for _ in range(3):
        assert limiter.wait("a") == 0
        limiter.take("a")
    assert limiter.wait("a") == 10  # one message every ten seconds
    assert limiter.wait("b") == 0  # another sender is not held back
    clock.now = 10
    assert limiter.wait("a") == 0
    limiter.take("a")
    clock.now = 1000
    for _ in range(3):  # a long pause refills the burst, no more
        limiter.take("a")
    assert limiter.wait("a") > 0


def test_zero_a_minute_is_no_limit():
    limiter = Limiter(per_minute=0, burst=1, clock=Clock())
    for _ in range(100):
        assert limiter.wait("a") == 0
        limiter.take("a")
    assert not limiter.buckets


def test_memory_is_bounded_by_forgetting_the_least_recent_sender():
    limiter = Limiter(per_minute=1, burst=1, clock=Clock(), max_keys=100)
    limiter.take("kept")
    for n in range(1000):
        limiter.take(f"fresh-{n}")
        limiter.wait("kept")  # still in use: never the one forgotten
    assert len(limiter.buckets) == 100
    assert limiter.wait("kept") > 0


def request(peer: str, forwarded: str | None = None):
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    return make_mocked_request("POST", "/api/message", headers=headers).clone(remote=peer)


def request_in(app, peer: str, forwarded: str):
    headers = {"X-Forwarded-For": forwarded}
    return make_mocked_request("POST", "/api/message", headers=headers, app=app).clone(remote=peer)


def test_forwarded_for_counts_only_from_a_trusted_proxy():
    clock = Clock()
    limits = ChatLimits(Limiter(60, 1, clock), Limiter(0, 0, clock))
    app = web.Application()
    proxy.install(app, type("S", (), {"trusted_proxies": ["127.0.0.1"]})())

    def through(peer, forwarded):
        return request_in(app, peer, forwarded)

    # Behind the proxy, two clients are two senders; the header from anyone else is ignored.
    assert limits.check(through("127.0.0.1", "198.51.100.1"), "a") == 0
    assert limits.check(through("127.0.0.1", "198.51.100.2"), "b") == 0
    assert limits.check(through("203.0.113.9", "198.51.100.3"), "c") == 0
    assert limits.check(through("203.0.113.9", "198.51.100.4"), "d") > 0


def test_one_ipv6_home_counts_as_one_sender():
    assert sender_key("2001:db8:1:2:aaaa::1") == sender_key("2001:db8:1:2:bbbb::2")
    assert sender_key("2001:db8:1:3::1") != sender_key("2001:db8:1:2::1")
    assert sender_key("::ffff:198.51.100.7") == "198.51.100.7"


def test_a_message_counts_against_both_its_address_and_its_session():
    clock = Clock()
    limits = ChatLimits(Limiter(60, 3, clock), Limiter(60, 2, clock))
    assert limits.check(request("198.51.100.7"), "s1") == 0
    assert limits.check(request("198.51.100.7"), "s1") == 0
    assert limits.check(request("198.51.100.7"), "s1") > 0  # the session's burst
    assert limits.check(request("198.51.100.7"), "s2") == 0
    assert limits.check(request("198.51.100.7"), "s3") > 0  # the address's burst
    assert limits.check(request("198.51.100.8"), "s3") == 0


def test_settings_give_the_limits():
    settings = type("S", (), {"chat_ip_burst": 4})()
    limits = ChatLimits.from_settings(settings)
    assert limits.by_address.burst == 4 and limits.by_session.burst > 0
