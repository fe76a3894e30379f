"""Masking of personal numbers: resident ID, mobile, bank card, e-mail."""

from __future__ import annotations

import re
from typing import Any

# Full-width digits and letters map one to one, so spans found in the folded text
# are the spans of the original.
_FOLD = str.maketrans(
    {chr(0xFF10 + i): str(i) for i in range(10)}
    | {"Ｘ": "X", "ｘ": "x", "－": "-", "\u3000": " ", "＠": "@", "＋": "+"}
)
# Separators people type inside numbers ("138—1234—5678", "6222.0202…") read as "-" when
# numbers are sought (one character for one, so spans stay the spans of the original).
_NUMBER_SEPARATORS = str.maketrans({ch: "-" for ch in "—–−‐‑·・._/／。，,"})
_SEP = r"[ \-]?"
# A number is matched whole: no digit may touch it, even across one separator.
_BEFORE = r"(?<![0-9])(?<![0-9][ \-])"
_AFTER = r"(?![ \-]?[0-9])"
_ID = re.compile(rf"{_BEFORE}(?:[0-9]{_SEP}){{17}}[0-9Xx](?![0-9A-Za-z])")
_CARD = re.compile(rf"{_BEFORE}(?:[0-9]{_SEP}){{15,18}}[0-9]{_AFTER}")
# Mobiles are matched even beside other numbers: a missed one is worse than a spare mask.
_MOBILE = re.compile(rf"(?<![0-9])(?:\+?86{_SEP})?1[3-9][0-9](?:{_SEP}[0-9]){{8}}(?![0-9])")
# Whatever long number is left may hide an ID inside it (digits typed on either side).
_LONG = re.compile(r"(?:[0-9]-?){14,}[0-9Xx]")
# "@" also spelt out to dodge filters: "li.si(at)example.com", "li.si [at] example.com".
_AT = r"(?:@|\s?[(\[]at[)\]]\s?|\sat\s)"
_EMAIL = re.compile(rf"[A-Za-z0-9._%+\-]+{_AT}[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+")
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def id_check_digit(first17: str) -> str:
    """The GB 11643 check character of a resident ID's first 17 digits."""
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True))
    return "10X98765432"[total % 11]


def luhn_ok(digits: str) -> bool:
    """Whether a card number passes the Luhn check."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        n = int(ch) * (2 if i % 2 else 1)
        total += n - 9 if n > 9 else n
    return total % 10 == 0


def _star(original: str, keep_head: int, keep_tail: int) -> str:
    # Stars replace digits only, so separators keep the shape a reader recognises.
    positions = [i for i, ch in enumerate(original.translate(_FOLD)) if ch.isalnum()]
    hidden = set(positions[keep_head : len(positions) - keep_tail])
    return "".join("*" if i in hidden else ch for i, ch in enumerate(original))


def mask(text: str) -> str:
    """The text with every resident ID, mobile, bank card and e-mail address masked."""
    folded = text.translate(_FOLD)
    numbers = folded.translate(_NUMBER_SEPARATORS)
    spans: list[tuple[int, int, int, int]] = []  # start, end, head kept, tail kept

    def free(start: int, end: int) -> bool:
        return all(end <= s or start >= e for s, e, _h, _t in spans)

    # Every ID-shaped number is masked, valid check digit or not: a typo is still personal.
    for m in _ID.finditer(numbers):
        spans.append((m.start(), m.end(), 0, 4))
    for m in _CARD.finditer(numbers):
        digits = re.sub(r"\D", "", m.group())
        if free(m.start(), m.end()) and luhn_ok(digits):
            spans.append((m.start(), m.end(), 0, 4))
    for m in _MOBILE.finditer(numbers):
        if free(m.start(), m.end()):
            prefix = sum(ch.isdigit() for ch in m.group()) - 11  # the country code's digits
            spans.append((m.start(), m.end(), prefix + 3, 4))
    for m in _LONG.finditer(numbers):
        if free(m.start(), m.end()):
            spans.append((m.start(), m.end(), 0, 4))
    for m in _EMAIL.finditer(folded):
        if free(m.start(), m.end()):
            spans.append((m.start(), m.end(), 1, 0))
    out, last = [], 0
    for start, end, head, tail in sorted(spans):
        out.append(text[last:start])
        piece = text[start:end]
        at = re.search(_AT, piece.translate(_FOLD))
        if at is not None and not piece.translate(_FOLD)[: at.start()].isdigit():
            plain = piece.translate(_FOLD)
            out.append(plain[:1] + "***@" + plain[at.end() :])
        else:
            out.append(_star(piece, head, tail))
        last = end
    out.append(text[last:])
    return "".join(out)


def mask_json(value: Any) -> Any:
    """A JSON-like value with the personal numbers of every string in it masked."""
    if isinstance(value, str):
        return mask(value)
    if isinstance(value, dict):
        return {key: mask_json(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [mask_json(item) for item in value]
    return value
