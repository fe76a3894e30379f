"""The period a statistic covers: today, the last 7 or 30 days, or chosen dates."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

_CUSTOM = re.compile(r"^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$")
MAX_DAYS = 366


class PeriodError(ValueError):
    """A period that cannot be read; the text says what is accepted."""


@dataclass(frozen=True, slots=True)
class Period:
    """From `start` (inclusive) to `end` (exclusive), named as asked."""

    name: str
    start: dt.datetime
    end: dt.datetime

    @property
    def zone(self) -> dt.tzinfo:
        """Where its days are counted: the zone its bounds were made in."""
        assert self.start.tzinfo is not None  # noqa: S101 (periods are made zone-aware)
        return self.start.tzinfo


FIRST_YEAR, LAST_YEAR = 2000, 2100


def parse_period(spec: str, now: dt.datetime, zone: dt.tzinfo) -> Period:
    """`today`, `7d`, `30d` or `2026-11-01..2026-11-30` (whole local days, both included)."""
    local_today = now.astimezone(zone).date()
    spec = spec.strip() or "7d"

    def midnight(day: dt.date) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(), zone)

    tomorrow = midnight(local_today + dt.timedelta(days=1))
    if spec == "today":
        return Period(spec, midnight(local_today), tomorrow)
    if spec in ("7d", "30d"):
        days = int(spec[:-1])
        return Period(spec, midnight(local_today - dt.timedelta(days=days - 1)), tomorrow)
    match = _CUSTOM.match(spec)
    if match is None:
        raise PeriodError("period must be today, 7d, 30d or YYYY-MM-DD..YYYY-MM-DD")
    try:
        first, last = (dt.date.fromisoformat(g) for g in match.groups())
    except ValueError as exc:
        raise PeriodError(f"not a date: {exc}") from exc
    if last < first:
        raise PeriodError("the period ends before it starts")
    if (last - first).days >= MAX_DAYS:
        raise PeriodError(f"at most {MAX_DAYS} days")
    # Dates a database and a UTC conversion can hold: year 0001 turns into year 0 in UTC.
    if first.year < FIRST_YEAR or last.year > LAST_YEAR:
        raise PeriodError(f"dates between {FIRST_YEAR} and {LAST_YEAR} only")
    return Period(spec, midnight(first), midnight(last + dt.timedelta(days=1)))
