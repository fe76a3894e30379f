"""Recording a finished turn: its state, its replies and what was sent, in one commit."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage import messages as repo
from bot.storage.conversations import save_state
from bot.storage.db import describe_failure
from bot.storage.models import Message
from bot.types import ConversationState

log = logging.getLogger(__name__)

# A reply already went out: its record is retried while the database is away (a
# restart, a full disk), so the message is not answered a second time by a replay.
RECORD_WINDOW = 600.0  # seconds
RECORD_PAUSE = 0.5


@dataclass(frozen=True, slots=True)
class Chosen:
    """The replies the dialogue chose for an inbound message, and what it was about."""

    replies: list[dict[str, Any]]
    intent: str | None
    topic: str | None
    # The message's text as it is to be kept (masked, or whole while a human has the
    # conversation); None to keep the stored text.
    masked: str | None


async def record_turn(
    session: AsyncSession,
    row: Message,
    states: dict[str, ConversationState],
    chosen: Chosen,
    sent: list[dict[str, Any]],
    *,
    answered: bool,
) -> None:
    """Commit the turn's states, chosen replies and sent replies together; retried."""
    body = chosen.masked if chosen.masked != row.body else None

    async def write() -> None:
        for conversation, state in states.items():
            await save_state(session, conversation, state)
        await repo.set_replies(
            session, row, chosen.replies, chosen.intent, chosen.topic, body, answered=answered
        )
        await repo.add_sent(session, sent)
        await session.commit()

    await _retried(session, row, write)


async def record_sent(
    session: AsyncSession, row: Message, sent: list[dict[str, Any]], *, answered: bool
) -> None:
    """Commit the replies sent for a message whose replies were chosen before; retried."""
    await _retried(session, row, lambda: repo.finish(session, row, sent, answered=answered))


async def _retried(
    session: AsyncSession, row: Message, write: Callable[[], Awaitable[None]]
) -> None:
    pause, deadline = RECORD_PAUSE, time.monotonic() + RECORD_WINDOW
    first = True
    while True:
        try:
            # A commit whose answer was lost with the connection may have been made:
            # writing the sent replies again would record them twice.
            if not first and await repo.status_of(session, row.id) == repo.ANSWERED:
                await session.commit()
                return
            first = False
            await write()
            return
        except (OperationalError, InterfaceError, OSError) as exc:
            with contextlib.suppress(DBAPIError, OSError):  # a lost connection has none
                await session.rollback()
            task = asyncio.current_task()
            # Shutting down: the message stays unanswered and is replayed at the next start.
            if time.monotonic() + pause > deadline or (task is not None and task.cancelling()):
                raise
            log.warning("could not record message %s: %s; retrying in %.1f s",
                        row.id, describe_failure(exc), pause)  # fmt: skip
            await asyncio.sleep(pause)
            pause = min(pause * 2, 5.0)
