"""The cadre pool, the teams of a round and their members."""

from .cadres import Cadre
from .teams import MemberRole, Team, TeamMember

__all__ = ["Cadre", "MemberRole", "Team", "TeamMember"]
