"""Recording a finished turn: its state, its replies and what was sent, in one commit."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.dialogue.state import ConversationState
from bot.storage import messages as repo
from bot.storage.conversations import save_state
from bot.storage.models import Message

log = logging.getLogger(__name__)

# A reply already went out: its record is retried while the database restarts, so the
# message is not answered a second time by a replay.
RECORD_TRIES = 12
RECORD_PAUSE = 0.5


@dataclass(frozen=True, slots=True)
class Chosen:
    """The replies the dialogue chose for an inbound message, and what it was about."""

    replies: list[dict[str, Any]]
    intent: str | None
    topic: str | None
    # The message's text with personal numbers masked; None to keep it as it came.
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
    pause = RECORD_PAUSE
    for attempt in range(1, RECORD_TRIES + 1):
        try:
            await write()
            return
        except (DBAPIError, OSError) as exc:
            with contextlib.suppress(DBAPIError, OSError):  # a lost connection has none
                await session.rollback()
            if attempt == RECORD_TRIES:
                raise
            log.warning("could not record message %s (%s); retrying in %.1f s", row.id, exc, pause)
            await asyncio.sleep(pause)
            pause = min(pause * 2, 5.0)
