"""Reading when something happened from a citizen's words: "两个月前", "3月5日", "九十天了"."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from enum import StrEnum
from zoneinfo import ZoneInfo

from bot.nlu.normalize import clean, to_simplified

CHINA = ZoneInfo("Asia/Shanghai")


def china_today() -> dt.date:
    """Today's date where the citizens are."""
    return dt.datetime.now(CHINA).date()


_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5,
           "六": 6, "七": 7, "八": 8, "九": 9}  # fmt: skip
_UNITS = {"十": 10, "百": 100, "千": 1000}
NUM = r"[0-9零〇一二两三四五六七八九十百千]+"


class When(StrEnum):
    """How sure the date is."""

    EXACT = "exact"  # a calendar date was given
    APPROXIMATE = "approximate"  # "三个月前", "上个月"
    UNKNOWN = "unknown"  # "很久以前"
    INVALID = "invalid"  # "2月30日"
    FUTURE = "future"  # a date after today


@dataclass(frozen=True, slots=True)
class Moment:
    """A point in time read from text, and how it was read."""

    kind: When
    date: dt.date | None = None
    phrase: str = ""


def to_int(text: str) -> int | None:
    """Arabic or Chinese numerals to an int: 90, 九十, 一百二十, 两, 十五."""
    if text.isdigit():
        return int(text)
    total, current = 0, 0
    for ch in text:
        if ch in _DIGITS:
            current = _DIGITS[ch]
        elif ch in _UNITS:
            total += (current or 1) * _UNITS[ch]
            current = 0
        else:
            return None
    return total + current


_DATE = re.compile(rf"(?:(?P<year>\d{{4}}|去|今|前)年)?(?P<month>{NUM})月(?:(?P<day>{NUM})[日号])?")
_THIS_OR_LAST_MONTH = re.compile(rf"(?P<which>上个?|这个?|本)月(?P<day>{NUM})[日号]")
_ISO = re.compile(r"(?P<year>\d{4})[-/.](?P<month>\d{1,2})[-/.](?P<day>\d{1,2})")
_AGO = re.compile(rf"(?P<n>{NUM}|半)(?:个)?(?:多)?(?P<unit>天|日|星期|周|礼拜|月|年)(?P<half>半)?")
_RELATIVE = {"今天": 0, "今日": 0, "昨天": 1, "昨日": 1, "前天": 2, "大前天": 3}
_RELATIVE_APPROX = {"上周": 7, "上星期": 7, "上个星期": 7, "上礼拜": 7, "上个礼拜": 7,
                    "上个月": 30, "上月": 30, "前几天": 3, "前阵子": 20}  # fmt: skip
_VAGUE = re.compile(r"很久|好久|记不清|不记得|忘了|很早|好多年|多年前|以前的事")
_UNIT_DAYS = {"天": 1, "日": 1, "星期": 7, "周": 7, "礼拜": 7, "月": 30, "年": 365}


def _year(word: str | None, today: dt.date) -> int:
    if word is None or word == "今":
        return today.year
    return {"去": today.year - 1, "前": today.year - 2}.get(word) or int(word)


def _exact(match: re.Match[str], today: dt.date) -> Moment:
    month = to_int(match.group("month"))
    day = to_int(match.group("day")) if match.group("day") else 1
    year = _year(match.group("year"), today)
    if month is None or day is None:
        return Moment(When.INVALID, phrase=match.group(0))
    try:
        date = dt.date(year, month, day)
    except ValueError:
        return Moment(When.INVALID, phrase=match.group(0))
    # "3月5日" without a year, later than today: the citizen means last year's.
    if match.groupdict().get("year") is None and date > today:
        try:
            date = date.replace(year=year - 1)
        except ValueError:
            return Moment(When.INVALID, phrase=match.group(0))
    if date > today:
        return Moment(When.FUTURE, date, match.group(0))
    kind = When.EXACT if match.group("day") else When.APPROXIMATE
    return Moment(kind, date, match.group(0))


def parse_moment(text: str, today: dt.date) -> Moment | None:
    """When the text says something happened; None if it names no time at all."""
    text = to_simplified(clean(text))
    for pattern in (_ISO, _DATE):
        match = pattern.search(text)
        if match:
            return _exact(match, today)
    match = _THIS_OR_LAST_MONTH.search(text)
    if match:
        first = today.replace(day=1)
        if match.group("which").startswith("上"):
            first = (first - dt.timedelta(days=1)).replace(day=1)
        day = to_int(match.group("day"))
        try:
            date = first.replace(day=day or 0)
        except ValueError:
            return Moment(When.INVALID, phrase=match.group(0))
        kind = When.FUTURE if date > today else When.EXACT
        return Moment(kind, date, match.group(0))
    for word, days in _RELATIVE.items():
        if word in text:
            return Moment(When.EXACT, today - dt.timedelta(days=days), word)
    match = _AGO.search(text)
    if match:
        n = 0.5 if match.group("n") == "半" else to_int(match.group("n"))
        if n is None:
            return None
        n += 0.5 if match.group("half") else 0
        days = round(n * _UNIT_DAYS[match.group("unit")])
        kind = When.EXACT if match.group("unit") in {"天", "日"} else When.APPROXIMATE
        try:
            return Moment(kind, today - dt.timedelta(days=days), match.group(0))
        except OverflowError:  # "9999年前": before the calendar starts
            return Moment(When.UNKNOWN, phrase=match.group(0))
    for word, days in _RELATIVE_APPROX.items():
        if word in text:
            return Moment(When.APPROXIMATE, today - dt.timedelta(days=days), word)
    if _VAGUE.search(text):
        return Moment(When.UNKNOWN, phrase=_VAGUE.search(text).group(0))  # type: ignore[union-attr]
    return None
