"""Repository functions for conversation state, and the database-backed state store."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections import OrderedDict
from collections.abc import Iterator
from contextvars import ContextVar
from typing import cast

from sqlalchemy import Table, bindparam
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.mask import mask, mask_json
from bot.nlu.situation import district_named
from bot.storage.models import Conversation
from bot.types import ConversationState

_CONVERSATIONS = cast(Table, Conversation.__table__)
# Built once; its SET clause is the columns named in the parameters.
_UPDATE = _CONVERSATIONS.update().where(_CONVERSATIONS.c.id == bindparam("conversation"))


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def stored_district(district: str | None) -> str | None:
    """A district as it may be stored and shown: a known one's name, else the text masked.

    The intake takes a short free-text answer as the district; a phone number
    typed there must not reach the figures, their CSV and API in the clear.
    """
    if not district:
        return None
    return district_named(district) or mask(district)[:32]


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
        handoff=row.handoff_id,
        flow=dict(row.flow or {}),
    )


async def save_state(session: AsyncSession, conversation: str, state: ConversationState) -> None:
    """Insert or update the state of a conversation (the caller commits)."""
    now = _now()
    values = {
        "updated_at": now,
        "topic": state.topic,
        "form": state.form,
        "district": stored_district(state.district),
        "human": state.human,
        # Citizens' answers and the intake's story are written masked; the bot's own
        # copy (DbStateStore's cache) keeps them whole for the turn that needs them.
        "form_state": mask_json(dict(state.form_state)),
        "handoff_id": state.handoff,
        "flow": mask_json(dict(state.flow)),
    }
    # The row usually exists (stored with the conversation's first message): one UPDATE.
    connection = await session.connection()
    result = await connection.execute(_UPDATE, {"conversation": conversation, **values})
    if result.rowcount == 0:
        session.add(Conversation(id=conversation, created_at=now, **values))


# Inside a chat turn, state writes wait here to be committed with the turn's replies.
_deferred: ContextVar[dict[str, ConversationState] | None] = ContextVar("deferred", default=None)


@contextlib.contextmanager
def deferred_states() -> Iterator[dict[str, ConversationState]]:
    """Collect the states put in this block instead of writing each at once.

    The caller writes them with `save_state` in its own transaction, so a turn's
    state and its replies are committed together or not at all.
    """
    pending: dict[str, ConversationState] = {}
    token = _deferred.set(pending)
    try:
        yield pending
    finally:
        _deferred.reset(token)


class DbStateStore:
    """Conversation states in the database, so a restart resumes where the citizen was.

    Recently used states are also kept in memory: the bot is the database's only
    writer of states, so the copy is never stale, and an unchanged state is not
    written again.
    """

    def __init__(self, sessions: async_sessionmaker[AsyncSession], cached: int = 10_000) -> None:
        self._sessions = sessions
        self._cache: OrderedDict[str, ConversationState] = OrderedDict()
        self._cached = cached

    async def get(self, conversation: str) -> ConversationState:
        """The state of a conversation; a fresh one if unknown."""
        state = self._cache.get(conversation)
        if state is None:
            async with self._sessions() as session:
                state = await load_state(session, conversation)
            self._remember(conversation, state)
        return state

    async def put(self, conversation: str, state: ConversationState) -> None:
        """Remember the state of a conversation."""
        if self._cache.get(conversation) == state:
            return
        pending = _deferred.get()
        if pending is not None:
            pending[conversation] = state
            self._remember(conversation, state)
            return
        self._cache.pop(conversation, None)  # a failed write must not leave a newer copy
        async with self._sessions() as session:
            await save_state(session, conversation, state)
            await session.commit()
        self._remember(conversation, state)

    def forget(self, conversation: str) -> None:
        """Drop the in-memory copy, e.g. after the row was changed by other means."""
        self._cache.pop(conversation, None)

    def _remember(self, conversation: str, state: ConversationState) -> None:
        self._cache[conversation] = state
        self._cache.move_to_end(conversation)
        while len(self._cache) > self._cached:
            self._cache.popitem(last=False)
