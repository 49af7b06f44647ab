"""Feedback and rectification.

The office and the leadership see every rectification; a team member sees those of his team's
assignments (and the team's internal report). Once the feedback meeting is held, the unit's own users
see their unit's rectification — the fed-back problems, never the findings or the team's report — and
the discipline commission and the organization department see every one (日常监督).
"""

from ..registry import scope
from ..roles import is_office, is_supervisor, sees_all_rounds
from .common import own_unit_ids, team_ids_of, team_role_of


@scope("rectification.rectification")
def rectifications(user, qs):
    if sees_all_rounds(user):
        return qs
    fed_back = qs.filter(meeting_date__isnull=False)
    if is_supervisor(user):
        return fed_back
    return qs.filter(team_id__in=team_ids_of(user)) | fed_back.filter(unit_id__in=own_unit_ids(user))


def rect_role(user, rect) -> str | None:
    """How this user stands to one rectification: 'office', 'leader', 'team', 'principal', 'unit',
    'supervisor' (纪委监委 / 组织部), or None. Every rectification rule decides from this one answer."""
    if not getattr(user, "is_authenticated", False):
        return None
    if is_office(user):
        return "office"
    if sees_all_rounds(user):
        return "leader"
    if rect.fed_back and rect.unit.principal_user_id == user.pk:
        return "principal"
    if rect.fed_back and own_unit_ids(user).filter(pk=rect.unit_id).exists():
        return "unit"
    if team_role_of(user, rect.team_id):
        return "team"
    if rect.fed_back and is_supervisor(user):
        return "supervisor"
    return None


def sees_internal(user, rect) -> bool:
    """The team's report and findings: the office, the leadership and the team — never the unit."""
    return rect_role(user, rect) in ("office", "leader", "team")
