"""Milestone reminders, written to the inbox once per milestone and recipient."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from rounds.models import Milestone, RoundStatus
from xuncha.access.rules.rounds import round_team_leaders
from xuncha.core.services import office_users
from xuncha.notifications.services import notify

REMIND_DAYS_AHEAD = 3


def due_milestones(today):
    return (
        Milestone.objects.filter(
            planned_date__gte=today,
            planned_date__lte=today + timedelta(days=REMIND_DAYS_AHEAD),
            actual_date__isnull=True,
        )
        .exclude(round__status=RoundStatus.DONE)
        .select_related("round__term")
        .order_by("planned_date", "id")
    )


def remind_due_milestones(*, today=None) -> int:
    """Returns the number of new inbox messages. Running it again the same day (or the next) adds none:
    the dedupe key names the milestone and its planned date, so a moved date is reminded again."""
    today = today or timezone.localdate()
    office = office_users()
    written = 0
    for m in due_milestones(today):
        leaders = round_team_leaders(m.round_id)
        days = (m.planned_date - today).days
        when = "今天" if days == 0 else f"{days}天后"
        written += notify(
            recipients=[*office, *leaders],
            title=f"{m.round}“{m.get_kind_display()}”{when}（{m.planned_date:%m月%d日}）到期",
            body=f"{m.round}的工作节点“{m.get_kind_display()}”计划于{m.planned_date:%Y年%m月%d日}，请做好准备。",
            link=reverse("rounds:round_detail", args=[m.round_id]),
            dedupe_key=f"milestone:{m.pk}:{m.planned_date.isoformat()}",
        )
    return written


__all__ = ["due_milestones", "remind_due_milestones"]
