"""Rounds, units, assignments and announcements.

The office and the leadership see every round, assignment and unit. A team member sees his own
teams' rounds and the assignments granted to him (guardian rows written by
`grants.sync_assignment`), and the units behind them. A unit's own users (principal, liaison) see only
their own unit (`grants.sync_unit`). Terms and coverage are the office's and the leadership's.
Writes are the office's; whether the round's stage still allows one is the services' answer.
"""

from django.contrib.auth import get_user_model
from django.db.models import Q

from xuncha.accounts.roles import Role

from ..grants import granted, granted_ids
from ..registry import model, page, rule, scope
from ..roles import is_office, sees_all_rounds
from .common import own_unit_ids, per_request, serves_on


def granted_assignments(user):
    return model("rounds.Assignment").objects.filter(
        pk__in=granted_ids(user, "rounds.view_assignment", model("rounds.Assignment"))
    )


@scope("rounds.assignment")
def assignments(user, qs):
    if sees_all_rounds(user):
        return qs
    return granted(user, "rounds.view_assignment", qs)


@scope("rounds.round")
def rounds(user, qs):
    if sees_all_rounds(user):
        return qs
    return qs.filter(per_request(user, "rounds.round", lambda: _round_filter(user)))


def _round_filter(user) -> Q:
    """The rounds of the assignments granted to him, and those his teams serve in."""
    served = model("rounds.Round").objects.filter(teams__members__cadre__user=user).values("pk")
    return Q(pk__in=granted_assignments(user).values("round_id")) | Q(pk__in=served)


@scope("rounds.unit")
def units(user, qs):
    if sees_all_rounds(user):
        return qs
    return qs.filter(per_request(user, "rounds.unit", lambda: _unit_filter(user)))


def _unit_filter(user) -> Q:
    """His own unit (a principal's or liaison's), and the units of the assignments granted to him."""
    return Q(pk__in=own_unit_ids(user)) | Q(pk__in=granted_assignments(user).values("unit_id"))


@scope("rounds.announcement")
def announcements(user, qs):
    """The announcements of the assignments the user may see (the public reads the published ones
    through the public pages, which need no login)."""
    return qs.filter(assignment__in=assignments(user, model("rounds.Assignment").objects.all()))


@scope("rounds.term")
def terms(user, qs):
    return qs if sees_all_rounds(user) else qs.none()


@rule("rounds.round", "change", "transition", "edit_milestones", "assign", "form_teams")
def manage_round(user, round) -> bool:
    return is_office(user)


@rule("rounds.assignment", "change", "delete", "edit_announcement", "publish", "withdraw")
def manage_assignment(user, assignment) -> bool:
    return is_office(user)


@rule("rounds.assignment", "work")
def work_on_assignment(user, assignment) -> bool:
    """Record leads and write findings on it: the office and the assigned team."""
    return is_office(user) or serves_on(user, assignment.team_id)


@rule("rounds.unit", "change")
def change_unit(user, unit) -> bool:
    return is_office(user)


@rule("rounds.unit", "see_inspections")
def see_unit_inspections(user, unit) -> bool:
    """Every inspection of the unit (round, team, period, announcement): the office, the leadership and
    the unit's own users; a team member knows only his own team's."""
    return sees_all_rounds(user) or is_own_unit(user, unit)


@rule("rounds.unit", "own")
def is_own_unit(user, unit) -> bool:
    """The user is the unit's principal or liaison (its own user)."""
    return model("rounds.Unit").objects.filter(pk=unit.pk, pk__in=own_unit_ids(user)).exists()


@page(
    "rounds.add_unit", "rounds.manage_units", "rounds.import_units", "rounds.add_round", "rounds.manage_terms"
)
def office_pages(user) -> bool:
    return is_office(user)


@page("rounds.export_units", "rounds.coverage")
def sees_all_pages(user) -> bool:
    """Read-only pages of the office and the leadership."""
    return sees_all_rounds(user)


def round_team_leaders(round_id):
    """The active accounts of the 组长 of a round's teams: besides the office, who hear of its milestones."""
    return (
        get_user_model()
        .objects.filter(
            cadre__memberships__round_id=round_id, cadre__memberships__role="leader", is_active=True
        )
        .distinct()
    )


def unit_accounts():
    """The accounts a unit's principal or liaison may be linked to: active, with the unit role."""
    return get_user_model().objects.filter(groups__name=Role.UNIT, is_active=True)


def staff_accounts():
    """The accounts a department's or receiver's staff (经办人) may be: active, with a receiving role."""
    return get_user_model().objects.filter(
        groups__name__in=(Role.DEPARTMENT, Role.JIWEI, Role.ZUZHIBU), is_active=True
    ).distinct()
