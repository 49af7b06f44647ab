"""Reads for recusal (回避): the home units whose cadres must stay off a team."""

from django.db.models import Q, QuerySet

from rounds.services.units import unit_lineage

from ..models import Cadre, TeamMember


def recusal_unit_ids(units) -> set[int]:
    """Home units whose cadres must stay off a team inspecting these units: each unit, the units above it
    and the units below it (回避). The cost is per assigned unit, not per cadre."""
    ids: set[int] = set()
    for unit in units:
        lineage = unit_lineage(unit)
        ids |= {unit.pk} | lineage.ancestors | lineage.descendants
    return ids


# --- rotation (轮换): who has inspected these units before ---------------------------------------------


def earlier_inspections(units, *, exclude_round_id=None) -> QuerySet:
    """The memberships of teams, in other rounds (archival rounds too), sent to any of these units: a
    cadre among them has inspected the unit before, and should rotate to another (轮换)."""
    qs = TeamMember.objects.filter(team__assignments__unit__in=list(units))
    if exclude_round_id is not None:
        qs = qs.exclude(round_id=exclude_round_id)
    return qs.distinct()


def noted_cadre_ids(units) -> dict[int, list[str]]:
    """Cadres whose registered past teams (the imported 参加过的巡察组) name one of these units, with the
    names found: a hint only, since the note is free text."""
    names = [u.name for u in units if u.name]
    if not names:
        return {}
    mentions = Q()
    for name in names:
        mentions |= Q(past_teams_note__contains=name)
    found: dict[int, list[str]] = {}
    for pk, note in Cadre.objects.filter(mentions).values_list("pk", "past_teams_note"):
        found[pk] = [n for n in names if n in note]
    return found


def rotation_notes(*, cadres, units, exclude_round_id=None) -> dict[int, list[str]]:
    """Why each of these cadres should rather not inspect these units again, by cadre id: the teams he
    served on that inspected them (the system's rounds, archival ones included), and the units his
    registered past teams name. A constant number of queries whatever the number of cadres."""
    units = list(units)
    cadres = list(cadres)
    if not units or not cadres:
        return {}
    by_pk = {u.pk: u for u in units}
    names = {c.pk: c.name for c in cadres}
    notes: dict[int, list[str]] = {}
    served = (
        earlier_inspections(units, exclude_round_id=exclude_round_id)
        .filter(cadre_id__in=names)
        .select_related("team__round__term")
        .prefetch_related("team__assignments__unit")
        .order_by("-team__round__term__start_date", "-team__round__number", "pk")
    )
    for member in served:
        for assignment in member.team.assignments.all():
            if assignment.unit_id in by_pk:
                notes.setdefault(member.cadre_id, []).append(
                    f"{names[member.cadre_id]}曾在{member.team.round}{member.team.name}任"
                    f"{member.get_role_display()}，巡察过{assignment.unit.name}"
                )
    for pk, unit_names in noted_cadre_ids(units).items():
        if pk not in names:
            continue
        for name in unit_names:
            if not any(name in n for n in notes.get(pk, [])):
                notes.setdefault(pk, []).append(f"{names[pk]}登记的参加过的巡察组中提到{name}")
    return notes
