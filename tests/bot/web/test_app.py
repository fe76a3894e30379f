from types import SimpleNamespace

import pytest
from aiohttp.test_utils import TestClient, TestServer

from actions.reply import Responder
from bot.chat import ChatService
from bot.dialogue.core import DialogueCore
from bot.storage.conversations import DbStateStore
from bot.storage.db import make_engine, migrate, sessionmaker
from bot.types import Topic
from bot.web.app import COOKIE, create_app
from tests.bot.dialogue.fakes import TableNLU

TABLE = {"复议要钱吗": ("admin_review_cost", Topic.ADMIN_REVIEW)}


@pytest.fixture
async def client(answerer, tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'bot.db'}")
    await migrate(engine)
    sessions = sessionmaker(engine)
    core = DialogueCore(TableNLU(TABLE), Responder(answerer), DbStateStore(sessions))
    app = create_app(SimpleNamespace(chat=ChatService(core, sessions)))
    async with TestClient(TestServer(app)) as client:
        yield client
    await engine.dispose()


async def test_page_is_served_and_starts_a_session(client):
    response = await client.get("/")
    assert response.status == 200
    assert "法律服务智能助手" in await response.text()
    assert len(response.cookies[COOKIE].value) == 32


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
    assert len(response.cookies[COOKIE].value) == 32


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
    async with client.ws_connect(f"/ws?session={session}") as ws:
        assert (await ws.receive_json())["history"]


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
