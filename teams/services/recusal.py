"""Recusal (回避): a cadre may not inspect his own home unit, a unit above it or a unit below it.


The rule itself (`recusal_reasons`) is the unit hierarchy's, in `rounds.services.units`: the rounds
app checks it too when a team is assigned or a unit moves, and rounds sits below teams.
"""

from rounds.models import Unit
from rounds.services.units import recusal_reasons

from ..models import Team

__all__ = ["recusal_reasons", "team_units"]


def team_units(team: Team) -> list[Unit]:
    """The units a team is sent to."""
    return [a.unit for a in team.assignments.select_related("unit")]
