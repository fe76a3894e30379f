from types import SimpleNamespace

import pytest
from aiohttp.test_utils import TestClient, TestServer

from actions.reply import Responder
from bot.dialogue.core import DialogueCore
from bot.types import Topic
from bot.web.app import COOKIE, create_app
from tests.bot.dialogue.fakes import TableNLU


@pytest.fixture
async def client(answerer):
    core = DialogueCore(TableNLU({"复议要钱吗": ("admin_review_cost", Topic.ADMIN_REVIEW)}),
                        Responder(answerer))  # fmt: skip
    app = create_app(SimpleNamespace(dialogue=core))
    async with TestClient(TestServer(app)) as client:
        yield client


async def test_page_is_served(client):
    response = await client.get("/")
    assert response.status == 200
    assert "法律服务智能助手" in await response.text()


async def test_question_gets_a_cited_answer_and_a_session_cookie(client):
    response = await client.post("/api/message", json={"text": "复议要钱吗"})
    assert response.status == 200
    data = await response.json()
    assert data["topic"] == "admin_review"
    assert "《中华人民共和国行政复议法》第八十七条" in data["replies"][-1]["sources"]
    assert len(response.cookies[COOKIE].value) == 32


async def test_button_press(client):
    response = await client.post("/api/button", json={"payload": "intent:legal_aid_time"})
    assert "七日" in (await response.json())["replies"][0]["text"]


@pytest.mark.parametrize(
    ("body", "headers", "status"),
    [
        (b"{not json", {"Content-Type": "application/json"}, 400),
        (b'{"text": 5}', {"Content-Type": "application/json"}, 400),
        (b"[1, 2]", {"Content-Type": "application/json"}, 400),
        (b"text=hi", {"Content-Type": "application/x-www-form-urlencoded"}, 415),
        (b'{"text": "\xff\xfe"}', {"Content-Type": "application/json"}, 400),
        (b"x" * (2 * 1024 * 1024), {"Content-Type": "application/json"}, 413),
    ],
)
async def test_bad_requests_get_a_4xx(client, body, headers, status):
    response = await client.post("/api/message", data=body, headers=headers)
    assert response.status == status
