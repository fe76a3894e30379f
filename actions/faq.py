"""The curated FAQ (`corpus/faq/*.yml`): the first answer for each fine-grained intent."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.settings import PROJECT_ROOT

FAQ_DIR = PROJECT_ROOT / "corpus" / "faq"
_WS = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class Citation:
    """A statutory source of a fact: the law's key, the article, and a verbatim phrase."""

    law: str
    article: str
    quote: str


@dataclass(frozen=True, slots=True)
class FaqEntry:
    """The answer to one intent."""

    intent: str
    title: str
    answer: str
    citations: tuple[Citation, ...]
    next: tuple[str, ...]


def load_faq(directory: Path = FAQ_DIR) -> dict[str, FaqEntry]:
    """Every entry by intent; a duplicate intent is an error."""
    entries: dict[str, FaqEntry] = {}
    for path in sorted(directory.glob("*.yml")):
        for item in yaml.safe_load(path.read_text(encoding="utf-8")) or []:
            intent = item["intent"]
            if intent in entries:
                raise ValueError(f"{path.name}: intent {intent} has two FAQ entries")
            entries[intent] = FaqEntry(
                intent=intent,
                title=item["title"].strip(),
                answer=item["answer"].strip(),
                citations=tuple(Citation(**c) for c in item.get("citations", [])),
                next=tuple(item.get("next", [])),
            )
    return entries


def squash(text: str) -> str:
    """Text without whitespace, for comparing quotes with their source."""
    return _WS.sub("", text)
