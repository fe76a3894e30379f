"""The bodies of the long-running commands, each on one event loop."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys
from collections.abc import Awaitable, Callable

from aiohttp import web
from telegram.error import TelegramError

from bot.channels.telegram import TelegramChannel
from bot.corpus.service import ensure_corpus
from bot.evaluate import EvalFileError, evaluate, load_cases
from bot.handoff.sweep import sweep_every
from bot.privacy_cli import maintain_every
from bot.rasa.server import RasaStartError
from bot.rasa.training import TrainingError
from bot.runtime import run_main, services
from bot.settings import Settings
from bot.web.app import create_app

STARTUP_ERRORS = (TrainingError, RasaStartError, OSError, TelegramError)


def run(settings: Settings, args: argparse.Namespace) -> int:
    """Rasa, then the web chat; until Ctrl-C or SIGTERM."""

    async def main() -> int:
        async with services(settings) as svc, contextlib.AsyncExitStack() as stack:
            telegram = None
            if settings.telegram_bot_token is not None:
                telegram = TelegramChannel(settings, svc.chat)
            runner = web.AppRunner(create_app(svc, telegram))
            await runner.setup()
            stack.push_async_callback(runner.cleanup)
            site = web.TCPSite(runner, settings.web_host, settings.web_port)
            await site.start()
            print(f"==> web chat: http://{settings.web_host}:{settings.web_port}/", flush=True)
            if telegram is not None:
                await telegram.start()
                stack.push_async_callback(telegram.stop)
                print(f"==> Telegram: @{telegram.username}", flush=True)
            else:
                print("==> Telegram: off (set TELEGRAM_BOT_TOKEN to start it)", flush=True)
            retention = asyncio.create_task(maintain_every(settings, svc.sessions))
            stack.callback(retention.cancel)
            if svc.handoff.web_desk and svc.handoff.desk is None:
                # Without the operators' group, PTB's JobQueue does not run the sweep.
                timer = asyncio.create_task(
                    sweep_every(svc.handoff, settings.handoff_sweep_seconds)
                )
                stack.callback(timer.cancel)
            if svc.handoff.web_desk:
                print(f"==> operators' desk: http://{settings.web_host}:{settings.web_port}/staff/",
                      flush=True)  # fmt: skip
            await asyncio.Event().wait()
        return 0

    return _guarded(main)


def evaluate_command(settings: Settings, args: argparse.Namespace) -> int:
    """Score the pipeline on a JSONL file."""
    try:
        cases = load_cases(args.file)
    except (OSError, EvalFileError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2

    async def main() -> int:
        async with services(settings) as svc:
            await evaluate(svc.dialogue, cases, args.file)
        return 0

    return _guarded(main)


def chat(settings: Settings, args: argparse.Namespace) -> int:
    """A terminal conversation, one line per message; an empty line or EOF ends it."""

    async def main() -> int:
        async with services(settings) as svc:
            print("请输入您的问题（直接回车结束）：", flush=True)
            while True:
                line = await asyncio.to_thread(sys.stdin.readline)
                if not line.strip():
                    return 0
                turn = await svc.dialogue.handle_text(line, "console")
                print(f"[{turn.nlu.topic.value} / {turn.nlu.intent}]", flush=True)
                for reply in turn.replies:
                    print(reply.text, flush=True)
                    if reply.buttons:
                        print("  " + " | ".join(b.label for b in reply.buttons), flush=True)

    return _guarded(main)


def _guarded(main: Callable[[], Awaitable[int]]) -> int:
    try:
        return run_main(main)
    except STARTUP_ERRORS as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


def corpus(settings: Settings, args: argparse.Namespace) -> int:
    """`corpus ingest`: database and index brought up to date with `corpus/`."""

    async def main() -> int:
        rebuilt = await ensure_corpus(settings, force=args.force)
        print("corpus ingested" if rebuilt else "corpus is up to date", flush=True)
        return 0

    return _guarded(main)
