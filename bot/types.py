"""Plain types shared by channels, the chat service, the dialogue core, handoffs and actions."""

from __future__ import annotations

from collections.abc import Callable
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
