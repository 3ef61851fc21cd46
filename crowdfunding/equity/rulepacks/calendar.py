"""Business days per region, in the region's own time zone.

A ``BusinessCalendar`` knows its weekend, its public holidays (a function of the year)
and, for China, the weekend days made working days (调休). Periods "within N business
days of" an event end at the first instant (local midnight) after the N-th business day
that follows the day of the event: the day of the event itself never counts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils.translation import gettext_lazy as _

from crowdfunding.equity.rulepacks.errors import NaiveDatetime, RulePackError

SATURDAY, SUNDAY = 5, 6


def require_aware(value: datetime, *, label: str = "at") -> datetime:
    if not isinstance(value, datetime):
        raise RulePackError(_("A date and time is required."), data={"field": label})
    if value.tzinfo is None or value.utcoffset() is None:
        raise NaiveDatetime(data={"field": label})
    return value


def utc(value: datetime, *, label: str = "at") -> datetime:
    """``value`` in UTC. Durations (48 hours, 21 days) are added in UTC: Python adds a
    timedelta to an aware datetime on the wall clock, which is off by the hour a clock
    change moves; instants are compared in UTC for the same reason (two datetimes sharing
    a tzinfo compare as wall times)."""
    return require_aware(value, label=label).astimezone(UTC)


def _observed(day: date) -> date:
    """US rule for a fixed-date federal holiday on a weekend (5 U.S.C. 6103(b);
    Executive Order 11582): Saturday -> the Friday before, Sunday -> the Monday after."""
    if day.weekday() == SATURDAY:
        return day - timedelta(days=1)
    if day.weekday() == SUNDAY:
        return day + timedelta(days=1)
    return day


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    """The n-th ``weekday`` (0 = Monday) of the month; n = -1 for the last one."""
    if n > 0:
        first = date(year, month, 1)
        return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))
    last = (date(year, month % 12 + 1, 1) if month < 12 else date(year + 1, 1, 1)) - timedelta(days=1)
    return last - timedelta(days=(last.weekday() - weekday) % 7)


def us_federal_holidays(year: int) -> frozenset[date]:
    """The legal public holidays of 5 U.S.C. 6103(a), as observed."""
    fixed = [date(year, 1, 1), date(year, 6, 19), date(year, 7, 4), date(year, 11, 11),
             date(year, 12, 25)]
    days = {_observed(d) for d in fixed}
    days |= {
        _nth_weekday(year, 1, 0, 3),   # Birthday of Martin Luther King, Jr.
        _nth_weekday(year, 2, 0, 3),   # Washington's Birthday
        _nth_weekday(year, 5, 0, -1),  # Memorial Day
        _nth_weekday(year, 9, 0, 1),   # Labor Day
        _nth_weekday(year, 10, 0, 2),  # Columbus Day
        _nth_weekday(year, 11, 3, 4),  # Thanksgiving Day
    }
    # New Year's Day of the next year observed on 31 December of this one.
    next_new_year = _observed(date(year + 1, 1, 1))
    if next_new_year.year == year:
        days.add(next_new_year)
    return frozenset(days)


def easter_sunday(year: int) -> date:
    """Gregorian Easter (the anonymous algorithm, Meeus/Jones/Butcher)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    ell = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * ell) // 451
    month = (h + ell - 7 * m + 114) // 31
    day = (h + ell - 7 * m + 114) % 31 + 1
    return date(year, month, day)


def target_closing_days(year: int) -> frozenset[date]:
    """The TARGET (T2) closing days: the euro area's common business-day calendar."""
    easter = easter_sunday(year)
    return frozenset({
        date(year, 1, 1), easter - timedelta(days=2), easter + timedelta(days=1),
        date(year, 5, 1), date(year, 12, 25), date(year, 12, 26),
    })


def no_holidays(year: int) -> frozenset[date]:
    return frozenset()


@dataclass(frozen=True)
class BusinessCalendar:
    timezone: str
    holidays: Callable[[int], Iterable[date]] = no_holidays
    extra_holidays: frozenset[date] = field(default_factory=frozenset)
    extra_workdays: frozenset[date] = field(default_factory=frozenset)
    weekend: frozenset[int] = frozenset({SATURDAY, SUNDAY})

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def is_business_day(self, day: date) -> bool:
        if day in self.extra_workdays:
            return True
        if day.weekday() in self.weekend or day in self.extra_holidays:
            return False
        return day not in set(self.holidays(day.year))

    def local_date(self, moment: datetime) -> date:
        return require_aware(moment).astimezone(self.zone).date()

    def add_business_days(self, day: date, count: int) -> date:
        """The ``count``-th business day after ``day`` (``day`` itself not counted)."""
        if count < 0:
            raise RulePackError(_("A number of business days cannot be negative."))
        while count:
            day += timedelta(days=1)
            if self.is_business_day(day):
                count -= 1
        return day

    def end_of_day(self, day: date) -> datetime:
        """The first instant after ``day`` in this calendar's zone (local midnight)."""
        return datetime.combine(day + timedelta(days=1), time(0), tzinfo=self.zone)

    def business_days_after(self, moment: datetime, count: int) -> datetime:
        """When a period of ``count`` business days from ``moment`` has run out."""
        return self.end_of_day(self.add_business_days(self.local_date(moment), count))


def calendar_dates(values: Iterable) -> frozenset[date]:
    """Dates from a setting: ``date`` objects or ISO strings (``"2026-02-16"``)."""
    found = set()
    for value in values or ():
        found.add(value if isinstance(value, date) else date.fromisoformat(str(value)))
    return frozenset(found)
