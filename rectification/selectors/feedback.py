"""Reads of the feedback pages: the list of rectifications, one rectification with what its overview
shows, and the office's to-do (assignments whose feedback may be prepared)."""

from django.db.models import Count, Min, Q

from clues.models import FindingStatus
from rectification.documents import feedback as docs_feedback
from rounds.models import Assignment, Round
from xuncha import access
from xuncha.core.documents import documents_of

from ..models import MeasureKind, MeasureStatus, Problem, Rectification, RectStatus
from ..services.feedback import CREATE_STATUSES
from .queues import rect_queue


def visible_rectifications(user):
    return access.visible(user, Rectification)


def rectification_get(user, pk) -> Rectification:
    """One rectification the user may see, with what every tab shows (404 otherwise)."""
    return access.get_visible(
        user,
        Rectification.objects.select_related("assignment", "round__term", "unit", "team"),
        pk=pk,
    )


def rectification_of(assignment) -> Rectification | None:
    return Rectification.objects.filter(assignment=assignment).first()


def rounds_of(rects):
    """The rounds of these rectifications (the choices of a round filter)."""
    return Round.objects.filter(pk__in=rects.values("round_id"))


def rect_list(user, filters):
    """The rectifications the user may see, narrowed by the list's `RectFilter`, with their measure
    counts and next report due."""
    queue = filters.chosen().get("queue")
    if queue:  # a to-do queue of the workbench: the same query as its count, in its order (oldest first)
        base = rect_queue(user, queue)
        order = base.query.order_by
    else:
        base = visible_rectifications(user)
        order = ("-round__planned_start", "-round__number", "unit__name", "pk")
    rects = filters.narrow(base.select_related("round__term", "unit", "team"))
    return rects.annotate(
        measure_total=Count("measures", distinct=True),
        measure_closed=Count("measures", filter=Q(measures__status=MeasureStatus.CLOSED), distinct=True),
        next_due=Min("reports__due_date", filter=Q(reports__submitted_at__isnull=True, reports__waived_at__isnull=True)),
    ).order_by(*order)


def pending_assignments():
    """The office's to-do: assignments whose feedback may be prepared and is not yet."""
    return (
        Assignment.objects.filter(round__status__in=CREATE_STATUSES, rectification__isnull=True)
        .annotate(approved=Count("findings", filter=Q(findings__status=FindingStatus.APPROVED)))
        .filter(approved__gt=0)
        .select_related("round__term", "team", "unit")
        .order_by("-round__planned_start", "team__number", "unit__name")
    )


def assignment_get(user, pk, related=("round__term", "team", "unit")):
    """An assignment the user may see (404 otherwise)."""
    return access.get_visible(user, Assignment.objects.select_related(*related), pk=pk)


def feedback_documents(user, rect: Rectification) -> list:
    """The latest document of each kind the user may see (internal report only to the team's side)."""
    latest = {}
    for doc in documents_of(rect).filter(kind__in=docs_feedback.KINDS):
        latest.setdefault(doc.kind, doc)
    return [
        latest[kind]
        for kind in docs_feedback.KINDS
        if kind in latest and access.allows(user, docs_feedback.VIEW_ACTION[kind], rect)
    ]


def rect_problems(rect: Rectification) -> list[Problem]:
    return list(rect.problems.select_related("category", "finding__round", "finding__team"))


def problem_count(rect: Rectification) -> int:
    return rect.problems.count()


def problem_get(user, rect: Rectification, pk) -> Problem:
    return access.get_visible(user, rect.problems.select_related("category", "finding"), pk=pk)


def measure_total(rect: Rectification) -> int:
    return rect.measures.count()


def measure_counts(rect: Rectification) -> list[tuple[str, int]]:
    rows = dict(rect.measures.values_list("status").annotate(n=Count("pk")).values_list("status", "n"))
    counts = [(label, rows.get(value, 0)) for value, label in MeasureStatus.choices]
    long_term = rect.measures.filter(kind=MeasureKind.LONG_TERM).count()
    if long_term:
        counts.append((MeasureKind.LONG_TERM.label, long_term))
    return counts


def meeting_correctable(rect: Rectification) -> bool:
    """The feedback meeting's record may still be corrected: no plan submitted, no report sent."""
    return rect.status == RectStatus.PLANNING and not rect.reports.exclude(submitted_at=None).exists()
