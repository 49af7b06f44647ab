"""The cadre pool, the teams of a round and their members."""

from .cadres import SPECIALTY_SEPARATOR, Cadre, Specialty, parse_specialties
from .teams import MemberRole, Team, TeamMember

__all__ = ["SPECIALTY_SEPARATOR", "Cadre", "MemberRole", "Specialty", "Team", "TeamMember", "parse_specialties"]
