"""Messages to citizens outside a turn (an operator's, a rating request), on their channel."""

from __future__ import annotations

from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.channels.registry import CHANNELS
from bot.storage import messages as repo
from bot.types import Button, Reply, reply_to_json


class Deliverer(Protocol):
    """A channel's way to reach a citizen outside a turn (operator messages)."""

    async def deliver(self, conversation: str, reply: Reply, sender: str | None) -> str | None:
        """Send one message; returns the channel's id of it, if any."""

    async def deliver_copy(self, conversation: str, source: dict[str, int], sender: str) -> bool:
        """Copy an operator's photo or file; False when the channel cannot show it."""


def channel_of(conversation: str) -> str:
    """The channel a conversation id belongs to, by its prefix."""
    return CHANNELS.channel_of(conversation)


class Outbox:
    """Sends and records what no inbound message answers; channels register as they start.

    Built before the handoff service and the chat service, which both get it: the
    handoff service pushes operator messages through it, the channels plug into it.
    """

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions
        self._deliverers: dict[str, Deliverer] = {}

    def register(self, channel: str, deliverer: Deliverer) -> None:
        """Let `push` reach the citizens of a channel."""
        self._deliverers[channel] = deliverer

    async def push(
        self,
        conversation: str,
        text: str,
        *,
        sender: str | None = None,
        buttons: tuple[Button, ...] = (),
    ) -> None:
        """Send a message that answers no inbound one (an operator's, a rating request)."""
        channel = channel_of(conversation)
        reply = Reply(text, buttons)
        deliverer = self._deliverers.get(channel)
        ref = await deliverer.deliver(conversation, reply, sender) if deliverer else None
        async with self._sessions() as session:
            kind = "operator" if sender else "notice"
            repo.add_pushed(session, conversation, channel, kind, reply_to_json(reply, sender), ref)
            await session.commit()

    async def push_media(self, conversation: str, source: dict[str, int], sender: str) -> bool:
        """Copy an operator's photo or file to the citizen, if the channel can show it."""
        deliverer = self._deliverers.get(channel_of(conversation))
        return deliverer is not None and await deliverer.deliver_copy(conversation, source, sender)
