"""Reads for recusal (回避): the home units whose cadres must stay off a team."""

from rounds.services.units import unit_lineage


def recusal_unit_ids(units) -> set[int]:
    """Home units whose cadres must stay off a team inspecting these units: each unit, the units above it
    and the units below it (回避). The cost is per assigned unit, not per cadre."""
    ids: set[int] = set()
    for unit in units:
        lineage = unit_lineage(unit)
        ids |= {unit.pk} | lineage.ancestors | lineage.descendants
    return ids
