from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q

from xuncha import access
from xuncha.access.grants import sync_unit, sync_unit_staff
from xuncha.access.registry import model
from xuncha.errors import DomainError

from ..models import RoundStatus, Unit

ONLY_OFFICE = "只有巡察办可以维护被巡察单位"


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


def unit_save(*, unit: Unit, staff=None, by=None) -> Unit:
    """Create or update a unit. Refuses a parent that would make a loop, or a move in the hierarchy
    that would put a serving cadre above or below a unit his team inspects (回避)."""
    access.check(by, "rounds.manage_units", message=ONLY_OFFICE)
    old_parent_id = Unit.objects.filter(pk=unit.pk).values_list("parent_id", flat=True).first() if unit.pk else None
    if unit.pk and unit.parent_id:
        if unit.parent_id == unit.pk or unit.parent_id in unit_lineage(unit).descendants:
            raise DomainError("上级单位不能是本单位或其下属单位")
    with transaction.atomic():
        unit.save()
        if unit.pk and old_parent_id != unit.parent_id:
            reasons = _recusal_conflicts_under(unit)
            if reasons:
                transaction.set_rollback(True)
                raise DomainError(f"不能把{unit.name}的上级单位改为{unit.parent or '无'}", reasons=reasons)
        sync_unit(unit)
        if staff is not None:
            unit_set_staff(unit=unit, users=staff, by=by)
    return unit


def unit_set_staff(*, unit: Unit, users, by=None) -> None:
    """Set a department's receiving accounts; what was sent or handed to it follows the new staff."""
    access.check(by, "rounds.manage_units", message=ONLY_OFFICE)
    unit.staff.set(users)
    sync_unit_staff(unit)


def recusal_reasons(*, cadre, units: list[Unit]) -> list[str]:
    """Why this cadre (a `teams.Cadre`) may not inspect these units: his own home unit, a unit above
    it or below it (回避)."""
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


def _recusal_conflicts_under(unit: Unit) -> list[str]:
    """Recusal reasons, after a move, for the serving members whose team or home unit is in the moved subtree."""
    subtree = {unit.pk} | unit_lineage(unit).descendants
    members = (
        model("teams.TeamMember")
        .objects.exclude(round__status=RoundStatus.DONE)
        .filter(Q(team__assignments__unit_id__in=subtree) | Q(cadre__home_unit_id__in=subtree))
        .select_related("cadre__home_unit", "team")
        .distinct()
    )
    reasons: list[str] = []
    for member in members:
        units = [a.unit for a in member.team.assignments.select_related("unit")]
        reasons += recusal_reasons(cadre=member.cadre, units=units)
    return reasons
