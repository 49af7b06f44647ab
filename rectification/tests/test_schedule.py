import datetime

import pytest

from rectification.models import ReportKind
from rectification.models.deadlines import deadline_state, half_month_due_dates, second_month_end
from rectification.services.schedule import report_schedule
from rectification.tests.factories import MeasureFactory, RectificationFactory

d = datetime.date


def test_half_month_due_dates_are_the_15th_and_month_ends_between_meeting_and_deadline():
    assert half_month_due_dates(d(2026, 7, 1), d(2026, 8, 31)) == [
        d(2026, 7, 15), d(2026, 7, 31), d(2026, 8, 15)
    ]
    assert half_month_due_dates(d(2026, 1, 15), d(2026, 3, 10)) == [
        d(2026, 1, 31), d(2026, 2, 15), d(2026, 2, 28)
    ]


def test_second_month_end_and_deadline_states():
    assert second_month_end(d(2026, 7, 1)) == d(2026, 8, 31)
    assert second_month_end(d(2026, 12, 20)) == d(2027, 1, 31)
    today = d(2026, 8, 1)
    assert deadline_state(d(2026, 7, 31), today) == "overdue"
    assert deadline_state(d(2026, 8, 8), today) == "due-soon"
    assert deadline_state(d(2026, 8, 9), today) == ""


@pytest.mark.django_db
def test_schedule_follows_the_deadline_and_keeps_what_was_reported():
    rect = RectificationFactory(meeting_date=d(2026, 7, 1), deadline=d(2026, 8, 31))
    reports = list(rect.reports.order_by("due_date"))
    assert [(r.kind, r.due_date, r.period) for r in reports] == [
        (ReportKind.HALF_MONTHLY, d(2026, 7, 15), 1),
        (ReportKind.HALF_MONTHLY, d(2026, 7, 31), 2),
        (ReportKind.HALF_MONTHLY, d(2026, 8, 15), 3),
        (ReportKind.FINAL, d(2026, 8, 31), 0),
    ]
    rect.deadline = d(2026, 7, 31)
    rect.save()
    report_schedule(rect)
    assert [(r.kind, r.due_date) for r in rect.reports.order_by("due_date")] == [
        (ReportKind.HALF_MONTHLY, d(2026, 7, 15)),
        (ReportKind.FINAL, d(2026, 7, 31)),
    ]
    measure = MeasureFactory(problem__rectification=rect)
    assert measure.rectification == rect
