"""NCRONTAB (6 fields, as the Functions host) and TimeSpan schedules."""

from __future__ import annotations

import time
from datetime import datetime, timedelta

import pytest

from devhost.ncrontab import CronSchedule, IntervalSchedule, ScheduleError, parse_schedule, parse_timespan


def upcoming(expression: str, after: datetime, count: int = 3) -> list[datetime]:
    schedule = parse_schedule(expression)
    times = []
    for _ in range(count):
        after = schedule.next_occurrence(after)
        times.append(after)
    return times


def test_every_second_is_strictly_after_and_ignores_fractions() -> None:
    assert upcoming("* * * * * *", datetime(2024, 1, 1, 12, 0, 0, 999_000), 2) == [
        datetime(2024, 1, 1, 12, 0, 1), datetime(2024, 1, 1, 12, 0, 2)]


def test_step_in_seconds_rolls_over_the_year() -> None:
    assert upcoming("*/15 * * * * *", datetime(2024, 12, 31, 23, 59, 50)) == [
        datetime(2025, 1, 1, 0, 0, 0), datetime(2025, 1, 1, 0, 0, 15), datetime(2025, 1, 1, 0, 0, 30)]


def test_every_five_minutes_at_second_zero() -> None:
    assert upcoming("0 */5 * * * *", datetime(2024, 3, 10, 8, 58, 30)) == [
        datetime(2024, 3, 10, 9, 0), datetime(2024, 3, 10, 9, 5), datetime(2024, 3, 10, 9, 10)]


def test_weekday_names_and_ranges() -> None:
    # 2024-06-01 is a Saturday.
    assert upcoming("0 30 9 * * Mon-Fri", datetime(2024, 6, 1, 10, 0), 2) == [
        datetime(2024, 6, 3, 9, 30), datetime(2024, 6, 4, 9, 30)]


def test_names_match_by_case_insensitive_prefix_like_ncrontab() -> None:
    assert parse_schedule("0 0 0 1 jan,JUL *").months == (1, 7)
    assert parse_schedule("0 0 0 * * sunday,Sat").weekdays == frozenset({0, 6})


def test_list_of_hours_on_named_months() -> None:
    assert upcoming("0 0 6,18 * Jan,Feb *", datetime(2024, 2, 29, 19, 0), 2) == [
        datetime(2025, 1, 1, 6, 0), datetime(2025, 1, 1, 18, 0)]


def test_range_with_step_and_a_single_value_with_step() -> None:
    assert parse_schedule("0 10-30/10 * * * *").minutes == (10, 20, 30)
    assert parse_schedule("0 50/5 * * * *").minutes == (50, 55)  # NCrontab: from 50 to the maximum


def test_reversed_range_is_swapped_like_ncrontab() -> None:
    assert parse_schedule("0 0 17-9 * * *").hours == tuple(range(9, 18))


def test_day_31_skips_shorter_months() -> None:
    assert upcoming("0 0 0 31 * *", datetime(2024, 1, 31, 12, 0)) == [
        datetime(2024, 3, 31), datetime(2024, 5, 31), datetime(2024, 7, 31)]


def test_february_29_waits_for_leap_years() -> None:
    assert upcoming("0 0 12 29 Feb *", datetime(2024, 3, 1)) == [
        datetime(2028, 2, 29, 12), datetime(2032, 2, 29, 12), datetime(2036, 2, 29, 12)]
    assert upcoming("0 0 0 29 2 *", datetime(2096, 3, 1), 1) == [datetime(2104, 2, 29)]  # 2100 is not a leap year


def test_day_of_month_and_day_of_week_must_both_match() -> None:
    # NCrontab combines them with AND (Vixie cron would use OR): Friday the 13th.
    fridays_13th = upcoming("0 0 0 13 * Fri", datetime(2024, 1, 1))
    assert fridays_13th == [datetime(2024, 9, 13), datetime(2024, 12, 13), datetime(2025, 6, 13)]
    assert all(day.weekday() == 4 for day in fridays_13th)


def test_leap_day_on_a_given_weekday_is_found_efficiently() -> None:
    started = time.perf_counter()
    assert upcoming("0 0 0 29 Feb Mon", datetime(2024, 3, 1), 1) == [datetime(2044, 2, 29)]
    assert time.perf_counter() - started < 0.5


def test_schedule_that_never_occurs_raises_instead_of_looping() -> None:
    with pytest.raises(ScheduleError, match="no occurrence"):
        parse_schedule("0 0 0 30 Feb *").next_occurrence(datetime(2024, 1, 1))


@pytest.mark.parametrize("expression", [
    "* * * * *",  # 5 fields: the host wants seconds too
    "60 * * * * *", "* * 24 * * *", "* * * 0 * *", "* * * * 13 *", "* * * * * 7",
    "* * * * * Funday", "*/x * * * * *", "1-* * * * * *", "* * * * ,1 *", "",
])
def test_invalid_expressions_are_refused(expression: str) -> None:
    with pytest.raises(ScheduleError):
        parse_schedule(expression)


def test_timespan_form_runs_at_a_fixed_interval_from_the_given_time() -> None:
    schedule = parse_schedule("00:05:00")
    assert isinstance(schedule, IntervalSchedule)
    assert schedule.next_occurrence(datetime(2024, 1, 1, 10, 0, 7)) == datetime(2024, 1, 1, 10, 5, 7)


@pytest.mark.parametrize(("text", "expected"), [
    ("00:00:01", timedelta(seconds=1)), ("01:30", timedelta(hours=1, minutes=30)),
    ("1.02:03:04", timedelta(days=1, hours=2, minutes=3, seconds=4)), ("00:00:00.5", timedelta(milliseconds=500)),
    ("2", timedelta(days=2)), ("-00:00:10", timedelta(seconds=-10)),
])
def test_timespan_parsing(text: str, expected: timedelta) -> None:
    assert parse_timespan(text) == expected


@pytest.mark.parametrize("text", ["24:00:00", "00:60:00", "1:2:3:4", "five minutes", "00:00:00"])
def test_invalid_or_empty_timespan_schedules_are_refused(text: str) -> None:
    with pytest.raises(ScheduleError):
        parse_schedule(text)


def test_cron_wins_when_both_could_apply() -> None:
    assert isinstance(parse_schedule("0 0 * * * *"), CronSchedule)
