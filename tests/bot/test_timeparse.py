import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.timeparse import When, parse_moment, to_int

TODAY = dt.date(2026, 11, 22)


@pytest.mark.parametrize(
    ("text", "number"),
    [("90", 90), ("九十", 90), ("十五", 15), ("两", 2), ("一百二十", 120), ("三", 3), ("零", 0)],
)
def test_numerals(text, number):
    assert to_int(text) == number


@pytest.mark.parametrize(
    ("text", "kind", "date"),
    [
        ("3月5日收到决定书", When.EXACT, dt.date(2026, 3, 5)),
        ("12月25日收到的", When.EXACT, dt.date(2025, 12, 25)),  # no year, later: last year's
        ("2026年11月1号", When.EXACT, dt.date(2026, 11, 1)),
        ("2026-10-08", When.EXACT, dt.date(2026, 10, 8)),
        ("九十天了", When.EXACT, dt.date(2026, 8, 24)),
        ("90天前", When.EXACT, dt.date(2026, 8, 24)),
        ("三个月", When.APPROXIMATE, dt.date(2026, 8, 24)),
        ("3个月前", When.APPROXIMATE, dt.date(2026, 8, 24)),
        ("两个月前收到罚单", When.APPROXIMATE, dt.date(2026, 9, 23)),
        ("半年前", When.APPROXIMATE, dt.date(2026, 5, 24)),
        ("上个月12号", When.EXACT, dt.date(2026, 10, 12)),
        ("昨天", When.EXACT, dt.date(2026, 11, 21)),
        ("去年12月", When.APPROXIMATE, dt.date(2025, 12, 1)),
        ("很久以前的事了", When.UNKNOWN, None),
        ("2月30日", When.INVALID, None),
        ("2027年1月3日", When.FUTURE, dt.date(2027, 1, 3)),
        ("本月30号", When.FUTURE, dt.date(2026, 11, 30)),
    ],
)
def test_moments(text, kind, date):
    moment = parse_moment(text, TODAY)
    assert moment is not None
    assert (moment.kind, moment.date) == (kind, date)


def test_no_time_at_all():
    assert parse_moment("被城管罚款了不服怎么办", TODAY) is None


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_any_text_parses_or_gives_none(text):
    moment = parse_moment(text, TODAY)
    assert moment is None or isinstance(moment.kind, When)
    if moment is not None and moment.date is not None and moment.kind is not When.FUTURE:
        assert moment.date <= TODAY


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 9999), st.sampled_from(["天", "个月", "年", "周"]))
def test_numbers_of_any_size_never_crash(n, unit):
    moment = parse_moment(f"{n}{unit}前", TODAY)
    assert moment is None or isinstance(moment.kind, When)
