"""A long run under load: 500 citizens at once through a fake Telegram and the web chat.

Starts Rasa and `python -m bot run` (as bench/chat.py does), then keeps 500 simulated
citizens busy for 10 minutes, half on Telegram and half on the web chat: each asks a
question, waits for the answer, reads for a while and asks again. Afterwards it checks,
from what the citizens received and from the bot's own database, that every message
got its replies exactly once, and prints latency, the bot's memory over time and the
database size. The last lines are PASS/FAIL verdicts.

    .venv/bin/python bench/soak.py [--citizens 500] [--minutes 10]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import random
import secrets
import signal
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import psutil

sys.path.insert(0, str(Path(__file__).resolve().parent))

from chat import changed_settings, citizens_http, percentile, questions, sqlite_url, start_bot
from report import publish, say
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from bot import texts
from bot.rasa.server import RasaServer, free_loopback_port
from bot.rasa.training import model_path, train
from bot.settings import Settings
from bot.storage.db import make_engine
from tests.fakes.telegram_api import FakeTelegram

READING = (5.0, 20.0)  # seconds a citizen reads an answer before the next question
TURNS = 4  # questions in one conversation before the citizen leaves
WARM_UP = 120.0  # seconds before memory growth is counted
REPLY_WAIT = 180.0


class Tally:
    """What the citizens saw."""

    def __init__(self) -> None:
        self.asked = {"telegram": 0, "web": 0}
        self.latencies: list[float] = []
        self.timeouts = 0
        self.errors: list[str] = []
        self.web_frames = 0  # reply frames received on the web chat
        self.web_duplicates = 0


async def telegram_citizen(
    fake: FakeTelegram, chat: int, corpus: list[str], deadline: float, tally: Tally
) -> None:
    rng = random.Random(chat)
    await asyncio.sleep(rng.uniform(0, READING[1]))  # citizens do not all arrive at once
    while time.monotonic() < deadline:
        for _ in range(TURNS):
            if time.monotonic() >= deadline:
                return
            before = len(fake.messages_to(chat))
            started = time.perf_counter()
            fake.message(chat, rng.choice(corpus))
            tally.asked["telegram"] += 1
            try:
                await fake.wait_for_messages(chat, before + 1, timeout=REPLY_WAIT)
            except AssertionError:
                tally.timeouts += 1
                continue
            tally.latencies.append(time.perf_counter() - started)
            await asyncio.sleep(rng.uniform(*READING))
        chat += 10_000_000  # a new citizen in the same seat


async def web_citizen(
    http: aiohttp.ClientSession, port: int, seat: int, corpus: list[str], deadline: float,
    tally: Tally,
) -> None:  # fmt: skip
    rng = random.Random(-seat)
    await asyncio.sleep(rng.uniform(0, READING[1]))
    while time.monotonic() < deadline:
        url = f"http://127.0.0.1:{port}/ws"  # no cookies kept: a new session each time
        step = "connect"
        try:
            async with http.ws_connect(url, heartbeat=30) as ws:
                step = "hello"
                await ws.receive_json(timeout=REPLY_WAIT)
                for _ in range(TURNS):
                    if time.monotonic() >= deadline:
                        return
                    message_id = secrets.token_hex(8)
                    started = time.perf_counter()
                    await ws.send_json({"type": "message", "id": message_id,
                                        "text": rng.choice(corpus)})  # fmt: skip
                    tally.asked["web"] += 1
                    step = "reply"
                    frame = await ws.receive_json(timeout=REPLY_WAIT)
                    tally.web_frames += 1
                    if frame.get("in_reply_to") != message_id or frame.get("duplicate"):
                        tally.web_duplicates += 1
                    tally.latencies.append(time.perf_counter() - started)
                    step = "reading"
                    await asyncio.sleep(rng.uniform(*READING))
        except (TimeoutError, aiohttp.ClientError) as exc:
            tally.timeouts += 1
            tally.errors.append(f"web {step}: {exc!r}")


def database_megabytes(workdir: Path) -> float:
    """The SQLite database with its write-ahead log."""
    return sum(p.stat().st_size for p in workdir.glob("bot.db*")) / 2**20


async def database_check(url: str) -> dict[str, int]:
    """Exactly-once from the bot's own records: every question answered, every reply once."""
    async with _connect(url) as connection:
        rows = (
            await connection.execute(
                text(
                    "SELECT m.id, m.status, json_array_length(m.replies), coalesce(r.sent, 0)"
                    " FROM messages m LEFT JOIN (SELECT reply_to, count(*) AS sent FROM messages"
                    "  WHERE reply_to IS NOT NULL GROUP BY reply_to) r ON r.reply_to = m.id"
                    " WHERE m.direction = 'in' AND m.kind = 'text'"
                )
            )
        ).all()
    unanswered = sum(1 for _id, status, _n, _sent in rows if status != "answered")
    mismatched = sum(1 for _id, status, n, sent in rows if status == "answered" and n != sent)
    return {"in": len(rows), "unanswered": unanswered, "replies_not_once": mismatched}


async def telegram_check(fake: FakeTelegram, url: str) -> dict[str, int]:
    """Replies Telegram delivered against the replies the bot recorded as sent, per chat.

    The apology a failed turn sends (bot.texts.ERROR_SORRY) is no reply and is not
    recorded; it is counted apart.
    """
    async with _connect(url) as connection:
        recorded = dict(
            (
                await connection.execute(
                    text(
                        "SELECT conversation_id, count(*) FROM messages WHERE direction = 'out'"
                        " AND channel = 'telegram' GROUP BY conversation_id"
                    )
                )
            ).all()
        )
    delivered: dict[str, int] = {}
    apologies = 0
    for call in fake.calls("sendMessage", ok=True):
        if call.text == texts.ERROR_SORRY:
            apologies += 1
            continue
        key = f"tg:{call.chat_id}"
        delivered[key] = delivered.get(key, 0) + 1
    differing = sorted(key for key in recorded.keys() | delivered.keys()
                       if recorded.get(key, 0) != delivered.get(key, 0))  # fmt: skip
    for key in differing[:5]:  # what there is to look into, when something is off
        say(f"  {key}: the bot recorded {recorded.get(key, 0)} replies sent,"
            f" Telegram delivered {delivered.get(key, 0)}")  # fmt: skip
    return {"chats": len(delivered), "chats_differing": len(differing),
            "sent": sum(delivered.values()), "apologies": apologies}  # fmt: skip


@contextlib.asynccontextmanager
async def _connect(url: str) -> AsyncIterator[AsyncConnection]:
    engine = make_engine(url)
    try:
        async with engine.connect() as connection:
            yield connection
    finally:
        await engine.dispose()


async def sample_memory(proc: psutil.Process, started: float, samples: list[tuple[float, float]]):
    while True:
        samples.append((time.monotonic() - started, proc.memory_info().rss / 2**20))
        await asyncio.sleep(15)


async def main(args: argparse.Namespace) -> int:
    settings = Settings(rasa_url=None, rasa_token=None, _env_file=None)
    model = model_path(settings) if model_path(settings).exists() else train(settings)
    corpus = questions()
    tally = Tally()
    samples: list[tuple[float, float]] = []
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        async with (
            RasaServer(settings, model) as rasa,
            FakeTelegram() as fake,
            citizens_http() as http,
        ):
            port = free_loopback_port()
            lines: list[str] = []
            bot = await start_bot(rasa, fake, workdir, port, lines)
            proc = psutil.Process(bot.pid)
            started = time.monotonic()
            deadline = started + args.minutes * 60
            sampler = asyncio.create_task(sample_memory(proc, started, samples))
            half = args.citizens // 2
            say(f"soak: {args.citizens} citizens for {args.minutes:g} min …")
            try:
                await asyncio.gather(
                    *(telegram_citizen(fake, 2_000_000 + i, corpus, deadline, tally)
                      for i in range(half)),
                    *(web_citizen(http, port, i, corpus, deadline, tally)
                      for i in range(args.citizens - half)),
                )  # fmt: skip
                await asyncio.sleep(5)  # the last replies land
            finally:
                sampler.cancel()
                if bot.returncode is not None:
                    print(f"the bot stopped by itself (exit {bot.returncode}):", flush=True)
                    print("".join(lines[-40:]), flush=True)
                else:
                    bot.send_signal(signal.SIGTERM)
                async with asyncio.timeout(60):
                    await bot.wait()
            elapsed = time.monotonic() - started
            db = sqlite_url(workdir)
            size = database_megabytes(workdir)
            stored = await database_check(db)
            delivered = await telegram_check(fake, db)

    asked = sum(tally.asked.values())
    say(f"asked            {asked} ({tally.asked['telegram']} Telegram, "
          f"{tally.asked['web']} web) in {elapsed:.0f} s: {asked / elapsed:.1f}/s")  # fmt: skip
    say(f"latency          p50={percentile(tally.latencies, 0.5) * 1000:.0f} ms"
          f"  p99={percentile(tally.latencies, 0.99) * 1000:.0f} ms")  # fmt: skip
    say(f"stored           {stored}")
    say(f"telegram         {delivered}")
    say(f"web              frames={tally.web_frames} out of order or repeated="
          f"{tally.web_duplicates}")  # fmt: skip
    say(f"timeouts         {tally.timeouts} {tally.errors[:3]}")
    warm = [rss for at, rss in samples if at >= WARM_UP] or [s[1] for s in samples]
    growth = (warm[-1] - warm[0]) / warm[0]
    say("rss over time    " + " ".join(f"{at:.0f}s:{rss:.0f}MB" for at, rss in samples[::4]))
    say(f"database         {size:.1f} MB")
    verdicts = {
        "messages in = replies out, each once": stored["unanswered"] == 0
        and stored["replies_not_once"] == 0 and delivered["chats_differing"] == 0
        and tally.web_duplicates == 0 and stored["in"] == asked,
        "no reply lost (no citizen timed out)": tally.timeouts == 0,
        f"rss growth after warm-up {growth:+.1%} (< 10%)": growth < 0.10,
    }  # fmt: skip
    for name, ok in verdicts.items():
        say(f"{'PASS' if ok else 'FAIL'}: {name}")
    heading = (f"`bench/soak.py` — {args.citizens} simulated citizens for {args.minutes:g} minutes,"
               " half on Telegram (fake Bot API), half on the web chat, each asking, reading"
               f" {READING[0]:.0f}–{READING[1]:.0f} s, asking again")  # fmt: skip
    publish("soak", heading, say.lines, changed_settings())
    return 0 if all(verdicts.values()) else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--citizens", type=int, default=500)
    parser.add_argument("--minutes", type=float, default=10)
    sys.exit(asyncio.run(main(parser.parse_args())))
