"""Plain types shared by channels, the dialogue core and the actions."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from bot.nlu.danger import Danger
from bot.nlu.situation import Situation


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
