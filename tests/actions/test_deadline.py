import datetime as dt

import pytest

from actions.deadline import review_deadline
from bot import texts
from bot.timeparse import Moment, When, parse_moment

TODAY = dt.date(2026, 11, 22)


def answer(text):
    return review_deadline(parse_moment(text, TODAY), TODAY)


def test_days_left_are_counted_from_the_day_learned():
    reply = answer("11月2日收到罚款决定书")
    assert "还剩 40 天" in reply and "2027年1月1日" in reply
    assert "第二十条、第二十一条" in reply


def test_last_day():
    assert texts.DEADLINE_TODAY in answer("九月二十三日收到的")


def test_passed_deadline_names_the_saving_rules():
    reply = answer("三个月前收到的")
    assert "超过了 30 天" in reply
    assert "障碍消除之日起继续计算" in reply and "最长不超过一年" in reply
    assert "二十年" in reply and "五年" in reply


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2月30日", "不是一个有效的日期"),
        ("2027年3月1日", "还没到"),
        ("很久以前", "不太确定"),
    ],
)
def test_bad_dates_get_a_sensible_reply(text, expected):
    assert expected in answer(text)


def test_approximate_dates_say_so():
    assert "估算" in answer("两个月前") and "估算" not in answer("3月5日")


def test_unknown_moment_without_a_date():
    assert "六十日" in review_deadline(Moment(When.UNKNOWN), TODAY)
