from types import SimpleNamespace

import pytest
from aiohttp.test_utils import TestClient, TestServer
from pydantic import SecretStr

from bot.handoff.hours import OfficeHours
from bot.storage.db import sessionmaker
from bot.web.app import create_app
from tests.fakes.clock import FakeClock, china

TOKEN = "manager-secret-token"  # noqa: S105 (a test token)


@pytest.fixture
async def client(engine):
    handoff = SimpleNamespace(clock=FakeClock(china(2026, 11, 22, 12)), hours=OfficeHours())
    services = SimpleNamespace(
        chat=SimpleNamespace(outbox=SimpleNamespace(register=lambda *a: None)),
        settings=SimpleNamespace(stats_token=SecretStr(TOKEN)),
        handoff=handoff,
        sessions=sessionmaker(engine),
        reader=sessionmaker(engine),
    )
    async with TestClient(TestServer(create_app(services))) as client:
        yield client, services


async def test_a_manager_token_is_needed(client):
    client, _services = client
    assert (await client.get("/api/v1/stats")).status == 401
    wrong = await client.get("/api/v1/stats", headers={"Authorization": "Bearer nope"})
    assert wrong.status == 401 and wrong.headers["WWW-Authenticate"] == "Bearer"


async def test_the_api_is_off_without_a_configured_token(client):
    client, services = client
    services.settings.stats_token = None
    response = await client.get("/api/v1/stats", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status == 403


async def test_figures_and_bad_parameters(client):
    client, _services = client
    auth = {"Authorization": f"Bearer {TOKEN}"}
    response = await client.get("/api/v1/stats?period=today&channel=web", headers=auth)
    assert response.status == 200
    body = await response.json()
    assert body["period"]["name"] == "today" and body["filters"]["channel"] == "web"
    assert body["volume"]["conversations"] == 0 and body["handoff"]["handoff_rate"] is None
    for query in (
        "period=yesterday",
        "channel=fax",
        "district=" + "区" * 40,
        "period=0001-01-01..0001-01-02",  # year 0 in UTC: was a server error
        "period=9999-12-30..9999-12-31",  # past the last date: was a server error
    ):
        assert (await client.get(f"/api/v1/stats?{query}", headers=auth)).status == 400


async def test_openapi_document_describes_the_figures(client):
    client, _services = client
    doc = await (await client.get("/api/v1/openapi.json")).json()
    assert doc["openapi"].startswith("3.1")
    figures = doc["components"]["schemas"]["Figures"]["properties"]
    auth = {"Authorization": f"Bearer {TOKEN}"}
    body = await (await client.get("/api/v1/stats", headers=auth)).json()
    assert set(body) == set(figures)
