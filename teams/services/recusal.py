"""Recusal (回避): a cadre may not inspect his own home unit, a unit above it or a unit below it."""

from rounds.models import Unit
from rounds.services.units import unit_lineage

from ..models import Cadre, Team


def recusal_reasons(*, cadre: Cadre, units: list[Unit]) -> list[str]:
    """Why this cadre may not inspect these units: his own home unit, a unit above it or below it."""
    home = cadre.home_unit
    lineage = unit_lineage(home)
    reasons = []
    for unit in units:
        if unit.pk == home.pk:
            reasons.append(f"{cadre.name}所在单位为{home.name}，须回避本单位的巡察")
        elif unit.pk in lineage.ancestors:
            reasons.append(f"{unit.name}是{cadre.name}所在单位{home.name}的上级单位，须回避")
        elif unit.pk in lineage.descendants:
            reasons.append(f"{unit.name}是{cadre.name}所在单位{home.name}的下属单位，须回避")
    return reasons


def team_units(team: Team) -> list[Unit]:
    """The units a team is sent to."""
    return [a.unit for a in team.assignments.select_related("unit")]
