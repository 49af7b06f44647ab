"""Every write to the cadre pool and the teams goes through these functions."""

from .cadres import cadre_save, refresh_cadre_grants
from .recusal import recusal_reasons
from .teams import (
    TEAM_EDITABLE_STATUSES,
    team_create,
    team_delete,
    team_member_add,
    team_member_remove,
    team_member_update,
    team_update,
)

__all__ = [
    "TEAM_EDITABLE_STATUSES",
    "cadre_save",
    "recusal_reasons",
    "refresh_cadre_grants",
    "team_create",
    "team_delete",
    "team_member_add",
    "team_member_remove",
    "team_member_update",
    "team_update",
]
