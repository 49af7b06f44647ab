"""Rounds, units, assignments and announcements.

The office and the leadership see every round, assignment and unit. A team member sees his own
teams' rounds and the assignments granted to him (guardian rows written by
`grants.sync_assignment`), and the units behind them. A unit's own users (principal, liaison) see only
their own unit (`grants.sync_unit`). Writes are the office's.
"""

from django.contrib.auth import get_user_model

from ..grants import granted
from ..registry import model, scope
from ..roles import sees_all_rounds
from .common import own_unit_ids


def granted_assignments(user):
    return granted(user, "rounds.view_assignment", model("rounds.Assignment").objects.all())


@scope("rounds.assignment")
def assignments(user, qs):
    if sees_all_rounds(user):
        return qs
    return granted(user, "rounds.view_assignment", qs)


@scope("rounds.round")
def rounds(user, qs):
    if sees_all_rounds(user):
        return qs
    served = model("rounds.Round").objects.filter(teams__members__cadre__user=user).values("pk")
    return qs.filter(pk__in=granted_assignments(user).values("round_id")) | qs.filter(pk__in=served)


@scope("rounds.unit")
def units(user, qs):
    if sees_all_rounds(user):
        return qs
    return qs.filter(pk__in=own_unit_ids(user)) | qs.filter(pk__in=granted_assignments(user).values("unit_id"))


def round_team_leaders(round_id):
    """The active accounts of the 组长 of a round's teams: besides the office, who hear of its milestones."""
    return get_user_model().objects.filter(
        cadre__memberships__round_id=round_id, cadre__memberships__role="leader", is_active=True
    ).distinct()
