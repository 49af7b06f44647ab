"""Teams and the cadre pool.

The office and the leadership see every team and cadre; a member sees his own teams from the day he
joins one (before it has any unit). The cadre pool is the office's and the leadership's. Writes are
the office's."""

from django.contrib.auth import get_user_model

from xuncha.accounts.roles import Role

from ..registry import page, rule, scope
from ..roles import is_office, sees_all_rounds
from .common import team_ids_of


@scope("teams.team")
def teams(user, qs):
    if sees_all_rounds(user):
        return qs
    return qs.filter(pk__in=team_ids_of(user))


@scope("teams.cadre")
def cadres(user, qs):
    return qs if sees_all_rounds(user) else qs.none()


@rule("teams.team", "change", "delete", "add_member", "change_members")
def manage_team(user, team) -> bool:
    return is_office(user)


@rule("teams.cadre", "change")
def change_cadre(user, cadre) -> bool:
    return is_office(user)


@page("teams.cadre_pool")
def cadre_pool(user) -> bool:
    return sees_all_rounds(user)


@page("teams.add_cadre", "teams.import_cadres")
def add_cadre(user) -> bool:
    return is_office(user)


def team_accounts():
    """The accounts a cadre may be linked to: active, with the team role (巡察组)."""
    return get_user_model().objects.filter(groups__name=Role.TEAM, is_active=True)
