"""领导驾驶舱: the county (term) and round dashboards, the drill-down list behind every number, and the
exports (Excel of every table, PDF of a round's dashboard with its charts).

Reads only. The office and the leadership see every team's figures; a team member sees his own teams'
part (the figures restricted to his teams, and only the rounds his teams served in); anybody else —
the inspected units, 纪委监委, 组织部 — gets 403. The numbers come from `dashboards.figures`, the one
module that computes them; the drill-down list is that module's `metric_queryset`, the same queryset the
number counts.

URLs:
    dashboards:county       /dashboard/?term=<pk>                 (the current term by default)
    dashboards:round        /dashboard/rounds/<pk>/
    dashboards:drilldown    /dashboard/list/<metric>/?term=|round=&team=&unit_type=&category=
                            (&export=xlsx: the whole list as Excel)
    dashboards:export       /dashboard/export/?term=|round=&table=<name>|all   (Excel)
    dashboards:round_pdf    /dashboard/rounds/<pk>/pdf/
"""

from urllib.parse import urlencode

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views import View

from clues.models import Category
from dashboards.documents import exports
from dashboards.selectors.figures import (
    CATEGORY_COLUMNS,
    COVERAGE_COLUMNS,
    DEFINITIONS,
    FORM_METRICS,
    MAIN_COLUMNS,
    METRICS,
    SOURCES,
    Filters,
    Scope,
    applies,
    cached_dashboard,
    cached_figures,
    dashboard,
    definition_of,
    metric_queryset,
)
from rounds.models import Round, Term, UnitType
from teams.models import Team, TeamMember
from xuncha import access
from xuncha.accounts.roles import Role, has_role, sees_all_rounds

PAGE_SIZE = 50
PDF = "application/pdf"


# --- who sees what ------------------------------------------------------------------------------------


def team_restriction(user) -> frozenset[int] | None:
    """None for the office and the leadership (every team); a team member's teams; else 403."""
    if sees_all_rounds(user):
        return None
    if not has_role(user, Role.TEAM):
        raise PermissionDenied
    ids = frozenset(TeamMember.objects.filter(cadre__user=user).values_list("team_id", flat=True))
    if not ids:
        raise PermissionDenied
    return ids


def _round_scope(user, pk: int) -> Scope:
    team_ids = team_restriction(user)
    round = get_object_or_404(Round.objects.select_related("term"), pk=pk)
    if team_ids is not None and not Team.objects.filter(round=round, pk__in=team_ids).exists():
        raise PermissionDenied
    return Scope(round.term, round, team_ids)


def default_term() -> Term | None:
    return Term.objects.order_by("-is_current", "-start_date").first()


def _int(value) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        raise Http404 from None


def _scope_from_query(request) -> Scope | None:
    """The scope a drill-down or export names: ?round=<pk> (a round's dashboard) or ?term=<pk>."""
    round_pk = _int(request.GET.get("round"))
    if round_pk is not None:
        return _round_scope(request.user, round_pk)
    team_ids = team_restriction(request.user)
    term_pk = _int(request.GET.get("term"))
    term = get_object_or_404(Term, pk=term_pk) if term_pk else default_term()
    return Scope(term, None, team_ids) if term else None


def _scope_params(scope: Scope) -> dict:
    return {"round": scope.round.pk} if scope.round else {"term": scope.term.pk}


def _scope_label(scope: Scope) -> str:
    return str(scope.round) if scope.round else scope.term.name


# --- links of the numbers -----------------------------------------------------------------------------


def drill_url(metric: str, scope: Scope, filters: Filters | None = None) -> str:
    params = _scope_params(scope)
    if filters is not None:
        if filters.round:
            params = {"round": filters.round}
        params.update(
            {k: getattr(filters, k) for k in ("team", "unit_type", "category") if getattr(filters, k)}
        )
    return f"{reverse('dashboards:drilldown', args=[metric])}?{urlencode(params)}"


def _cells(scope: Scope, filters: Filters | None, values: dict, columns) -> list[dict]:
    cells = []
    for col in columns:
        value = values.get(col.key)
        url = None
        if not col.percent and value is not None and col.key in METRICS:
            url = drill_url(col.key, scope, filters)
        cells.append({"key": col.key, "value": value, "percent": col.percent, "url": url})
    return cells


def _linked(scope: Scope, dash) -> dict:
    """The page's numbers with their drill-down links."""
    figs = dash.figures
    link = {key: drill_url(key, scope) for key in METRICS if figs.get(key) is not None}
    for rows, columns in (
        (dash.by_round, MAIN_COLUMNS),
        (dash.by_team, MAIN_COLUMNS),
        (dash.by_unit_type, MAIN_COLUMNS),
        (dash.by_category, CATEGORY_COLUMNS),
    ):
        for row in rows:
            row.cells = _cells(scope, row.filters, row.values, columns)
    for row in dash.by_unit_type:
        row.coverage_cells = _cells(scope, row.filters, row.values, COVERAGE_COLUMNS)
    forms = [
        {"key": k, "label": METRICS[k].label.split("·")[1], "value": figs.get(k), "url": link.get(k)}
        for k in FORM_METRICS
    ]
    num = {key: {"key": key, "value": figs.get(key), "url": link.get(key)} for key in METRICS}
    return {"num": num, "forms": forms}


def _page_context(scope: Scope, dash) -> dict:
    charts = dash.charts
    charts["trend"]["urls"] = [reverse("dashboards:round", args=[r.key]) for r in dash.by_round]
    return {
        "scope": scope,
        "dash": dash,
        "figs": dash.figures,
        "term": scope.term,
        "round": scope.round,
        "restricted": scope.restricted,
        "main_columns": MAIN_COLUMNS,
        "category_columns": CATEGORY_COLUMNS,
        "coverage_columns": COVERAGE_COLUMNS,
        "definitions": DEFINITIONS,
        "charts": charts,
        "progress_rows": list(
            zip(
                charts["progress"]["labels"],
                charts["progress"]["open"],
                charts["progress"]["closed"],
                strict=True,
            )
        ),
        "category_chart_rows": list(
            zip(
                charts["category"]["labels"],
                charts["category"]["areas"],
                charts["category"]["findings"],
                charts["category"]["problems"],
                strict=True,
            )
        ),
        "scope_query": urlencode(_scope_params(scope)),
        "trend_title": "本届各轮次发现问题、反馈问题与立案",
        "progress_title": ("本轮" if scope.round else "本届") + "整改进度（每周末仍未销号的措施）",
        "coverage_title": "按单位类型的覆盖情况" + ("（截至本轮）" if scope.round else "（本届）"),
        **_linked(scope, dash),
    }


def dashboard_page(scope: Scope, *, refresh: bool = False) -> dict:
    """The context of a dashboard page. The body (every figure, table and chart, the same for every
    reader of the scope) is rendered once and cached with its figures until the data changes; the page
    around it (navigation, the user, the inbox) is rendered on every request. `refresh`: render it
    again now (dashboards.tasks.dashboards_warm)."""

    def compute(today):
        dash = dashboard(scope, today)
        return dash, render_to_string("dashboards/dashboard_body.html", _page_context(scope, dash))

    dash, body = cached_figures("dashboard-page", scope, compute, refresh=refresh)
    return {
        "scope": scope,
        "dash": dash,
        "figs": dash.figures,
        "term": scope.term,
        "round": scope.round,
        "body": mark_safe(body),  # noqa: S308 - rendered above by the template engine, escaped there
        "scope_query": urlencode(_scope_params(scope)),
        "nav_active": "dashboard",
    }


# --- pages --------------------------------------------------------------------------------------------


class CountyView(LoginRequiredMixin, View):
    """The county's dashboard for a term (the current one unless ?term= names another)."""

    def get(self, request):
        team_ids = team_restriction(request.user)
        term_pk = _int(request.GET.get("term"))
        term = get_object_or_404(Term, pk=term_pk) if term_pk else default_term()
        terms = list(Term.objects.order_by("-start_date"))
        if term is None:
            return render(request, "dashboards/county.html", {"term": None, "nav_active": "dashboard"})
        scope = Scope(term, None, team_ids)
        context = dashboard_page(scope)
        context["terms"] = terms
        return render(request, "dashboards/county.html", context)


class RoundView(LoginRequiredMixin, View):
    """One round's dashboard (a team member: his team's part of it)."""

    def get(self, request, pk):
        scope = _round_scope(request.user, pk)
        return render(request, "dashboards/round.html", dashboard_page(scope))


class RoundPdfView(LoginRequiredMixin, View):
    """The round's dashboard as a PDF, its charts drawn as SVG on the server."""

    def get(self, request, pk):
        scope = _round_scope(request.user, pk)
        content = exports.round_pdf(cached_dashboard(scope))
        response = HttpResponse(content, content_type=PDF)
        name = f"{scope.round}领导驾驶舱_{timezone.localdate():%Y%m%d}.pdf"
        response["Content-Disposition"] = exports.attachment(name, "dashboard.pdf")
        return response


class ExportView(LoginRequiredMixin, View):
    """A table of a dashboard (or all of them, ?table=all) as an Excel workbook."""

    def get(self, request):
        scope = _scope_from_query(request)
        if scope is None:
            raise Http404
        table = request.GET.get("table") or "all"
        if table != "all" and table not in exports.TABLES:
            raise Http404
        content = exports.dashboard_workbook(cached_dashboard(scope), None if table == "all" else [table])
        label = "全部" if table == "all" else exports.TABLES[table]
        name = f"{_scope_label(scope)}领导驾驶舱_{label}_{timezone.localdate():%Y%m%d}.xlsx"
        return exports.xlsx_response(content, name)


# --- the drill-down list ------------------------------------------------------------------------------


def _visible(queryset, ids) -> set[int]:
    return set(queryset.filter(pk__in=ids).values_list("pk", flat=True)) if ids else set()


def _span(a) -> str:
    if a.onsite_start and a.onsite_end:
        return f"{a.onsite_start:%Y-%m-%d} 至 {a.onsite_end:%Y-%m-%d}"
    return ""


def _dt(value) -> str:
    return f"{timezone.localtime(value):%Y-%m-%d}" if value else ""


HIDDEN = "—"

# Per source: select_related, ordering, headers, and how a row is shown (cells, and its page if the user
# may open it). `visible` holds the pks of the page's rows the user may open.
LISTS = {
    "assignments": {
        "related": ("round", "team", "unit"),
        "order": ("round__number", "team__number", "unit__name"),
        "headers": ["被巡察单位", "单位类型", "轮次", "巡察组", "巡察方式", "进驻时间"],
        "cells": lambda a, seen: [a.unit.name, a.unit.get_unit_type_display(), a.round.short_name, a.team.name,
                                  a.get_mode_display(), _span(a)],
        "visible": lambda user, ids: _visible(access.visible(user, "rounds.Assignment"), ids),
        "url": lambda a: reverse("rounds:assignment_detail", args=[a.pk]),
    },
    "findings": {
        "related": ("round", "team", "unit", "category__parent"),
        "order": ("round__number", "team__number", "serial"),
        "headers": ["编号", "问题标题", "被巡察单位", "巡察组", "问题类别", "严重程度", "审定时间"],
        "cells": lambda f, seen: [f.number, f.title, f.unit.name, f"{f.round.short_name}{f.team.name}",
                                  str(f.category), f.get_severity_display(), _dt(f.approved_at)],
        "visible": lambda user, ids: _visible(access.visible(user, "clues.Finding"), ids),
        "url": lambda f: reverse("clues:finding_detail", args=[f.pk]),
    },
    "problems": {
        "related": ("rectification__round", "rectification__unit", "rectification__team", "category__parent"),
        "order": ("rectification__round__number", "rectification__unit__name", "seq"),
        "headers": ["被巡察单位", "序号", "反馈问题", "问题类别", "轮次", "巡察组", "巡察期间立行立改"],
        "cells": lambda p, seen: [p.rectification.unit.name, p.seq, p.title, str(p.category),
                                  p.rectification.round.short_name, p.rectification.team.name,
                                  "是" if p.fixed_on_site else ""],
        "visible": None,  # by the rectification: see `_openable`
        "url": lambda p: reverse("rectification:rect_detail", args=[p.rectification_id]),
        "rect": lambda p: p.rectification_id,
    },
    "measures": {
        "related": ("problem", "rectification__unit", "rectification__round"),
        "order": ("rectification__round__number", "rectification__unit__name", "problem__seq", "seq"),
        "headers": ["被巡察单位", "编号", "整改措施", "整改类型", "完成时限", "状态", "销号时间", "轮次"],
        "cells": lambda m, seen: [m.rectification.unit.name, m.number, m.content[:80], m.get_kind_display(),
                                  f"{m.deadline:%Y-%m-%d}", m.get_status_display(), _dt(m.closed_at),
                                  m.rectification.round.short_name],
        "visible": None,
        "url": lambda m: reverse("rectification:ledger", args=[m.rectification_id]),
        "rect": lambda m: m.rectification_id,
    },
    "transfers": {
        "related": ("lead__team__round", "lead__unit", "batch__receiver"),
        "order": ("batch__sent_at", "pk"),
        "headers": ["问题线索", "被巡察单位", "处置方式", "接收单位", "移交时间", "办理结果", "摘要"],
        "cells": lambda t, seen: [t.lead.number, t.lead.unit.name, t.lead.get_disposition_display(),
                                  t.batch.receiver.name, _dt(t.batch.sent_at), t.get_result_display() or "待反馈",
                                  t.lead.summary if seen else HIDDEN],
        "visible": None,  # by the lead: see `_openable`
        "url": lambda t: reverse("clues:lead_detail", args=[t.lead_id]),
    },
    "persons": {
        "related": ("item__lead__team__round", "item__lead__unit", "item__batch"),
        "order": ("item__batch__sent_at", "item_id", "pk"),
        "headers": ["姓名", "职务", "四种形态", "处理方式", "被巡察单位", "问题线索"],
        "cells": lambda p, seen: [p.name if seen else HIDDEN, p.post, p.get_form_display(),
                                  p.get_sanction_display(), p.item.lead.unit.name, p.item.lead.number],
        "visible": None,  # by the batch: see `_openable`
        "url": lambda p: reverse("clues:batch_detail", args=[p.item.batch_id]),
    },
    "units": {
        "related": ("parent",),
        "order": ("unit_type", "name"),
        "headers": ["单位名称", "单位类型", "上级单位", "巡察情况"],
        "cells": lambda u, seen: [u.name, u.get_unit_type_display(), u.parent.name if u.parent_id else "",
                                  "已巡察" if u.covered else "尚未巡察"],
        "visible": lambda user, ids: _visible(access.visible(user, "rounds.Unit"), ids),
        "url": lambda u: reverse("rounds:unit_detail", args=[u.pk]),
    },
}  # fmt: skip


def _openable(source: str, user, objects: list) -> set[int]:
    """The pks of the rows (of this page) whose own page the user may open — one query."""
    if source in ("problems", "measures"):
        rect_ids = {LISTS[source]["rect"](o) for o in objects}
        seen = _visible(access.visible(user, "rectification.Rectification"), rect_ids)
        return {o.pk for o in objects if LISTS[source]["rect"](o) in seen}
    if source == "transfers":
        seen = _visible(access.visible(user, "clues.Lead"), {o.lead_id for o in objects})
        return {o.pk for o in objects if o.lead_id in seen}
    if source == "persons":
        seen = _visible(access.visible(user, "clues.TransferBatch"), {o.item.batch_id for o in objects})
        return {o.pk for o in objects if o.item.batch_id in seen}
    return LISTS[source]["visible"](user, [o.pk for o in objects])


NOWRAP = ("编号", "序号", "时间", "时限", "问题线索", "轮次", "状态", "类型", "方式", "巡察组", "姓名")


def list_rows(source: str, user, objects: list) -> list[dict]:
    """The rows of a drill-down page: `cells` (values), `tds` (value, keep on one line), `url`, `css`."""
    spec = LISTS[source]
    nowrap = [any(word in h for word in NOWRAP) for h in spec["headers"]]
    openable = _openable(source, user, objects)
    rows = []
    for obj in objects:
        seen = obj.pk in openable
        cells = spec["cells"](obj, seen)
        row = {
            "cells": cells,
            "tds": list(zip(cells, nowrap, strict=True)),
            "css": "",
            "url": spec["url"](obj) if seen else None,
        }
        if source == "measures":
            row["css"] = obj.deadline_state()
        rows.append(row)
    return rows


def _drill_filters(request, scope: Scope) -> tuple[Filters, list[tuple[str, str]]]:
    """The filters of ?team=&unit_type=&category=, with their labels for the title."""
    labels = []
    team_pk = _int(request.GET.get("team"))
    if team_pk is not None:
        if scope.team_ids is not None and team_pk not in scope.team_ids:
            raise PermissionDenied
        team = get_object_or_404(Team.objects.select_related("round"), pk=team_pk, round__term=scope.term)
        labels.append(("巡察组", f"{team.round.short_name}{team.name}"))
    unit_type = request.GET.get("unit_type") or ""
    if unit_type:
        if unit_type not in UnitType.values:
            raise Http404
        labels.append(("单位类型", UnitType(unit_type).label))
    category_pk = _int(request.GET.get("category"))
    if category_pk is not None:
        category = get_object_or_404(Category.objects.select_related("parent"), pk=category_pk)
        labels.append(("问题类别", str(category) + ("（含下级类别）" if category.parent_id is None else "")))
    return Filters(team=team_pk, unit_type=unit_type, category=category_pk), labels


class DrilldownView(LoginRequiredMixin, View):
    """The rows a number counts, with the number's filters; its total is the number."""

    def get(self, request, metric):
        if metric not in METRICS:
            raise Http404
        scope = _scope_from_query(request)
        if scope is None:
            raise Http404
        m = METRICS[metric]
        filters, filter_labels = _drill_filters(request, scope)
        if not applies(m, scope, filters):
            raise Http404
        spec = LISTS[m.source]
        qs = metric_queryset(metric, scope, filters).select_related(*spec["related"]).order_by(*spec["order"])
        title = f"{m.label}：{_scope_label(scope)}"
        if request.GET.get("export") == "xlsx":
            objects = list(qs)
            content = exports.list_workbook(
                title=title, filters=filter_labels, headers=spec["headers"],
                rows=[r["cells"] for r in list_rows(m.source, request.user, objects)],
                note=definition_of(m.source),
            )  # fmt: skip
            return exports.xlsx_response(content, f"{title}_{timezone.localdate():%Y%m%d}.xlsx")
        page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
        back = (
            reverse("dashboards:round", args=[scope.round.pk])
            if scope.round
            else f"{reverse('dashboards:county')}?term={scope.term.pk}"
        )
        return render(
            request,
            "dashboards/drilldown.html",
            {
                "metric": m,
                "metric_key": metric,
                "source": SOURCES[m.source],
                "scope": scope,
                "scope_label": _scope_label(scope),
                "title": title,
                "filter_labels": filter_labels,
                "headers": spec["headers"],
                "rows": list_rows(m.source, request.user, list(page.object_list)),
                "page_obj": page,
                "total": page.paginator.count,
                "definition": definition_of(m.source),
                "back_url": back,
                "restricted": scope.restricted,
                "nav_active": "dashboard",
            },
        )


urlpatterns = [
    path("dashboard/", CountyView.as_view(), name="county"),
    path("dashboard/rounds/<int:pk>/", RoundView.as_view(), name="round"),
    path("dashboard/rounds/<int:pk>/pdf/", RoundPdfView.as_view(), name="round_pdf"),
    path("dashboard/list/<str:metric>/", DrilldownView.as_view(), name="drilldown"),
    path("dashboard/export/", ExportView.as_view(), name="export"),
]
