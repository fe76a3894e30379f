"""A clock the test moves by hand."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

CHINA = ZoneInfo("Asia/Shanghai")


class FakeClock:
    """Stands still until told to move."""

    def __init__(self, at: dt.datetime) -> None:
        self.at = at

    def now(self) -> dt.datetime:
        """The time the test set."""
        return self.at

    def advance(self, **delta: float) -> None:
        """Move forward, e.g. `advance(minutes=10)`."""
        self.at += dt.timedelta(**delta)


def china(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> dt.datetime:
    """A moment in Beijing time."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=CHINA)
