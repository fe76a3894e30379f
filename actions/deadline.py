"""The administrative-review deadline (行政复议法 第二十条、第二十一条) in days left."""

from __future__ import annotations

import datetime as dt
import re

from bot import texts
from bot.timeparse import Moment, When

REVIEW_DAYS = 60  # 第二十条: 六十日内
# A review already applied for or decided: the sixty days are behind the citizen, and
# what follows (court within fifteen days, 行政诉讼法 第四十五条) is another count.
ALREADY_REVIEWED = re.compile(
    r"复议决定|申请了(?:行政)?复议|复议(?:机关|的结果)?(?:维持|驳回|决定)|复议结果|复议(?:下来|完了)"
)


def fmt(date: dt.date) -> str:
    """2026年3月5日."""
    return f"{date.year}年{date.month}月{date.day}日"


def review_deadline(moment: Moment, today: dt.date) -> str:
    """Plain-language days left of the sixty, or what still may help once they passed."""
    if moment.kind is When.INVALID:
        return texts.DEADLINE_INVALID.format(phrase=moment.phrase)
    if moment.kind is When.FUTURE:
        return texts.DEADLINE_FUTURE.format(phrase=moment.phrase)
    if moment.kind is When.UNKNOWN or moment.date is None:
        return texts.DEADLINE_UNKNOWN
    last_day = moment.date + dt.timedelta(days=REVIEW_DAYS)
    left = (last_day - today).days
    basis = texts.DEADLINE_EXACT if moment.kind is When.EXACT else texts.DEADLINE_APPROX
    head = basis.format(learned=fmt(moment.date), phrase=moment.phrase)
    if left > 0:
        body = texts.DEADLINE_LEFT.format(days=left, last_day=fmt(last_day))
    elif left == 0:
        body = texts.DEADLINE_TODAY
    else:
        body = texts.DEADLINE_PASSED.format(days=-left)
    return f"{head}\n{body}\n\n{texts.DEADLINE_RULES}"
