"""The answering services a responder needs: the bank, its finder and composer, the contacts."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

from actions.bank import BankEntry, BankMatcher, load_bank
from actions.compose import Composer
from actions.finder import Finder
from bot import texts
from bot.corpus.retrieval import Retriever
from bot.types import Topic


@dataclass(frozen=True)
class Contacts:
    """Deployment-specific contacts per topic; empty means "say 12348"."""

    by_topic: dict[str, str] = field(default_factory=dict)

    def line(self, topic: Topic) -> str:
        contact = self.by_topic.get(topic.value) or self.by_topic.get("default")
        return (
            texts.CONTACT_CONFIGURED.format(contact=contact) if contact else texts.CONTACT_DEFAULT
        )


@functools.cache
def default_matcher() -> BankMatcher:
    """The matcher over the bank on disk, built once per process (a second or two)."""
    return BankMatcher(load_bank())


class Answerer:
    """Finds and composes answers from the question bank; holds no per-citizen state."""

    def __init__(
        self, retriever: Retriever, contacts: Contacts, matcher: BankMatcher | None = None
    ) -> None:
        self.finder = Finder(matcher or default_matcher())
        self.bank: dict[str, BankEntry] = self.finder.entries
        self.composer = Composer(self.bank, retriever, contacts.by_topic)
