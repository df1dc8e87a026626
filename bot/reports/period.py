"""Report periods: ``7d``, ``30d``, ``week``, ``month``, ``2026-11``, ``2026-11-01..2026-11-30``.

Periods are UTC and end-exclusive. ``week`` and ``month`` are the last complete calendar week
(Monday to Sunday) and month; ``7d`` and ``30d`` end now.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from bot.errors import ReportError

PERIOD_HELP = "7d, 30d (any number of days), week, month, YYYY-MM or YYYY-MM-DD..YYYY-MM-DD"
_DAYS = re.compile(r"^(\d{1,4})d$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_RANGE = re.compile(r"^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$")


@dataclass(frozen=True)
class Period:
    start: datetime
    end: datetime  # exclusive
    label: str


def _midnight(d: date) -> datetime:
    return datetime.combine(d, time(), UTC)


def _month(year: int, month: int) -> tuple[datetime, datetime]:
    start = datetime(year, month, 1, tzinfo=UTC)
    end = datetime(year + (month == 12), month % 12 + 1, 1, tzinfo=UTC)
    return start, end


def parse_period(text: str, now: datetime) -> Period:
    """The period ``text`` names, relative to ``now``; :class:`ReportError` when unknown."""
    value = text.strip().lower()
    if match := _DAYS.match(value):
        days = int(match.group(1))
        if days < 1:
            raise ReportError(f"period {text!r}: at least 1 day; use {PERIOD_HELP}")
        return Period(now - timedelta(days=days), now, f"last {days} days")
    if value == "week":
        monday = now.date() - timedelta(days=now.weekday())
        start = _midnight(monday - timedelta(days=7))
        return Period(start, start + timedelta(days=7), f"week of {start.date().isoformat()}")
    if value == "month":
        first = now.date().replace(day=1)
        previous = first - timedelta(days=1)
        start, end = _month(previous.year, previous.month)
        return Period(start, end, start.strftime("%Y-%m"))
    if match := _MONTH.match(value):
        year, month = int(match.group(1)), int(match.group(2))
        if not 1 <= month <= 12:
            raise ReportError(f"period {text!r}: month {month} does not exist")
        start, end = _month(year, month)
        return Period(start, end, value)
    if match := _RANGE.match(value):
        try:
            first, last = (date.fromisoformat(g) for g in match.groups())
        except ValueError as exc:
            raise ReportError(f"period {text!r}: {exc}") from None
        if last < first:
            raise ReportError(f"period {text!r}: the end comes before the start")
        return Period(_midnight(first), _midnight(last + timedelta(days=1)), value)
    raise ReportError(f"period {text!r} is not understood; use {PERIOD_HELP}")
