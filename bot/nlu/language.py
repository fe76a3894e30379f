"""Telling a message with no Chinese in it, and in which script it is written."""

from __future__ import annotations

import re

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_SCRIPTS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("ja", re.compile(r"[\u3040-\u30ff]")),
    ("ko", re.compile(r"[\uac00-\ud7af\u1100-\u11ff]")),
    ("ru", re.compile(r"[\u0400-\u04ff]")),
    ("ar", re.compile(r"[\u0600-\u06ff]")),
    ("en", re.compile(r"[A-Za-z]")),
)
# Latin letters that are no sentence: a code, "ok", "hi", a URL or a phone model.
_MIN_LATIN_WORDS = 3


def language_of(text: str) -> str:
    """ "zh" for anything with Chinese characters or no letters at all, else a script's language."""
    if _HAN.search(text):
        # Japanese mixes kanji with kana; Chinese never has kana.
        return "ja" if _SCRIPTS[0][1].search(text) else "zh"
    for language, pattern in _SCRIPTS:
        if not pattern.search(text):
            continue
        if language == "en" and len(re.findall(r"[A-Za-z]+", text)) < _MIN_LATIN_WORDS:
            return "zh"
        return language
    return "zh"
