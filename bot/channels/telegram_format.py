"""Replies rendered for Telegram: escaped HTML, inline keyboards, and the 4,096 limit."""

from __future__ import annotations

import html

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot import texts
from bot.channels.telegram_info import TELEGRAM
from bot.types import Reply

LIMIT = TELEGRAM.max_text
ROW = 2


def keyboard(reply: Reply) -> InlineKeyboardMarkup | None:
    """The reply's buttons, two to a row."""
    if not reply.buttons:
        return None
    buttons = [InlineKeyboardButton(b.label, callback_data=b.payload) for b in reply.buttons]
    return InlineKeyboardMarkup([buttons[i : i + ROW] for i in range(0, len(buttons), ROW)])


def render(reply: Reply, footer: str = "") -> list[str]:
    """The reply as one or more HTML messages, each within Telegram's limit.

    Every string is escaped: it may come from a citizen or from the corpus.
    """
    parts = [html.escape(reply.text)]
    if reply.sources:
        sources = html.escape(texts.SOURCE_PREFIX + "；".join(reply.sources))
        parts.append(f"<i>{sources}</i>")
    if footer:
        parts.append(html.escape(footer))
    return split("\n\n".join(parts))


def expanded(shown_html: str, details: Reply) -> str:
    """A sent answer (as HTML) with its details put in before its sources line."""
    parts = shown_html.split("\n\n")
    tail = [parts.pop()] if len(parts) > 1 and parts[-1].startswith("<i>") else []
    return "\n\n".join([*parts, html.escape(details.text), *tail])


def split(text: str, limit: int = LIMIT) -> list[str]:
    """`text` cut into pieces of at most `limit` characters, at paragraph ends if possible.

    A tag is never cut: the only tags are whole `<i>…</i>` paragraphs shorter
    than the limit, and cuts inside a paragraph fall on escaped plain text.
    """
    chunks: list[str] = []
    current = ""
    for paragraph in text.split("\n\n"):
        candidate = f"{current}\n\n{paragraph}" if current else paragraph
        if len(candidate) <= limit:
            current = candidate
            continue
        if current:
            chunks.append(current)
        current = ""
        while len(paragraph) > limit:
            cut = _cut_point(paragraph, limit)
            chunks.append(paragraph[:cut].rstrip("\n"))
            paragraph = paragraph[cut:].lstrip("\n")
        current = paragraph
    if current or not chunks:
        chunks.append(current)
    return chunks


def _cut_point(paragraph: str, limit: int) -> int:
    # A line break, then a sentence end, then anything that is not inside an entity.
    for marks in ("\n", "。！？；.!?;"):
        cut = max(paragraph.rfind(m, 0, limit) for m in marks)
        if cut > limit // 2:
            return cut + 1
    cut = limit
    amp = paragraph.rfind("&", cut - 8, cut)
    if amp != -1 and ";" not in paragraph[amp:cut]:
        cut = amp
    return cut
