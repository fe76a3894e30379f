"""Plain types shared by channels, the chat service, the dialogue core, handoffs and actions."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any, Literal

from bot.nlu.danger import Danger
from bot.nlu.situation import Situation

Kind = Literal["text", "button", "command", "media"]


class Topic(StrEnum):
    """The service a message is about."""

    MEDIATION = "mediation"
    LEGAL_AID = "legal_aid"
    ADMIN_REVIEW = "admin_review"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class Entity:
    """One entity found in a message; `value` is the normalised (synonym-mapped) value."""

    entity: str
    value: str
    start: int | None = None
    end: int | None = None
    extractor: str | None = None


@dataclass(frozen=True, slots=True)
class NLUResult:
    """What the bot understood of one message (the topic contract)."""

    text: str
    intent: str
    confidence: float
    topic: Topic
    topic_confidence: float
    entities: tuple[Entity, ...] = ()
    ranking: tuple[tuple[str, float], ...] = ()
    # Rasa's FallbackClassifier found no intent confident enough.
    uncertain: bool = False
    # Rasa could not be asked; `intent` and `topic` come from keyword routing.
    degraded: bool = False
    # The text names danger happening now, whatever the intent: 110/120 come first.
    urgent: bool = False
    degraded_reason: str | None = None
    danger: Danger | None = None
    # What the citizen asks about a service ("cost", "apply"…); None outside the services.
    aspect: str | None = None
    situation: Situation = field(default_factory=Situation)
    # "zh", or the language of a message with no Chinese in it ("en", "ja"…).
    language: str = "zh"

    def entity_values(self, name: str) -> list[str]:
        """The values of every entity called `name`, in order of appearance."""
        return [e.value for e in self.entities if e.entity == name]

    @property
    def district(self) -> str | None:
        """The district the citizen named: the situation's, else an extractor's entity."""
        return self.situation.district or next(iter(self.entity_values("district")), None)


@dataclass(frozen=True, slots=True)
class Button:
    """A choice offered to the citizen; `payload` is what pressing it sends back."""

    label: str
    payload: str


@dataclass(frozen=True, slots=True)
class Reply:
    """One message from the bot to the citizen."""

    text: str
    buttons: tuple[Button, ...] = ()
    sources: tuple[str, ...] = ()
    # What a phone need not show at once: a web expander, a Telegram "详细说明" edit.
    details: str = ""
    # The bank entry answered, if any (what a follow-up question leans on); not sent.
    entry: str | None = None


@dataclass(frozen=True, slots=True)
class Turn:
    """The outcome of one citizen message: what was understood and what was said."""

    nlu: NLUResult
    replies: list[Reply] = field(default_factory=list)
    # A human has the conversation: the message goes to the operator, not answered here.
    relay: bool = False
    # The citizen confirmed /forget: their data goes once the replies are sent.
    forget: bool = False


@dataclass(frozen=True, slots=True)
class Inbound:
    """One message from a citizen, as every channel hands it over."""

    conversation: str
    channel: str
    # The channel's own id of this delivery; None when the channel has none.
    external_id: str | None
    kind: Kind
    body: str
    data: dict[str, Any] | None = None


@dataclass(frozen=True, slots=True)
class ChannelInfo:
    """What the rest of the bot knows of a channel; each channel module declares its own."""

    # Stored with conversations, messages and handoffs; what statistics count by.
    name: str
    # What staff read for it (the console, the desk, a handoff's summary).
    label: str
    # Its conversation ids begin with `prefix:`.
    prefix: str
    # The longest text one message can carry.
    max_text: int
    # Buttons are shown with the message (inline keyboards, web buttons).
    buttons_inline: bool
    # Its messages may carry links.
    links: bool
    # What follows `prefix:` in a reference to one citizen (a regular expression).
    citizen_id: str = r".+"
    # In a group, each member has a conversation `prefix:<chat>:<citizen id>` of their own.
    per_member: bool = False
    # How staff write a citizen of this channel (the privacy CLI's help).
    citizen_help: str = ""

    def conversation(self, key: str | int) -> str:
        """The conversation id of the channel's own key."""
        return f"{self.prefix}:{key}"

    def owns(self, conversation: str) -> bool:
        """Whether a conversation id is one of this channel's."""
        return conversation.startswith(f"{self.prefix}:")

    def citizen_of(self, conversation: str) -> str:
        """The citizen behind one of the channel's conversations (a group member's own id)."""
        if self.per_member:
            return self.conversation(conversation.rsplit(":", 1)[-1])
        return conversation

    def is_citizen(self, reference: str) -> bool:
        """Whether `reference` names a citizen of this channel (`tg:12345`)."""
        rest = reference.removeprefix(f"{self.prefix}:")
        return self.owns(reference) and re.fullmatch(self.citizen_id, rest) is not None


class Channels:
    """The channels the bot knows, by name and by the prefix of their conversation ids."""

    def __init__(self, *channels: ChannelInfo) -> None:
        self._channels = channels

    def __iter__(self) -> Iterator[ChannelInfo]:
        return iter(self._channels)

    def names(self) -> tuple[str, ...]:
        """Every channel's name, in the order they were declared."""
        return tuple(c.name for c in self._channels)

    def labels(self) -> dict[str, str]:
        """Each channel's name and what staff read for it."""
        return {c.name: c.label for c in self._channels}

    def label(self, name: str | None) -> str:
        """What staff read for a channel; an unknown one by its name."""
        return self.labels().get(name or "", name or "")

    def by_name(self, name: str) -> ChannelInfo | None:
        """The channel called `name`, if any."""
        return next((c for c in self._channels if c.name == name), None)

    def by_prefix(self, conversation: str) -> ChannelInfo | None:
        """The channel a conversation id belongs to, if any."""
        return next((c for c in self._channels if c.owns(conversation)), None)

    def channel_of(self, conversation: str) -> str:
        """The name of a conversation's channel; unknown ones by their prefix."""
        info = self.by_prefix(conversation)
        return info.name if info else conversation.split(":", 1)[0]

    def citizen_of(self, conversation: str) -> str:
        """The citizen behind a conversation (a Telegram group member's own id)."""
        info = self.by_prefix(conversation)
        return info.citizen_of(conversation) if info else conversation


@dataclass(frozen=True, slots=True)
class Outcome:
    """What became of one inbound message."""

    replies: list[Reply]
    # It had been answered before: the channel must not send the replies again.
    duplicate: bool
    intent: str | None = None
    topic: str | None = None


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


# A change of a conversation's state made between its turns (an operator claims, closes…).
StateChange = Callable[[ConversationState], ConversationState]


def reply_to_json(reply: Reply, sender: str | None = None) -> dict[str, Any]:
    """A reply as stored and as the web chat receives it."""
    extra = {"sender": sender} if sender else {}
    return {
        **extra,
        "text": reply.text,
        "buttons": [{"label": b.label, "payload": b.payload} for b in reply.buttons],
        "sources": list(reply.sources),
        **({"details": reply.details} if reply.details else {}),
        **({"entry": reply.entry} if reply.entry else {}),
    }


def reply_from_json(data: dict[str, Any]) -> Reply:
    """The reverse of `reply_to_json`."""
    buttons = tuple(Button(b["label"], b["payload"]) for b in data.get("buttons", ()))
    sources = tuple(data.get("sources", ()))
    return Reply(
        data["text"], buttons, sources, details=data.get("details", ""), entry=data.get("entry")
    )
