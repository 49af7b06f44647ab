"""回头看: in a lookback round, the team sees the unit's earlier feedback and rectification ledger beside
the current state of every measure — what it was when the earlier rectification closed, and what it is now.

Who: those who see the lookback assignment (`access.assignments_for`: the office, the leadership and the
members of the assigned team); anyone else gets 404. Read only.
"""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from rounds.models import RoundKind
from xuncha import access

from ..selectors import closing as selectors
from ..selectors import feedback as feedback_selectors


@login_required
def lookback(request, assignment_pk):
    assignment = feedback_selectors.assignment_get(
        request.user, assignment_pk, related=("round__term", "round__revisit_of__term", "unit", "team__round")
    )
    round = assignment.round
    context = {
        "assignment": assignment,
        "round": round,
        "is_lookback": round.kind == RoundKind.LOOKBACK and round.revisit_of_id is not None,
        "earlier": None,
        "nav_active": "rounds" if access.allows(request.user, "sees_all") else "assignments",
    }
    if not context["is_lookback"]:
        return render(request, "rectification/lookback.html", context)
    earlier = selectors.earlier_rectification(round, assignment.unit)
    if earlier is None:
        return render(request, "rectification/lookback.html", context)
    problems = selectors.lookback_problems(earlier)
    cutoff = selectors.last_closed_at(earlier)
    then = selectors.measures_then(earlier, cutoff)
    latest = selectors.latest_entries(earlier)
    counts = {"measures": 0, "reopened": 0, "not_done": 0}
    for problem in problems:
        for m in problem.measures.all():
            m.then = then.get(m.pk)
            m.latest = latest.get(m.pk)
            m.state = m.deadline_state()
            counts["measures"] += 1
            counts["reopened"] += 1 if m.reopen_count else 0
            counts["not_done"] += 0 if m.is_done else 1
    rating_label, rating_note = selectors.last_rating(earlier)
    context |= {
        "earlier": earlier,
        "problems": problems,
        "cutoff": cutoff,
        "counts": counts,
        "rating_label": rating_label,
        "rating_note": rating_note,
        "earlier_visible": access.allows(request.user, "view", earlier),
        "accountability_count": selectors.accountability_count(earlier),
    }
    return render(request, "rectification/lookback.html", context)
