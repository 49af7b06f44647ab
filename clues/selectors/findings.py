"""Reads for the issue ledger (问题台账), the working-paper pages and the taxonomy, filtered by `access`.

Every list here costs the same few queries at 3 rows or 30,000: what a row shows is joined
(round, team, unit, category and its area), totals are one aggregate.
"""

from dataclasses import dataclass, field

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone

from clues.forms.findings import LedgerFilter
from clues.models import Category, Finding, FindingEvidence, FindingStatus, Lead, Severity
from clues.selectors.queues import finding_queue_q
from rounds.models import Assignment, Unit
from teams.models import Team, TeamMember
from xuncha import access
from xuncha.core import aggregates
from xuncha.core.pagination import GroupedPaginator
from xuncha.core.templatetags.xuncha import _display, _verbose  # the shared history table's wording

# What a ledger row shows; the export also names the round in full (its term). Joining the term on the
# page made PostgreSQL plan the page's query in 4.0 ms instead of 1.4 ms, at every volume.
LEDGER_RELATED = ("round", "team", "unit", "category__parent")
EXPORT_RELATED = (*LEDGER_RELATED, "round__term")
# What the ledger's rows, visibility and filters read: its counts are cached until one of them changes.
LEDGER_TRACKED = (Finding, Category, Team, TeamMember)


# --- the ledger ---------------------------------------------------------------------------------------


def finding_list(user, **filters) -> QuerySet:
    """The findings this user may see, filtered as the ledger's filter bar says (`LedgerFilter`:
    round, team, unit, category, severity, status, fixed, key, q).

    A category filter takes an area with all its sub-categories; `fixed` and `key` are "yes" or "no"."""
    qs = access.visible(user, "clues.Finding").select_related(*LEDGER_RELATED)
    queue = filters.pop("queue", "")
    if queue:  # a to-do queue of the workbench, the same condition as its count
        condition = finding_queue_q(user, queue)
        qs = qs.filter(condition) if condition is not None else qs.none()
    return LedgerFilter.apply(qs, filters).order_by(*LEDGER_ORDER)


# The ledger's order. The team fixes the round and the term, so it is the teams in `ledger_team_order`,
# then LEDGER_WITHIN_TEAM: what clues.views.findings pages by (xuncha.core.pagination.GroupedPaginator).
LEDGER_ORDER = ("-round__term__start_date", "-round__number", "team__number", "-year", "serial", "pk")
LEDGER_WITHIN_TEAM = ("-year", "serial", "pk")


def ledger_team_order() -> list[int]:
    return list(
        Team.objects.order_by("-round__term__start_date", "-round__number", "number", "pk").values_list("pk", flat=True)
    )


def ledger_paginator(findings: QuerySet, per_page: int, *, key=None) -> GroupedPaginator:
    """The ledger's pages: by team (LEDGER_ORDER), counts cached until a finding changes. `key`: what
    decides `findings` (aggregates.visibility_key of the user and the filters)."""
    return GroupedPaginator(
        # A row shows no working paper's texts: the page's rows are read without them.
        findings.defer("manifestation", "basis", "responsible_persons", "on_site_action"),
        per_page,
        group="team_id",
        group_order=ledger_team_order(),
        within=LEDGER_WITHIN_TEAM,
        tracked=LEDGER_TRACKED,
        key=key,
    )


def ledger_page_rows(findings: list[Finding]) -> list[Finding]:
    """The page's findings, each with `fragment_key`: every value its ledger row shows (the number, the
    archive mark, the unit's and categories' names, the title, the badges' values). The row's cells are
    cached rendered under it (ledger_results.html), so a change to any of them renders the row again,
    and an unchanged row is not rendered at all."""
    for f in findings:
        category = f.category
        f.fragment_key = "|".join(
            str(part)
            for part in (
                f.pk, f.number, bool(f.round.archive_import_id), f.unit.name,
                category.parent.name if category.parent_id else "", category.name, f.title, f.severity,
                f.is_key, f.fixed_on_site, f.status,
            )
        )  # fmt: skip
    return findings


@dataclass(frozen=True)
class LedgerTotals:
    total: int = 0
    key: int = 0
    fixed: int = 0
    approved: int = 0
    by_severity: list[tuple[str, int]] = field(default_factory=list)


def ledger_totals(qs: QuerySet, *, key=None) -> LedgerTotals:
    """Counts of the filtered ledger, in one query, cached until the ledger changes. `key`: what
    decides `qs` (aggregates.visibility_key of the user and the filters); by default its SQL."""
    qs = qs.order_by()
    if key is None:
        sql, params = qs.query.sql_with_params()
        key = (sql, repr(params))

    def count() -> dict:
        return qs.aggregate(
            total=Count("pk"),
            key=Count("pk", filter=Q(is_key=True)),
            fixed=Count("pk", filter=Q(fixed_on_site=True)),
            approved=Count("pk", filter=Q(status=FindingStatus.APPROVED)),
            **{f"sev_{value}": Count("pk", filter=Q(severity=value)) for value in Severity.values},
        )

    figures = aggregates.cached(
        "finding-totals", tuple(key), tracked=LEDGER_TRACKED, today=timezone.localdate(), compute=count
    )
    return LedgerTotals(
        total=figures["total"],
        key=figures["key"],
        fixed=figures["fixed"],
        approved=figures["approved"],
        by_severity=[(label, figures[f"sev_{value}"]) for value, label in reversed(Severity.choices)],
    )


def ledger_filter_choices(user) -> dict[str, QuerySet]:
    """What the filter bar offers: the rounds, teams and units of the findings the user may see."""
    visible = access.visible(user, "clues.Finding")
    return {
        "rounds": access.visible(user, "rounds.Round").select_related("term").order_by("-term__start_date", "-number"),
        "teams": access.visible(user, "teams.Team")
        .filter(pk__in=visible.values("team_id"))
        .select_related("round")
        .order_by("-round__term__start_date", "-round__number", "number"),
        "units": Unit.objects.filter(pk__in=visible.values("unit_id")).order_by("unit_type", "name"),
        "categories": Category.objects.select_related("parent").order_by(
            "scheme", "parent__order", "parent_id", "order", "id"
        ),
    }


# --- one finding --------------------------------------------------------------------------------------


def finding_get(user, pk: int) -> Finding:
    """The finding, or 404 when the user may not see it."""
    return access.get_visible(
        user,
        Finding.objects.select_related(
            "round__term", "team__round", "unit", "category__parent", "assignment", "written_by"
        ),
        pk=pk,
    )


def finding_evidence(finding: Finding) -> list[FindingEvidence]:
    return list(finding.evidence.select_related("uploaded_by").order_by("uploaded_at", "id"))


def finding_reviews(finding: Finding) -> list:
    return list(finding.reviews.select_related("by").order_by("at", "id"))


def finding_leads_for(user, finding: Finding) -> tuple[list[Lead], int]:
    """The linked leads this user may see (leads are confidential: the leadership reads findings, not
    leads), and how many more are linked that he may not."""
    linked = finding.leads.all()
    visible = list(
        linked.filter(pk__in=access.visible(user, "clues.Lead").values("pk")).select_related("team__round").order_by("serial")
    )
    return visible, linked.count() - len(visible)


def evidence_get(user, pk: int) -> FindingEvidence:
    """A piece of evidence, or 404 unless the user may see its finding."""
    return get_object_or_404(
        FindingEvidence.objects.filter(finding__in=access.visible(user, "clues.Finding")).select_related("finding"), pk=pk
    )


def assignment_leads_for(user, assignment) -> QuerySet:
    """The leads of an assignment a finding on it may be linked to."""
    return (
        access.visible(user, "clues.Lead")
        .filter(assignment=assignment)
        .select_related("team__round")
        .order_by("-received_on", "-serial")
    )


# --- the taxonomy -------------------------------------------------------------------------------------


def active_categories() -> QuerySet:
    """The categories a finding can be filed under now: active, under an active area (or an area
    without sub-categories)."""
    return (
        Category.objects.filter(is_active=True)
        .filter(Q(parent__isnull=True) | Q(parent__is_active=True))
        .select_related("parent")
        .order_by("scheme", "parent__order", "parent_id", "order", "id")
    )


def _usage(related_field: str):
    return Coalesce(
        Subquery(
            Finding.objects.filter(**{related_field: OuterRef("pk")})
            .order_by()
            .values(related_field)
            .annotate(n=Count("pk"))
            .values("n")[:1],
            output_field=IntegerField(),
        ),
        Value(0),
    )


@dataclass
class Area:
    category: Category
    children: list[Category]

    @property
    def total_used(self) -> int:
        return self.category.used + sum(c.used for c in self.children)


def category_tree() -> dict[str, list[Area]]:
    """scheme → its areas in order, each with its sub-categories; every node with how many findings
    are filed under it. Two queries."""
    nodes = list(
        Category.objects.annotate(used=_usage("category")).order_by("scheme", "order", "id")
    )
    children: dict[int, list[Category]] = {}
    for c in nodes:
        if c.parent_id:
            children.setdefault(c.parent_id, []).append(c)
    tree: dict[str, list[Area]] = {}
    for c in nodes:
        if not c.parent_id:
            tree.setdefault(c.scheme, []).append(Area(c, children.get(c.pk, [])))
    return tree


def category_area_choices(*, exclude: Category | None = None) -> QuerySet:
    qs = Category.objects.filter(parent__isnull=True).order_by("scheme", "order", "id")
    if exclude is not None and exclude.pk:
        qs = qs.exclude(pk=exclude.pk)
    return qs


def category_schemes() -> list[str]:
    return list(Category.objects.order_by("scheme").values_list("scheme", flat=True).distinct())


# --- the ledger as a spreadsheet ----------------------------------------------------------------------

# The export's columns. Nothing about a lead, so nothing about who reported it, is ever in the sheet.
EXPORT_COLUMNS: list[tuple[str, int]] = [
    ("编号", 22),
    ("轮次", 22),
    ("巡察组", 12),
    ("被巡察单位", 22),
    ("问题类别（领域）", 30),
    ("问题类别", 26),
    ("问题标题", 30),
    ("问题表现", 50),
    ("定性依据", 40),
    ("责任人", 16),
    ("严重程度", 10),
    ("重点问题", 10),
    ("立行立改", 10),
    ("立行立改情况", 36),
    ("状态", 14),
]


def ledger_rows(qs: QuerySet):
    """One list of cell values per finding, in the order of EXPORT_COLUMNS; read in chunks, so an
    export of the whole county's ledger does not hold every row at once."""
    yes_no = {True: "是", False: "否"}
    for f in qs.select_related(*EXPORT_RELATED).iterator(chunk_size=500):
        category = f.category
        area = category.parent.name if category.parent_id else category.name
        yield [
            f.number,
            str(f.round),
            f.team.name,
            f.unit.name,
            area,
            category.name if category.parent_id else "",
            f.title,
            f.manifestation,
            f.basis,
            f.responsible_persons,
            f.get_severity_display(),
            yes_no[f.is_key],
            yes_no[f.fixed_on_site],
            f.on_site_action,
            f.get_status_display(),
        ]


# --- history ------------------------------------------------------------------------------------------


def finding_history_rows(finding: Finding, *, limit: int = 50) -> list[dict]:
    """The finding's change history in the rows `partials/history.html` shows. Linked leads appear
    as a count: a lead's summary is not for everyone who may read the finding (the leadership)."""
    records = list(finding.history.select_related("history_user").order_by("-history_date", "-history_id")[:limit])
    rows = []
    for newer, older in zip(records, records[1:] + [None], strict=False):
        changes = []
        if older is not None:
            for c in newer.diff_against(older).changes:
                if c.field == "leads":
                    changes.append(("关联线索", f"{len(c.old or [])}条", f"{len(c.new or [])}条"))
                else:
                    changes.append((_verbose(finding, c.field), _display(finding, c.field, c.old), _display(finding, c.field, c.new)))
        rows.append(
            {
                "object": "问题底稿",
                "when": newer.history_date,
                "who": newer.history_user,
                "type": {"+": "创建", "~": "修改", "-": "删除"}[newer.history_type],
                "changes": changes,
            }
        )
    return rows


# --- reads of the working-paper and taxonomy pages -----------------------------------------------------


def assignment_for_writing(user, pk: int):
    """The assignment a finding is written on, or 404 when the user may not see it."""
    return access.get_visible(user, Assignment.objects.select_related("round__term", "team", "unit"), pk=pk)


def finding_lead_ids(finding: Finding) -> list[int]:
    return list(finding.leads.values_list("pk", flat=True))


def hidden_linked_leads(finding: Finding, offered: QuerySet) -> list[Lead]:
    """The finding's linked leads that the form does not offer (the user may not see them): they stay."""
    return list(finding.leads.exclude(pk__in=offered.values("pk")))


def category_area(pk: int) -> tuple[Category, int] | None:
    """An area (a category without a parent) and how many sub-categories it has, or None."""
    area = Category.objects.filter(pk=pk, parent__isnull=True).first()
    return (area, area.children.count()) if area else None


def category_get(pk: int) -> Category:
    return get_object_or_404(Category.objects.select_related("parent"), pk=pk)


def lead_among(leads: QuerySet, pk: int) -> Lead | None:
    """One of the offered leads (a finding started from a lead), or None."""
    return leads.filter(pk=pk).first()
