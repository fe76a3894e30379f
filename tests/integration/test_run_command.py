"""`python -m bot run` as a citizen and an operator of the machine see it."""

from __future__ import annotations

import asyncio
import os
import secrets
import signal
import sys

import aiohttp
import pytest

from bot.rasa.server import TOKEN_ENV, free_loopback_port
from tests.fakes.telegram_api import FakeTelegram

pytestmark = pytest.mark.rasa

psutil = pytest.importorskip("psutil")

# A well-formed resident ID number (check digit included) of nobody in particular.
ID_NUMBER = "110101199003074514"


async def read_until(stream: asyncio.StreamReader, marker: str, seen: list[str], limit: float):
    async with asyncio.timeout(limit):
        while True:
            raw = await stream.readline()
            if not raw:
                raise AssertionError("process ended early:\n" + "".join(seen[-40:]))
            line = raw.decode("utf-8", "replace")
            seen.append(line)
            if marker in line:
                return line


async def start_bot(project_root, port, *options, **extra):
    env = {**os.environ, "WEB_PORT": str(port), "WEB_HOST": "127.0.0.1", **extra}
    env.pop("RASA_URL", None)
    env.pop("RASA_TOKEN", None)
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", *options, "run",
        cwd=project_root, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip


def rasa_token(pids: list[int]) -> str:
    """The token the bot gave the Rasa it started, read off Rasa's environment (ours to read)."""
    for pid in pids:
        token = psutil.Process(pid).environ().get(TOKEN_ENV)
        if token:
            assert not any(token in arg for arg in psutil.Process(pid).cmdline())
            return token
    raise AssertionError(f"no Rasa child with {TOKEN_ENV}")


async def ask(session, port, text):
    async with session.post(
        f"http://127.0.0.1:{port}/api/message", json={"text": text}
    ) as response:
        assert response.status == 200
        return await response.json()


async def test_run_serves_web_and_telegram_degrades_when_rasa_dies_and_stops_cleanly(
    project_root, tmp_path
):
    """Also: the whole debug log of the run holds no secret and no citizen's ID number."""
    port = free_loopback_port()
    fake = FakeTelegram()
    await fake.start()
    stats_token = secrets.token_urlsafe(24)
    bot = await start_bot(
        project_root,
        port,
        "--verbose",  # libraries log what they send at debug level
        STATS_TOKEN=stats_token,
        TELEGRAM_BOT_TOKEN=fake.token,
        TELEGRAM_API_URL=fake.base_url.removesuffix("/bot"),
        TELEGRAM_POLL_TIMEOUT="1",
        DATABASE_URL=f"sqlite:///{tmp_path / 'bot.db'}",
    )
    seen: list[str] = []
    try:
        await read_until(bot.stdout, "web chat: http://127.0.0.1:", seen, limit=240)
        await read_until(bot.stdout, "Telegram: @hotline_test_bot", seen, limit=30)
        rasa_pids = [p.pid for p in psutil.Process(bot.pid).children(recursive=True)]
        assert rasa_pids, "Rasa should run as a child of the bot"
        secrets_used = [fake.token, fake.token.split(":", 1)[1], rasa_token(rasa_pids)]
        fake.command(42, "/start")
        fake.message(42, "行政复议要交钱吗")
        start, answer = await fake.wait_for_messages(42, 2, timeout=30)
        assert "隐私说明" in start.text
        assert "<i>依据：" in answer.text and "行政复议法" in answer.text
        fake.message(42, f"我身份证{ID_NUMBER}，被罚了款能申请法律援助吗")
        await fake.wait_for_messages(42, 3, timeout=30)
        async with aiohttp.ClientSession() as session:
            answer = await ask(session, port, "被城管罚了五百块不服咋办")
            assert answer["topic"] == "admin_review"
            last = answer["replies"][-1]
            # Answered from the bank, citing the statute, or offered a choice of its entries.
            cited = any("《中华人民共和国行政复议法》" in s for s in last["sources"])
            offered = [b for b in last["buttons"] if b["payload"].startswith("entry:admin_review.")]
            assert (cited and last["details"]) or offered
            for given in (stats_token, "wrong"):
                headers = {"Authorization": f"Bearer {given}"}
                url = f"http://127.0.0.1:{port}/api/v1/stats"
                async with session.get(url, headers=headers) as response:
                    assert response.status == (200 if given == stats_token else 401)

            for pid in rasa_pids:
                os.kill(pid, signal.SIGKILL)
            answer = await ask(session, port, "法援咋申请")
            assert answer["topic"] == "legal_aid"
            assert "可能不够准确" in answer["replies"][0]["text"]
            await read_until(bot.stdout, "NLU degraded to keyword routing", seen, limit=10)
            # The bot restarts its Rasa (the line may come before the degraded one).
            if not any("restarting Rasa in" in line for line in seen):
                await read_until(bot.stdout, "restarting Rasa in", seen, limit=10)
    finally:
        if bot.returncode is None:
            bot.send_signal(signal.SIGTERM)
        async with asyncio.timeout(30):
            rest, _ = await bot.communicate()
        await fake.stop()
    log = "".join(seen) + rest.decode("utf-8", "replace")
    assert " DEBUG " in log  # the run did log at debug level
    for secret in [*secrets_used, stats_token]:
        assert secret not in log, f"a secret reached the log: {secret[:4]}…"
    assert ID_NUMBER not in log
    assert bot.returncode in (0, 130, -signal.SIGTERM), log
    for pid in rasa_pids:
        assert not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE


async def test_run_stops_rasa_on_sigterm_without_orphans(project_root):
    port = free_loopback_port()
    bot = await start_bot(project_root, port)
    seen: list[str] = []
    await read_until(bot.stdout, "web chat:", seen, limit=240)
    children = psutil.Process(bot.pid).children(recursive=True)
    bot.send_signal(signal.SIGTERM)
    async with asyncio.timeout(30):
        await bot.communicate()
    _, alive = psutil.wait_procs(children, timeout=5)
    assert not alive, f"orphans left: {alive}"
