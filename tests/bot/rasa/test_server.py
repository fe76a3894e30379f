import asyncio
import logging
import os
import signal
import sys
from itertools import islice
from pathlib import Path

import aiohttp
import pytest

from bot.nlu.client import NLUService, RasaClient
from bot.rasa.server import TOKEN_ENV, RasaServer, RasaStartError, restart_delays
from bot.settings import Settings

FAKE_CHILD = Path(__file__).resolve().parents[2] / "fakes" / "rasa_child.py"


class FakeRasa(RasaServer):
    """The real supervision around tests/fakes/rasa_child.py, with back-off in hundredths."""

    restart_first = 0.01
    restart_cap = 0.04

    def command(self) -> list[str]:
        return [sys.executable, str(FAKE_CHILD), str(self.model), str(self.port)]


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    (venv / "bin" / "python").write_text("#!/bin/sh\n")
    return Settings(
        rasa_venv=venv, rasa_url=None, rasa_token=None, rasa_startup_timeout=30, _env_file=None
    )


@pytest.fixture
def model(tmp_path: Path) -> Path:
    path = tmp_path / "nlu-test.tar.gz"
    path.write_bytes(b"")
    return path


@pytest.fixture
def server_log(caplog) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.INFO, logger="bot.rasa.server")
    return caplog


def messages(caplog: pytest.LogCaptureFixture, start: str) -> list[logging.LogRecord]:
    return [r for r in caplog.records if str(r.msg).startswith(start)]


async def until(condition, limit: float = 20.0) -> None:
    # Polled: what is waited for happens in the supervisor's task and its log records.
    async with asyncio.timeout(limit):
        while not condition():  # noqa: ASYNC110
            await asyncio.sleep(0.02)


def break_child(model: Path, broken: bool) -> None:
    """Make the fake child exit at start-up (as a Rasa that cannot load), or start again."""
    marker = Path(f"{model}.broken")
    if broken:
        marker.touch()
    else:
        marker.unlink()


async def parse_status(server: RasaServer) -> int:
    async with (
        aiohttp.ClientSession() as http,
        http.post(
            f"{server.url}/model/parse", params={"token": server.token}, json={"text": "法援"}
        ) as response,
    ):
        return response.status


def test_the_token_is_in_the_childs_environment_never_on_its_command_line(
    settings, model, monkeypatch
):
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123456:bot-secret")
    monkeypatch.setenv("stats_token", "stats-secret")
    for _ in range(50):
        server = RasaServer(settings, model, port=5999)
        assert not any(server.token in arg for arg in server.command())
        env = server.environment()
        assert env[TOKEN_ENV] == server.token
        # Rasa needs none of the bot's own secrets.
        assert "TELEGRAM_BOT_TOKEN" not in env and "stats_token" not in env


def test_a_missing_rasa_environment_is_a_start_error(settings, model):
    (settings.rasa_venv / "bin" / "python").unlink()
    with pytest.raises(RasaStartError, match="make install"):
        RasaServer(settings, model).command()


async def test_missing_model_file_is_refused_before_starting(settings, tmp_path):
    with pytest.raises(RasaStartError, match="model file not found"):
        await RasaServer(settings, tmp_path / "absent.tar.gz").start()


def test_restart_delays_double_up_to_the_cap():
    assert list(islice(restart_delays(1, 60), 9)) == [1, 2, 4, 8, 16, 32, 60, 60, 60]


async def test_a_killed_child_is_restarted_and_answers_again(settings, model, server_log):
    async with FakeRasa(settings, model) as server:
        first = server.pid
        assert first is not None
        os.kill(first, signal.SIGKILL)
        await until(lambda: server.restarts == 1)
        assert server.pid not in (None, first)
        assert await parse_status(server) == 200
    [died] = messages(server_log, "Rasa (pid %s) died")
    assert died.args == (first, "killed by SIGKILL")
    assert messages(server_log, "Rasa is back")


async def test_failed_restarts_back_off_to_the_cap_and_routing_returns_to_rasa(
    settings, model, server_log
):
    async with FakeRasa(settings, model) as server, aiohttp.ClientSession() as http:
        nlu = NLUService(RasaClient(http, server.url, server.token, 2.0), retry_after=0)
        assert not (await nlu.understand("法律援助怎么申请")).degraded
        break_child(model, broken=True)
        os.kill(server.pid, signal.SIGKILL)
        await until(lambda: len(messages(server_log, "Rasa did not come back")) >= 4)
        assert (await nlu.understand("法律援助怎么申请")).degraded
        break_child(model, broken=False)
        await until(lambda: server.restarts == 1)
        assert not (await nlu.understand("法律援助怎么申请")).degraded
    delays = [r.args[0] for r in messages(server_log, "restarting Rasa in")]
    assert delays[:5] == [0.01, 0.02, 0.04, 0.04, 0.04]


async def test_stopping_never_restarts(settings, model, server_log):
    server = FakeRasa(settings, model)
    await server.start()
    pid = server.pid
    await server.stop()
    await server.stop()  # twice is harmless
    assert server.pid is None and server.restarts == 0
    assert not messages(server_log, "restarting Rasa")
    assert not messages(server_log, "Rasa (pid %s) died")
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


class SlowRestart(FakeRasa):
    restart_first = 60.0
    restart_cap = 60.0


async def test_stopping_during_the_back_off_starts_no_child(settings, model, server_log):
    server = SlowRestart(settings, model)
    await server.start()
    os.kill(server.pid, signal.SIGKILL)
    await until(lambda: messages(server_log, "restarting Rasa in"))
    async with asyncio.timeout(10):
        await server.stop()
    assert server.pid is None and server.restarts == 0
    assert len(messages(server_log, "starting Rasa on")) == 1
