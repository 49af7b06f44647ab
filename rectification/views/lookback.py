"""回头看: in a lookback round, the team sees the unit's earlier feedback and rectification ledger beside
the current state of every measure — what it was when the earlier rectification closed, and what it is now.

Who: those who see the lookback assignment (`access.assignments_for`: the office, the leadership and the
members of the assigned team); anyone else gets 404. Read only.
"""

from django.contrib.auth.decorators import login_required
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, render
from django.urls import path

from rounds.models import RoundKind
from xuncha import access
from xuncha.accounts.roles import sees_all_rounds

from ..models import Measure, MeasureEvent, Rectification
from ..services.closing import last_closed_at, last_rating, latest_entries


def _state_then(rect: Rectification, cutoff) -> dict:
    """Each measure as its history recorded it at `cutoff` (when the earlier rectification closed)."""
    if cutoff is None:
        return {}
    then = {}
    records = Measure.history.filter(rectification_id=rect.pk, history_date__lte=cutoff).order_by(
        "history_date", "history_id"
    )
    for record in records:
        then[record.id] = None if record.history_type == "-" else record
    return then


@login_required
def lookback(request, assignment_pk):
    assignment = get_object_or_404(
        access.visible(request.user, "rounds.Assignment").select_related(
            "round__term", "round__revisit_of__term", "unit", "team__round"
        ),
        pk=assignment_pk,
    )
    round = assignment.round
    context = {
        "assignment": assignment,
        "round": round,
        "is_lookback": round.kind == RoundKind.LOOKBACK and round.revisit_of_id is not None,
        "earlier": None,
        "nav_active": "rounds" if sees_all_rounds(request.user) else "assignments",
    }
    if not context["is_lookback"]:
        return render(request, "rectification/lookback.html", context)
    earlier = (
        Rectification.objects.filter(round=round.revisit_of, unit=assignment.unit)
        .select_related("round__term", "unit", "team__round", "rated_by")
        .first()
    )
    if earlier is None:
        return render(request, "rectification/lookback.html", context)
    measures = Measure.objects.prefetch_related(
        Prefetch(
            "events",
            queryset=MeasureEvent.objects.filter(action=MeasureEvent.Action.REOPEN).select_related("by"),
            to_attr="reopen_events",
        )
    ).order_by("seq")
    problems = list(
        earlier.problems.select_related("category").prefetch_related(Prefetch("measures", queryset=measures))
    )
    cutoff = last_closed_at(earlier)
    then = _state_then(earlier, cutoff)
    latest = latest_entries(earlier)
    counts = {"measures": 0, "reopened": 0, "not_done": 0}
    for problem in problems:
        for m in problem.measures.all():
            m.then = then.get(m.pk)
            m.latest = latest.get(m.pk)
            m.state = m.deadline_state()
            counts["measures"] += 1
            counts["reopened"] += 1 if m.reopen_count else 0
            counts["not_done"] += 0 if m.is_done else 1
    rating_label, rating_note = last_rating(earlier)
    context |= {
        "earlier": earlier,
        "problems": problems,
        "cutoff": cutoff,
        "counts": counts,
        "rating_label": rating_label,
        "rating_note": rating_note,
        "earlier_visible": access.visible(request.user, "rectification.Rectification").filter(pk=earlier.pk).exists(),
        "accountability_count": earlier.accountabilities.count(),
    }
    return render(request, "rectification/lookback.html", context)


urlpatterns = [
    path("assignments/<int:assignment_pk>/lookback/", lookback, name="lookback"),
]
