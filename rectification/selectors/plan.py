"""Reads of the plan (整改方案与台账): the measures of a rectification as the ledger page filters and
counts them, and the deadline marks as database filters."""

from datetime import date, timedelta

from django.db.models import Count, Q
from django.shortcuts import get_object_or_404
from django.utils import timezone

from ..deadlines import DUE_SOON_DAYS
from ..models import Commitment, Measure, MeasureStatus, Problem


def measure_deadline_q(state: str, today: date) -> Q:
    """`Measure.deadline_state` as a filter, for the database: a measure not closed is 'overdue' past its
    deadline and 'due-soon' within DUE_SOON_DAYS; any other `state` ('normal') is everything else."""
    open_ = ~Q(status=MeasureStatus.CLOSED)
    overdue = open_ & Q(deadline__lt=today)
    due_soon = open_ & Q(deadline__gte=today, deadline__lte=today + timedelta(days=DUE_SOON_DAYS))
    if state == "overdue":
        return overdue
    if state == "due-soon":
        return due_soon
    return ~(overdue | due_soon)


def plan_measures(rect, filters: dict):
    measures = rect.measures.select_related("problem")
    if filters.get("status"):
        measures = measures.filter(status=filters["status"])
    if filters.get("kind"):
        measures = measures.filter(kind=filters["kind"])
    today = timezone.localdate()
    if filters.get("due") in ("soon", "overdue"):
        state = "due-soon" if filters["due"] == "soon" else "overdue"
        measures = measures.filter(measure_deadline_q(state, today))
    q = (filters.get("q") or "").strip()
    if q:
        measures = measures.filter(
            Q(content__icontains=q)
            | Q(goal__icontains=q)
            | Q(responsible_leader__icontains=q)
            | Q(responsible_branch__icontains=q)
            | Q(responsible_person__icontains=q)
            | Q(problem__title__icontains=q)
        )
    return measures.order_by("problem__seq", "seq")


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


def measure_get(rect, pk) -> Measure:
    """A measure of this rectification (404 otherwise)."""
    return get_object_or_404(Measure.objects.select_related("problem"), pk=pk, rectification=rect)


def problem_get(rect, pk) -> Problem:
    return get_object_or_404(Problem, pk=pk, rectification=rect)


def measure_count(rect) -> int:
    return rect.measures.count()


def commitment_get(rect, kind) -> Commitment | None:
    return Commitment.objects.filter(rectification=rect, kind=kind).first()
