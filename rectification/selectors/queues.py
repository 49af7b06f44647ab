"""The rectification's to-do queues (待办): each a named query over what the user may see.

The workbench counts a queue and links to the list that shows it (`?queue=<name>`); both call the
functions here, so the count and the rows are the same query. Every queue is ordered oldest first (the
earliest deadline or the longest waiting on top).
"""

from datetime import date, timedelta

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from rectification.models import (
    Commitment,
    MeasureStatus,
    ProgressLevel,
    Publication,
    PublicationStatus,
    Rectification,
    RectStatus,
    ReportEntry,
    ReportVersion,
    VersionStatus,
)
from rectification.models.deadlines import DUE_SOON_DAYS
from xuncha import access

# The reports a liaison is asked to fill: not yet submitted, due within this many days or overdue.
FILL_AHEAD_DAYS = DUE_SOON_DAYS

MEASURE_QUEUES = {
    "to_close": "待销号措施（已报完成并附佐证）",
    "due_soon": "七日内到期和已逾期的整改措施",
}
REPORT_QUEUES = {
    "overdue": "逾期未报送的整改报告",
    "to_sign": "报送待签字的整改报告",
    "to_fill": "待填报的整改报告",
}
RECT_QUEUES = {
    "plan_review": "整改方案待审核",
    "commitments": "承诺书待签署",
    "publication_review": "整改公开待审批",
}


def _today(today: date | None) -> date:
    return today or timezone.localdate()


def _rects_of_units(user) -> QuerySet:
    """The fed-back rectifications of the units the user speaks for (principal or liaison)."""
    return Rectification.objects.filter(unit_id__in=access.own_units(user).values("pk"), meeting_date__isnull=False)


def measure_queue(user, name: str, today: date | None = None) -> QuerySet:
    """The measures of one queue, among those the user may see, earliest deadline first.

    - to_close: not closed, the rectification in progress, and the latest report said 已完成 with
      evidence attached (what the office checks before 销号);
    - due_soon: not closed and due within DUE_SOON_DAYS, or overdue (the yellow and red marks)."""
    today = _today(today)
    qs = access.visible(user, "rectification.Measure").exclude(status=MeasureStatus.CLOSED)
    if name == "to_close":
        done_with_evidence = ReportEntry.objects.filter(
            measure=OuterRef("pk"),
            version__status__in=(VersionStatus.SUBMITTED, VersionStatus.SIGNED),
            progress=ProgressLevel.DONE,
            evidence__isnull=False,
        )
        qs = qs.filter(Exists(done_with_evidence), rectification__status=RectStatus.IN_PROGRESS)
    elif name == "due_soon":
        qs = qs.filter(deadline__lte=today + timedelta(days=DUE_SOON_DAYS), rectification__meeting_date__isnull=False)
        if not access.allows(user, "workbench.office"):
            qs = qs.filter(rectification__in=_rects_of_units(user))
    else:
        return qs.none()
    return qs.order_by("deadline", "rectification_id", "problem__seq", "seq")


def report_queue(user, name: str, today: date | None = None) -> QuerySet:
    """The reports of one queue, among those the user may see, earliest due date first.

    - overdue: not submitted and past its due date (the rectification fed back and not closed);
    - to_sign: a version submitted and waiting for the principal's signature (签字背书) — for the
      principal, his own unit's;
    - to_fill: the unit's reports not yet submitted, due within FILL_AHEAD_DAYS or overdue."""
    today = _today(today)
    qs = access.visible(user, "rectification.Report").filter(rectification__meeting_date__isnull=False)
    qs = qs.exclude(rectification__status=RectStatus.CLOSED)
    if name == "overdue":
        qs = qs.outstanding().filter(due_date__lt=today)
    elif name == "to_sign":
        waiting = ReportVersion.objects.filter(report=OuterRef("pk"), status=VersionStatus.SUBMITTED)
        qs = qs.filter(Exists(waiting))
        if not access.allows(user, "workbench.office"):
            qs = qs.filter(rectification__in=_rects_of_units(user))
    elif name == "to_fill":
        qs = qs.outstanding().filter(
            rectification__in=_rects_of_units(user), due_date__lte=today + timedelta(days=FILL_AHEAD_DAYS)
        )
    else:
        return qs.none()
    return qs.order_by("due_date", "rectification_id", "kind")


def rect_queue(user, name: str, today: date | None = None) -> QuerySet:
    """The rectifications of one queue, among those the user may see, the longest waiting first.

    - plan_review: the plan submitted, waiting for the office (方案待审核);
    - commitments: a 双承诺 written and not yet signed (the principal signs both);
    - publication_review: a 双公开 draft waiting for the office's approval."""
    qs = access.visible(user, "rectification.Rectification")
    if name == "plan_review":
        return qs.filter(status=RectStatus.PLAN_SUBMITTED).order_by("plan_submitted_at", "pk")
    if name == "commitments":
        unsigned = Commitment.objects.filter(rectification=OuterRef("pk"), signed_at__isnull=True)
        qs = qs.filter(Exists(unsigned), meeting_date__isnull=False).exclude(status=RectStatus.CLOSED)
        if not access.allows(user, "workbench.office"):
            qs = qs.filter(unit__principal_user=user)
        return qs.order_by("meeting_date", "pk")
    if name == "publication_review":
        drafts = Publication.objects.filter(rectification=OuterRef("pk"), status=PublicationStatus.DRAFT)
        return qs.filter(Exists(drafts)).order_by("pk")
    return qs.none()


def unit_principal(user) -> bool:
    """Whether the user is the principal (主要负责人) of a unit: he signs; the liaison fills."""
    return access.own_units(user).filter(principal_user=user).exists()



def measure_queue_page(user, name: str, filters) -> QuerySet:
    """A measures queue as its list shows it: narrowed by the list's other filters, with what a row shows."""
    return filters.narrow(measure_queue(user, name)).select_related("problem", "rectification__unit", "rectification__round")


def report_queue_page(user, name: str, filters) -> QuerySet:
    """A reports queue as its list shows it: narrowed by the list's other filters, with what a row shows."""
    return filters.narrow(report_queue(user, name)).select_related(
        "rectification__unit", "rectification__round"
    )
