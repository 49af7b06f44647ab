"""Reads of the plan (整改方案与台账): the measures of a rectification as the ledger page filters and
counts them, and the deadline marks as database filters."""

from django.db.models import Count, Q
from django.utils import timezone

from xuncha import access

from ..models import Commitment, Measure, MeasureStatus, Problem, measure_deadline_q


def plan_measures(rect, filters):
    """The rectification's measures narrowed by the plan page's `MeasureFilter`, in order."""
    return filters.narrow(rect.measures.select_related("problem")).order_by("problem__seq", "seq")


def plan_problems(rect, only=None):
    """The rectification's problems in order; `only`: just those ids (the problems a filter kept)."""
    problems = rect.problems.select_related("category").order_by("seq")
    if only is not None:
        problems = problems.filter(pk__in=list(only))
    return problems


def plan_counts(rect) -> dict:
    today = timezone.localdate()
    counts = rect.measures.aggregate(
        total=Count("pk"),
        open=Count("pk", filter=Q(status=MeasureStatus.OPEN)),
        closed=Count("pk", filter=Q(status=MeasureStatus.CLOSED)),
        returned=Count("pk", filter=Q(status=MeasureStatus.RETURNED)),
        due_soon=Count("pk", filter=measure_deadline_q("due-soon", today)),
        overdue=Count("pk", filter=measure_deadline_q("overdue", today)),
    )
    counts["problems"] = rect.problems.count()
    return counts


def measure_get(user, rect, pk) -> Measure:
    """A measure of this rectification the user may see (404 otherwise)."""
    return access.get_visible(user, Measure.objects.select_related("problem").filter(rectification=rect), pk=pk)


def problem_get(user, rect, pk) -> Problem:
    return access.get_visible(user, Problem.objects.filter(rectification=rect), pk=pk)


def measure_count(rect) -> int:
    return rect.measures.count()


def commitment_get(rect, kind) -> Commitment | None:
    return Commitment.objects.filter(rectification=rect, kind=kind).first()
