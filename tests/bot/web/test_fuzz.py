"""Bad input at every door of the web server: a 4xx or a polite answer, never a 500.

The app (web chat, console, statistics API and the Telegram webhook) runs in a thread
of its own, so hypothesis can drive it from plain synchronous tests.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator, Iterator
from types import SimpleNamespace
from typing import Any

import aiohttp
import httpx
import pytest
from aiohttp import web
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import SecretStr

from bot.clock import SystemClock
from bot.handoff.hours import OfficeHours
from bot.handoff.service import HandoffConfig, HandoffService
from bot.storage.db import make_engine, migrate, sessionmaker
from bot.web.app import MAX_BODY, create_app
from tests.bot.channels.test_telegram import running
from tests.bot.web.threaded import served
from tests.fakes.telegram_api import FakeTelegram

BUDGET = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
POSTS = ["/api/message", "/api/button", "/staff/login", "/staff/users", "/staff/handoffs/1/say"]
CONTENT_TYPES = ["application/json", "text/plain", "application/x-www-form-urlencoded",
                 "multipart/form-data; boundary=x", "application/octet-stream", ""]  # fmt: skip
JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: st.lists(inner, max_size=4)
    | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)  # fmt: skip
# Keys of a web chat message and of a Telegram update, so the bodies get past the first check.
MESSAGE_LIKE = st.fixed_dictionaries(
    {"type": st.sampled_from(["message", "button", "start", "nope"]) | JSON_VALUES},
    optional={"id": st.text(max_size=40) | JSON_VALUES, "text": st.text() | JSON_VALUES,
              "payload": st.text(max_size=80) | JSON_VALUES},
)  # fmt: skip
UPDATE_LIKE = st.fixed_dictionaries(
    {"update_id": st.integers(-10, 2**40) | JSON_VALUES},
    optional={
        "message": st.fixed_dictionaries(
            {"message_id": st.integers(0, 2**31), "date": st.integers(0, 2**31),
             "chat": st.fixed_dictionaries({"id": st.integers(-2**40, 2**40),
                                            "type": st.sampled_from(["private", "group", "x"])})},
            optional={"text": st.text(max_size=300), "from": JSON_VALUES,
                      "photo": JSON_VALUES, "entities": JSON_VALUES},
        ) | JSON_VALUES,
        "callback_query": JSON_VALUES,
        "edited_message": JSON_VALUES,
    },
)  # fmt: skip


@pytest.fixture(scope="module")
def server(answerer, tmp_path_factory) -> Iterator[SimpleNamespace]:
    """The whole web app with Telegram's webhook, served from a thread with its own loop."""

    @contextlib.asynccontextmanager
    async def app() -> AsyncIterator[tuple[web.Application, dict[str, Any]]]:
        engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('fuzz') / 'bot.db'}")
        await migrate(engine)
        async with (
            FakeTelegram() as fake,
            running(
                fake, engine, answerer, webhook_url="http://127.0.0.1:1/telegram/hook"
            ) as channel,
        ):
            sessions = sessionmaker(engine)
            handoff = HandoffService(HandoffConfig(), sessions, SystemClock(), OfficeHours())
            # Hundreds of messages from one address: the rate limits would answer most.
            token = SimpleNamespace(stats_token=SecretStr("s3cret"), chat_ip_per_minute=0,
                                    chat_session_per_minute=0)  # fmt: skip
            services = SimpleNamespace(chat=channel.chat, handoff=handoff, sessions=sessions,
                                       reader=sessions,
                                       settings=token)  # fmt: skip
            yield (
                create_app(services, channel),
                {
                    "secret": channel.secret,
                    "hook": channel.webhook_path,
                },
            )
        await engine.dispose()

    with (
        served(app) as ready,
        httpx.Client(base_url=str(ready["url"]), timeout=30) as client,
    ):
        yield SimpleNamespace(client=client, **ready)


def alive(server) -> None:
    assert server.client.get("/").status_code == 200


@BUDGET
@given(path=st.sampled_from(POSTS), body=st.binary(max_size=3000),
       content_type=st.sampled_from(CONTENT_TYPES))  # fmt: skip
def test_any_bytes_anywhere_get_a_4xx_or_an_answer(server, path, body, content_type):
    headers = {"Content-Type": content_type} if content_type else {}
    response = server.client.post(path, content=body, headers=headers)
    assert response.status_code < 500, (path, body, response.text)


@BUDGET
@given(body=MESSAGE_LIKE | JSON_VALUES, path=st.sampled_from(["/api/message", "/api/button"]))
def test_web_chat_json_of_any_shape(server, body, path):
    response = server.client.post(path, json=body)
    assert response.status_code < 500, (body, response.text)
    if response.status_code == 200:
        assert response.json()["type"] in ("replies", "error")


@BUDGET
@given(update=UPDATE_LIKE | JSON_VALUES)
def test_webhook_updates_of_any_shape(server, update):
    response = server.client.post(
        server.hook, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": server.secret}
    )
    assert response.status_code in (200, 400), (update, response.text)


@BUDGET
@given(frames=st.lists(st.binary(max_size=500) | st.text(max_size=500) |
                       MESSAGE_LIKE.map(json.dumps), min_size=1, max_size=4))  # fmt: skip
def test_web_chat_socket_survives_any_frames(server, frames):
    async def talk() -> list[dict]:
        async with (
            aiohttp.ClientSession() as session,
            session.ws_connect(
                server.url + "/ws", timeout=aiohttp.ClientWSTimeout(ws_close=5)
            ) as ws,
        ):
            hello = await ws.receive_json(timeout=10)
            for frame in frames:
                with contextlib.suppress(ConnectionResetError):
                    if isinstance(frame, bytes):
                        await ws.send_bytes(frame)
                    else:
                        await ws.send_str(frame)
            await ws.send_json({"type": "start", "id": "last"})
            while True:  # the connection still answers after whatever came before
                frame = await ws.receive_json(timeout=20)
                if frame.get("in_reply_to") == "last":
                    return [hello, frame]

    hello, last = asyncio.run(talk())
    assert hello["type"] == "hello" and last["replies"]


def test_huge_bodies_invalid_utf8_and_wrong_types(server):
    ten_mb = b"x" * (10 * 1024 * 1024)
    for path in [*POSTS, server.hook, "/api/v1/stats"]:
        response = server.client.post(path, content=ten_mb, headers={
            "Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": server.secret,
        })  # fmt: skip
        assert response.status_code in (401, 403, 405, 413), (path, response.status_code)
    invalid = b'{"type": "message", "text": "\xff\xfe\xc3\x28"}'
    for path in ("/api/message", server.hook):
        response = server.client.post(path, content=invalid, headers={
            "Content-Type": "application/json", "X-Telegram-Bot-Api-Secret-Token": server.secret,
        })  # fmt: skip
        assert 400 <= response.status_code < 500, (path, response.status_code)
    just_under = json.dumps({"type": "message", "text": "好" * (MAX_BODY // 4)})
    headers = {"Content-Type": "application/json"}
    response = server.client.post("/api/message", content=just_under, headers=headers)
    assert response.status_code < 500
    alive(server)
