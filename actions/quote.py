"""Quoting an article whole: its lead and the listed item an answer rests on, never a stub."""

from __future__ import annotations

import re

from bot.corpus.index import PassageRecord
from bot.corpus.retrieval import ARTICLE_NUMBER

_WS = re.compile(r"\s+")
_ITEM = re.compile(r"（[一二三四五六七八九十]+）")
_SENTENCE = re.compile(r"[^。；]*[。；]|[^。；]+$")
WHOLE_CHARS = 160


def citation_label(record: PassageRecord) -> str:
    """《title》第X条, or a local document's title, publisher, date and section."""
    if record.article:
        return f"《{record.doc_title}》{record.article}"
    section = f"“{record.section.split(' / ')[-1]}”部分" if record.section else ""
    return f"《{record.doc_title}》（{record.publisher}，{record.date}）{section}"


def squash(text: str) -> str:
    """Text without whitespace, for comparing quotes with their source."""
    return _WS.sub("", text)


def article_quote(text: str, phrase: str) -> str:
    """The words of an article that carry `phrase`, cut only at sentence or item bounds.

    A list article gives its lead and the item holding the phrase ("……" marks what is left
    out); a short article is quoted whole; a long one by the sentence holding the phrase.
    """
    body = ARTICLE_NUMBER.sub("", text).strip()
    flat = body.replace("\n", "")
    wanted = squash(phrase)
    starts = [m.start() for m in _ITEM.finditer(flat)]
    if starts:
        lead = flat[: starts[0]]
        items = [flat[a:b] for a, b in zip(starts, [*starts[1:], len(flat)], strict=True)]
        held = next((item for item in items if wanted and wanted in squash(item)), None)
        if held is not None:
            return f"{_last_sentence(lead)}……{held.strip()}"
        if wanted and wanted in squash(lead):
            return _holding(lead, wanted)
    if len(flat) <= WHOLE_CHARS or not wanted:
        return flat
    return _holding(flat, wanted)


def _last_sentence(lead: str) -> str:
    # The sentence that introduces the list ("下列人员之一的……：").
    sentences: list[str] = [s for s in _SENTENCE.findall(lead) if s.strip()]
    return (sentences[-1] if sentences else lead).strip()


def _holding(text: str, wanted: str) -> str:
    sentences: list[str] = [s for s in _SENTENCE.findall(text) if s.strip()]
    held = next((s for s in sentences if wanted in squash(s)), text)
    return held.strip()
