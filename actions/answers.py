"""The answering services a responder needs: the bank, its finder and composer, the contacts."""

from __future__ import annotations

import functools

from actions.bank import BankEntry, BankMatcher, load_bank
from actions.compose import Composer, Contacts
from actions.finder import Finder
from bot.corpus.retrieval import Retriever

__all__ = ["Answerer", "Contacts", "default_matcher"]


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
        self.composer = Composer(self.bank, retriever, contacts)
