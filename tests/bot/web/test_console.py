"""The staff console: who may see what, CSRF, sign-in, exports and escaping."""

import re
from types import SimpleNamespace

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.accounts import store
from bot.accounts.store import Role
from bot.handoff.hours import OfficeHours
from bot.handoff.service import HandoffConfig, HandoffService
from bot.storage.db import sessionmaker
from bot.storage.models import AuditEntry, Conversation, Handoff, Message
from bot.web.app import create_app
from bot.web.staff import COOKIE, LOGIN_COOKIE
from tests.fakes.clock import FakeClock, china

PASSWORD = "correct horse battery"  # noqa: S105 (a test password)
ROLES = ("operator", "manager", "admin")
# Every console route: method, path, the roles that may use it.
ROUTES = [
    ("GET", "/staff/dashboard", {"manager", "admin"}),
    ("GET", "/staff/export/by_service.csv", {"manager", "admin"}),
    ("GET", "/staff/export/unanswered.csv", {"manager", "admin"}),
    ("GET", "/staff/queue", {"operator", "admin"}),
    ("GET", "/staff/queue/rows", {"operator", "admin"}),
    ("GET", "/staff/handoffs/1", {"operator", "admin"}),
    ("GET", "/staff/handoffs/1/live", {"operator", "admin"}),
    ("GET", "/staff/ws", {"operator", "admin"}),
    ("POST", "/staff/handoffs/1/note", {"operator"}),
    ("POST", "/staff/handoffs/1/claim", {"operator"}),
    ("GET", "/staff/audit", {"admin"}),
    ("GET", "/staff/users", {"admin"}),
    ("POST", "/staff/users", {"admin"}),
    ("POST", "/staff/users/toggle", {"admin"}),
    ("POST", "/staff/logout", {"operator", "manager", "admin"}),
]


@pytest.fixture
async def app_parts(engine):
    sessions = sessionmaker(engine)
    async with sessions() as s:
        for role in ROLES:
            await store.add_user(s, role, Role(role), PASSWORD)
        s.add(
            Conversation(
                id="web:x",
                created_at=china(2026, 11, 20),
                updated_at=china(2026, 11, 20),
                channel="web",
                form_state={},
            )
        )
        await s.flush()
        s.add(
            Message(
                conversation_id="web:x",
                channel="web",
                direction="in",
                kind="text",
                body="<script>alert(1)</script> =1+1 手机13800138000",
                intent="nlu_fallback",
                topic="other",
                status="answered",
                created_at=china(2026, 11, 20, 10),
            )
        )
        s.add(
            Handoff(
                ticket="2026-000001",
                conversation_id="web:x",
                channel="web",
                status="queued",
                reason="request",
                requested_at=china(2026, 11, 20, 10, 5),
            )
        )
        await s.commit()
    services = SimpleNamespace(
        chat=SimpleNamespace(outbox=SimpleNamespace(register=lambda *a: None)),
        settings=SimpleNamespace(stats_token=None),
        handoff=HandoffService(
            HandoffConfig(), sessions, FakeClock(china(2026, 11, 22, 12)), OfficeHours()
        ),
        sessions=sessions,
        reader=sessions,
    )
    return create_app(services), sessions


@pytest.fixture
async def client(app_parts):
    app, _sessions = app_parts
    async with TestClient(TestServer(app)) as client:
        yield client


async def sign_in(client, name, password=PASSWORD):
    page = await client.get("/staff/login")
    token = page.cookies[LOGIN_COOKIE].value
    return await client.post(
        "/staff/login",
        data={"csrf": token, "name": name, "password": password},
        allow_redirects=False,
    )


def csrf_of(html):
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


async def test_access_matrix(app_parts):
    app, _sessions = app_parts
    for who in (None, *ROLES):
        async with TestClient(TestServer(app)) as client:
            csrf = ""
            if who is not None:
                assert (await sign_in(client, who)).status == 302
                home = await client.get("/staff/")
                csrf = csrf_of(await home.text())
            for method, path, allowed in ROUTES:
                data = {"csrf": csrf, "name": "nobody", "role": "operator", "password": "x"}
                response = await client.request(
                    method, path, data=data if method == "POST" else None, allow_redirects=False
                )
                if who is None:
                    expected = {302} if method == "GET" else {401}
                elif who in allowed:
                    expected = {200, 302, 303, 400}
                else:
                    expected = {403}
                assert response.status in expected, (who, method, path, response.status)
                if path == "/staff/logout" and who in allowed:
                    break  # signed out now


async def test_post_without_csrf_is_refused(client, app_parts):
    _app, sessions = app_parts
    await sign_in(client, "admin")
    response = await client.post(
        "/staff/users", data={"name": "eve", "role": "admin", "password": "0123456789ab"}
    )
    assert response.status == 403
    async with sessions() as s:
        assert "eve" not in {u.name for u in await store.list_users(s)}


async def test_login_without_its_token_is_refused(client):
    response = await client.post("/staff/login", data={"name": "admin", "password": PASSWORD})
    assert response.status == 403


async def test_sign_in_cookie_failures_and_audit(client, app_parts):
    _app, sessions = app_parts
    bad = await sign_in(client, "manager", "wrong password!")
    assert bad.status == 401 and "用户名或密码不对" in await bad.text()
    good = await sign_in(client, "manager")
    assert good.status == 302 and good.headers["Location"] == "/staff/dashboard"
    cookie = good.cookies[COOKIE]
    assert cookie["httponly"] and cookie["samesite"] == "Strict"
    async with sessions() as s:
        actions = [
            (e.actor, e.action)
            for e in (await s.execute(AuditEntry.__table__.select().order_by(AuditEntry.id))).all()
        ]
    assert ("manager", "login_failed") in actions and ("manager", "login") in actions


async def test_dashboard_shows_charts_data_and_escapes_citizen_text(client):
    await sign_in(client, "manager")
    page = await client.get("/staff/dashboard?period=7d")
    html = await page.text()
    assert page.status == 200
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "138****8000" in html and "13800138000" not in html
    assert 'id="chart-volume"' in html and "/static/vendor/chart.umd.min.js" in html
    bad = await client.get("/staff/dashboard?custom=2026-13-01..2026-13-02")
    assert bad.status == 400


async def test_csv_export_is_audited_and_safe_for_spreadsheets(client, app_parts):
    _app, sessions = app_parts
    await sign_in(client, "manager")
    response = await client.get("/staff/export/unanswered.csv?period=30d")
    body = (await response.read()).decode("utf-8")
    assert response.status == 200 and body.startswith("\ufeff问题,次数")
    assert "'" not in body.split("\n")[1][:1]
    assert "138****8000" in body
    async with sessions() as s:
        entries = await store.audit_entries(s)
    assert (entries[0].actor, entries[0].action, entries[0].target) == (
        "manager",
        "export",
        "unanswered",
    )


async def test_admin_creates_and_disables_an_account(client, app_parts):
    _app, sessions = app_parts
    await sign_in(client, "admin")
    csrf = csrf_of(await (await client.get("/staff/users")).text())
    created = await client.post(
        "/staff/users",
        data={"csrf": csrf, "name": "小王", "role": "operator", "password": "0123456789ab"},
    )
    assert "已创建账号 小王" in await created.text()
    await client.post("/staff/users/toggle", data={"csrf": csrf, "name": "小王"})
    async with sessions() as s:
        user = {u.name: u for u in await store.list_users(s)}["小王"]
        assert user.disabled
        assert await store.authenticate(s, "小王", "0123456789ab") is None
