from dataclasses import dataclass

from django.db import transaction

from xuncha.core.access import sync_unit_grants
from xuncha.core.errors import DomainError

from ..models import Unit


@dataclass(frozen=True)
class Lineage:
    """A unit's place in the hierarchy: the units above it and the units below it."""

    ancestors: frozenset[int]
    descendants: frozenset[int]


def unit_lineage(unit: Unit) -> Lineage:
    ancestors: set[int] = set()
    parent_id = unit.parent_id
    while parent_id and parent_id not in ancestors and parent_id != unit.pk:
        ancestors.add(parent_id)
        parent_id = Unit.objects.filter(pk=parent_id).values_list("parent_id", flat=True).first()
    descendants: set[int] = set()
    frontier = {unit.pk}
    while frontier:
        frontier = set(Unit.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)) - descendants
        descendants |= frontier
    return Lineage(frozenset(ancestors), frozenset(descendants))


def unit_save(*, unit: Unit, by=None) -> Unit:
    """Create or update a unit. Refuses a parent that would make a loop."""
    if unit.pk and unit.parent_id:
        if unit.parent_id == unit.pk or unit.parent_id in unit_lineage(unit).descendants:
            raise DomainError("上级单位不能是本单位或其下属单位")
    with transaction.atomic():
        unit.save()
        sync_unit_grants(unit)
    return unit
