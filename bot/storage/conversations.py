"""Repository functions for conversation state, and the database-backed state store."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.dialogue.state import ConversationState
from bot.storage.models import Conversation


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


async def load_state(session: AsyncSession, conversation: str) -> ConversationState:
    """The stored state of a conversation; a fresh one if it is new."""
    row = await session.get(Conversation, conversation)
    if row is None:
        return ConversationState()
    return ConversationState(
        topic=row.topic,
        form=row.form,
        form_state=dict(row.form_state or {}),
        district=row.district,
        human=row.human,
    )


async def save_state(session: AsyncSession, conversation: str, state: ConversationState) -> None:
    """Insert or update the state of a conversation (the caller commits)."""
    row = await session.get(Conversation, conversation)
    now = _now()
    if row is None:
        row = Conversation(id=conversation, created_at=now)
        session.add(row)
    row.updated_at = now
    row.topic, row.form, row.district = state.topic, state.form, state.district
    row.human = state.human
    row.form_state = dict(state.form_state)


class DbStateStore:
    """Conversation states in the database, so a restart resumes where the citizen was."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def get(self, conversation: str) -> ConversationState:
        """The state of a conversation; a fresh one if unknown."""
        async with self._sessions() as session:
            return await load_state(session, conversation)

    async def put(self, conversation: str, state: ConversationState) -> None:
        """Remember the state of a conversation."""
        async with self._sessions() as session:
            await save_state(session, conversation, state)
            await session.commit()
