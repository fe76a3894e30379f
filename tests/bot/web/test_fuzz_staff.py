"""Bad input from signed-in staff at every console route: a 4xx or a page, never a 500.

The anonymous doors are fuzzed in test_fuzz.py; behind the sign-in the routes read ids,
periods, file names and forms, which is where a 500 would hide.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import AsyncIterator, Iterator
from types import SimpleNamespace
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from aiohttp import web
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import SecretStr

from bot.accounts import store
from bot.accounts.store import Role
from bot.clock import SystemClock
from bot.handoff.hours import OfficeHours
from bot.handoff.service import HandoffConfig, HandoffService
from bot.storage.db import make_engine, migrate, sessionmaker
from bot.storage.models import Conversation, Handoff
from bot.web.app import create_app
from bot.web.staff import LOGIN_COOKIE
from tests.bot.web.threaded import served

BUDGET = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
PASSWORD = "correct horse battery"  # noqa: S105 (a test password)
# Ids as a browser may send them: digits, huge numbers, signs, other scripts, nothing.
IDS = st.just("1") | st.integers(-(2**70), 2**70).map(str) | st.text(max_size=30)
WORDS = st.text(max_size=60)
ACTIONS = st.sampled_from(["claim", "say", "canned", "note", "bot", "close", "release"]) | WORDS


@pytest.fixture(scope="module")
def console(tmp_path_factory) -> Iterator[SimpleNamespace]:
    """The web app with one account per role, served from a thread with its own loop."""

    @contextlib.asynccontextmanager
    async def app() -> AsyncIterator[tuple[web.Application, dict[str, Any]]]:
        engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('staff') / 'bot.db'}")
        await migrate(engine)
        sessions = sessionmaker(engine)
        async with sessions() as session:
            for role in Role:
                await store.add_user(session, role.value, role, PASSWORD)
            now = SystemClock().now()
            session.add(Conversation(id="web:x", created_at=now, updated_at=now, channel="web",
                                     form_state={}))  # fmt: skip
            await session.flush()
            session.add(Handoff(ticket="2026-000001", conversation_id="web:x", channel="web",
                                status="queued", reason="request", requested_at=now))  # fmt: skip
            await session.commit()
        handoff = HandoffService(HandoffConfig(), sessions, SystemClock(), OfficeHours())
        services = SimpleNamespace(
            chat=SimpleNamespace(outbox=SimpleNamespace(register=lambda *a: None)),
            settings=SimpleNamespace(stats_token=SecretStr("s3cret")),
            handoff=handoff,
            sessions=sessions,
            reader=sessions,
        )
        yield create_app(services), {}
        await engine.dispose()

    with served(app) as ready:
        clients = {role.value: _signed_in(ready["url"], role.value) for role in Role}
        yield SimpleNamespace(**clients)
        for client in clients.values():
            client.close()


def _signed_in(url: str, name: str) -> httpx.Client:
    client = httpx.Client(base_url=url, timeout=30)
    client.get("/staff/login")
    token = client.cookies[LOGIN_COOKIE]
    client.post("/staff/login", data={"csrf": token, "name": name, "password": PASSWORD})
    page = client.get("/staff/queue" if name == "operator" else "/staff/dashboard")
    assert page.status_code == 200, (name, page.status_code)
    client.csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)  # type: ignore[attr-defined]
    return client


def ok(response: httpx.Response) -> None:
    assert response.status_code < 500, (response.request.url, response.text[:300])


@BUDGET
@given(number=IDS, tail=st.sampled_from(["", "/live"]))
def test_handoff_pages_with_any_id(console, number, tail):
    for client in (console.operator, console.admin):
        ok(client.get(f"/staff/handoffs/{quote(number, safe='')}{tail}"))


@BUDGET
@given(number=IDS, action=ACTIONS, text=WORDS, code=WORDS)
def test_handoff_actions_with_any_id_action_and_form(console, number, action, text, code):
    client = console.operator
    form = {"csrf": client.csrf, "text": text, "code": code, "canned": code}
    path = f"/staff/handoffs/{quote(number, safe='')}/{quote(action, safe='')}"
    ok(client.post(path, data=form))


@BUDGET
@given(period=WORDS, custom=WORDS, channel=WORDS, district=WORDS, name=WORDS)
def test_dashboard_exports_and_api_with_any_query(console, period, custom, channel, district, name):
    query = {"period": period, "custom": custom, "channel": channel, "district": district}
    ok(console.manager.get("/staff/dashboard", params=query))
    ok(console.manager.get(f"/staff/export/{quote(name, safe='')}.csv", params=query))
    api = {"period": period, "channel": channel, "district": district}
    ok(console.admin.get("/api/v1/stats", params=api, headers={"Authorization": "Bearer s3cret"}))


@BUDGET
@given(name=WORDS, role=WORDS, password=WORDS)
def test_account_forms_with_any_fields(console, name, role, password):
    admin = console.admin
    form = {"csrf": admin.csrf, "name": name, "role": role, "password": password}
    ok(admin.post("/staff/users", data=form))
    # Never one of the signed-in accounts: they must stay usable for the other examples.
    ok(admin.post("/staff/users/toggle", data={"csrf": admin.csrf, "name": "fuzz-" + name}))
    ok(admin.get("/staff/audit"))
