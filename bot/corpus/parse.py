"""Splitting documents into passages: statutes by article, policy texts by heading."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.nlu.normalize import clean, tidy, to_simplified

CORPUS_DIR = Path(__file__).resolve().parent.parent.parent / "corpus"

_NUM = "零〇一二三四五六七八九十百千"
ARTICLE = re.compile(rf"^(第[{_NUM}]+条)\s*(.*)$")
# Headings: ## 章 and ### 节, or (codes such as 民事诉讼法) ## 编, ### 章 and #### 节.
_CHAPTER = re.compile(r"^#{2,}\s*(.+?)\s*$")
_RANKS = {"编": 0, "章": 1, "节": 2}
_RANK = re.compile(rf"^第[{_NUM}]+([编章节])")
# Policy headings: 一、 / (一) or （一） / 1. or 1、
_HEADINGS = [
    re.compile(rf"^[{_NUM}]+、"),
    re.compile(rf"^[(（][{_NUM}]+[)）]"),
    re.compile(r"^\d+[.．、](?!\d)"),
]


@dataclass(frozen=True, slots=True)
class Passage:
    """One citable piece of a document: an article, or a paragraph under its headings."""

    ordinal: int
    section: tuple[str, ...]
    text: str
    article: str | None = None

    @property
    def search_text(self) -> str:
        """What retrieval indexes: simplified, cleaned, with the headings for context."""
        return to_simplified(clean(" ".join((*self.section, self.text))))


@dataclass(frozen=True)
class Document:
    """A document of the corpus with its provenance."""

    key: str
    kind: str
    file: str
    title: str
    publisher: str
    date: dt.date
    status: str
    topics: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    superseded_by: str | None = None
    in_force: dt.date | None = None
    rules: dict[str, Any] = field(default_factory=dict)

    @property
    def path(self) -> Path:
        return CORPUS_DIR / self.file

    def passages(self) -> list[Passage]:
        """The document split for citing."""
        text = self.path.read_text(encoding="utf-8")
        return split_statute(text) if self.kind == "law" else split_policy(text, self.rules)


def load_manifest(path: Path | None = None) -> list[Document]:
    """Every document listed in `corpus/documents.yml`."""
    data = yaml.safe_load((path or CORPUS_DIR / "documents.yml").read_text(encoding="utf-8"))
    docs = []
    for kind, section in (("law", "laws"), ("policy", "policy")):
        for item in data[section]:
            rules = {
                k: item[k]
                for k in ("body_start", "body_end", "drop", "skip_repeated_paragraphs")
                if k in item
            }
            docs.append(
                Document(
                    key=item["key"],
                    kind=kind,
                    file=item["file"],
                    title=item["title"],
                    publisher=item["publisher"],
                    date=item["date"],
                    status=item["status"],
                    topics=tuple(item.get("topics", ())),
                    regions=tuple(item.get("regions", ())),
                    superseded_by=item.get("superseded_by"),
                    in_force=item.get("in_force"),
                    rules=rules,
                )
            )
    return docs


def split_statute(text: str) -> list[Passage]:
    """One passage per article (第X条 and its following paragraphs), with its chapter."""
    body = text.split("<!-- INFO END -->", 1)[-1]
    chapter: list[str] = []
    passages: list[Passage] = []
    article: str | None = None
    lines: list[str] = []

    def flush() -> None:
        if article is not None:
            passages.append(Passage(len(passages), tuple(chapter), "\n".join(lines), article))

    for raw in body.splitlines():
        line = tidy(raw)
        if not line:
            continue
        heading = _CHAPTER.match(line)
        if heading:
            flush()
            article, lines = None, []
            title = re.sub(r"\s+", "", heading.group(1))
            # A section (节) nests under its chapter (章), a chapter under its part (编);
            # a new heading replaces those of its own rank and below.
            rank = _heading_rank(title)
            chapter = [*(h for h in chapter if _heading_rank(h) < rank), title]
            continue
        match = ARTICLE.match(line)
        if match:
            flush()
            article, lines = match.group(1), [line]
        elif article is not None:
            lines.append(line)
    flush()
    return passages


def _heading_rank(title: str) -> int:
    """0 for a part (编), 1 for a chapter (章) or an unnumbered heading, 2 for a section (节)."""
    match = _RANK.match(title)
    return _RANKS[match.group(1)] if match else 1


def _heading_level(line: str) -> int | None:
    for level, pattern in enumerate(_HEADINGS):
        if pattern.match(line):
            return level
    return None


def _heading_title(line: str) -> str:
    # "(三)实施提升…专项行动。落实…" — the heading is the first sentence.
    return re.split(r"[。;；]", line, maxsplit=1)[0][:40]


def split_policy(text: str, rules: dict[str, Any]) -> list[Passage]:
    """One passage per paragraph, under the chain of headings (一、 / (一) / 1.) above it."""
    # Quotes keep the original characters; only search_text is normalised.
    lines = [tidy(raw) for raw in text.splitlines()]
    start = rules.get("body_start")
    if start:
        first = next(i for i, line in enumerate(lines) if re.search(start, line))
        lines = lines[first + 1 :]
    end = rules.get("body_end")
    if end:
        lines = lines[: next((i for i, ln in enumerate(lines) if re.search(end, ln)), len(lines))]
    drops = [re.compile(p) for p in rules.get("drop", [])]
    seen: set[str] = set()
    path: list[str] = []
    passages: list[Passage] = []
    for line in lines:
        if not line or any(p.search(line) for p in drops):
            continue
        if rules.get("skip_repeated_paragraphs"):
            if line in seen:
                continue
            seen.add(line)
        level = _heading_level(line)
        if level is not None:
            path = [*path[:level], _heading_title(line)]
            # A bare heading line carries no content of its own.
            if len(line) <= 40 and "。" not in line:
                continue
            passages.append(Passage(len(passages), tuple(path[:-1]), line))
        else:
            passages.append(Passage(len(passages), tuple(path), line))
    return passages
