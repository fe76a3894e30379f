"""Sign-in limits: refused with 429 past a budget, by normalised name and real client address."""

from aiohttp.test_utils import TestClient, TestServer

from bot.web import staff
from bot.web.proxy import PROXY, Proxy, from_settings
from bot.web.staff import COOKIE, LOGIN_COOKIE, Throttle
from tests.bot.web.test_console import PASSWORD, app_parts  # noqa: F401 (a fixture)

WRONG = "not the password"


class Clock:
    """Seconds that pass only when a test says so."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_name_past_its_budget_waits_until_its_oldest_attempt_leaves_the_window():
    clock = Clock()
    throttle = Throttle(clock)
    for n in range(staff.NAME_BUDGET):
        clock.now += 10
        assert throttle.begin("op1", f"10.0.0.{n}") == 0.0
    assert throttle.begin("op1", "10.0.0.99") == staff.WINDOW - 10 * (staff.NAME_BUDGET - 1)
    clock.now = 1000.0 + 10 + staff.WINDOW  # the first attempt is out of the window
    assert throttle.begin("op1", "10.0.0.99") == 0.0


def test_attempts_count_while_they_are_still_being_checked():
    # A hundred requests at once all passed the old check before the first one failed.
    throttle = Throttle(Clock())
    let_through = [throttle.begin(f"name{n}", "10.0.0.1") == 0.0 for n in range(100)]
    assert sum(let_through) == staff.IP_BUDGET


def test_a_right_password_clears_its_own_name_and_nothing_else():
    throttle = Throttle(Clock())
    for _ in range(staff.NAME_BUDGET - 1):
        throttle.begin("op1", "10.0.0.1")
    for n in range(staff.IP_BUDGET - staff.NAME_BUDGET):
        throttle.begin(f"guess{n}", "10.0.0.1")
    throttle.begin("manager", "10.0.0.1")
    throttle.succeeded("manager", "10.0.0.1")  # takes back its own attempt only
    assert throttle.begin("op1", "10.0.0.2") == 0.0  # op1's last free attempt
    assert throttle.begin("op1", "10.0.0.3") > 0
    assert throttle.begin("other", "10.0.0.1") == 0.0  # the address's last one
    assert throttle.begin("other2", "10.0.0.1") > 0


def test_memory_is_bounded_and_quiet_keys_go_first(monkeypatch):
    monkeypatch.setattr(staff, "MAX_KEYS", 50)
    clock = Clock()
    throttle = Throttle(clock)
    throttle.begin("op1", "10.0.0.1")
    throttle.begin("op1", "10.0.0.1")
    clock.now += staff.WINDOW + 1
    for n in range(staff.IP_BUDGET - 1):
        throttle.begin(f"held{n}", "10.9.9.9")
    for n in range(200):
        throttle.begin(f"spray{n}", f"10.1.{n // 250}.{n % 250}")
        assert len(throttle) <= 50
    assert throttle.begin("op1", "10.0.0.1") == 0.0


async def post_login(client, name, password, **headers):
    """One sign-in from a fresh browser (its login cookie sent even when it is Secure)."""
    client.session.cookie_jar.clear()
    page = await client.get("/staff/login", headers=headers)
    token = page.cookies[LOGIN_COOKIE].value
    client.session.cookie_jar.clear()
    return await client.post("/staff/login", headers=headers, allow_redirects=False,
                             cookies={LOGIN_COOKIE: token},
                             data={"csrf": token, "name": name, "password": password})  # fmt: skip


async def test_spellings_of_a_name_share_one_budget_and_the_page_says_to_wait(app_parts):  # noqa: F811
    app, _sessions = app_parts
    async with TestClient(TestServer(app)) as client:
        spellings = ["operator", "\u3000operator ", " OPERATOR", "operator\t", "ｏｐｅｒａｔｏｒ"]
        for name in spellings[: staff.NAME_BUDGET]:
            assert (await post_login(client, name, WRONG)).status == 401
        refused = await post_login(client, "operator", PASSWORD)  # unchecked, even if right
        assert refused.status == 429
        assert 0 < int(refused.headers["Retry-After"]) <= staff.WINDOW
        assert "分钟后再试" in await refused.text()
        assert COOKIE not in refused.cookies
        assert (await post_login(client, "manager", PASSWORD)).status == 302


async def test_a_valid_login_does_not_clear_the_address(app_parts, monkeypatch):  # noqa: F811
    monkeypatch.setattr(staff, "IP_BUDGET", 3)
    app, _sessions = app_parts
    async with TestClient(TestServer(app)) as client:
        assert (await post_login(client, "operator", WRONG)).status == 401
        assert (await post_login(client, "operator", WRONG)).status == 401
        assert (await post_login(client, "manager", PASSWORD)).status == 302
        assert (await post_login(client, "admin", WRONG)).status == 401
        assert (await post_login(client, "admin", PASSWORD)).status == 429


async def test_forwarded_addresses_count_only_from_a_trusted_proxy(app_parts, monkeypatch):  # noqa: F811
    monkeypatch.setattr(staff, "IP_BUDGET", 2)
    app, _sessions = app_parts
    app[PROXY] = from_settings(type("S", (), {"trusted_proxies": ["127.0.0.1/32"]})())
    a, b = {"X-Forwarded-For": "203.0.113.1"}, {"X-Forwarded-For": "203.0.113.2"}
    async with TestClient(TestServer(app)) as client:
        assert (await post_login(client, "x1", WRONG, **a)).status == 401
        assert (await post_login(client, "x2", WRONG, **a)).status == 401
        assert (await post_login(client, "x3", WRONG, **a)).status == 429
        # Another citizen behind the same proxy is not locked out with the first.
        assert (await post_login(client, "x4", WRONG, **b)).status == 401


async def test_forwarded_addresses_from_an_untrusted_peer_are_ignored(app_parts, monkeypatch):  # noqa: F811
    monkeypatch.setattr(staff, "IP_BUDGET", 2)
    app, _sessions = app_parts
    async with TestClient(TestServer(app)) as client:
        for n in range(2):
            spoofed = {"X-Forwarded-For": f"198.51.100.{n}"}
            assert (await post_login(client, f"y{n}", WRONG, **spoofed)).status == 401
        spoofed = {"X-Forwarded-For": "198.51.100.77"}
        assert (await post_login(client, "y9", WRONG, **spoofed)).status == 429


async def test_staff_cookies_are_secure_when_the_public_side_is_https(app_parts):  # noqa: F811
    app, _sessions = app_parts
    app[PROXY] = from_settings(type("S", (), {"trusted_proxies": ["127.0.0.1"]})())
    async with TestClient(TestServer(app)) as client:
        plain = await post_login(client, "manager", PASSWORD)
        assert not plain.cookies[COOKIE]["secure"]
        behind = await post_login(client, "manager", PASSWORD, **{"X-Forwarded-Proto": "https"})
        assert behind.cookies[COOKIE]["secure"]
        page = await client.get("/staff/login", headers={"X-Forwarded-Proto": "https"})
        assert page.cookies[LOGIN_COOKIE]["secure"]


async def test_public_scheme_https_makes_cookies_secure_without_headers(app_parts):  # noqa: F811
    app, _sessions = app_parts
    app[PROXY] = Proxy(public_scheme="https")
    async with TestClient(TestServer(app)) as client:
        assert (await post_login(client, "manager", PASSWORD)).cookies[COOKIE]["secure"]
