"""Simulated citizens through the whole bot: a fake Telegram and the web chat.

Starts Rasa, measures its raw `/model/parse` ceiling, then runs `python -m bot run`
as a separate process against that Rasa and a local fake Bot API, and drives
conversations at 1, 20 and 200 at once through Telegram and through the web
chat's WebSocket. Prints replies/s and p50/p95/p99 from message to reply beside
the raw ceiling, and the bot's memory after 1,000 conversations.

    .venv/bin/python bench/chat.py [-n MESSAGES] [--levels 1,20,200]
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import secrets
import signal
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import aiohttp
import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from report import publish, say, settings_line  # noqa: E402

from bot.nlu.normalize import for_model  # noqa: E402
from bot.rasa.server import RasaServer, free_loopback_port  # noqa: E402
from bot.rasa.training import model_path, train  # noqa: E402
from bot.settings import Settings  # noqa: E402
from tests.fakes.telegram_api import FakeTelegram  # noqa: E402

# A citizen asks this many questions before a new conversation starts.
TURNS = 3
ROUNDS = 3
RAW, TELEGRAM, WEB = "rasa raw /model/parse", "telegram (fake API)", "web chat (WebSocket)"
# Asks one question in a conversation; returns the seconds from message to reply.
Ask = Callable[[int, str], Awaitable[float]]
CONVERSATIONS = itertools.count()

# Settings every bench run gives the bot, beside where it listens and what it talks to;
# each published run prints them (see `changed_settings`).
BENCH_SETTINGS = {
    # Under 200 citizens the shared Rasa is slow; the bot must not fall back to
    # keyword routing because of it, or the run would measure something else.
    "RASA_TIMEOUT": "30",
    # Telegram's own 30 messages/s is lifted: the runs measure the bot, not Telegram.
    "TELEGRAM_MAX_RATE": "100000",
    # Long polls end sooner, so a stopped bot's last poll does not hold the fake API.
    "TELEGRAM_POLL_TIMEOUT": "10",
    # All simulated citizens share one loopback address: its message limit is lifted.
    "CHAT_IP_PER_MINUTE": "0",
}


def changed_settings() -> str:
    """The line each published run starts with: what it changed, and the defaults."""
    defaults = {name.upper(): field.default for name, field in Settings.model_fields.items()}
    return settings_line(BENCH_SETTINGS, defaults)


def questions() -> list[str]:
    lines = (ROOT / "tests" / "data" / "routing_test.jsonl").read_text(encoding="utf-8")
    return [json.loads(line)["text"] for line in lines.splitlines() if line.strip()]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


class Result:
    """Latencies of one run and its wall time."""

    def __init__(self, name: str, concurrency: int) -> None:
        self.name, self.concurrency = name, concurrency
        self.latencies: list[float] = []
        self.elapsed = 0.0

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.elapsed

    def p(self, q: float) -> float:
        return percentile(self.latencies, q) * 1000

    def row(self) -> str:
        return (
            f"{self.name:<22} c={self.concurrency:<4} n={len(self.latencies):<5}"
            f" {self.rate:7.1f} replies/s  p50={self.p(0.5):7.1f} ms"
            f"  p95={self.p(0.95):7.1f} ms  p99={self.p(0.99):7.1f} ms"
        )


async def drive(result: Result, n: int, ask: Ask, corpus: list[str]) -> Result:
    """`n` questions from `result.concurrency` citizens, each waiting for its reply.

    Each simulated citizen asks `TURNS` questions in a conversation of its own,
    then starts a new one.
    """
    questions_left = itertools.count()

    async def citizen() -> None:
        asked = 0
        conversation = next(CONVERSATIONS)
        while (i := next(questions_left)) < n:
            if asked == TURNS:
                asked, conversation = 0, next(CONVERSATIONS)
            result.latencies.append(await ask(conversation, corpus[i % len(corpus)]))
            asked += 1

    started = time.perf_counter()
    await asyncio.gather(*(citizen() for _ in range(result.concurrency)))
    result.elapsed += time.perf_counter() - started
    return result


def sqlite_url(workdir: Path) -> str:
    """The bot's database when a benchmark names none."""
    return f"sqlite:///{workdir / 'bot.db'}"


def citizens_http() -> aiohttp.ClientSession:
    """The simulated citizens' HTTP client: no cookies shared, no cap on open chats."""
    # Each open chat holds a connection: with aiohttp's default cap of 100, citizens
    # 101 and on would wait, and time out, in the client rather than in the bot.
    connector = aiohttp.TCPConnector(limit=0)
    return aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar(), connector=connector)


async def start_bot(
    rasa: RasaServer,
    fake: FakeTelegram,
    workdir: Path,
    port: int,
    log: list[str] | None = None,
    database_url: str | None = None,
) -> asyncio.subprocess.Process:
    """`python -m bot run` against this Rasa and fake Telegram; its log lines go to `log`.

    The database is `database_url`, else a SQLite file in `workdir`.
    """
    env = {
        **os.environ,
        "RASA_URL": rasa.url,
        "RASA_TOKEN": rasa.token,
        **BENCH_SETTINGS,
        "TELEGRAM_BOT_TOKEN": fake.token,
        "TELEGRAM_API_URL": fake.base_url.removesuffix("/bot"),
        "DATABASE_URL": database_url or sqlite_url(workdir),
        "INDEX_DIR": str(workdir / "index"),
        "WEB_HOST": "127.0.0.1",
        "WEB_PORT": str(port),
    }
    bot = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run",
        cwd=ROOT, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    assert bot.stdout is not None  # noqa: S101
    seen: list[str] = []
    async with asyncio.timeout(300):
        while not seen or not seen[-1].startswith("==> Telegram: @"):
            line = (await bot.stdout.readline()).decode("utf-8", "replace")
            if not line:
                raise SystemExit("the bot stopped during start-up:\n" + "".join(seen[-30:]))
            seen.append(line)
    if log is not None:
        log.extend(seen)
    asyncio.get_running_loop().create_task(_drain(bot.stdout, log))
    return bot


async def _drain(stream: asyncio.StreamReader, log: list[str] | None) -> None:
    while line := await stream.readline():
        if log is not None:
            log.append(line.decode("utf-8", "replace"))


class Citizens:
    """The three ways of asking: Rasa directly, Telegram and the web chat."""

    def __init__(
        self, rasa: RasaServer, fake: FakeTelegram, http: aiohttp.ClientSession, port: int
    ) -> None:
        self.rasa, self.fake, self.http, self.port = rasa, fake, http, port
        self.chats: dict[int, int] = {}
        self.next_chat = itertools.count(1_000_000)
        self.sockets: dict[int, aiohttp.ClientWebSocketResponse] = {}
        self.turns: dict[int, int] = {}
        self.conversations = 0

    async def raw(self, _: int, text: str) -> float:
        started = time.perf_counter()
        async with self.http.post(
            f"{self.rasa.url}/model/parse",
            params={"token": self.rasa.token},
            json={"text": for_model(text)},
        ) as response:
            await response.read()
        return time.perf_counter() - started

    async def telegram(self, conversation: int, text: str) -> float:
        chat = self.chats.get(conversation)
        if chat is None:
            chat = self.chats[conversation] = next(self.next_chat)
            self.conversations += 1
        before = len(self.fake.messages_to(chat))
        started = time.perf_counter()
        self.fake.message(chat, text)
        await self.fake.wait_for_messages(chat, before + 1, timeout=120)
        return time.perf_counter() - started

    async def web(self, conversation: int, text: str) -> float:
        ws = self.sockets.get(conversation)
        if ws is None:
            # No cookies kept: each connection is a new session, made by the server.
            url = f"http://127.0.0.1:{self.port}/ws"
            ws = self.sockets[conversation] = await self.http.ws_connect(url)
            await ws.receive_json()  # hello
            self.conversations += 1
        started = time.perf_counter()
        await ws.send_json({"type": "message", "id": secrets.token_hex(8), "text": text})
        reply = await ws.receive_json(timeout=120)
        elapsed = time.perf_counter() - started
        if reply.get("type") != "replies":
            raise RuntimeError(f"unexpected frame: {reply}")
        self.turns[conversation] = self.turns.get(conversation, 0) + 1
        if self.turns[conversation] == TURNS:  # the citizen leaves the page
            await self.sockets.pop(conversation).close()
        return elapsed

    async def reset(self) -> None:
        self.chats.clear()
        for ws in self.sockets.values():
            await ws.close()
        self.sockets.clear()


async def main(args: argparse.Namespace) -> None:
    settings = Settings(rasa_url=None, rasa_token=None, _env_file=None)
    model = model_path(settings) if model_path(settings).exists() else train(settings)
    corpus = questions()
    levels = [int(level) for level in args.levels.split(",")]
    results: dict[tuple[str, int], Result] = {}

    with tempfile.TemporaryDirectory() as tmp:
        async with (
            RasaServer(settings, model) as rasa,
            FakeTelegram() as fake,
            citizens_http() as http,
        ):
            port = free_loopback_port()
            bot = await start_bot(rasa, fake, Path(tmp), port)
            proc = psutil.Process(bot.pid)
            citizens = Citizens(rasa, fake, http, port)
            ways = {RAW: citizens.raw, TELEGRAM: citizens.telegram, WEB: citizens.web}
            try:
                for level in levels:
                    n = max(args.n, 5 * level)
                    for name, ask in ways.items():  # warm-up
                        await drive(Result(name, level), min(20, n), ask, corpus)
                    # The three ways take turns, so a drift in the machine's speed
                    # during the run does not favour one of them.
                    for _ in range(ROUNDS):
                        for name, ask in ways.items():
                            await citizens.reset()
                            result = results.setdefault((name, level), Result(name, level))
                            await drive(result, n // ROUNDS, ask, corpus)
                    for name in ways:
                        say(results[(name, level)].row())
                while citizens.conversations < args.conversations:
                    await citizens.reset()
                    await drive(
                        Result(TELEGRAM, 20),
                        300,
                        citizens.telegram,
                        corpus,
                    )
                await citizens.reset()
                rss = proc.memory_info().rss / 2**20
                rasa_rss = psutil.Process(rasa.pid or 0).memory_info().rss / 2**20
                say(f"{'rss bot':<22} {rss:.0f} MB after {citizens.conversations} conversations")
                say(f"{'rss rasa':<22} {rasa_rss:.0f} MB")
            finally:
                bot.send_signal(signal.SIGTERM)
                async with asyncio.timeout(30):
                    await bot.wait()

    if 20 in levels:
        ceiling = results[(RAW, 20)].rate
        for name in (TELEGRAM, WEB):
            share = results[(name, 20)].rate / ceiling
            say(f"{name:<22} at c=20: {share:.0%} of the raw Rasa ceiling")
    if 1 in levels:
        raw_p50 = results[(RAW, 1)].p(0.5)
        for name in (TELEGRAM, WEB):
            added = results[(name, 1)].p(0.5) - raw_p50
            say(f"{name:<22} adds {added:.1f} ms at p50 (c=1)")
    heading = (f"`bench/chat.py` — {args.n} questions per measurement at {args.levels}"
               " concurrent conversations, through the fake Bot API and the web chat's"
               " WebSocket, beside Rasa's raw `/model/parse` in the same run")  # fmt: skip
    publish("chat", heading, say.lines, changed_settings())


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-n", type=int, default=300, help="messages per measurement")
    parser.add_argument("--levels", default="1,20,200", help="concurrent conversations")
    parser.add_argument("--conversations", type=int, default=1000, help="before measuring RSS")
    asyncio.run(main(parser.parse_args()))
