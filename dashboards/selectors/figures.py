"""The figures of the leadership dashboards (领导驾驶舱): the one module that computes them.

Every number is a *metric*: a source (a model with the fixed restriction of what it counts), and a
condition. The number shown is ``Count("pk", filter=condition)`` over the source's queryset for the
scope and the filters; the drill-down list is ``metric_queryset(...)`` — the same queryset, filtered by
the same condition. So the list's total equals the number by construction.

Each function costs a fixed number of queries whatever the size of the data: one aggregate per source
for the totals, one ``values().annotate()`` group-by per source and breakdown, one query for the labels.

Definitions (统计口径), shown on the pages as well:

- 巡察单位: assignments (巡察任务) in rounds whose team has stationed (进驻 or later, as the coverage page
  of the rounds app counts them); a unit inspected in two rounds counts twice (家次).
  其中提级巡察村（社区）: those assignments whose mode is 提级 (only villages can be inspected that way).
- 发现问题: approved working papers (问题底稿, status 已审定).
- 反馈问题: problems fed back for rectification (`Problem` rows of rectifications whose feedback meeting
  is recorded); their share is 反馈问题 ÷ 发现问题.
- 整改措施 (and 立行立改 / 限期整改 by their kind): measures of the ledgers in force — rectifications whose
  plan is approved (整改中 or 已完成). 已销号 = closed; 长期坚持 = long-term and not closed;
  未销号 = neither; 已逾期 = 未销号 with the deadline passed. 整改完成率 = (已销号 + 长期坚持) ÷ 整改措施.
- 移交纪委监委 / 移交其他单位: leads in sent transfer batches, by their confirmed disposition (the rule of
  the 移交与查处情况 page, `clues.selectors_transfers`): to_jiwei; to_zuzhibu or to_other.
  立案: transferred leads whose receiver reported 立案. 处理人数: persons dealt with reported on those
  leads, and by the four forms (四种形态). Archival rounds (历史录入) have no leads in the system, only the
  counts the office's workbook gives per unit (`clues.TransferOutcome`): they are added to 移交纪委监委,
  立案, 处理人数 and the four forms (`ARCHIVED`), and the drill-down list says how many.
- 全覆盖: active units; covered = inspected (as above) in a round of the term — on a round's dashboard,
  in that round or an earlier one of the term; the share still to cover is 未覆盖 ÷ 在用单位.

A team member's scope is restricted to his teams: every figure counts his teams' part only; coverage
counts the units his teams inspected, and the share still to cover is not shown to him.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Count, DateField, Exists, F, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import Coalesce, TruncDate, TruncWeek
from django.utils import timezone

from clues.models import (
    Category,
    DisciplineForm,
    Disposition,
    Finding,
    FindingStatus,
    HandlingResult,
    Lead,
    PersonDealt,
    TransferBatch,
    TransferItem,
    TransferOutcome,
)
from rectification.models import Measure, MeasureKind, MeasureStatus, Problem, Rectification, RectStatus
from rounds.models import INSPECTED_STATUSES, Assignment, AssignmentMode, Round, Term, Unit, UnitType
from teams.models import Team

# --- scope and filters --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """What a dashboard covers: a term (the county view) or one round of it; `team_ids` restricts every
    figure to those teams (a team member's own part), None for every team."""

    term: Term
    round: Round | None = None
    team_ids: frozenset[int] | None = None

    @property
    def restricted(self) -> bool:
        return self.team_ids is not None


@dataclass(frozen=True)
class Filters:
    """A breakdown cell's filters: one team, one unit type, one category (an area takes its
    sub-categories), one round of the term. Unset ones do not filter."""

    team: int | None = None
    unit_type: str = ""
    category: int | None = None
    round: int | None = None

    def keys(self) -> set[str]:
        return {k for k in ("team", "unit_type", "category", "round") if getattr(self, k)}


NO_FILTERS = Filters()


# --- sources: what each model counts, and how it is reached ------------------------------------------


@dataclass(frozen=True)
class Source:
    key: str
    label: str
    base: Callable[[], QuerySet]
    round: str | None  # path to the round
    team: str | None  # path to the team
    unit: str  # path to the unit
    category: str | None  # path to the category (taxonomy), if any
    filters: frozenset[str]  # the filters that apply


def _assignments() -> QuerySet:
    return Assignment.objects.filter(round__status__in=INSPECTED_STATUSES)


def _findings() -> QuerySet:
    return Finding.objects.filter(status=FindingStatus.APPROVED)


def _problems() -> QuerySet:
    return Problem.objects.filter(rectification__meeting_date__isnull=False)


LEDGER_IN_FORCE = (RectStatus.IN_PROGRESS, RectStatus.CLOSED)


def _measures() -> QuerySet:
    return Measure.objects.filter(rectification__status__in=LEDGER_IN_FORCE)


def _transfers() -> QuerySet:
    return TransferItem.objects.filter(batch__sent_at__isnull=False)


def _persons() -> QuerySet:
    return PersonDealt.objects.filter(item__batch__sent_at__isnull=False)


def _units() -> QuerySet:
    return Unit.objects.filter(is_active=True)


ALL_FILTERS = frozenset({"team", "unit_type", "category", "round"})
NO_CATEGORY = frozenset({"team", "unit_type", "round"})

SOURCES: dict[str, Source] = {
    s.key: s
    for s in [
        Source("assignments", "巡察任务", _assignments, "round", "team", "unit", None, NO_CATEGORY),
        Source("findings", "问题底稿", _findings, "round", "team", "unit", "category", ALL_FILTERS),
        Source(
            "problems", "反馈问题", _problems, "rectification__round", "rectification__team",
            "rectification__unit", "category", ALL_FILTERS,
        ),
        Source(
            "measures", "整改措施", _measures, "rectification__round", "rectification__team",
            "rectification__unit", "problem__category", ALL_FILTERS,
        ),
        Source("transfers", "移交线索", _transfers, "lead__round", "lead__team", "lead__unit", None, NO_CATEGORY),
        Source(
            "persons", "处理人员", _persons, "item__lead__round", "item__lead__team", "item__lead__unit", None,
            NO_CATEGORY,
        ),
        Source("units", "被巡察单位", _units, None, None, "", None, frozenset({"unit_type"})),
    ]
}  # fmt: skip


# --- metrics ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Metric:
    key: str
    label: str  # what is counted, as the drill-down title says it
    source: str
    condition: Callable[[date], Q] = field(default=lambda today: Q())
    unit: str = "个"
    restricted_ok: bool = True  # shown to a team member (restricted scope)?


def _open_measure() -> Q:
    return ~Q(status=MeasureStatus.CLOSED) & ~Q(kind=MeasureKind.LONG_TERM)


OTHER_TRANSFERS = (Disposition.TO_ZUZHIBU, Disposition.TO_OTHER)

METRICS: dict[str, Metric] = {
    m.key: m
    for m in [
        Metric("units", "巡察单位（家次）", "assignments", unit="家"),
        Metric(
            "villages_elevated", "提级巡察村（社区）", "assignments",
            lambda today: Q(mode=AssignmentMode.ELEVATED), unit="个",
        ),
        Metric("findings", "发现问题", "findings"),
        Metric("problems", "反馈问题", "problems"),
        Metric("measures", "整改措施", "measures", unit="项"),
        Metric("immediate", "立行立改措施", "measures", lambda today: Q(kind=MeasureKind.IMMEDIATE), unit="项"),
        Metric("deadline", "限期整改措施", "measures", lambda today: Q(kind=MeasureKind.DEADLINE), unit="项"),
        Metric(
            "measures_closed", "已销号整改措施", "measures",
            lambda today: Q(status=MeasureStatus.CLOSED), unit="项",
        ),
        Metric(
            "measures_long_term", "长期坚持整改措施", "measures",
            lambda today: Q(kind=MeasureKind.LONG_TERM) & ~Q(status=MeasureStatus.CLOSED), unit="项",
        ),
        Metric("measures_open", "未销号整改措施", "measures", lambda today: _open_measure(), unit="项"),
        Metric(
            "measures_overdue", "逾期未销号整改措施", "measures",
            lambda today: _open_measure() & Q(deadline__lt=today), unit="项",
        ),
        Metric(
            "to_jiwei", "移交纪委监委问题线索", "transfers",
            lambda today: Q(lead__disposition=Disposition.TO_JIWEI), unit="件",
        ),
        Metric(
            "to_others", "移交其他单位问题线索", "transfers",
            lambda today: Q(lead__disposition__in=OTHER_TRANSFERS), unit="件",
        ),
        Metric("cases", "立案", "transfers", lambda today: Q(result=HandlingResult.CASE), unit="件"),
        Metric("persons", "处理人数", "persons", unit="人"),
        *[
            Metric(f"persons_form{value}", f"处理人数·{label[:5]}", "persons", lambda today, v=value: Q(form=v),
                   unit="人")
            for value, label in DisciplineForm.choices
        ],
        Metric("units_active", "在用单位", "units", unit="家"),
        Metric("units_covered", "本届已覆盖单位", "units", lambda today: Q(covered=True), unit="家"),
        Metric(
            "units_to_cover", "本届尚未覆盖单位", "units", lambda today: Q(covered=False), unit="家",
            restricted_ok=False,
        ),
    ]
}  # fmt: skip

FORM_METRICS = [f"persons_form{value}" for value in DisciplineForm.values]

# The counts of archival rounds (历史录入, `clues.TransferOutcome`) added to these metrics: metric → field.
ARCHIVED = {
    "to_jiwei": "leads",
    "cases": "cases",
    **{f"persons_form{value}": f"form{value}" for value in DisciplineForm.values},
}
ARCHIVED_PERSONS = [f"form{value}" for value in DisciplineForm.values]


def archived_queryset(scope: Scope, filters: Filters = None) -> QuerySet:
    """The transfer figures of archival rounds within the scope and the filters (no category applies)."""
    filters = filters or NO_FILTERS
    qs = TransferOutcome.objects.filter(round__term=scope.term)
    if scope.round is not None:
        qs = qs.filter(round=scope.round)
    if scope.team_ids is not None:
        qs = qs.filter(team_id__in=scope.team_ids)
    if filters.round:
        qs = qs.filter(round_id=filters.round)
    if filters.team:
        qs = qs.filter(team_id=filters.team)
    if filters.unit_type:
        qs = qs.filter(unit__unit_type=filters.unit_type)
    return qs


def _archived_sums() -> dict:
    sums = {f"a_{field}": Sum(field) for field in {*ARCHIVED.values()}}
    return sums


def add_archived(values: dict, row: dict) -> None:
    """Add an aggregate row of archived counts (keys a_<field>) to the metrics that apply (not None)."""
    for key, field_name in ARCHIVED.items():
        if values.get(key) is not None:
            values[key] += row.get(f"a_{field_name}") or 0
    if values.get("persons") is not None:
        values["persons"] += sum(row.get(f"a_{f}") or 0 for f in ARCHIVED_PERSONS)


def archived_count(metric_key: str, scope: Scope, filters: Filters = None) -> int:
    """What archival rounds add to a figure (0 for a metric they do not feed): the drill-down says so."""
    if metric_key not in ARCHIVED and metric_key != "persons":
        return 0
    if (filters or NO_FILTERS).category:
        return 0
    row = archived_queryset(scope, filters).order_by().aggregate(**_archived_sums())
    if metric_key == "persons":
        return sum(row.get(f"a_{f}") or 0 for f in ARCHIVED_PERSONS)
    return row.get(f"a_{ARCHIVED[metric_key]}") or 0


def _metrics_of(source: str) -> list[Metric]:
    return [m for m in METRICS.values() if m.source == source]


def _alias(metric: Metric) -> str:
    # Prefixed: an aggregate named like a field ("deadline") would shadow it in the filter conditions.
    return f"n_{metric.key}"


def _counts(metrics: list[Metric], today: date) -> dict:
    return {_alias(m): Count("pk", filter=m.condition(today), distinct=True) for m in metrics}


def applies(metric: Metric, scope: Scope, filters: Filters = NO_FILTERS) -> bool:
    """Does this metric make sense for this scope and these filters (else the page shows "—")?"""
    return metric.key in _applicable(scope.restricted, frozenset(filters.keys()))


@functools.lru_cache(maxsize=64)
def _applicable(restricted: bool, filter_keys: frozenset[str]) -> frozenset[str]:
    """The metrics that apply with these filters (`applies`), worked out once per kind of cell: a county
    page asks some 2,000 times."""
    return frozenset(
        m.key
        for m in METRICS.values()
        if (m.restricted_ok or not restricted) and filter_keys <= SOURCES[m.source].filters
    )


# --- the one queryset builder -------------------------------------------------------------------------


def _covered_exists(scope: Scope) -> Exists:
    """Is the unit inspected in the term (on a round's dashboard: up to and including that round)?"""
    qs = Assignment.objects.filter(
        unit=OuterRef("pk"), round__term=scope.term, round__status__in=INSPECTED_STATUSES
    )
    if scope.round is not None:
        qs = qs.filter(round__number__lte=scope.round.number)
    if scope.team_ids is not None:
        qs = qs.filter(team_id__in=scope.team_ids)
    return Exists(qs)


def _category_q(path: str, category: int) -> Q:
    """A category, and its sub-categories when it is an area (the taxonomy has two levels)."""
    return Q(**{f"{path}_id": category}) | Q(**{f"{path}__parent_id": category})


def source_queryset(source_key: str, scope: Scope, filters: Filters = NO_FILTERS) -> QuerySet:
    """The rows of a source within the scope and the filters (before any metric's condition)."""
    src = SOURCES[source_key]
    qs = src.base()
    if src.key == "units":
        qs = qs.annotate(covered=_covered_exists(scope))
    else:
        qs = qs.filter(**{f"{src.round}__term": scope.term})
        if scope.round is not None:
            qs = qs.filter(**{src.round: scope.round})
        if scope.team_ids is not None:
            qs = qs.filter(**{f"{src.team}_id__in": scope.team_ids})
        if filters.round:
            qs = qs.filter(**{f"{src.round}_id": filters.round})
        if filters.team:
            qs = qs.filter(**{f"{src.team}_id": filters.team})
        if filters.category and src.category:
            qs = qs.filter(_category_q(src.category, filters.category))
    if filters.unit_type:
        prefix = f"{src.unit}__" if src.unit else ""
        qs = qs.filter(**{f"{prefix}unit_type": filters.unit_type})
    return qs


def metric_queryset(metric_key: str, scope: Scope, filters: Filters = NO_FILTERS, today: date | None = None):
    """The rows a figure counts: the drill-down list."""
    metric = METRICS[metric_key]
    today = today or timezone.localdate()
    return source_queryset(metric.source, scope, filters).filter(metric.condition(today))


# --- figures of the whole scope -----------------------------------------------------------------------


def _percent(part: int | None, whole: int | None) -> float | None:
    if part is None or not whole:  # nothing to divide by: no share (shown as "—"), not 0%
        return None
    return round(100 * part / whole, 1)


def derived(values: dict) -> dict:
    """The shares computed from the counts."""
    done = None
    if values.get("measures_closed") is not None and values.get("measures_long_term") is not None:
        done = values["measures_closed"] + values["measures_long_term"]
    return {
        "problems_share": _percent(values.get("problems"), values.get("findings")),
        "completion_rate": _percent(done, values.get("measures")),
        "covered_share": _percent(values.get("units_covered"), values.get("units_active")),
        "to_cover_share": _percent(values.get("units_to_cover"), values.get("units_active")),
        "measures_done": done,
    }


def figures(scope: Scope, filters: Filters = NO_FILTERS, today: date | None = None) -> dict:
    """Every figure of the scope (one aggregate query per source): metric key → count, or None where
    the metric does not apply; plus the shares of `derived`."""
    today = today or timezone.localdate()
    values: dict = {}
    for key in SOURCES:
        wanted = [m for m in _metrics_of(key) if applies(m, scope, filters)]
        if not wanted:
            values.update(dict.fromkeys((m.key for m in _metrics_of(key)), None))
            continue
        row = source_queryset(key, scope, filters).order_by().aggregate(**_counts(wanted, today))
        for m in _metrics_of(key):
            values[m.key] = (row.get(_alias(m)) or 0) if m in wanted else None
    if not filters.category:
        add_archived(values, archived_queryset(scope, filters).order_by().aggregate(**_archived_sums()))
    values.update(derived(values))
    return values


# --- breakdowns ---------------------------------------------------------------------------------------


@dataclass
class Row:
    """One row of a breakdown table: its label, the filters a click on a cell applies, the figures."""

    key: object
    label: str
    filters: Filters
    values: dict
    level: int = 0  # 1 for a sub-category under its area
    extra: str = ""  # a secondary label (the area of a sub-category, the round of a team)


BREAKDOWNS = {
    "round": "按轮次",
    "team": "按巡察组",
    "unit_type": "按单位类型",
    "category": "按问题类别",
}


def _group(source_key: str, scope: Scope, by: str, today: date, metrics: list[Metric]) -> dict:
    src = SOURCES[source_key]
    if by == "unit_type":
        path = f"{src.unit}__unit_type" if src.unit else "unit_type"
    elif by in ("round", "team"):
        path = f"{getattr(src, by)}_id"
    elif by == "area":
        path = None
    else:  # category
        path = f"{src.category}_id"
    counts = _counts(metrics, today)
    qs = source_queryset(source_key, scope).order_by()
    if path is None:  # the area of a finding's category: the parent, or the category itself when top-level
        qs = qs.values(group=Coalesce(f"{src.category}__parent_id", f"{src.category}_id"))
    else:
        qs = qs.values(group=F(path))
    return {row["group"]: row for row in qs.annotate(**counts)}


def _as_filter(by: str) -> Filters:
    """A stand-in for one cell's filter of a breakdown, to ask which metrics apply to it."""
    return {
        "round": Filters(round=1),
        "team": Filters(team=1),
        "unit_type": Filters(unit_type="x"),
        "category": Filters(category=1),
        "area": Filters(category=1),
    }[by]


def _breakdown_values(scope: Scope, by: str, today: date) -> dict[object, dict]:
    """group key → metric key → count, for the metrics that apply to that breakdown."""
    filt = _as_filter(by)
    out: dict[object, dict] = {}
    for key in SOURCES:
        metrics = [m for m in _metrics_of(key) if applies(m, scope, filt)]
        if not metrics:
            continue
        for group, row in _group(key, scope, by, today, metrics).items():
            values = out.setdefault(group, {})
            for m in metrics:
                values[m.key] = row.get(_alias(m)) or 0
    if by in ("round", "team", "unit_type"):
        path = {"round": "round_id", "team": "team_id", "unit_type": "unit__unit_type"}[by]
        wanted = {k for k in [*ARCHIVED, "persons"] if applies(METRICS[k], scope, filt)}
        grouped = archived_queryset(scope).order_by().values(group=F(path)).annotate(**_archived_sums())
        for row in grouped:
            values = out.setdefault(row["group"], {})
            for key in wanted:
                values.setdefault(key, 0)
            add_archived(values, row)
    return out


def _fill(values: dict, scope: Scope, filt: Filters) -> dict:
    applicable = _applicable(scope.restricted, frozenset(filt.keys()))
    full = {key: values.get(key, 0) if key in applicable else None for key in METRICS}
    full.update(derived(full))
    return full


def scope_rounds(scope: Scope) -> QuerySet:
    """The rounds of the term the scope covers (a team member's: those his teams served in)."""
    qs = Round.objects.filter(term=scope.term)
    if scope.round is not None:
        qs = qs.filter(pk=scope.round.pk)
    if scope.team_ids is not None:
        qs = qs.filter(teams__in=scope.team_ids).distinct()
    return qs.order_by("number")


def scope_teams(scope: Scope) -> QuerySet:
    qs = Team.objects.filter(round__term=scope.term)
    if scope.round is not None:
        qs = qs.filter(round=scope.round)
    if scope.team_ids is not None:
        qs = qs.filter(pk__in=scope.team_ids)
    return qs.select_related("round").order_by("round__number", "number")


def breakdown(scope: Scope, by: str, today: date | None = None) -> list[Row]:
    """The figures per round, team, unit type or category (areas, each followed by its sub-categories)."""
    today = today or timezone.localdate()
    if by == "category":
        return _category_breakdown(scope, today)
    values = _breakdown_values(scope, by, today)
    rows = []
    if by == "round":
        for r in scope_rounds(scope):
            filt = Filters(round=r.pk)
            rows.append(
                Row(
                    r.pk,
                    r.short_name,
                    filt,
                    _fill(values.get(r.pk, {}), scope, filt),
                    extra=r.get_kind_display(),
                )
            )
    elif by == "team":
        for t in scope_teams(scope):
            filt = Filters(team=t.pk)
            label = t.name if scope.round is not None else f"{t.round.short_name}{t.name}"
            rows.append(Row(t.pk, label, filt, _fill(values.get(t.pk, {}), scope, filt)))
    else:
        for value, label in UnitType.choices:
            if value not in values:
                continue
            filt = Filters(unit_type=value)
            rows.append(Row(value, label, filt, _fill(values[value], scope, filt)))
    return rows


def _category_breakdown(scope: Scope, today: date) -> list[Row]:
    return category_rows(scope, _breakdown_values(scope, "area", today), _breakdown_values(scope, "category", today))


def category_rows(scope: Scope, areas: dict, subs: dict) -> list[Row]:
    """The rows by category from the figures per area and per sub-category (group key → metric → count)."""
    ids = set(areas) | set(subs)
    ids.discard(None)
    categories = {c.pk: c for c in Category.objects.filter(pk__in=ids)}
    rows = []
    area_ids = sorted(
        (pk for pk in areas if pk in categories),
        key=lambda pk: (categories[pk].scheme, categories[pk].order, pk),
    )
    for area_id in area_ids:
        area = categories[area_id]
        filt = Filters(category=area_id)
        rows.append(Row(area_id, area.name, filt, _fill(areas[area_id], scope, filt), extra=area.scheme))
        children = sorted(
            (c for c in categories.values() if c.parent_id == area_id and c.pk in subs),
            key=lambda c: (c.order, c.pk),
        )
        for child in children:
            cfilt = Filters(category=child.pk)
            rows.append(
                Row(
                    child.pk, child.name, cfilt, _fill(subs[child.pk], scope, cfilt), level=1, extra=area.name
                )
            )
    return rows


# --- chart series -------------------------------------------------------------------------------------


def category_series(rows: list[Row], limit: int = 12) -> dict:
    """Problems found per sub-category (the largest first), for the bar chart."""
    subs = [r for r in rows if r.level == 1 and (r.values.get("findings") or r.values.get("problems"))]
    subs.sort(key=lambda r: (-(r.values.get("findings") or 0), -(r.values.get("problems") or 0), r.label))
    subs = subs[:limit]
    return {
        "labels": [r.label for r in subs],
        "areas": [r.extra for r in subs],
        "findings": [r.values.get("findings") or 0 for r in subs],
        "problems": [r.values.get("problems") or 0 for r in subs],
    }


def trend_series(rows: list[Row], current: int | None = None) -> dict:
    """Problems found, fed back, and cases opened per round of the term."""
    return {
        "labels": [r.label for r in rows],
        "findings": [r.values.get("findings") or 0 for r in rows],
        "problems": [r.values.get("problems") or 0 for r in rows],
        "cases": [r.values.get("cases") or 0 for r in rows],
        "current": next((i for i, r in enumerate(rows) if r.key == current), None),
    }


def coverage_series(rows: list[Row]) -> dict:
    """Covered and not covered active units per unit type (a team member: covered by his teams)."""
    rows = [r for r in rows if r.values.get("units_active")]
    return {
        "labels": [r.label for r in rows],
        "covered": [r.values.get("units_covered") or 0 for r in rows],
        "to_cover": [r.values.get("units_to_cover") for r in rows],
        "active": [r.values.get("units_active") or 0 for r in rows],
    }


@dataclass
class ProgressPoint:
    week: date  # the Monday of the week
    started: int  # measures whose rectification's feedback meeting was held by the end of the week
    closed: int  # of them, closed by the end of the week
    open: int


def progress(scope: Scope, today: date | None = None) -> list[ProgressPoint]:
    """Measures still open, week by week, from the (first) feedback meeting to now.

    A measure counts from the week of its rectification's feedback meeting, and as closed from the week
    of its `closed_at`; long-term measures (长期坚持) are left out. A measure reopened (反弹) has no
    `closed_at` any more, so it counts open again — over its whole life, which keeps this simple. The
    series stops at the week of the last closing once nothing is open; else it runs to this week.
    Two grouped queries."""
    today = today or timezone.localdate()
    base = source_queryset("measures", scope).exclude(kind=MeasureKind.LONG_TERM).order_by()
    started = {
        row["week"]: row["n"]
        for row in base.values(
            week=TruncWeek("rectification__meeting_date", output_field=DateField())
        ).annotate(n=Count("pk"))
    }
    closed = {
        row["week"]: row["n"]
        for row in base.filter(status=MeasureStatus.CLOSED)
        .values(week=TruncWeek(TruncDate("closed_at"), output_field=DateField()))
        .annotate(n=Count("pk"))
    }
    return progress_points(started, closed, today)


def progress_points(started: dict, closed: dict, today: date) -> list[ProgressPoint]:
    """The weekly series from the measures started and closed per week (week → count; None: undated)."""
    closed = dict(closed)
    weeks = [w for w in started if w is not None]
    if not weeks:
        return []
    first = min(weeks)
    undated_closed = closed.pop(None, 0)  # closed without a time: closed from the start
    total = sum(started.values())
    last_event = max([first, *weeks, *closed])
    this_week = today - timedelta(days=today.weekday())
    closed_total = sum(closed.values()) + undated_closed
    end = last_event if closed_total >= total else max(this_week, last_event)
    points = []
    week, n_started, n_closed = first, 0, undated_closed
    while week <= end:
        n_started += started.get(week, 0)
        n_closed += closed.get(week, 0)
        points.append(ProgressPoint(week, n_started, n_closed, max(n_started - n_closed, 0)))
        week += timedelta(days=7)
    return points


def progress_series(points: list[ProgressPoint]) -> dict:
    return {
        "labels": [f"{p.week:%Y-%m-%d}" for p in points],
        "open": [p.open for p in points],
        "closed": [p.closed for p in points],
    }


# --- the dashboard: every figure, table and chart of one page -----------------------------------------


@dataclass(frozen=True)
class Column:
    key: str  # a metric key (a count, linked to its list) or a share from `derived` (a percentage)
    header: str
    percent: bool = False


# The columns of the breakdown tables by round, team and unit type.
MAIN_COLUMNS = [
    Column("units", "巡察单位"),
    Column("villages_elevated", "提级巡察村"),
    Column("findings", "发现问题"),
    Column("problems", "反馈问题"),
    Column("problems_share", "反馈占比", percent=True),
    Column("immediate", "立行立改"),
    Column("deadline", "限期整改"),
    Column("to_jiwei", "移交纪委监委"),
    Column("to_others", "移交其他"),
    Column("cases", "立案"),
    Column("persons", "处理人数"),
    Column("measures_closed", "已销号"),
    Column("measures_open", "未销号"),
    Column("measures_overdue", "逾期"),
    Column("completion_rate", "完成率", percent=True),
]
CATEGORY_COLUMNS = [
    Column("findings", "发现问题"),
    Column("problems", "反馈问题"),
    Column("problems_share", "反馈占比", percent=True),
    Column("immediate", "立行立改"),
    Column("deadline", "限期整改"),
    Column("measures", "整改措施"),
    Column("measures_closed", "已销号"),
    Column("measures_open", "未销号"),
    Column("measures_overdue", "逾期"),
    Column("completion_rate", "完成率", percent=True),
]
COVERAGE_COLUMNS = [
    Column("units_active", "在用单位"),
    Column("units_covered", "已覆盖"),
    Column("units_to_cover", "尚未覆盖"),
    Column("covered_share", "覆盖率", percent=True),
]

DEFINITIONS = [
    ("巡察单位", "巡察组已进驻（进驻及以后阶段）的轮次中的巡察任务数，同一单位在不同轮次被巡察分别计（家次）；"
                 "其中提级巡察村（社区）指巡察方式为“提级”的任务。"),
    ("发现问题", "巡察办已审定的问题底稿数。"),
    ("反馈问题", "已召开反馈会的整改中向被巡察单位反馈的问题数；反馈占比 = 反馈问题 ÷ 发现问题。"),
    ("立行立改、限期整改", "整改方案已审核通过（整改中或已完成）的整改台账中，按整改类型统计的整改措施数。"),
    ("整改完成率", "（已销号措施 + 长期坚持措施）÷ 整改措施总数；未销号 = 既未销号也非长期坚持；"
                   "逾期 = 未销号且已过完成时限。反弹重开的措施计为未销号。"),
    ("移交线索", "已移交批次中的问题线索，按确认的处置方式区分移交纪委监委与移交其他单位（组织部等）；"
                 "立案按接收单位反馈“立案”计；处理人数按反馈的处理人员计，并按“四种形态”分列。"
                 "历史录入的轮次没有线索明细，按导入的各单位移交纪委监委线索数、立案数和“四种形态”人数计入。"),
    ("全覆盖", "在用单位中本届已巡察（巡察组已进驻）的单位；轮次看板为截至本轮（含）的累计覆盖。"
               "尚未覆盖占比 = 尚未覆盖 ÷ 在用单位。"),
    ("整改进度图", "自反馈会所在周起，每周末仍未销号的措施数（不含长期坚持）；措施以销号时间计入已销号，"
                   "反弹重开的措施不再有销号时间，按一直未销号计。"),
]  # fmt: skip


@dataclass
class Dashboard:
    scope: Scope
    today: date
    figures: dict
    by_round: list[Row]  # the rounds of the term (on a round's page too: the trend)
    by_team: list[Row]
    by_unit_type: list[Row]
    by_category: list[Row]
    progress: list[ProgressPoint]

    @property
    def coverage_rows(self) -> list[Row]:
        return [r for r in self.by_unit_type if r.values.get("units_active")]

    @property
    def charts(self) -> dict:
        return {
            "category": category_series(self.by_category),
            "trend": trend_series(self.by_round, self.scope.round.pk if self.scope.round else None),
            "progress": progress_series(self.progress),
            "coverage": coverage_series(self.by_unit_type),
        }


def dashboard(scope: Scope, today: date | None = None) -> Dashboard:
    """Everything a dashboard page shows, in a fixed number of queries."""
    today = today or timezone.localdate()
    term_scope = Scope(scope.term, None, scope.team_ids)
    return Dashboard(
        scope=scope,
        today=today,
        figures=figures(scope, today=today),
        by_round=breakdown(term_scope, "round", today),
        by_team=breakdown(scope, "team", today),
        by_unit_type=breakdown(scope, "unit_type", today),
        by_category=breakdown(scope, "category", today),
        progress=progress(scope, today),
    )


# Every model a dashboard's figures read (each keeps its history, see xuncha.core.aggregates).
FIGURE_MODELS = (
    Assignment, Category, Finding, Lead, Measure, PersonDealt, Problem, Rectification, Round, Team, Term,
    TransferBatch, TransferItem, TransferOutcome, Unit,
)  # fmt: skip


def scope_key(scope: Scope) -> tuple:
    teams = "all" if scope.team_ids is None else ",".join(str(pk) for pk in sorted(scope.team_ids))
    return (scope.term.pk, scope.round.pk if scope.round else "", teams)


SOURCE_DEFINITIONS = {
    "assignments": DEFINITIONS[0][1],
    "findings": DEFINITIONS[1][1],
    "problems": DEFINITIONS[2][1],
    "measures": DEFINITIONS[3][1] + DEFINITIONS[4][1],
    "transfers": DEFINITIONS[5][1],
    "persons": DEFINITIONS[5][1],
    "units": DEFINITIONS[6][1],
}


def definition_of(source_key: str) -> str:
    return SOURCE_DEFINITIONS.get(source_key, "")


# The figures of the summary table (and of the PDF): metric or share key, label, unit.
SUMMARY = [
    ("units", "巡察单位", "家次"),
    ("villages_elevated", "其中提级巡察村（社区）", "个"),
    ("findings", "发现问题", "个"),
    ("problems", "反馈问题", "个"),
    ("problems_share", "反馈问题占发现问题比例", "%"),
    ("immediate", "立行立改措施", "项"),
    ("deadline", "限期整改措施", "项"),
    ("to_jiwei", "移交纪委监委问题线索", "件"),
    ("to_others", "移交其他单位问题线索", "件"),
    ("cases", "立案", "件"),
    ("persons", "处理人数", "人"),
    *[(f"persons_form{value}", f"其中{label[:5]}", "人") for value, label in DisciplineForm.choices],
    ("measures", "整改措施", "项"),
    ("measures_closed", "已销号", "项"),
    ("measures_long_term", "长期坚持", "项"),
    ("measures_open", "未销号", "项"),
    ("measures_overdue", "其中逾期", "项"),
    ("completion_rate", "整改完成率", "%"),
    ("units_active", "在用单位", "家"),
    ("units_covered", "本届已覆盖", "家"),
    ("covered_share", "覆盖率", "%"),
    ("units_to_cover", "尚未覆盖", "家"),
    ("to_cover_share", "尚未覆盖占比", "%"),
]
