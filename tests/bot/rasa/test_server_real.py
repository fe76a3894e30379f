"""The launcher and the supervision around a real Rasa server (started once for the module)."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
from pathlib import Path

import aiohttp
import pytest

from bot.nlu.client import NLUService, RasaClient
from bot.rasa.server import RasaServer
from bot.rasa.training import train
from bot.settings import Settings

pytestmark = pytest.mark.rasa


@pytest.fixture(scope="module")
async def rasa(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("rasa")
    settings = Settings(
        rasa_url=None, rasa_token=None, database_url=f"sqlite:///{tmp / 'bot.db'}", _env_file=None
    )
    model = await asyncio.to_thread(train, settings)
    async with RasaServer(settings, model) as server:
        yield server


@pytest.fixture(scope="module")
async def http():
    async with aiohttp.ClientSession() as session:
        yield session


def command_lines() -> str:
    """Every process's command line, as any local user sees it with `ps`."""
    return subprocess.run(
        ["ps", "-e", "-ww", "-o", "pid=,args="],  # noqa: S607
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip


async def test_no_command_line_holds_the_token(rasa):
    listing = command_lines()
    assert f"{rasa.pid} " in listing
    assert rasa.token not in listing
    cmdline = Path(f"/proc/{rasa.pid}/cmdline")
    assert rasa.token.encode() not in cmdline.read_bytes()  # noqa: ASYNC240
    # The environment carries it, readable by the owner only.
    assert os.stat(f"/proc/{rasa.pid}/environ").st_mode & 0o077 == 0


@pytest.mark.parametrize("with_token", [False, True])
async def test_no_chat_channel_is_served(rasa, http, with_token):
    params = {"token": rasa.token} if with_token else {}
    for path in ("/webhooks/rest/webhook", "/webhooks/rest/", "/webhooks/callback/webhook"):
        body = {"sender": "x", "message": "法援"}
        async with http.post(f"{rasa.url}{path}", params=params, json=body) as response:
            assert response.status == 404, path


async def test_parse_answers_with_the_token_only(rasa, http):
    for params, status in (({}, 401), ({"token": "wrong"}, 401), ({"token": rasa.token}, 200)):
        async with http.post(
            f"{rasa.url}/model/parse", params=params, json={"text": "法援"}
        ) as response:
            assert response.status == status


async def test_a_killed_rasa_comes_back_and_routing_returns_to_it(rasa, http):
    nlu = NLUService(RasaClient(http, rasa.url, rasa.token, 30.0), retry_after=0)
    assert not (await nlu.understand("法律援助怎么申请")).degraded
    first = rasa.pid
    os.kill(first, signal.SIGKILL)
    assert (await nlu.understand("法律援助怎么申请")).degraded
    async with asyncio.timeout(240):
        while rasa.restarts == 0:  # noqa: ASYNC110 (the supervisor's task counts)
            await asyncio.sleep(0.5)
    assert rasa.pid != first
    async with http.post(
        f"{rasa.url}/model/parse", params={"token": rasa.token}, json={"text": "复议"}
    ) as response:
        assert response.status == 200
        assert (await response.json())["intent"]["name"]
    assert not (await nlu.understand("法律援助怎么申请")).degraded
