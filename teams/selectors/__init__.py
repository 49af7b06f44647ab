"""Every read the cadre and team pages need, already restricted to the user."""

from .cadres import (
    cadre_get,
    cadre_home_units,
    cadre_list,
    cadre_memberships,
    cadre_specialties,
    cadres_for,
    linkable_users,
)
from .recusal import earlier_inspections, noted_cadre_ids, recusal_unit_ids, rotation_notes
from .teams import (
    ROLE_ORDER,
    cadres_to_add,
    member_get,
    next_team_name,
    round_teams,
    team_assignments,
    team_get,
    team_history_rows,
    team_members,
    team_round_get,
)

__all__ = [
    "ROLE_ORDER",
    "cadre_home_units",
    "cadre_specialties",
    "cadre_get",
    "cadre_list",
    "cadre_memberships",
    "cadres_for",
    "cadres_to_add",
    "linkable_users",
    "member_get",
    "next_team_name",
    "earlier_inspections",
    "noted_cadre_ids",
    "recusal_unit_ids",
    "rotation_notes",
    "round_teams",
    "team_assignments",
    "team_get",
    "team_history_rows",
    "team_round_get",
    "team_members",
]
