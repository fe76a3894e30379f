import asyncio
import re
from types import SimpleNamespace

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from actions.reply import Responder
from bot import texts
from bot.chat import ChatService
from bot.dialogue.core import DialogueCore
from bot.dialogue.state import Conversations
from bot.settings import Settings
from bot.storage.conversations import DbStateStore
from bot.storage.db import make_engine, migrate, sessionmaker
from bot.types import Topic
from bot.web.app import COOKIE, LIMITS, SESSION_HEADER, create_app, keep_session
from tests.bot.dialogue.fakes import TableNLU

TABLE = {"复议要钱吗": ("admin_review_cost", Topic.ADMIN_REVIEW)}
SIGNED = re.compile(r"[0-9a-f]{32}\.[0-9a-f]{32}")
DEFAULTS = Settings.model_fields


@pytest.fixture
async def client(answerer, tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'bot.db'}")
    await migrate(engine)
    sessions = sessionmaker(engine)
    core = DialogueCore(TableNLU(TABLE), Responder(answerer), Conversations(DbStateStore(sessions)))
    app = create_app(SimpleNamespace(chat=ChatService(core, sessions)))
    async with TestClient(TestServer(app)) as client:
        yield client
    await engine.dispose()


async def test_page_is_served_and_starts_a_session(client):
    response = await client.get("/")
    assert response.status == 200
    assert "法律服务智能助手" in await response.text()
    assert SIGNED.fullmatch(response.cookies[COOKIE].value)


async def test_embed_script_is_served(client):
    response = await client.get("/embed.js")
    assert response.status == 200
    assert "iframe" in await response.text()


async def test_question_gets_a_cited_answer_and_a_session_cookie(client):
    response = await client.post("/api/message", json={"text": "复议要钱吗"})
    assert response.status == 200
    data = await response.json()
    assert data["topic"] == "admin_review"
    assert "《中华人民共和国行政复议法》第八十七条" in data["replies"][-1]["sources"]
    assert SIGNED.fullmatch(response.cookies[COOKIE].value)


async def test_button_press(client):
    # A first-screen menu button works at once; others once the bot has offered them.
    response = await client.post("/api/button", json={"payload": "topic:legal_aid"})
    [answer] = (await response.json())["replies"]
    assert "法律援助" in answer["text"]
    [more] = [b["payload"] for b in answer["buttons"] if b["payload"].startswith("more:")]
    response = await client.post("/api/button", json={"payload": more})
    assert (await response.json())["replies"][0]["entry"] == more.removeprefix("more:")


async def test_double_submitted_message_gets_the_same_replies_once(client):
    body = {"id": "a1", "text": "复议要钱吗"}
    first = await (await client.post("/api/message", json=body)).json()
    again = await (await client.post("/api/message", json=body)).json()
    assert not first["duplicate"] and again["duplicate"]
    assert again["replies"] == first["replies"]
    history = (await (await client.get("/api/history")).json())["history"]
    assert [h["from"] for h in history].count("citizen") == 1


async def test_websocket_chat_with_history_and_duplicates(client):
    async with client.ws_connect("/ws") as ws:
        hello = await ws.receive_json()
        assert hello["type"] == "hello" and hello["history"] == []
        await ws.send_json({"type": "start", "id": "s1"})
        start = await ws.receive_json()
        assert start["in_reply_to"] == "s1" and "隐私说明" in start["replies"][0]["text"]
        await ws.send_json({"type": "message", "id": "m1", "text": "复议要钱吗"})
        answer = await ws.receive_json()
        assert answer["topic"] == "admin_review" and answer["replies"][-1]["sources"]
        await ws.send_json({"type": "message", "id": "m1", "text": "复议要钱吗"})
        assert (await ws.receive_json())["duplicate"] is True
        await ws.send_str("{not json")
        error = await ws.receive_json()
        assert error["type"] == "error" and error["text"]
        await ws.send_json({"type": "message", "id": "bad id!", "text": "x"})
        assert (await ws.receive_json())["in_reply_to"] == "bad id!"
    # The cookie carries the session to a new connection: the history is there.
    async with client.ws_connect("/ws") as ws:
        hello = await ws.receive_json()
        assert [h["from"] for h in hello["history"]] == ["bot", "citizen", "bot"]


async def test_session_from_the_page_when_cookies_are_blocked(client):
    async with client.ws_connect("/ws") as ws:
        session = (await ws.receive_json())["session"]
        await ws.send_json({"type": "message", "id": "m1", "text": "复议要钱吗"})
        await ws.receive_json()
    client.session.cookie_jar.clear()
    # The socket: the id the page kept goes in its first frame, and a second hello answers.
    async with client.ws_connect("/ws") as ws:
        fresh = await ws.receive_json()
        assert fresh["session"] != session and fresh["history"] == []
        await ws.send_json({"type": "resume", "session": session})
        again = await ws.receive_json()
        assert again["session"] == session and again["history"]
        await ws.send_json({"type": "message", "id": "m2", "text": "复议要钱吗"})
        assert (await ws.receive_json())["in_reply_to"] == "m2"
    # Plain HTTP: in a header.
    client.session.cookie_jar.clear()
    response = await client.get("/api/history", headers={SESSION_HEADER: session})
    history = (await response.json())["history"]
    assert [h["from"] for h in history] == ["citizen", "bot", "citizen", "bot"]


async def test_a_session_in_a_link_is_never_taken(client):
    """Session fixation: an attacker's own session, planted with a link, is ignored."""
    async with client.ws_connect("/ws") as ws:
        planted = (await ws.receive_json())["session"]
        await ws.send_json({"type": "message", "id": "m1", "text": "复议要钱吗"})
        await ws.receive_json()
    client.session.cookie_jar.clear()  # now the victim's browser
    page = await client.get(f"/?session={planted}")
    victim = page.cookies[COOKIE].value
    assert victim != planted
    async with client.ws_connect(f"/ws?session={planted}") as ws:
        hello = await ws.receive_json()
        assert hello["session"] == victim and hello["history"] == []
    client.session.cookie_jar.clear()
    read = await (await client.get(f"/api/history?session={planted}")).json()
    assert read["session"] != planted and read["history"] == []


@pytest.mark.parametrize("made_up", ["0" * 32, f"{'0' * 32}.{'0' * 32}", "../x", ""])
async def test_a_session_id_the_server_did_not_make_is_refused(client, made_up):
    client.session.cookie_jar.update_cookies({COOKIE: made_up})
    response = await client.get("/api/history", headers={SESSION_HEADER: made_up})
    made = (await response.json())["session"]
    assert SIGNED.fullmatch(made) and made != made_up
    client.session.cookie_jar.update_cookies({COOKIE: made_up})
    async with client.ws_connect("/ws") as ws:
        first = (await ws.receive_json())["session"]
        await ws.send_json({"type": "resume", "session": made_up})
        assert (await ws.receive_json())["session"] == first != made_up


def test_the_session_cookie_is_http_only_and_reaches_a_frame_over_https():
    response = web.Response()
    keep_session(response, "s", secure=True)
    attributes = response.headers["Set-Cookie"].split("; ")
    assert attributes[0] == f"{COOKIE}=s"
    assert {"HttpOnly", "Secure", "SameSite=None", "Partitioned"} <= set(attributes)
    plain = web.Response()
    keep_session(plain, "s", secure=False)
    cookie = plain.cookies[COOKIE]
    assert cookie["httponly"] and not cookie["secure"] and cookie["samesite"] == "Lax"


async def test_the_session_cookie_is_secure_behind_a_trusted_https_proxy(answerer, tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'bot.db'}")
    await migrate(engine)
    sessions = sessionmaker(engine)
    core = DialogueCore(TableNLU(TABLE), Responder(answerer), Conversations(DbStateStore(sessions)))
    settings = SimpleNamespace(trusted_proxies=["127.0.0.1"], public_scheme=None)
    app = create_app(SimpleNamespace(chat=ChatService(core, sessions), settings=settings))
    async with TestClient(TestServer(app)) as client:
        behind = await client.get("/", headers={"X-Forwarded-Proto": "https"})
        assert "Secure" in behind.headers["Set-Cookie"].split("; ")
        plain = await client.get("/")
        assert "Secure" not in plain.headers["Set-Cookie"].split("; ")
    await engine.dispose()


def frozen(client: TestClient) -> None:
    """No time passes for the rate limits: what they allow does not depend on the machine."""
    limits = client.app[LIMITS]
    limits.by_address.clock = limits.by_session.clock = lambda: 0.0


async def test_a_flood_of_emergencies_from_one_address_is_mostly_refused(client):
    """The finding: 30 urgent requests in half a second, each with a fresh session."""
    frozen(client)
    url = client.make_url("/api/button")
    async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as fresh:

        async def urgent(n: int) -> tuple[int, dict, str | None]:
            body = {"id": f"u{n}", "payload": "human:emergency"}
            async with fresh.post(url, json=body) as response:
                retry = response.headers.get("Retry-After")
                return response.status, await response.json(), retry

        results = await asyncio.gather(*(urgent(n) for n in range(30)))
    refused = [(body, retry) for status, body, retry in results if status == 429]
    assert len(refused) == 30 - DEFAULTS["chat_ip_burst"].default
    body, retry = refused[0]
    assert body["type"] == "error" and body["text"] == texts.WEB_SLOW_DOWN
    assert "110" in body["text"] and "12348" in body["text"]
    assert retry is not None and int(retry) >= 1


async def test_one_session_sending_too_fast_is_asked_to_slow_down(client):
    frozen(client)
    async with client.ws_connect("/ws") as ws:
        await ws.receive_json()
        for n in range(10):
            await ws.send_json({"type": "message", "id": f"m{n}", "text": "复议要钱吗"})
        frames = [await ws.receive_json() for _ in range(10)]
    kinds = [frame["type"] for frame in frames]
    burst = DEFAULTS["chat_session_burst"].default
    assert kinds == ["replies"] * burst + ["error"] * (10 - burst)
    assert frames[-1] == {"type": "error", "in_reply_to": "m9", "text": texts.WEB_SLOW_DOWN}


@pytest.mark.parametrize(
    ("body", "headers", "status"),
    [
        (b"{not json", {"Content-Type": "application/json"}, 400),
        (b'{"text": 5}', {"Content-Type": "application/json"}, 400),
        (b"[1, 2]", {"Content-Type": "application/json"}, 400),
        (b'{"text": "x", "id": "../.."}', {"Content-Type": "application/json"}, 400),
        (b"text=hi", {"Content-Type": "application/x-www-form-urlencoded"}, 415),
        (b'{"text": "\xff\xfe"}', {"Content-Type": "application/json"}, 400),
        (b"x" * (2 * 1024 * 1024), {"Content-Type": "application/json"}, 413),
    ],
)
async def test_bad_requests_get_a_4xx(client, body, headers, status):
    response = await client.post("/api/message", data=body, headers=headers)
    assert response.status == status


async def test_a_lone_surrogate_is_answered_not_a_server_error(client):
    body = '{"type": "message", "id": "s1", "text": "\\ud800复议要钱吗"}'
    response = await client.post(
        "/api/message", data=body, headers={"Content-Type": "application/json"}
    )
    assert response.status == 200
    assert (await response.json())["replies"]
