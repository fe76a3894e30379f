"""A staff sign-in flood while a citizen chats: what gets through, and what the citizen feels.

Starts the web app in this process over a fresh SQLite database with one operator
account (the chat on keyword routing, no Rasa), then for each scenario fires wrong
sign-ins from `--attackers` parallel connections for `--seconds` while one citizen
writes in the web chat (WebSocket), one message as soon as the last is answered:
- `one address`: every guess from 127.0.0.1, at the operator's name spelt several ways;
- `many addresses`: the same through a trusted proxy (TRUSTED_PROXIES=["127.0.0.1"]),
  each connection with its own X-Forwarded-For, as a botnet behind the proxy looks.
The attackers run in a child process (the server's loop serves and nothing else).
Prints wrong guesses whose password was checked (and per minute), 429s, and the
citizen's median/p95/max reply latency beside a run without the flood.

    .venv/bin/python bench/login_flood.py [--seconds 20] [--attackers 100] [--publish]
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import itertools
import multiprocessing
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import asynccontextmanager
from pathlib import Path
from types import SimpleNamespace

import aiohttp
from aiohttp import web

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from chat import percentile  # noqa: E402
from report import publish, say  # noqa: E402

from actions.answers import Answerer, Contacts  # noqa: E402
from actions.reply import Responder  # noqa: E402
from bot.accounts import store  # noqa: E402
from bot.accounts.store import Role  # noqa: E402
from bot.chat import ChatService  # noqa: E402
from bot.corpus.service import load_retriever  # noqa: E402
from bot.dialogue.core import DialogueCore  # noqa: E402
from bot.dialogue.state import Conversations  # noqa: E402
from bot.nlu.client import NLUService  # noqa: E402
from bot.nlu.danger import classifier as danger_model  # noqa: E402
from bot.rasa.server import free_loopback_port  # noqa: E402
from bot.settings import Settings  # noqa: E402
from bot.storage.conversations import DbStateStore  # noqa: E402
from bot.storage.db import make_engine, migrate, sessionmaker  # noqa: E402
from bot.web import staff  # noqa: E402
from bot.web.app import create_app  # noqa: E402

PASSWORD = "the operator's real password"  # noqa: S105 (the bench's own account)
SPELLINGS = ("op1", "\u3000op1 ", "OP1", "op1\t", "ｏｐ１")
QUESTIONS = ("法律援助怎么申请", "邻居漏水不赔怎么办", "行政复议要多久", "调解要钱吗")


async def attacker(
    base: str, n: int, spread: bool, until: float, statuses: collections.Counter[int]
) -> None:
    """One connection guessing in a loop: fetch the form, post a wrong password."""
    headers = {"X-Forwarded-For": f"10.{n // 250}.{n % 250}.7"} if spread else {}
    guesses = itertools.count()
    async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as http:
        while time.monotonic() < until:
            async with http.get(f"{base}/staff/login", headers=headers) as page:
                token = page.cookies[staff.LOGIN_COOKIE].value
            i = next(guesses)
            form = {"csrf": token, "name": SPELLINGS[i % len(SPELLINGS)], "password": f"guess{i}"}
            async with http.post(
                f"{base}/staff/login", data=form, headers=headers, allow_redirects=False,
                cookies={staff.LOGIN_COOKIE: token},
            ) as answer:  # fmt: skip
                await answer.read()
                statuses[answer.status] += 1


CHANGED = 'TRUSTED_PROXIES=["127.0.0.1"], CHAT_IP_PER_MINUTE=0, CHAT_SESSION_PER_MINUTE=0'


async def citizen(base: str, until: float) -> list[float]:
    """A citizen writing in the web chat; the seconds from each message to its reply."""
    latencies: list[float] = []
    async with aiohttp.ClientSession() as http, http.ws_connect(f"{base}/ws") as ws:
        await ws.receive_json()  # hello
        for i in itertools.count():
            if i and time.monotonic() >= until:  # at least one message
                break
            started = time.perf_counter()
            await ws.send_json({"type": "message", "id": f"m{i}", "text": QUESTIONS[i % 4]})
            while (await ws.receive_json()).get("in_reply_to") != f"m{i}":
                pass
            latencies.append(time.perf_counter() - started)
    return latencies


def latency_row(name: str, latencies: list[float]) -> str:
    ms = [v * 1000 for v in latencies]
    return (
        f"  citizen {name:<16} n={len(ms):<4} median={percentile(ms, 0.5):7.1f} ms"
        f"  p95={percentile(ms, 0.95):7.1f} ms  max={max(ms):7.1f} ms"
    )


async def flood(base: str, attackers: int, spread: bool, seconds: float) -> dict[int, int]:
    """Every attacker for `seconds`; how many answers of each status they got."""
    statuses: collections.Counter[int] = collections.Counter()
    until = time.monotonic() + seconds
    await asyncio.gather(*(attacker(base, n, spread, until, statuses) for n in range(attackers)))
    return dict(statuses)


def flood_process(base: str, attackers: int, spread: bool, seconds: float) -> dict[int, int]:
    """The flood in a process of its own, so that the server's loop serves and nothing else."""
    return asyncio.run(flood(base, attackers, spread, seconds))


@asynccontextmanager
async def serving(services: SimpleNamespace) -> AsyncIterator[str]:
    """The web app on a free loopback port (a fresh one: no sign-in attempts counted yet)."""
    runner = web.AppRunner(create_app(services))  # type: ignore[arg-type]
    await runner.setup()
    port = free_loopback_port()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        await runner.cleanup()


async def scenario(services: SimpleNamespace, name: str, args: argparse.Namespace) -> None:
    spread = name == "many addresses"
    loop = asyncio.get_running_loop()
    context = multiprocessing.get_context("spawn")
    async with serving(services) as base:
        with ProcessPoolExecutor(1, mp_context=context) as pool:
            # The child is started (and imports the bot) before the clock runs.
            await loop.run_in_executor(pool, flood_process, base, 0, False, 0.0)
            started = time.perf_counter()
            attack = loop.run_in_executor(
                pool, flood_process, base, args.attackers, spread, args.seconds
            )
            latencies = await citizen(base, time.monotonic() + args.seconds)
            statuses = await attack
            elapsed = time.perf_counter() - started
    checked = statuses.get(401, 0)
    say(f"{name} ({args.attackers} connections, {elapsed:.0f} s):")
    say(f"  wrong guesses checked   {checked} ({checked / elapsed * 60:.1f} per minute)")
    say(f"  refused with 429        {statuses.get(429, 0)}")
    others = {s: c for s, c in statuses.items() if s not in (401, 429)}
    say(f"  other answers           {others or 'none'}")
    say(latency_row("during the flood", latencies))


async def main(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        # The second scenario's X-Forwarded-For is believed; the first sends none.
        settings = Settings(
            _env_file=None,
            database_url=f"sqlite:///{tmp}/bot.db",
            index_dir=Path(tmp) / "index",
            trusted_proxies=["127.0.0.1"],
            # The one citizen sends as fast as replies come, to sample latency often: its
            # web chat message limits would answer it with "slow down" instead.
            chat_ip_per_minute=0,
            chat_session_per_minute=0,
        )
        engine = make_engine(settings.database_url)
        await migrate(engine)
        sessions = sessionmaker(engine)
        async with sessions() as session:
            await store.add_user(session, "op1", Role.OPERATOR, PASSWORD)
        answerer = Answerer(await load_retriever(settings, engine), Contacts())
        await asyncio.to_thread(danger_model)  # as the bot does before its first citizen
        core = DialogueCore(
            NLUService(None), Responder(answerer), Conversations(DbStateStore(sessions))
        )
        services = SimpleNamespace(chat=ChatService(core, sessions), settings=settings,
                                   sessions=sessions, reader=sessions, handoff=None)  # fmt: skip
        try:
            say("Settings changed from the defaults: " + CHANGED)
            say("  (the second scenario's X-Forwarded-For is believed; the citizen is not")
            say("  slowed by the chat's message limits); no Rasa (keyword routing).")
            window = f"{staff.WINDOW / 60:.0f} min"
            say(f"Limits: {staff.NAME_BUDGET} attempts per name, {staff.IP_BUDGET} per address in")
            say(f"  {window} (so at most {staff.NAME_BUDGET} guesses at one name per {window});")
            say(f"  {store.ARGON2_SLOTS} argon2 checks at once, in worker threads.")
            say("The attackers run in a process of their own; the server and the citizen here.")
            async with serving(services) as base:
                await citizen(base, time.monotonic())  # one message to warm up, not counted
                alone = await citizen(base, time.monotonic() + min(args.seconds, 10))
            say(latency_row("alone", alone))
            for name in ("one address", "many addresses"):
                await scenario(services, name, args)
        finally:
            await engine.dispose()
    if args.publish:
        heading = "`bench/login_flood.py` — a staff sign-in flood while a citizen chats"
        publish("login-flood", heading, say.lines, "settings changed from the defaults: " + CHANGED)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--attackers", type=int, default=100)
    parser.add_argument("--publish", action="store_true", help="write to docs/reliability.md")
    asyncio.run(main(parser.parse_args()))
