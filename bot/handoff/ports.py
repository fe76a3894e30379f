"""What the handoff service needs from the rest of the bot, as plain interfaces."""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from typing import TYPE_CHECKING, Protocol

from bot.types import Button, Inbound, StateChange

if TYPE_CHECKING:
    from bot.storage.models import Handoff


class Desk(Protocol):
    """The operators' side: one topic per handoff in their Telegram group."""

    async def open_topic(self, handoff: Handoff, summary: str, buttons: tuple[Button, ...]) -> int:
        """Open the handoff's topic with its summary first; returns the topic's thread id."""

    async def post(
        self, thread_id: int | None, text: str, buttons: tuple[Button, ...] = ()
    ) -> None:
        """Post plain text in a topic (None: the group's general topic)."""

    async def relay(self, thread_id: int, inbound: Inbound) -> None:
        """Show a citizen's message (text, photo, file…) in a topic."""

    async def notify_managers(self, text: str) -> None:
        """Tell the managers directly (escalations)."""


class Outbox(Protocol):
    """The citizen's side outside a turn: operator messages, rating requests."""

    async def push(
        self,
        conversation: str,
        text: str,
        *,
        sender: str | None = None,
        buttons: tuple[Button, ...] = (),
    ) -> None:
        """Send a message to a citizen's conversation and record it."""

    async def push_media(self, conversation: str, source: dict[str, int], sender: str) -> bool:
        """Copy an operator's photo or file to the citizen; False if the channel cannot."""


class ConversationStates(Protocol):
    """The one owner of the citizens' conversation states (bot.dialogue.state.Conversations)."""

    def hold(self, conversation: str) -> AbstractAsyncContextManager[None]:
        """Hold a conversation: its turns and other state changes wait until the block ends."""

    async def update_state(self, conversation: str, change: StateChange) -> None:
        """Change a conversation's state between its turns."""
