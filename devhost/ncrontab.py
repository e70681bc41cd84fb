"""Timer schedules as the Functions host reads them: 6-field NCRONTAB or a TimeSpan.

The host (WebJobs.Extensions `TimerSchedule.Create`) first tries NCrontab with seconds
(`{second} {minute} {hour} {day} {month} {day-of-week}`) and then .NET `TimeSpan` (`hh:mm:ss`).
This module follows NCrontab's own rules rather than Vixie cron's:

- names are matched by case-insensitive prefix (`Mon`, `monday`, `Jan`, `J` = January);
- day-of-week is 0-6 with 0 = Sunday (7 is rejected);
- `a-b` with a > b is swapped, `a/n` means `a-max/n`, a step of 0 counts as 1;
- day-of-month and day-of-week must BOTH match (AND), unlike cron's OR when both are
  restricted: NCrontab computes the next day from the day field, then skips it if its weekday
  is not in the day-of-week set.

Times are naive local datetimes, as the host schedules in local time (TZ / WEBSITE_TIME_ZONE).
"""

from __future__ import annotations

import bisect
import calendar
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
DAY_NAMES = ("Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday")
# A schedule with no occurrence in this many years never occurs (e.g. "0 0 0 30 2 *"); 400 years is
# a whole Gregorian cycle, so every weekday/leap-day combination has been seen by then.
_SEARCH_YEARS = 400


class ScheduleError(ValueError):
    """The expression is neither a valid 6-field NCRONTAB nor a TimeSpan."""


@dataclass(frozen=True)
class _Field:
    name: str
    low: int
    high: int
    names: tuple[str, ...] = ()

    def parse(self, text: str) -> tuple[int, ...]:
        values: set[int] = set()
        for item in text.split(","):
            values.update(self._parse_item(item, text))
        return tuple(sorted(values))

    def _parse_item(self, item: str, whole: str) -> range:
        if not item:
            raise ScheduleError(f"empty value in {self.name} field {whole!r}")
        step = 1
        if "/" in item:
            item, _, step_text = item.partition("/")
            if not step_text.isdigit():
                raise ScheduleError(f"invalid step {step_text!r} in {self.name} field {whole!r}")
            step = int(step_text)
        if item == "*":
            start, end = self.low, self.high
        elif "-" in item:
            first, _, last = item.partition("-")
            start, end = sorted((self._value(first, whole), self._value(last, whole)))
        else:
            start = self._value(item, whole)
            end = start if step == 1 else self.high  # NCrontab: "a/n" runs from a to the maximum
        return range(start, end + 1, max(step, 1))  # NCrontab counts a step of 0 as 1

    def _value(self, text: str, whole: str) -> int:
        if text[:1].isdigit():
            if not text.isdigit():
                raise ScheduleError(f"invalid value {text!r} in {self.name} field {whole!r}")
            value = int(text)
        else:
            value = self._named(text, whole)
        if not self.low <= value <= self.high:
            raise ScheduleError(f"{value} is outside {self.low}-{self.high} in {self.name} field {whole!r}")
        return value

    def _named(self, text: str, whole: str) -> int:
        for index, name in enumerate(self.names):
            if text and name.lower().startswith(text.lower()):
                return index + self.low
        raise ScheduleError(f"{text!r} is not a valid {self.name} in {whole!r}")


_FIELDS = (
    _Field("second", 0, 59),
    _Field("minute", 0, 59),
    _Field("hour", 0, 23),
    _Field("day", 1, 31),
    _Field("month", 1, 12, MONTH_NAMES),
    _Field("day-of-week", 0, 6, DAY_NAMES),
)


@dataclass(frozen=True)
class CronSchedule:
    """A parsed 6-field NCRONTAB expression."""

    expression: str
    seconds: tuple[int, ...]
    minutes: tuple[int, ...]
    hours: tuple[int, ...]
    days: tuple[int, ...]
    months: tuple[int, ...]
    weekdays: frozenset[int]

    def next_occurrence(self, after: datetime) -> datetime:
        """The first occurrence strictly after `after` (sub-second part ignored, as NCrontab)."""
        t = after.replace(microsecond=0) + timedelta(seconds=1)
        year, month, day, hour, minute, second = t.year, t.month, t.day, t.hour, t.minute, t.second
        while year <= after.year + _SEARCH_YEARS:
            allowed_month = _first_at_least(self.months, month)
            if allowed_month is None:  # nothing left this year
                year, month, day, hour, minute, second = year + 1, 1, 1, 0, 0, 0
                continue
            if allowed_month != month:
                month, day, hour, minute, second = allowed_month, 1, 0, 0, 0
            allowed_day = self._next_day(year, month, day)
            if allowed_day is None:  # nothing left this month
                year, month = (year + 1, 1) if month == 12 else (year, month + 1)
                day, hour, minute, second = 1, 0, 0, 0
                continue
            if allowed_day != day:
                day, hour, minute, second = allowed_day, 0, 0, 0
            time_of_day = self._next_time(hour, minute, second)
            if time_of_day is None:  # nothing left today
                tomorrow = datetime(year, month, day) + timedelta(days=1)
                year, month, day, hour, minute, second = tomorrow.year, tomorrow.month, tomorrow.day, 0, 0, 0
                continue
            return datetime(year, month, day, *time_of_day)
        raise ScheduleError(f"schedule {self.expression!r} has no occurrence after {after.isoformat()}")

    def _next_day(self, year: int, month: int, day: int) -> int | None:
        last = calendar.monthrange(year, month)[1]
        for candidate in self.days[bisect.bisect_left(self.days, day) :]:
            if candidate > last:
                return None
            if (calendar.weekday(year, month, candidate) + 1) % 7 in self.weekdays:
                return candidate
        return None

    def _next_time(self, hour: int, minute: int, second: int) -> tuple[int, int, int] | None:
        h = _first_at_least(self.hours, hour)
        while h is not None:
            m = _first_at_least(self.minutes, minute if h == hour else 0)
            while m is not None:
                s = _first_at_least(self.seconds, second if (h, m) == (hour, minute) else 0)
                if s is not None:
                    return h, m, s
                m = _first_at_least(self.minutes, m + 1)
            h = _first_at_least(self.hours, h + 1)
        return None


@dataclass(frozen=True)
class IntervalSchedule:
    """The TimeSpan form: the next occurrence is always `after + interval` (host ConstantSchedule)."""

    expression: str
    interval: timedelta

    def next_occurrence(self, after: datetime) -> datetime:
        return after + self.interval


def _first_at_least(values: tuple[int, ...], minimum: int) -> int | None:
    index = bisect.bisect_left(values, minimum)
    return values[index] if index < len(values) else None


def parse_cron(expression: str) -> CronSchedule:
    tokens = expression.split()
    if len(tokens) != 6:
        raise ScheduleError(f"{expression!r} must have 6 fields: second minute hour day month day-of-week")
    parsed = [field.parse(token) for field, token in zip(_FIELDS, tokens, strict=True)]
    return CronSchedule(expression, *parsed[:5], weekdays=frozenset(parsed[5]))


_TIMESPAN = re.compile(r"^\s*(-)?(?:(\d+)\.)?(\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.(\d{1,7}))?)?\s*$")
_TIMESPAN_DAYS = re.compile(r"^\s*(-)?(\d+)\s*$")


def parse_timespan(text: str) -> timedelta:
    """.NET `TimeSpan.Parse` for the invariant forms: `[d.]hh:mm[:ss[.fffffff]]` or whole days `d`."""
    if match := _TIMESPAN_DAYS.match(text):
        sign, days = match.groups()
        value = timedelta(days=int(days))
    elif match := _TIMESPAN.match(text):
        sign, days, hours, minutes, seconds, fraction = match.groups()
        if int(hours) > 23 or int(minutes) > 59 or int(seconds or 0) > 59:
            raise ScheduleError(f"{text!r} is not a valid TimeSpan")
        value = timedelta(
            days=int(days or 0),
            hours=int(hours),
            minutes=int(minutes),
            seconds=int(seconds or 0),
            microseconds=int((fraction or "0").ljust(7, "0")) // 10,
        )
    else:
        raise ScheduleError(f"{text!r} is not a valid TimeSpan")
    return -value if sign else value


def parse_schedule(expression: str) -> CronSchedule | IntervalSchedule:
    """Parse a timer trigger schedule the way the host does: NCRONTAB first, then TimeSpan."""
    try:
        return parse_cron(expression)
    except ScheduleError as cron_error:
        try:
            interval = parse_timespan(expression)
        except ScheduleError:
            raise ScheduleError(
                f"{expression!r} is neither a valid NCRONTAB expression nor a TimeSpan ({cron_error})"
            ) from None
        if interval <= timedelta(0):
            raise ScheduleError(f"TimeSpan schedule {expression!r} must be positive") from None
        return IntervalSchedule(expression, interval)
