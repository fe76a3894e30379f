"""Text clean-up before the model sees a message; the original is what gets stored."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import opencc

# Long stories carry the situation at the start and the question at the end.
MAX_MODEL_CHARS = 500
HEAD_CHARS = 180

_SPACES = re.compile(r"\s+")


@lru_cache(maxsize=1)
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def _drop_invisible(text: str) -> str:
    # Control (Cc), format (Cf: zero-width, bidi marks) and unassigned/private code points
    # carry no meaning for the model; line breaks and tabs become spaces first.
    out = []
    for ch in text:
        cat = unicodedata.category(ch)
        if ch in "\n\r\t\v\f" or cat == "Zs":
            out.append(" ")
        elif cat in {"Cc", "Cf", "Cs", "Co", "Cn"}:
            continue
        else:
            out.append(ch)
    return "".join(out)


def tidy(text: str) -> str:
    """Invisible characters removed and whitespace collapsed; every visible character kept."""
    return _SPACES.sub(" ", _drop_invisible(text)).strip()


def clean(text: str) -> str:
    """NFKC, invisible characters removed, whitespace collapsed; script kept."""
    text = unicodedata.normalize("NFKC", text)
    text = _drop_invisible(text)
    return _SPACES.sub(" ", text).strip()


def to_simplified(text: str) -> str:
    """Traditional characters to simplified (OpenCC t2s)."""
    return str(_t2s().convert(text))


def shorten(text: str, limit: int = MAX_MODEL_CHARS) -> str:
    """Cut a long text to its head and tail, which carry the situation and the question."""
    if len(text) <= limit:
        return text
    tail = limit - HEAD_CHARS - 1
    return text[:HEAD_CHARS] + "…" + text[-tail:]


def for_model(text: str) -> str:
    """The form of a citizen's message that the NLU model and retrieval see."""
    return shorten(to_simplified(clean(text)))
