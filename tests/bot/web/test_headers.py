from contextlib import asynccontextmanager
from types import SimpleNamespace

import pytest
from aiohttp.test_utils import TestClient, TestServer

from actions.reply import Responder
from bot.chat import ChatService
from bot.dialogue.core import DialogueCore
from bot.dialogue.state import Conversations
from bot.storage.conversations import DbStateStore
from bot.storage.db import make_engine, migrate, sessionmaker
from bot.web.app import create_app
from tests.bot.dialogue.fakes import TableNLU


@asynccontextmanager
async def serving(answerer, tmp_path, **settings):
    """A client of the web app over an empty database, with these settings."""
    engine = make_engine(f"sqlite:///{tmp_path / 'bot.db'}")
    await migrate(engine)
    sessions = sessionmaker(engine)
    core = DialogueCore(TableNLU({}), Responder(answerer), Conversations(DbStateStore(sessions)))
    settings = {"chat_frame_ancestors": "https://sfj.example.gov.cn", **settings}
    services = SimpleNamespace(chat=ChatService(core, sessions),
                               settings=SimpleNamespace(**settings))  # fmt: skip
    async with TestClient(TestServer(create_app(services))) as client:
        yield client
    await engine.dispose()


@pytest.fixture
async def client(answerer, tmp_path):
    async with serving(answerer, tmp_path) as client:
        yield client


@pytest.mark.parametrize("path", ["/", "/static/chat.js", "/embed.js", "/no/such/page"])
async def test_every_response_has_the_basic_headers_and_no_version(client, path):
    response = await client.get(path)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    assert response.headers["Server"] == "legal-hotline-bot"
    assert "aiohttp" not in response.headers["Server"]


async def test_the_chat_page_may_be_framed_only_by_the_configured_sites(client):
    policy = (await client.get("/")).headers["Content-Security-Policy"]
    assert "frame-ancestors https://sfj.example.gov.cn;" in policy
    assert "script-src 'self' 'sha256-" in policy  # its one inline script, by hash
    assert "'unsafe-inline'" not in policy.split("script-src")[1].split(";")[0]


async def test_staff_pages_are_never_framed(client):
    response = await client.get("/staff/login", allow_redirects=False)
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"


async def test_the_chat_socket_refuses_another_site_s_page(client):
    host = f"{client.server.host}:{client.server.port}"
    refused = await client.get("/ws", headers={"Origin": "https://evil.example"})
    assert refused.status == 403
    async with client.ws_connect("/ws", headers={"Origin": f"http://{host}"}) as ws:
        hello = await ws.receive_json()
        assert hello["type"] == "hello"


@pytest.mark.parametrize(
    ("settings", "forwarded", "hsts"),
    [
        ({}, "", False),
        ({}, "https", False),  # no proxy is trusted: anyone could send the header
        ({"trusted_proxies": ["127.0.0.1"]}, "https", True),
        ({"trusted_proxies": ["127.0.0.1"]}, "http", False),
        ({"public_scheme": "https"}, "", True),
    ],
)
async def test_hsts_only_when_the_browser_came_over_https(answerer, tmp_path, settings, forwarded,
                                                          hsts):  # fmt: skip
    headers = {"X-Forwarded-Proto": forwarded} if forwarded else {}
    async with serving(answerer, tmp_path, **settings) as client:
        response = await client.get("/", headers=headers)
    assert ("Strict-Transport-Security" in response.headers) is hsts
