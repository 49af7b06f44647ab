"""整改待办: the measures and the reports of one to-do queue across the rectifications the user may see,
oldest first with the deadline colour — the lists the workbench's queue counts open (`?queue=`)."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone

from rectification.forms.queues import MeasureQueueFilter, ReportQueueFilter
from rectification.selectors import queues as selectors
from xuncha import access

PAGE_SIZE = 20


def _page(request, filters, rows):
    return Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))


@login_required
def measure_queue(request):
    filters = MeasureQueueFilter(request.GET or None)
    name = filters.queue_name()
    page = _page(request, filters, selectors.measure_queue_page(request.user, name, filters))
    today = timezone.localdate()
    for measure in page.object_list:
        measure.state = measure.deadline_state(today)
    return render(
        request,
        "rectification/queue_measures.html",
        {
            "filter": filters,
            "page_obj": page,
            "title": selectors.MEASURE_QUEUES[name],
            "queue": name,
            "office": access.allows(request.user, "workbench.office"),
            "filtered": bool(request.GET.get("q")),
            "nav_active": "rectification",
        },
    )


@login_required
def report_queue(request):
    filters = ReportQueueFilter(request.GET or None)
    name = filters.queue_name()
    page = _page(request, filters, selectors.report_queue_page(request.user, name, filters))
    today = timezone.localdate()
    for report in page.object_list:
        report.state = report.due_state(today)
        report.days_late = (today - report.due_date).days if report.state == "overdue" else 0
    return render(
        request,
        "rectification/queue_reports.html",
        {
            "filter": filters,
            "page_obj": page,
            "title": selectors.REPORT_QUEUES[name],
            "queue": name,
            "filtered": bool(request.GET.get("q")),
            "nav_active": "rectification",
        },
    )
