"""What the workbench shows each role, already filtered by `access`."""

from datetime import timedelta

from django.db.models import Count
from django.utils import timezone

from xuncha.notifications.models import Notification

from . import access


def workbench_for(user) -> dict:
    from rounds.models import Milestone, RoundStatus

    today = timezone.localdate()
    rounds = (
        access.rounds_for(user)
        .exclude(status=RoundStatus.DONE)
        .select_related("term")
        .annotate(team_count=Count("teams", distinct=True), unit_count=Count("assignments", distinct=True))
        .order_by("-term__start_date", "-number")
    )
    milestones = (
        Milestone.objects.filter(
            round__in=access.rounds_for(user),
            actual_date__isnull=True,
            planned_date__isnull=False,
            planned_date__lte=today + timedelta(days=7),
        )
        .exclude(round__status=RoundStatus.DONE)
        .select_related("round__term")
        .order_by("planned_date")[:10]
    )
    assignments = (
        access.assignments_for(user)
        .select_related("round__term", "team", "unit")
        .exclude(round__status=RoundStatus.DONE)
        .order_by("-round__number", "unit__name")[:20]
    )
    return {
        "active_rounds": rounds,
        "due_milestones": milestones,
        "my_assignments": assignments,
        "my_units": access.own_units(user).order_by("name"),
        "recent_messages": Notification.objects.filter(recipient=user).order_by("-created_at")[:5],
        "today": today,
        "soon": today + timedelta(days=3),
    }
