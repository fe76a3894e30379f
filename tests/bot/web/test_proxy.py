"""The client's address and scheme, believed from forwarded headers only from trusted proxies."""

from types import SimpleNamespace

import pytest
from aiohttp.test_utils import make_mocked_request

from bot.settings import Settings
from bot.web.proxy import PROXY, Proxy, client_address, from_settings, is_https


def request(peer, headers=None, proxy=None):
    app = {PROXY: proxy} if proxy is not None else {}
    made = make_mocked_request("GET", "/", headers=headers or {}, app=app)
    return made.clone(remote=peer)


BEHIND = from_settings(SimpleNamespace(trusted_proxies=["10.0.0.0/8", "::1"]))


@pytest.mark.parametrize(
    ("peer", "forwarded", "client"),
    [
        ("203.0.113.9", "1.2.3.4", "203.0.113.9"),  # not a proxy: the header is the client's
        ("10.0.0.2", "1.2.3.4", "1.2.3.4"),
        ("10.0.0.2", "6.6.6.6, 1.2.3.4", "1.2.3.4"),  # 6.6.6.6 was made up by the client
        ("10.0.0.2", "1.2.3.4, 10.0.0.5", "1.2.3.4"),  # two proxies in a row
        ("10.0.0.2", "1.2.3.4:5678", "1.2.3.4"),
        ("10.0.0.2", "[2001:db8::7]:443", "2001:db8::7"),
        ("10.0.0.2", "junk, 10.0.0.5", "10.0.0.5"),
        ("10.0.0.2", "", "10.0.0.2"),
        ("::ffff:10.0.0.2", "1.2.3.4", "1.2.3.4"),
        ("::1", "2001:db8::1", "2001:db8::1"),
    ],
)
def test_the_client_address_is_the_first_untrusted_hop(peer, forwarded, client):
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    assert client_address(request(peer, headers, BEHIND)) == client


def test_without_trusted_proxies_the_header_is_ignored():
    spoofed = request("127.0.0.1", {"X-Forwarded-For": "1.2.3.4"})
    assert client_address(spoofed) == "127.0.0.1"


def test_https_from_a_trusted_proxy_or_the_setting_only():
    proto = {"X-Forwarded-Proto": "https"}
    assert is_https(request("10.0.0.2", proto, BEHIND))
    assert not is_https(request("203.0.113.9", proto, BEHIND))
    assert not is_https(request("10.0.0.2", {}, BEHIND))
    assert not is_https(request("10.0.0.2", proto, Proxy(BEHIND.trusted, "http")))
    assert is_https(request("203.0.113.9", {}, Proxy(public_scheme="https")))


def test_the_settings_read_networks_and_the_scheme(monkeypatch):
    monkeypatch.setenv("TRUSTED_PROXIES", '["127.0.0.1", "10.0.0.0/8"]')
    monkeypatch.setenv("PUBLIC_SCHEME", "https")
    proxy = from_settings(Settings(_env_file=None))
    assert [str(n) for n in proxy.trusted] == ["127.0.0.1/32", "10.0.0.0/8"]
    assert proxy.public_scheme == "https"
