"""The to-do queues (待办) of findings and leads: each a named query over what the user may see.

The workbench counts a queue and links to the list that shows it (`?queue=<name>`); the list's
selector narrows by the same function, so the count and the rows are one query. The names and their
labels are the `queue` choices of the list's FilterSet (`clues.forms`).
"""

from django.db.models import Q, QuerySet

from clues.models import Channel, FindingStatus, LeadStatus, ScopeStatus
from teams.models import TeamMember
from xuncha import access

LEADER, DEPUTY = "leader", "deputy"


def _team_ids(user, role: str):
    return TeamMember.objects.filter(cadre__user=user, role=role).values("team_id")


def my_review_q(user) -> Q:
    """The findings waiting for this user's review in the chain (xuncha.access.rules.clues, the same
    rules): submitted ones of the teams where he is 副组长, deputy-approved ones of the teams he leads;
    never one he wrote (no one reviews his own work; a team without a 副组长 skips that step)."""
    return (
        Q(status=FindingStatus.SUBMITTED, team_id__in=_team_ids(user, DEPUTY))
        | Q(status=FindingStatus.DEPUTY_APPROVED, team_id__in=_team_ids(user, LEADER))
    ) & ~Q(written_by=user)


def finding_queue_q(user, name: str) -> Q | None:
    """The condition of one findings queue, None for an unknown name."""
    if name == "office_review":
        return Q(status=FindingStatus.LEADER_APPROVED) if access.allows(user, "workbench.office") else Q(pk__in=[])
    if name == "my_review":
        return my_review_q(user)
    return None


def finding_queue(user, name: str) -> QuerySet:
    """The findings of one queue, oldest first."""
    condition = finding_queue_q(user, name)
    qs = access.visible(user, "clues.Finding")
    return (qs.filter(condition) if condition is not None else qs.none()).order_by("created_at", "pk")


def lead_queue_q(user, name: str) -> Q | None:
    """The condition of one leads queue: `triage` — registered, not yet screened (受理甄别), of the
    teams the user leads or deputy-leads (a department's handover is screened by the department)."""
    if name == "triage":
        led = TeamMember.objects.filter(cadre__user=user, role__in=(LEADER, DEPUTY)).values("team_id")
        return Q(status=LeadStatus.REGISTERED, scope=ScopeStatus.PENDING, team_id__in=led) & ~Q(
            channel=Channel.HANDOVER
        )
    return None


def lead_queue(user, name: str) -> QuerySet:
    condition = lead_queue_q(user, name)
    qs = access.visible(user, "clues.Lead")
    return (qs.filter(condition) if condition is not None else qs.none()).order_by("received_on", "pk")

