"""Reads of the unit registry, the terms and the term's coverage (全覆盖), already filtered by `access`.

Every function here costs a fixed number of queries whatever the number of units: counts are
annotated, and the coverage status of each unit is an EXISTS on its assignments in the term.
"""

from dataclasses import dataclass, field

from django.db.models import Case, CharField, Count, Exists, OuterRef, Prefetch, Q, QuerySet, Value, When

from rounds.models import (
    INSPECTED_STATUSES,
    AnnouncementStatus,
    Assignment,
    RoundStatus,
    Term,
    Unit,
    UnitType,
)
from xuncha import access

# --- the registry ------------------------------------------------------------------------------------


def unit_list_for(user) -> QuerySet:
    """The units the user may see, with their parent and the number of their subordinate units."""
    return (
        access.visible(user, "rounds.Unit")
        .select_related("parent")
        .annotate(children_count=Count("children", distinct=True))
        .order_by("unit_type", "name")
    )


def unit_parent_choices_for(user) -> QuerySet:
    """Units that have subordinate units (townships, departments…): the choices of the parent filter."""
    return (
        access.visible(user, "rounds.Unit")
        .filter(pk__in=Unit.objects.filter(parent__isnull=False).values("parent_id"))
        .order_by("unit_type", "name")
    )


def unit_detail_for(user, pk: int) -> Unit:
    """One unit, or 404 when the user may not see it (existence does not leak)."""
    return access.get_visible(user, Unit.objects.select_related("parent", "principal_user", "liaison_user"), pk=pk)


def unit_children_for(user, unit: Unit) -> QuerySet:
    return (
        access.visible(user, "rounds.Unit")
        .filter(parent=unit)
        .annotate(children_count=Count("children", distinct=True))
        .order_by("unit_type", "name")
    )


def my_units(user) -> list[Unit]:
    """本单位: the units whose principal or liaison this user is."""
    return list(access.own_units(user).select_related("parent").order_by("name"))


def unit_assignments_for(user, unit: Unit) -> list[Assignment]:
    """The inspections of a unit the user may know of, newest first.

    The office and leadership see all of them, and so do the unit's own users (the basic facts of
    their own inspection: round, team, period, announcement). A team member sees those of his team.
    Each carries `can_open`: may the user open the assignment's own page?"""
    openable = access.visible(user, "rounds.Assignment").filter(unit=unit)
    if access.allows(user, "see_inspections", unit):
        qs = Assignment.objects.filter(unit=unit)
    else:
        qs = openable
    rows = list(
        qs.select_related("round__term", "team", "announcement").order_by(
            "-round__term__start_date", "-round__number"
        )
    )
    openable_ids = set(openable.values_list("pk", flat=True)) if rows else set()
    for a in rows:
        a.can_open = a.pk in openable_ids
        ann = getattr(a, "announcement", None)
        a.public_announcement = (
            ann if ann is not None and ann.status == AnnouncementStatus.PUBLISHED else None
        )
    return rows


# --- terms -------------------------------------------------------------------------------------------


def term_list() -> QuerySet:
    return Term.objects.annotate(rounds_count=Count("rounds")).order_by("-start_date")


def term_get(user, pk: int) -> Term:
    """A term, or 404 when the user may not see it (terms are the office's and the leadership's)."""
    return access.get_visible(user, Term, pk=pk)


def has_current_term() -> bool:
    return Term.objects.filter(is_current=True).exists()


def current_term() -> Term | None:
    return Term.objects.filter(is_current=True).first()


# --- coverage ----------------------------------------------------------------------------------------

COVERED, PLANNED, NOT_COVERED = "covered", "planned", "none"
COVERAGE_STATUSES = [
    (COVERED, "已巡察"),
    (PLANNED, "已安排"),
    (NOT_COVERED, "未巡察"),
]
# A unit assigned in a round that has not stationed yet is planned, not inspected.
PLANNED_STATUSES = tuple(s for s in RoundStatus if s not in INSPECTED_STATUSES)


def _term_assignments(term: Term, statuses) -> QuerySet:
    return Assignment.objects.filter(unit=OuterRef("pk"), round__term=term, round__status__in=statuses)


def _coverage_base(term: Term) -> QuerySet:
    """Active units, each annotated with `covered`, `planned` and `coverage_status` in the term."""
    return (
        Unit.objects.filter(is_active=True)
        .annotate(
            covered=Exists(_term_assignments(term, INSPECTED_STATUSES)),
            planned=Exists(_term_assignments(term, PLANNED_STATUSES)),
        )
        .annotate(
            coverage_status=Case(
                When(covered=True, then=Value(COVERED)),
                When(planned=True, then=Value(PLANNED)),
                default=Value(NOT_COVERED),
                output_field=CharField(),
            )
        )
    )


def coverage_units(term: Term, *, q: str = "", unit_type: str = "", status: str = "") -> QuerySet:
    """The active units with their coverage status in the term, filtered; each unit carries
    `term_assignments` (its assignments in the term, with round and team) when evaluated."""
    qs = _coverage_base(term)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(parent__name__icontains=q))
    if unit_type:
        qs = qs.filter(unit_type=unit_type)
    if status:
        qs = qs.filter(coverage_status=status)
    in_term = (
        Assignment.objects.filter(round__term=term)
        .select_related("round__term", "team")
        .order_by("round__number")
    )
    return (
        qs.select_related("parent")
        .prefetch_related(Prefetch("assignments", queryset=in_term, to_attr="term_assignments"))
        .order_by("unit_type", "name")
    )


def split_term_assignments(unit: Unit) -> tuple[list[Assignment], list[Assignment]]:
    """A unit's assignments in the term (from `coverage_units`): (inspected, planned)."""
    done = [a for a in unit.term_assignments if a.round.status in INSPECTED_STATUSES]
    planned = [a for a in unit.term_assignments if a.round.status not in INSPECTED_STATUSES]
    return done, planned


def _percent(part: int, whole: int) -> float:
    return round(100 * part / whole, 1) if whole else 0.0


@dataclass
class CoverageRow:
    unit_type: str
    label: str
    active: int = 0
    covered: int = 0
    planned: int = 0

    @property
    def not_covered(self) -> int:
        return self.active - self.covered - self.planned

    @property
    def percent(self) -> float:
        return _percent(self.covered, self.active)


@dataclass
class CoverageSummary:
    term: Term
    rows: list[CoverageRow] = field(default_factory=list)

    @property
    def active(self) -> int:
        return sum(r.active for r in self.rows)

    @property
    def covered(self) -> int:
        return sum(r.covered for r in self.rows)

    @property
    def planned(self) -> int:
        return sum(r.planned for r in self.rows)

    @property
    def not_covered(self) -> int:
        return sum(r.not_covered for r in self.rows)

    @property
    def percent(self) -> float:
        return _percent(self.covered, self.active)


def coverage_summary(term: Term) -> CoverageSummary:
    """Active, covered and planned units of each type in the term (one query)."""
    counts = {
        row["unit_type"]: row
        for row in _coverage_base(term)
        .order_by()
        .values("unit_type")
        .annotate(
            n_active=Count("pk"),
            n_covered=Count("pk", filter=Q(covered=True)),
            n_planned=Count("pk", filter=Q(covered=False, planned=True)),
        )
    }
    rows = [
        CoverageRow(
            unit_type=value,
            label=label,
            active=counts[value]["n_active"],
            covered=counts[value]["n_covered"],
            planned=counts[value]["n_planned"],
        )
        for value, label in UnitType.choices
        if value in counts
    ]
    return CoverageSummary(term=term, rows=rows)


def term_elapsed_percent(term: Term, today) -> float:
    """How much of the term has passed, to set coverage against (0 before it starts, 100 after)."""
    total = (term.end_date - term.start_date).days
    passed = (min(max(today, term.start_date), term.end_date) - term.start_date).days
    return _percent(passed, total)
