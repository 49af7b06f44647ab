"""What the workbench shows each role, already filtered by `access`."""

from datetime import timedelta

from django.db.models import Count, Prefetch
from django.utils import timezone

from rectification.models import Measure, MeasureStatus, Rectification, RectStatus, Report
from rounds.models import Milestone, RoundStatus
from xuncha import access
from xuncha.notifications.models import Notification

# How far ahead the unit's workbench lists measures (the yellow mark's horizon, rectification.models.deadlines).
MEASURES_AHEAD_DAYS = 7


def workbench_for(user) -> dict:
    today = timezone.localdate()
    rounds = (
        access.visible(user, "rounds.Round")
        .exclude(status=RoundStatus.DONE)
        .select_related("term")
        .annotate(team_count=Count("teams", distinct=True), unit_count=Count("assignments", distinct=True))
        .order_by("-term__start_date", "-number")
    )
    milestones = (
        Milestone.objects.filter(
            round__in=access.visible(user, "rounds.Round"),
            actual_date__isnull=True,
            planned_date__isnull=False,
            planned_date__lte=today + timedelta(days=7),
        )
        .exclude(round__status=RoundStatus.DONE)
        .select_related("round__term")
        .order_by("planned_date")[:10]
    )
    assignments = (
        access.visible(user, "rounds.Assignment")
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
        **rectification_workbench(user, today),
    }


def rectification_workbench(user, today) -> dict:
    """The rectification's part of the workbench, a bounded number of queries whatever the number of
    rectifications:

    - the unit's own users: their open rectifications with the next report due, and the measures due
      within 7 days or overdue (yellow / red);
    - the discipline commission and the organization department: the latest reports submitted, and the
      number of overdue reports;
    - the office: the plans awaiting approval and the overdue reports.
    """
    context = {}
    if not user.is_authenticated:
        return context
    overdue_reports = Report.objects.filter(
        rectification__meeting_date__isnull=False, submitted_at__isnull=True, due_date__lt=today
    ).exclude(rectification__status=RectStatus.CLOSED)

    own = (
        Rectification.objects.filter(unit_id__in=access.own_units(user).values("pk"), meeting_date__isnull=False)
        .exclude(status=RectStatus.CLOSED)
        .select_related("unit", "round")
        .prefetch_related(
            Prefetch(
                "reports",
                queryset=Report.objects.filter(submitted_at__isnull=True).order_by("due_date", "kind"),
                to_attr="open_reports",
            )
        )
        .order_by("-round__planned_start", "unit__name")
    )
    own = list(own)
    if own:
        for rect in own:
            rect.next_report = rect.open_reports[0] if rect.open_reports else None
        context["my_rectifications"] = own
        context["my_due_measures"] = list(
            Measure.objects.filter(
                rectification__in=[r.pk for r in own],
                deadline__lte=today + timedelta(days=MEASURES_AHEAD_DAYS),
            )
            .exclude(status=MeasureStatus.CLOSED)
            .select_related("problem", "rectification__unit")
            .order_by("deadline", "problem__seq", "seq")[:30]
        )

    if access.allows(user, "workbench.office"):
        plans = Rectification.objects.filter(status=RectStatus.PLAN_SUBMITTED)
        context["rect_office"] = {
            "plans_count": plans.count(),
            "plans": list(plans.select_related("unit", "round").order_by("plan_submitted_at", "pk")[:10]),
            "overdue_count": overdue_reports.count(),
            "overdue_reports": list(
                overdue_reports.select_related("rectification__unit", "rectification__round").order_by(
                    "due_date", "pk"
                )[:10]
            ),
        }
    elif access.allows(user, "workbench.supervision"):
        visible = access.visible(user, "rectification.Rectification")
        context["rect_supervision"] = {
            "latest_reports": list(
                Report.objects.filter(rectification__in=visible, submitted_at__isnull=False)
                .select_related("rectification__unit", "rectification__round")
                .order_by("-submitted_at", "-pk")[:10]
            ),
            "overdue_count": overdue_reports.filter(rectification__in=visible).count(),
        }
    return context
