"""`python -m bot privacy export|delete|expire`: citizens' requests made through the hotline."""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import logging
import os
import sys

from bot import privacy
from bot.accounts.store import audit
from bot.settings import Settings
from bot.storage.db import checkpoint, database

log = logging.getLogger(__name__)


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The `privacy` command and its subcommands."""
    command = sub.add_parser("privacy", help="a citizen's data: export, delete; retention")
    actions = command.add_subparsers(dest="privacy_command", required=True)
    citizen_help = f"{privacy.citizen_help()} (2026-000123)"
    export = actions.add_parser("export", help="everything stored about a citizen, as JSON")
    export.add_argument("--citizen", required=True, help=citizen_help)
    remove = actions.add_parser("delete", help="delete everything stored about a citizen")
    remove.add_argument("--citizen", required=True, help=citizen_help)
    remove.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    actions.add_parser("expire", help="run the retention job now (it also runs hourly)")


async def maintain(settings: Settings, session_maker: privacy.Sessions) -> dict[str, int]:
    """The retention job: mask after handoffs, strip idle conversations."""
    now = dt.datetime.now(dt.UTC)
    async with session_maker() as session:
        masked = await privacy.mask_after_handoffs(
            session, now - dt.timedelta(hours=settings.privacy_raw_hours), now
        )
    stripped = 0
    cutoff = now - dt.timedelta(days=settings.privacy_retention_days)
    while True:
        async with session_maker() as session:
            done = await privacy.expire(session, cutoff)
        stripped += done
        if done < privacy.EXPIRE_BATCH:
            break
    async with session_maker() as session:
        await checkpoint(session)  # the text before masking is gone from the WAL file too
    return {"handoffs_masked": masked, "conversations_stripped": stripped}


async def maintain_every(settings: Settings, session_maker: privacy.Sessions) -> None:
    """The retention job at start-up and then every hour, while the bot runs."""
    while True:
        try:
            done = await maintain(settings, session_maker)
            if any(done.values()):
                log.info("privacy retention: %s", done)
        except Exception:
            log.exception("the privacy retention job failed; it runs again in an hour")
        await asyncio.sleep(3600)


def run(settings: Settings, args: argparse.Namespace) -> int:
    """Carry out one `privacy` subcommand; exports and deletions go to the audit log."""
    actor = f"cli:{os.environ.get('USER', 'unknown')}"

    async def main() -> int:
        try:
            async with database(settings.database_url) as sessions:
                return await act(sessions)
        except privacy.CitizenError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2

    async def act(sessions: privacy.Sessions) -> int:
        command = args.privacy_command
        if command == "expire":
            print(json.dumps(await maintain(settings, sessions), ensure_ascii=False))
            return 0
        async with sessions() as session:
            conversations = await privacy.conversations_of(session, args.citizen)
            if command == "export":
                data = await privacy.export(session, conversations)
                print(json.dumps(data, ensure_ascii=False, indent=2))
                await audit(session, actor, "privacy_export", args.citizen)
                return 0
            if not conversations:
                print(f"nothing stored for {args.citizen}")
                return 0
            if not args.yes:
                question = f"delete {len(conversations)} conversation(s)? [y/N] "
                answer = await asyncio.to_thread(input, question)
                if answer.strip().lower() not in ("y", "yes"):
                    print("nothing deleted")
                    return 1
            counts = await privacy.delete_all(session, conversations)
            await audit(session, actor, "privacy_delete", args.citizen, counts)
            await checkpoint(session)
            print(f"deleted: {counts}")
            return 0

    return asyncio.run(main())
