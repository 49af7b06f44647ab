"""The reports a unit owes: one every half month from the feedback meeting to the deadline, and the
final report (整改情况报告) at the deadline."""

from django.db import transaction

from ..models import Rectification, Report, ReportKind
from ..models.deadlines import half_month_due_dates


def report_schedule(rect: Rectification) -> list[Report]:
    """Make the report rows the schedule asks for; drop those never reported whose date left it (the
    deadline moved). Reports already submitted stay whatever happens. Returns the reports, by due date."""
    if rect.meeting_date is None:
        return []
    wanted = {(ReportKind.HALF_MONTHLY, d) for d in half_month_due_dates(rect.meeting_date, rect.deadline)}
    wanted.add((ReportKind.FINAL, rect.deadline))
    with transaction.atomic():
        existing = {(r.kind, r.due_date): r for r in rect.reports.all()}
        stale = [r.pk for key, r in existing.items() if key not in wanted and r.submitted_at is None]
        if stale:
            Report.objects.filter(pk__in=stale, versions__isnull=True).delete()
        Report.objects.bulk_create(
            [
                Report(rectification=rect, kind=kind, due_date=due, period=0)
                for kind, due in sorted(wanted - existing.keys(), key=lambda k: k[1])
            ]
        )
        # Number the half-monthly periods by date: 第1期, 第2期, …
        reports = list(rect.reports.order_by("due_date", "kind"))
        period = 0
        for report in reports:
            number = 0
            if report.kind == ReportKind.HALF_MONTHLY:
                period += 1
                number = period
            if report.period != number:
                report.period = number
                report.save(update_fields=["period"])
    return reports
