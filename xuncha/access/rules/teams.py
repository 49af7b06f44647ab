"""Teams and the cadre pool.

The office and the leadership see every team and cadre; a member sees his own teams from the day he
joins one (before it has any unit). The cadre pool is the office's and the leadership's."""

from ..registry import scope
from ..roles import sees_all_rounds
from .common import team_ids_of


@scope("teams.team")
def teams(user, qs):
    if sees_all_rounds(user):
        return qs
    return qs.filter(pk__in=team_ids_of(user))


@scope("teams.cadre")
def cadres(user, qs):
    return qs if sees_all_rounds(user) else qs.none()
