"""What the bot remembers of one conversation between turns."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Protocol


@dataclass(frozen=True)
class ConversationState:
    """Current topic, an open guided form and its answers, the district, who holds it."""

    topic: str | None = None
    form: str | None = None
    form_state: dict[str, Any] = field(default_factory=dict)
    district: str | None = None
    # The operator's display name once one has claimed the conversation.
    human: str | None = None
    # The open handoff (queued or claimed): the bot then says nothing itself.
    handoff: int | None = None
    # Short flows between turns: the handoff intake, the rating, missed-turn counts.
    flow: dict[str, Any] = field(default_factory=dict)

    def with_(self, **changes: Any) -> ConversationState:
        """A copy with some fields changed."""
        return replace(self, **changes)


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
