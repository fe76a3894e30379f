"""Faults under load, each scripted and ending in a PASS/FAIL line.

Citizens write to the bot through a fake Telegram while something breaks:
- `bot-kill`: the bot is killed with SIGKILL in the middle, then started again;
- `rasa`: Rasa is killed and its supervisor starts it again (answers go on degraded,
  then recover, and the bot logs both);
- `telegram`: the Bot API answers 429 and 5xx for a minute;
- `postgres`: the bot runs on PostgreSQL, which is stopped (immediate mode, as a
  crash) for 15 seconds and started again; needs `scripts/with-postgres.sh`;
- `disk-full`: the bot's SQLite file is on a small filesystem that is filled up for
  20 seconds and then freed (the bot must say so clearly, and the file must pass
  SQLite's integrity check); needs root to mount a tmpfs.
After each, every message must be answered exactly once: from the bot's own records
(each question answered, each reply recorded once) and from what Telegram delivered
(per chat, as many messages as the bot recorded as sent).

    scripts/with-postgres.sh .venv/bin/python bench/faults.py [FAULT ...] [--seconds 60]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import signal
import sqlite3
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from urllib.parse import urlsplit

import asyncpg

sys.path.insert(0, str(Path(__file__).resolve().parent))

from chat import changed_settings, questions, sqlite_url, start_bot
from report import publish, say
from soak import database_check, telegram_check
from sqlalchemy.exc import SQLAlchemyError

from bot.rasa.server import RasaServer, free_loopback_port
from bot.rasa.training import model_path, train
from bot.settings import Settings
from tests.fakes.telegram_api import FakeTelegram

FAULTS = ("bot-kill", "rasa", "telegram", "postgres", "disk-full")
CHATS = 40
HOW = {
    "bot-kill": "the bot killed with SIGKILL under load, then started again",
    "rasa": "Rasa killed with SIGKILL under load and restarted by its supervisor",
    "telegram": "the Bot API answering 429 for 30 s, then 502 for 30 s",
    "postgres": "the bot on PostgreSQL, stopped (immediate mode) for 15 s under load",
    "disk-full": "the SQLite file's filesystem filled up for 20 s under load, then freed",
}
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
DISK_MB = 24
DURABILITY = ("fsync", "synchronous_commit", "full_page_writes")
FIRST_CHAT = {
    "postgres": 6_000_000,
    "disk-full": 7_000_000,
}  # the small filesystem the disk-full fault fills
SETTLE = 240.0  # seconds allowed for the backlog to clear after a fault


class Load:
    """Citizens who each send a question every few seconds, answered or not."""

    def __init__(self, fake: FakeTelegram, corpus: list[str], first_chat: int) -> None:
        self.fake, self.corpus = fake, corpus
        self.chats = range(first_chat, first_chat + CHATS)
        self.sent = 0
        self._stop = asyncio.Event()

    async def run(self) -> None:
        async def citizen(chat: int) -> None:
            rng = random.Random(chat)
            while not self._stop.is_set():
                self.fake.message(chat, rng.choice(self.corpus))
                self.sent += 1
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stop.wait(), rng.uniform(2.0, 6.0))

        await asyncio.gather(*(citizen(chat) for chat in self.chats))

    def stop(self) -> None:
        self._stop.set()


async def settled(url: str, expected: int) -> dict[str, int]:
    """Wait until every question stored is answered (or SETTLE runs out)."""
    deadline = time.monotonic() + SETTLE
    stored: dict[str, int] = {}
    while time.monotonic() < deadline:
        with contextlib.suppress(SQLAlchemyError):  # the database may still be on its way
            stored = await database_check(url)
            if stored["in"] >= expected and stored["unanswered"] == 0:
                return stored
        await asyncio.sleep(2)
    return stored


def verdict(name: str, sent: int, stored: dict[str, int], delivered: dict[str, int],
            extra: tuple[str, bool] | None = None) -> bool:  # fmt: skip
    ok = stored.get("in") == sent and stored.get("unanswered") == 0
    ok = ok and stored.get("replies_not_once") == 0 and delivered["chats_differing"] == 0
    if extra is not None:
        ok = ok and extra[1]
    detail = f"sent={sent} stored={stored} telegram={delivered}"
    if extra is not None:
        detail += f" {extra[0]}={extra[1]}"
    say(f"{'PASS' if ok else 'FAIL'}: {name}: every message answered exactly once ({detail})")
    return ok


async def wind_up(
    name: str,
    load: Load,
    driving: asyncio.Task[None],
    bot: asyncio.subprocess.Process,
    fake: FakeTelegram,
    url: str,
    extra: Callable[[], tuple[str, bool]] | None = None,
    lines: list[str] | None = None,
) -> bool:
    """Stop the citizens, let the backlog clear, stop the bot, and judge.

    The bot's log, when kept, is left in test-artifacts/faults-NAME.log.
    """
    load.stop()
    await driving
    stored = await settled(url, load.sent)
    bot.send_signal(signal.SIGTERM)
    await bot.wait()
    checked = extra() if extra is not None else None
    if lines is not None:
        ARTIFACTS.mkdir(exist_ok=True)
        (ARTIFACTS / f"faults-{name}.log").write_text("".join(lines), encoding="utf-8")
    return verdict(name, load.sent, stored, await telegram_check(fake, url), checked)


def logged(lines: list[str], name: str, *needles: str) -> Callable[[], tuple[str, bool]]:
    """A check that the bot's log says each of `needles`."""
    return lambda: (name, all(needle in "".join(lines) for needle in needles))


async def bot_kill(rasa: RasaServer, corpus: list[str], seconds: float) -> bool:
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        async with FakeTelegram() as fake:
            port = free_loopback_port()
            bot = await start_bot(rasa, fake, workdir, port)
            load = Load(fake, corpus, 3_000_000)
            driving = asyncio.create_task(load.run())
            await asyncio.sleep(seconds / 2)
            bot.send_signal(signal.SIGKILL)  # no clean-up of any kind
            await bot.wait()
            say(f"  bot killed with SIGKILL after {load.sent} messages")
            await asyncio.sleep(3)  # citizens keep writing to a dead bot
            bot = await start_bot(rasa, fake, workdir, port)
            await asyncio.sleep(seconds / 2)
            return await wind_up("bot-kill", load, driving, bot, fake, sqlite_url(workdir))


async def rasa_restart(settings: Settings, model: Path, corpus: list[str], seconds: float) -> bool:
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        rasa = RasaServer(settings, model)
        await rasa.start()
        async with FakeTelegram() as fake:
            lines: list[str] = []
            bot = await start_bot(rasa, fake, workdir, free_loopback_port(), lines)
            load = Load(fake, corpus, 4_000_000)
            driving = asyncio.create_task(load.run())
            await asyncio.sleep(seconds / 3)
            os.kill(rasa.pid or 0, signal.SIGKILL)
            say(f"  Rasa killed after {load.sent} messages")
            # Its supervisor starts it again on the same URL with the same token.
            async with asyncio.timeout(settings.rasa_startup_timeout + rasa.restart_cap):
                while rasa.restarts == 0:  # noqa: ASYNC110 (counted by the supervisor's task)
                    await asyncio.sleep(0.5)
            say("  Rasa back")
            await asyncio.sleep(seconds / 3)
            try:
                said = logged(lines, "degraded_then_recovered_logged",
                              "NLU degraded to keyword routing", "NLU recovered")  # fmt: skip
                url = sqlite_url(workdir)
                return await wind_up("rasa", load, driving, bot, fake, url, said, lines)
            finally:
                await rasa.stop()


async def telegram_errors(rasa: RasaServer, corpus: list[str], seconds: float) -> bool:
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        async with FakeTelegram() as fake:
            bot = await start_bot(rasa, fake, workdir, free_loopback_port())
            load = Load(fake, corpus, 5_000_000)
            driving = asyncio.create_task(load.run())
            await asyncio.sleep(10)
            half = time.monotonic() + 30
            fake.fail_all("*", status=429, until=half, retry_after=3)
            await asyncio.sleep(30)
            fake.fail_all("*", status=502, until=time.monotonic() + 30, retry_after=None)
            say("  30 s of 429, then 30 s of 502 from the Bot API")
            await asyncio.sleep(30)
            fake.clear_faults()
            await asyncio.sleep(max(10.0, seconds - 70))
            return await wind_up("telegram", load, driving, bot, fake, sqlite_url(workdir))


async def postgres_restart(rasa: RasaServer, corpus: list[str], seconds: float) -> bool | None:
    base, ctl = os.environ.get("TEST_POSTGRES_URL"), os.environ.get("TEST_POSTGRES_CTL")
    if not base or not ctl:
        say("SKIP: postgres: run under scripts/with-postgres.sh (make bench-faults does)")
        return None
    # The test server runs without fsync and synchronous commits, for speed: a crash
    # would then lose commits the bot was told were made.
    await admin(base, *(f"ALTER SYSTEM SET {name} = on" for name in DURABILITY))
    await admin(base, "SELECT pg_reload_conf()")
    name = f"faults_{os.getpid()}_{int(time.time())}"
    await admin(base, f'CREATE DATABASE "{name}"')
    url = urlsplit(base)._replace(path=f"/{name}").geturl()

    async def outage(load: Load) -> None:
        await run(ctl, "stop")
        say(f"  PostgreSQL stopped (immediate) after {load.sent} messages")
        await asyncio.sleep(15)
        await run(ctl, "start")
        say("  PostgreSQL back")

    with tempfile.TemporaryDirectory() as tmp:
        return await broken_for_a_while(
            "postgres", rasa, corpus, seconds, Path(tmp), url, outage,
            "the database cannot be reached",
        )  # fmt: skip


async def admin(base: str, *statements: str) -> None:
    """Run statements on the server `base` names, outside any transaction."""
    connection = await asyncpg.connect(base)
    try:
        for statement in statements:
            await connection.execute(statement)
    finally:
        await connection.close()


async def disk_full(rasa: RasaServer, corpus: list[str], seconds: float) -> bool | None:
    with tempfile.TemporaryDirectory() as tmp:
        disk = Path(tmp) / "disk"
        disk.mkdir()
        mounted = await run("mount", "-t", "tmpfs", "-o", f"size={DISK_MB}m", "tmpfs", str(disk))
        if not mounted:
            say("SKIP: disk-full: could not mount a small tmpfs (needs root)")
            return None

        async def outage(load: Load) -> None:
            filler = fill(disk)
            say(f"  disk full after {load.sent} messages")
            await asyncio.sleep(20)
            filler.unlink()
            say("  space freed")

        try:
            passed = await broken_for_a_while(
                "disk-full", rasa, corpus, seconds, Path(tmp), f"sqlite:///{disk / 'bot.db'}",
                outage, "the database's disk is full",
            )  # fmt: skip
            with sqlite3.connect(disk / "bot.db") as connection:
                [(integrity,)] = connection.execute("PRAGMA integrity_check").fetchall()
            say(f"{'PASS' if integrity == 'ok' else 'FAIL'}: disk-full: the database file"
                f" is intact (integrity_check: {integrity})")  # fmt: skip
            return passed and integrity == "ok"
        finally:
            await run("umount", "-l", str(disk))


async def broken_for_a_while(
    name: str,
    rasa: RasaServer,
    corpus: list[str],
    seconds: float,
    workdir: Path,
    url: str,
    outage: Callable[[Load], Awaitable[None]],
    logged_as: str,
) -> bool:
    """Citizens write while `outage` breaks the database and mends it; the bot must log it."""
    async with FakeTelegram() as fake:
        lines: list[str] = []
        bot = await start_bot(rasa, fake, workdir, free_loopback_port(), lines, url)
        load = Load(fake, corpus, FIRST_CHAT[name])
        driving = asyncio.create_task(load.run())
        await asyncio.sleep(seconds / 3)
        await outage(load)
        await asyncio.sleep(seconds / 3)
        said = logged(lines, "outage_logged", logged_as)
        return await wind_up(name, load, driving, bot, fake, url, said, lines)


def fill(disk: Path) -> Path:
    """Write to `disk` until it has no space left; the file that took it."""
    filler = disk / "filler"
    with filler.open("wb") as out, contextlib.suppress(OSError):
        while True:
            out.write(b"\0" * 65536)
            out.flush()
    return filler


async def run(*command: str) -> bool:
    """Run a command quietly; whether it succeeded."""
    process = await asyncio.create_subprocess_exec(
        *command, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE
    )
    _, err = await process.communicate()
    if process.returncode != 0:
        say(f"  {' '.join(command)}: {err.decode(errors='replace').strip()}")
    return process.returncode == 0


async def main(args: argparse.Namespace) -> int:
    settings = Settings(rasa_url=None, rasa_token=None, _env_file=None)
    model = model_path(settings) if model_path(settings).exists() else train(settings)
    corpus = questions()
    results: list[bool | None] = []
    async with RasaServer(settings, model) as rasa:
        for name in args.faults:
            mark = len(say.lines)
            say(f"{name} …")
            if name == "bot-kill":
                results.append(await bot_kill(rasa, corpus, args.seconds))
            elif name == "telegram":
                results.append(await telegram_errors(rasa, corpus, args.seconds))
            elif name == "rasa":
                results.append(await rasa_restart(settings, model, corpus, args.seconds))
            elif name == "postgres":
                results.append(await postgres_restart(rasa, corpus, args.seconds))
            elif name == "disk-full":
                results.append(await disk_full(rasa, corpus, args.seconds))
            if results[-1] is not None:  # a fault that could not be staged keeps its old figures
                publish(
                    f"faults-{name}",
                    f"`bench/faults.py {name}` — {HOW[name]}",
                    say.since(mark),
                    changed_settings(),
                )
    return 0 if all(result is not False for result in results) else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("faults", nargs="*", default=list(FAULTS), help=", ".join(FAULTS))
    parser.add_argument("--seconds", type=float, default=60)
    arguments = parser.parse_args()
    if unknown := set(arguments.faults) - set(FAULTS):
        parser.error(f"unknown fault {', '.join(sorted(unknown))}; choose from {', '.join(FAULTS)}")
    sys.exit(asyncio.run(main(arguments)))
