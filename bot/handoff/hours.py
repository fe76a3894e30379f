"""When hotline staff are at work: weekly hours, China's holidays and adjusted workdays."""

from __future__ import annotations

import datetime as dt
import logging
import re
from dataclasses import dataclass
from enum import StrEnum
from zoneinfo import ZoneInfo

import chinese_calendar  # type: ignore[import-untyped]

log = logging.getLogger(__name__)

_PERIOD = re.compile(r"^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$")
# chinese-calendar names holidays in English; citizens read the Chinese name.
HOLIDAY_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}


class DayKind(StrEnum):
    """What kind of day a date is for the bureau."""

    WORKDAY = "workday"
    WEEKEND = "weekend"
    HOLIDAY = "holiday"
    # A Saturday or Sunday made a working day to bridge a holiday (调休).
    ADJUSTED_WORKDAY = "adjusted_workday"


@dataclass(frozen=True, slots=True)
class Status:
    """Whether staff are at work at a moment, and if not, why and when they are back."""

    open: bool
    day: DayKind
    holiday: str | None  # the holiday's Chinese name on a holiday
    # Closed: "before", "lunch" or "after" on a workday; None on days off.
    gap: str | None
    back_at: dt.datetime  # the moment itself when open


class OfficeHoursError(ValueError):
    """The configured office hours cannot be read."""


def parse_periods(spec: str) -> tuple[tuple[dt.time, dt.time], ...]:
    """`"09:00-12:00,13:30-17:30"` as ordered (start, end) pairs."""
    periods: list[tuple[dt.time, dt.time]] = []
    for part in spec.split(","):
        match = _PERIOD.match(part)
        if match is None:
            raise OfficeHoursError(f"office hours {spec!r}: expected e.g. 09:00-12:00,13:30-17:30")
        h1, m1, h2, m2 = (int(g) for g in match.groups())
        try:
            start, end = dt.time(h1, m1), dt.time(h2, m2)
        except ValueError as exc:
            raise OfficeHoursError(f"office hours {spec!r}: {exc}") from exc
        if start >= end or (periods and start < periods[-1][1]):
            raise OfficeHoursError(f"office hours {spec!r}: periods must be in order")
        periods.append((start, end))
    return tuple(periods)


class OfficeHours:
    """Working periods on working days, in the bureau's time zone."""

    def __init__(self, spec: str = "09:00-12:00,13:30-17:30", zone: str = "Asia/Shanghai"):
        self.periods = parse_periods(spec)
        self.zone = ZoneInfo(zone)
        self._warned: set[int] = set()
        self._kinds: dict[dt.date, tuple[DayKind, str | None]] = {}

    def day_kind(self, day: dt.date) -> tuple[DayKind, str | None]:
        """The kind of a date and, for a holiday, its Chinese name."""
        # Statistics ask for the same few hundred days over and over.
        known = self._kinds.get(day)
        if known is None:
            known = self._kinds[day] = self._day_kind(day)
        return known

    def _day_kind(self, day: dt.date) -> tuple[DayKind, str | None]:
        weekend = day.weekday() >= 5
        try:
            workday = chinese_calendar.is_workday(day)
            on_holiday, name = chinese_calendar.get_holiday_detail(day)
        except NotImplementedError:
            # No published calendar for that year yet: fall back to Monday to Friday.
            if day.year not in self._warned:
                self._warned.add(day.year)
                log.warning("no holiday calendar for %s: update chinese-calendar", day.year)
            return (DayKind.WEEKEND if weekend else DayKind.WORKDAY), None
        if workday:
            return (DayKind.ADJUSTED_WORKDAY if weekend else DayKind.WORKDAY), None
        if on_holiday and name:
            return DayKind.HOLIDAY, HOLIDAY_NAMES.get(str(name), str(name))
        return DayKind.WEEKEND, None

    def status(self, at: dt.datetime) -> Status:
        """Whether staff are at work at `at`, and when they are back if not."""
        local = at.astimezone(self.zone)
        kind, holiday = self.day_kind(local.date())
        if kind in (DayKind.WORKDAY, DayKind.ADJUSTED_WORKDAY):
            now = local.time()
            if any(start <= now < end for start, end in self.periods):
                return Status(True, kind, None, None, at)
            if now < self.periods[0][0]:
                gap = "before"
            elif now >= self.periods[-1][1]:
                gap = "after"
            else:
                gap = "lunch"
            return Status(False, kind, None, gap, self.next_open(at))
        return Status(False, kind, holiday, None, self.next_open(at))

    def is_open(self, at: dt.datetime) -> bool:
        """Whether staff are at work at `at`."""
        return self.status(at).open

    def next_open(self, at: dt.datetime) -> dt.datetime:
        """The first moment at or after `at` when staff are at work."""
        local = at.astimezone(self.zone)
        day = local.date()
        for _ in range(60):  # the longest run of days off is far shorter
            kind, _name = self.day_kind(day)
            if kind in (DayKind.WORKDAY, DayKind.ADJUSTED_WORKDAY):
                for start, end in self.periods:
                    opening = dt.datetime.combine(day, start, self.zone)
                    closing = dt.datetime.combine(day, end, self.zone)
                    if local < closing:
                        return max(opening, local)
            day += dt.timedelta(days=1)
        raise OfficeHoursError("no working period in the next 60 days")

    def business_seconds(self, start: dt.datetime, end: dt.datetime) -> float:
        """Seconds between two moments that fall inside office hours."""
        total = 0.0
        day = start.astimezone(self.zone).date()
        last = end.astimezone(self.zone).date()
        while day <= last:
            kind, _name = self.day_kind(day)
            if kind in (DayKind.WORKDAY, DayKind.ADJUSTED_WORKDAY):
                for s, e in self.periods:
                    a = max(start, dt.datetime.combine(day, s, self.zone))
                    b = min(end, dt.datetime.combine(day, e, self.zone))
                    total += max(0.0, (b - a).total_seconds())
            day += dt.timedelta(days=1)
        return total
