"""What the bot remembers of one conversation between turns, and its one owner."""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from typing import Protocol

from bot.serial import KeyedLock
from bot.types import ConversationState, StateChange


class StateStore(Protocol):
    """Where conversation states live (memory in tests, the database in production)."""

    async def get(self, conversation: str) -> ConversationState:
        """The state of a conversation; a fresh one if unknown."""

    async def put(self, conversation: str, state: ConversationState) -> None:
        """Remember the state of a conversation."""


class MemoryStateStore:
    """States in a dict: for tests, the evaluation and the console chat."""

    def __init__(self) -> None:
        self._states: dict[str, ConversationState] = {}

    async def get(self, conversation: str) -> ConversationState:
        """The state of a conversation; a fresh one if unknown."""
        return self._states.get(conversation, ConversationState())

    async def put(self, conversation: str, state: ConversationState) -> None:
        """Remember the state of a conversation."""
        self._states[conversation] = state


class Conversations:
    """The one owner of the conversation states: the store and one lock per conversation.

    Built before the dialogue core and the handoff service and given to both, so a turn
    and an operator's change of the same conversation wait for each other.
    """

    def __init__(self, store: StateStore | None = None) -> None:
        self._store = store if store is not None else MemoryStateStore()
        self._serial = KeyedLock()

    def hold(self, conversation: str) -> AbstractAsyncContextManager[None]:
        """Hold a conversation: its turns and state changes wait until the block ends.

        The holder may run them itself. The chat service holds a conversation until a
        turn's state is committed, so no turn overwrites an operator's change with the
        state it read before it.
        """
        return self._serial.hold(conversation)

    async def get(self, conversation: str) -> ConversationState:
        """The conversation's current state (the caller holds it, or only reads)."""
        return await self._store.get(conversation)

    async def put(self, conversation: str, state: ConversationState) -> None:
        """Store the conversation's state (the caller holds it)."""
        await self._store.put(conversation, state)

    async def update_state(self, conversation: str, change: StateChange) -> None:
        """Change a conversation's state between its turns (operators claim, close…)."""
        async with self._serial.hold(conversation):
            await self._store.put(conversation, change(await self._store.get(conversation)))

    def forget(self, conversation: str) -> None:
        """Drop a cached state whose write failed, so the stored one is read again."""
        forget = getattr(self._store, "forget", None)
        if forget is not None:
            forget(conversation)
