"""The time, from one place, so tests can move it."""

from __future__ import annotations

import datetime as dt
from typing import Protocol


class Clock(Protocol):
    """Tells the current time."""

    def now(self) -> dt.datetime:
        """The current time, timezone-aware."""


class SystemClock:
    """The machine's clock."""

    def now(self) -> dt.datetime:
        """The current time in UTC."""
        return dt.datetime.now(dt.UTC)
