"""Common and recurring problems (共性问题, 反弹): what the office reads before writing its 专题报告.

Three questions about a scope (a term, or one round of it), each over approved findings only:

- **Common problems** (共性问题): taxonomy categories — and their top-level areas — found in many of the
  scope's inspected units. A category is common when it was found in at least `min_units` units, or in at
  least `min_share` per cent of the units inspected in the scope (and then in two units at least: one unit
  alone is never "common"). Ordered by the number of units, then of findings.
- **Recurring problems** (反复出现): a unit with an approved finding of category C in a round of the scope
  and in an earlier round (of any term) — the same problem came back at the next inspection.
- **Rebounds after rectification** (整改后又反弹): a closed rectification of a unit that fed back a problem
  of category C, and a later approved finding of C in that unit in the scope; or a rectification of the
  scope whose measure was reopened after being closed (`Measure.reopen_count > 0`).

Rounds are ordered by their planned start (then term, then number): "earlier" means started before.
`analyse` runs a fixed number of queries whatever the size of the county (group-bys and one query per
kind of row); the rest is done in Python over what those queries return.

Public API: `Threshold`, `Scope`, `resolve_scope`, `default_scope`, `analyse` → `Analysis` (with
`CommonProblem`, `Recurrence`, `Rebound`, `CameBack`), and `round_order`.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Case, Count, Exists, F, IntegerField, OuterRef, Q, Value, When, Window
from django.db.models.functions import RowNumber

from clues.models import Category, Finding, FindingStatus, Severity, area_of
from rectification.models import Measure, Problem, RectStatus
from rounds.models import INSPECTED_STATUSES, Assignment, Round, Term

DEFAULT_MIN_UNITS = 3
DEFAULT_MIN_SHARE = 30  # per cent of the units inspected in the scope
MAX_EXAMPLES = 3  # example findings shown per common category or area, from different units

SEVERITY_RANK = {Severity.GRAVE: 0, Severity.SERIOUS: 1, Severity.GENERAL: 2}


# --- threshold and scope ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Threshold:
    """When a category counts as common: found in `min_units` units or more, or in `min_share` per cent
    of the inspected units or more (in two units at least). `min_share=None` turns the share rule off."""

    min_units: int = DEFAULT_MIN_UNITS
    min_share: int | None = DEFAULT_MIN_SHARE

    def met(self, units: int, inspected: int) -> bool:
        if units <= 0:
            return False
        if units >= self.min_units:
            return True
        if self.min_share is None or inspected <= 0 or units < 2:
            return False
        return units * 100 >= self.min_share * inspected

    @property
    def label(self) -> str:
        """“3个以上单位或30%以上的被巡察单位”, as the page and the report state the rule."""
        text = f"{self.min_units}个以上单位"
        if self.min_share is not None:
            text += f"或{self.min_share}%以上的被巡察单位"
        return text

    @property
    def params(self) -> dict:
        return {"min_units": self.min_units, "min_share": "" if self.min_share is None else self.min_share}


@dataclass(frozen=True)
class Scope:
    """A term, or one round of it."""

    term: Term
    round: Round | None = None

    @property
    def subject(self):
        """What the scope's thematic reports hang on: the round, else the term."""
        return self.round if self.round is not None else self.term

    @property
    def label(self) -> str:
        """“第十五届县委第五轮巡察” or “第十五届县委巡察”."""
        return str(self.round) if self.round is not None else f"{self.term.name}巡察"

    def rounds_q(self, prefix: str = "round") -> Q:
        if self.round is not None:
            return Q(**{prefix: self.round.pk})
        return Q(**{f"{prefix}__term": self.term.pk})

    @property
    def params(self) -> dict:
        return {"term": self.term.pk, "round": self.round.pk if self.round is not None else ""}


def default_scope() -> Scope | None:
    """The current term (else the latest), all its rounds."""
    term = Term.objects.order_by("-is_current", "-start_date", "-pk").first()
    return Scope(term=term) if term else None


def resolve_scope(*, term_id=None, round_id=None) -> Scope | None:
    """The scope the query string names: a round (its term with it), else a term, else the default.
    An unknown id falls back to the default scope (a stale link shows something, never a 500)."""
    if round_id:
        round = Round.objects.select_related("term").filter(pk=round_id).first()
        if round is not None:
            return Scope(term=round.term, round=round)
    if term_id:
        term = Term.objects.filter(pk=term_id).first()
        if term is not None:
            return Scope(term=term)
    return default_scope()


def terms() -> list[Term]:
    """The terms of the scope picker, newest first."""
    return list(Term.objects.order_by("-start_date", "-pk"))


def scope_rounds(scope: Scope) -> list[Round]:
    """The rounds of the scope's term, for the scope picker."""
    return list(scope.term.rounds.select_related("term").order_by("number"))


def round_order(round: Round) -> tuple:
    """Rounds in the order they happened (needs `round.term` loaded)."""
    return (round.planned_start, round.term.start_date, round.number, round.pk)


# --- results ----------------------------------------------------------------------------------------


@dataclass
class CommonProblem:
    """A category (level 'category') or a taxonomy area (level 'area') found in many units."""

    category: Category
    area: Category
    level: str
    findings: int
    units: int
    share: Decimal  # per cent of the inspected units, one decimal
    unit_names: list[str]
    examples: list[Finding]  # up to MAX_EXAMPLES, from different units, gravest first

    @property
    def name(self) -> str:
        return self.category.name


@dataclass
class Recurrence:
    """One unit's category found in an earlier round and again in `later_round` (a round of the scope)."""

    unit: object
    category: Category
    area: Category
    later_round: Round
    earlier_rounds: list[Round]
    later_findings: list[Finding]
    earlier_findings: list[Finding]


@dataclass
class CameBack:
    """A problem fed back in a closed rectification whose category was found again later."""

    category: Category
    problems: list[Problem]
    findings: list[Finding]


@dataclass
class Rebound:
    """A rectification whose problems recurred: categories found again after it closed, or measures
    reopened (反弹重开)."""

    rectification: object
    came_back: list[CameBack] = field(default_factory=list)
    reopened: list[Measure] = field(default_factory=list)

    @property
    def unit(self):
        return self.rectification.unit

    @property
    def round(self):
        return self.rectification.round


@dataclass
class Analysis:
    scope: Scope
    threshold: Threshold
    inspected_units: int
    findings_total: int
    units_with_findings: int
    common_categories: list[CommonProblem]
    common_areas: list[CommonProblem]
    recurring: list[Recurrence]
    rebounds: list[Rebound]

    @property
    def common_units(self) -> int:
        """Units where at least one common category was found."""
        return len({name for problem in self.common_categories for name in problem.unit_names})

    @property
    def recurring_units(self) -> int:
        return len({r.unit.pk for r in self.recurring})

    @property
    def rebound_units(self) -> int:
        return len({r.unit.pk for r in self.rebounds})


# --- the analysis -----------------------------------------------------------------------------------


def _approved():
    return Finding.objects.filter(status=FindingStatus.APPROVED)


def _taxonomy_key(category: Category, categories: dict[int, Category]) -> tuple:
    area = area_of(category.pk, categories)
    own = (0, 0) if category.pk == area.pk else (category.order, category.pk)
    return (area.scheme, area.order, area.pk, *own)


def _share(units: int, inspected: int) -> Decimal:
    if inspected <= 0:
        return Decimal("0.0")
    return (Decimal(units * 100) / Decimal(inspected)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _finding_rank(finding: Finding) -> tuple:
    return (SEVERITY_RANK.get(finding.severity, 9), not finding.is_key, finding.unit.name, finding.pk)


def _examples(candidates: list[Finding]) -> list[Finding]:
    """Up to MAX_EXAMPLES findings from different units, the gravest first."""
    picked, units = [], set()
    for finding in sorted(candidates, key=_finding_rank):
        if finding.unit_id in units:
            continue
        picked.append(finding)
        units.add(finding.unit_id)
        if len(picked) == MAX_EXAMPLES:
            break
    return picked


def _common(scope: Scope, threshold: Threshold, inspected: int, categories: dict[int, Category]):
    """(common categories, common areas, findings total, units with findings): two queries."""
    in_scope = _approved().filter(scope.rounds_q())
    pairs = list(
        in_scope.values("category_id", "unit_id", "unit__name").annotate(n=Count("id")).order_by()
    )  # one row per (category, unit)
    findings_total = sum(row["n"] for row in pairs)
    units_with_findings = len({row["unit_id"] for row in pairs})

    by_category: dict[int, dict] = defaultdict(lambda: {"findings": 0, "units": {}})
    by_area: dict[int, dict] = defaultdict(lambda: {"findings": 0, "units": {}})
    for row in pairs:
        area = area_of(row["category_id"], categories)
        for bucket in (by_category[row["category_id"]], by_area[area.pk]):
            bucket["findings"] += row["n"]
            bucket["units"][row["unit_id"]] = row["unit__name"]

    common_category_ids = [pk for pk, b in by_category.items() if threshold.met(len(b["units"]), inspected)]
    common_area_ids = [pk for pk, b in by_area.items() if threshold.met(len(b["units"]), inspected)]

    # Example findings: one per (category, unit) among the categories that will show examples.
    wanted = set(common_category_ids) | {
        pk for pk in by_category if area_of(pk, categories).pk in set(common_area_ids)
    }
    severity = Case(
        *[When(severity=value, then=Value(rank)) for value, rank in SEVERITY_RANK.items()],
        default=Value(9),
        output_field=IntegerField(),
    )
    candidates = (
        list(
            in_scope.filter(category_id__in=wanted)
            .annotate(
                pick=Window(
                    RowNumber(),
                    partition_by=[F("category_id"), F("unit_id")],
                    order_by=[severity.asc(), F("is_key").desc(), F("serial").asc(), F("pk").asc()],
                )
            )
            .filter(pick=1)
            .select_related("unit", "round", "team", "category")
        )
        if wanted
        else []
    )
    candidates_of: dict[int, list[Finding]] = defaultdict(list)
    for finding in candidates:
        candidates_of[finding.category_id].append(finding)

    def build(pk: int, bucket: dict, level: str) -> CommonProblem:
        category = categories[pk]
        if level == "area":
            pool = [
                f for cid, found in candidates_of.items() if area_of(cid, categories).pk == pk for f in found
            ]
        else:
            pool = candidates_of.get(pk, [])
        return CommonProblem(
            category=category,
            area=area_of(pk, categories),
            level=level,
            findings=bucket["findings"],
            units=len(bucket["units"]),
            share=_share(len(bucket["units"]), inspected),
            unit_names=sorted(bucket["units"].values()),
            examples=_examples(pool),
        )

    def ordered(items: list[CommonProblem]) -> list[CommonProblem]:
        return sorted(items, key=lambda c: (-c.units, -c.findings, _taxonomy_key(c.category, categories)))

    common_categories = ordered([build(pk, by_category[pk], "category") for pk in common_category_ids])
    common_areas = ordered([build(pk, by_area[pk], "area") for pk in common_area_ids])
    return common_categories, common_areas, findings_total, units_with_findings


def _recurring(scope: Scope, categories: dict[int, Category]) -> list[Recurrence]:
    """One query: the approved findings of a (unit, category) found in the scope and in another round."""
    same = _approved().filter(unit_id=OuterRef("unit_id"), category_id=OuterRef("category_id"))
    findings = list(
        _approved()
        .filter(Exists(same.filter(scope.rounds_q())))
        .filter(Exists(same.exclude(round_id=OuterRef("round_id"))))
        .select_related("round__term", "team", "unit", "category")
    )
    by_pair: dict[tuple[int, int], list[Finding]] = defaultdict(list)
    for finding in findings:
        by_pair[(finding.unit_id, finding.category_id)].append(finding)

    in_scope = _scope_round_test(scope)
    recurrences = []
    for (_unit_id, category_id), found in by_pair.items():
        rounds = {f.round_id: f.round for f in found}
        ordered_rounds = sorted(rounds.values(), key=round_order)
        for index, later in enumerate(ordered_rounds):
            if index == 0 or not in_scope(later):
                continue
            earlier = ordered_rounds[:index]
            earlier_ids = {r.pk for r in earlier}
            recurrences.append(
                Recurrence(
                    unit=found[0].unit,
                    category=categories[category_id],
                    area=area_of(category_id, categories),
                    later_round=later,
                    earlier_rounds=earlier,
                    later_findings=sorted((f for f in found if f.round_id == later.pk), key=_by_serial),
                    earlier_findings=sorted(
                        (f for f in found if f.round_id in earlier_ids),
                        key=lambda f: (round_order(f.round), f.serial, f.pk),
                    ),
                )
            )
    recurrences.sort(
        key=lambda r: (round_order(r.later_round), r.unit.name, _taxonomy_key(r.category, categories))
    )
    return recurrences


def _by_serial(finding: Finding) -> tuple:
    return (finding.serial, finding.pk)


def _scope_round_test(scope: Scope):
    if scope.round is not None:
        return lambda round: round.pk == scope.round.pk
    return lambda round: round.term_id == scope.term.pk


def _rebounds(scope: Scope, categories: dict[int, Category]) -> list[Rebound]:
    """Three queries: problems of closed rectifications found again in the scope, those findings, and the
    reopened measures of the scope's rectifications."""
    closed = Problem.objects.filter(rectification__status=RectStatus.CLOSED)
    problems = list(
        closed.filter(
            Exists(
                _approved()
                .filter(scope.rounds_q())
                .filter(unit_id=OuterRef("rectification__unit_id"), category_id=OuterRef("category_id"))
            )
        ).select_related(
            "rectification__round__term", "rectification__unit", "rectification__team", "category"
        )
    )
    later = list(
        _approved()
        .filter(scope.rounds_q())
        .filter(
            Exists(
                closed.filter(rectification__unit_id=OuterRef("unit_id"), category_id=OuterRef("category_id"))
            )
        )
        .select_related("round__term", "team", "unit", "category")
    )
    reopened = list(
        Measure.objects.filter(reopen_count__gt=0)
        .filter(scope.rounds_q("rectification__round"))
        .select_related(
            "problem__category", "rectification__round__term", "rectification__unit", "rectification__team"
        )
        .order_by("rectification_id", "problem__seq", "seq")
    )

    later_of: dict[tuple[int, int], list[Finding]] = defaultdict(list)
    for finding in later:
        later_of[(finding.unit_id, finding.category_id)].append(finding)

    rebounds: dict[int, Rebound] = {}
    came_back: dict[tuple[int, int], CameBack] = {}
    for problem in sorted(problems, key=lambda p: (p.rectification_id, p.seq, p.pk)):
        rect = problem.rectification
        found = [
            f
            for f in later_of.get((rect.unit_id, problem.category_id), [])
            if round_order(f.round) > round_order(rect.round)
        ]
        if not found:
            continue
        rebound = rebounds.setdefault(rect.pk, Rebound(rectification=rect))
        key = (rect.pk, problem.category_id)
        if key not in came_back:
            came_back[key] = CameBack(
                category=categories[problem.category_id],
                problems=[],
                findings=sorted(found, key=lambda f: (round_order(f.round), f.serial, f.pk)),
            )
            rebound.came_back.append(came_back[key])
        came_back[key].problems.append(problem)
    for measure in reopened:
        rect = measure.rectification
        rebounds.setdefault(rect.pk, Rebound(rectification=rect)).reopened.append(measure)

    for rebound in rebounds.values():
        rebound.came_back.sort(key=lambda c: _taxonomy_key(c.category, categories))
    return sorted(rebounds.values(), key=lambda r: (r.unit.name, round_order(r.round), r.rectification.pk))


def analyse(scope: Scope, threshold: Threshold | None = None) -> Analysis:
    """The three analyses of a scope, in a fixed number of queries (eight)."""
    threshold = threshold or Threshold()
    categories = Category.objects.in_bulk()
    inspected = (
        Assignment.objects.filter(scope.rounds_q(), round__status__in=INSPECTED_STATUSES)
        .values("unit_id")
        .distinct()
        .count()
    )
    common_categories, common_areas, findings_total, units_with_findings = _common(
        scope, threshold, inspected, categories
    )
    return Analysis(
        scope=scope,
        threshold=threshold,
        inspected_units=inspected,
        findings_total=findings_total,
        units_with_findings=units_with_findings,
        common_categories=common_categories,
        common_areas=common_areas,
        recurring=_recurring(scope, categories),
        rebounds=_rebounds(scope, categories),
    )
