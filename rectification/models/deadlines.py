"""Due dates of the rectification: the half-monthly schedule and the yellow / red marks.

Every half month means the 15th and the last day of each month (003: 每半个月报送一次整改进展情况).
A date within `DUE_SOON_DAYS` shows yellow ('due-soon'), a date passed shows red ('overdue'), wherever
a measure or a report appears; the CSS classes are in static/css/app.css.

Plain date arithmetic: this module imports no model (the models import it for their marks; the same
marks as database filters are in `rectification.selectors.plan`).
"""

import calendar
from datetime import date, timedelta

from django.utils import timezone

DUE_SOON_DAYS = 7


def month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def half_month_due_dates(start: date, end: date) -> list[date]:
    """The 15ths and month-ends strictly after `start` and strictly before `end` (the deadline, when the
    final report is due instead)."""
    dates = []
    cursor = start.replace(day=1)
    while cursor <= end:
        for due in (cursor.replace(day=15), month_end(cursor)):
            if start < due < end:
                dates.append(due)
        cursor = month_end(cursor) + timedelta(days=1)
    return dates


def second_month_end(meeting: date) -> date:
    """集中整改第二个月月末: the end of the second month counted from the feedback meeting."""
    first = month_end(meeting) + timedelta(days=1)
    return month_end(first)


def deadline_state(deadline: date | None, today: date | None = None) -> str:
    if deadline is None:
        return ""
    today = today or timezone.localdate()
    if deadline < today:
        return "overdue"
    if (deadline - today).days <= DUE_SOON_DAYS:
        return "due-soon"
    return ""
