import datetime as dt

import pytest

from bot.handoff.hours import DayKind, OfficeHours, OfficeHoursError
from tests.fakes.clock import china

hours = OfficeHours()


@pytest.mark.parametrize(
    ("at", "open_", "day"),
    [
        (china(2026, 11, 23, 9, 0), True, DayKind.WORKDAY),  # Monday, opening minute
        (china(2026, 11, 23, 12, 0), False, DayKind.WORKDAY),  # lunch starts
        (china(2026, 11, 23, 13, 30), True, DayKind.WORKDAY),
        (china(2026, 11, 23, 17, 30), False, DayKind.WORKDAY),
        (china(2026, 11, 28, 10), False, DayKind.WEEKEND),
        (china(2026, 10, 1, 10), False, DayKind.HOLIDAY),
        (china(2026, 9, 20, 10), True, DayKind.ADJUSTED_WORKDAY),
        (china(2026, 2, 17, 10), False, DayKind.HOLIDAY),  # Spring Festival
    ],
)
def test_status(at, open_, day):
    status = hours.status(at)
    assert (status.open, status.day) == (open_, day)


def test_holiday_has_its_chinese_name_and_next_opening():
    status = hours.status(china(2026, 10, 2, 15))
    assert status.holiday == "国庆节"
    assert status.back_at == china(2026, 10, 8, 9)


def test_gaps_and_next_opening_on_a_workday():
    assert hours.status(china(2026, 11, 23, 7)).gap == "before"
    lunch = hours.status(china(2026, 11, 23, 12, 30))
    assert lunch.gap == "lunch" and lunch.back_at == china(2026, 11, 23, 13, 30)
    evening = hours.status(china(2026, 11, 27, 18))  # Friday evening
    assert evening.gap == "after" and evening.back_at == china(2026, 11, 30, 9)


def test_times_in_utc_are_read_in_beijing_time():
    at = dt.datetime(2026, 11, 23, 1, 30, tzinfo=dt.UTC)  # 09:30 in Beijing
    assert hours.is_open(at)


def test_business_seconds_skip_nights_lunch_and_weekends():
    start, end = china(2026, 11, 27, 17), china(2026, 11, 30, 9, 30)
    assert hours.business_seconds(start, end) == 60 * 60
    assert hours.business_seconds(china(2026, 11, 23, 11, 50), china(2026, 11, 23, 13, 40)) == 1200


def test_years_without_a_published_calendar_fall_back_to_weekdays():
    assert hours.day_kind(dt.date(2031, 1, 6))[0] is DayKind.WORKDAY  # a Monday
    assert hours.day_kind(dt.date(2031, 1, 4))[0] is DayKind.WEEKEND


@pytest.mark.parametrize("spec", ["9-12", "12:00-09:00", "09:00-12:00,11:00-14:00", "25:00-26:00"])
def test_bad_office_hours_are_refused(spec):
    with pytest.raises(OfficeHoursError):
        OfficeHours(spec)


def test_custom_hours():
    late = OfficeHours("13:00-20:00")
    assert late.is_open(china(2026, 11, 23, 19)) and not late.is_open(china(2026, 11, 23, 10))
