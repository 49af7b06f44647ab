"""领导驾驶舱: the county (term) and round dashboards, the drill-down list behind every number, and the
exports (Excel of every table, PDF of a round's dashboard with its charts).

Reads only. The office and the leadership see every team's figures; a team member sees his own teams'
part (the figures restricted to his teams, and only the rounds his teams served in); anybody else —
the inspected units, 纪委监委, 组织部 — gets 403 (rules in `xuncha.access.rules.dashboards`). The numbers come from
`dashboards.selectors.figures`, the one module that computes them; the drill-down list is that module's
`metric_queryset`, the same queryset the number counts (`dashboards.selectors.drilldown`).

URLs:
    dashboards:county       /dashboard/?term=<pk>                 (the current term by default)
    dashboards:round        /dashboard/rounds/<pk>/
    dashboards:drilldown    /dashboard/list/<metric>/?term=|round=&team=&unit_type=&category=
                            (&export=xlsx: the whole list as Excel)
    dashboards:export       /dashboard/export/?term=|round=&table=<name>|all   (Excel)
    dashboards:round_pdf    /dashboard/rounds/<pk>/pdf/           (the PDF now: a team member's part)
    dashboards:round_pdf_request  POST /dashboard/rounds/<pk>/pdf/request/  (the whole round's PDF, in the
                            background: the page then shows it rendering, then to download)
"""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views import View

from dashboards.documents import exports
from dashboards.selectors.dashboard_page import (
    dashboard_page,
    parse_pk,
    round_scope,
    scope_label,
    term_scope,
    terms,
)
from dashboards.selectors.drilldown import LISTS, drill_filters, list_rows
from dashboards.selectors.figures import (
    METRICS,
    SOURCES,
    Scope,
    applies,
    archived_count,
    definition_of,
    metric_queryset,
)
from dashboards.selectors.round_figures import cached_dashboard
from dashboards.services.exports import round_pdf_request
from xuncha import access
from xuncha.core.views import run_service

PAGE_SIZE = 50
PDF = "application/pdf"


def _scope_from_query(request) -> Scope | None:
    """The scope a drill-down or export names: ?round=<pk> (a round's dashboard) or ?term=<pk>."""
    round_pk = parse_pk(request.GET.get("round"))
    if round_pk is not None:
        return round_scope(request.user, round_pk)
    return term_scope(request.user, request.GET.get("term"))


# --- pages --------------------------------------------------------------------------------------------


class CountyView(LoginRequiredMixin, View):
    """The county's dashboard for a term (the current one unless ?term= names another)."""

    def get(self, request):
        scope = term_scope(request.user, request.GET.get("term"))
        all_terms = terms()
        if scope is None:
            return render(request, "dashboards/county.html", {"term": None, "nav_active": "dashboard"})
        context = dashboard_page(scope)
        context["terms"] = all_terms
        return render(request, "dashboards/county.html", context)


class RoundView(LoginRequiredMixin, View):
    """One round's dashboard (a team member: his team's part of it)."""

    def get(self, request, pk):
        scope = round_scope(request.user, pk)
        context = dashboard_page(scope)
        # The whole round's PDF renders in the background: its documents next to the button that asks.
        context["pdf_in_background"] = access.allows(request.user, "dashboards.all_teams")
        if context["pdf_in_background"]:
            context["pdf_docs"] = exports.round_pdfs(scope.round)
        return render(request, "dashboards/round.html", context)


class RoundPdfRequestView(LoginRequiredMixin, View):
    """The office or the leadership ask for the round's dashboard as a PDF; it renders in Celery."""

    http_method_names = ["post"]

    def post(self, request, pk):
        scope = round_scope(request.user, pk)
        access.require(request.user, "dashboards.all_teams")
        run_service(
            request,
            round_pdf_request,
            round=scope.round,
            by=request.user,
            success="已开始生成本轮领导驾驶舱PDF，生成后可在按钮下方下载。",
        )
        return redirect(reverse("dashboards:round", args=[scope.round.pk]) + "#round-pdf")


class RoundPdfView(LoginRequiredMixin, View):
    """The round's dashboard as a PDF, its charts drawn as SVG on the server."""

    def get(self, request, pk):
        scope = round_scope(request.user, pk)
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
        name = f"{scope_label(scope)}领导驾驶舱_{label}_{timezone.localdate():%Y%m%d}.xlsx"
        return exports.xlsx_response(content, name)


class DrilldownView(LoginRequiredMixin, View):
    """The rows a number counts, with the number's filters; its total is the number."""

    def get(self, request, metric):
        if metric not in METRICS:
            raise Http404
        scope = _scope_from_query(request)
        if scope is None:
            raise Http404
        m = METRICS[metric]
        filters, filter_labels = drill_filters(request.GET, scope)
        if not applies(m, scope, filters):
            raise Http404
        spec = LISTS[m.source]
        qs = metric_queryset(metric, scope, filters).select_related(*spec["related"]).order_by(*spec["order"])
        title = f"{m.label}：{scope_label(scope)}"
        if request.GET.get("export") == "xlsx":
            objects = list(qs)
            content = exports.list_workbook(
                title=title, filters=filter_labels, headers=spec["headers"],
                rows=[r["cells"] for r in list_rows(m.source, request.user, objects)],
                note=definition_of(m.source),
            )  # fmt: skip
            return exports.xlsx_response(content, f"{title}_{timezone.localdate():%Y%m%d}.xlsx")
        page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
        archived = archived_count(metric, scope, filters)
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
                "scope_label": scope_label(scope),
                "title": title,
                "filter_labels": filter_labels,
                "headers": spec["headers"],
                "rows": list_rows(m.source, request.user, list(page.object_list)),
                "page_obj": page,
                # Archival rounds add counts without rows (历史录入): the number is the list plus them.
                "total": page.paginator.count + archived,
                "archived": archived,
                "definition": definition_of(m.source),
                "back_url": back,
                "restricted": scope.restricted,
                "nav_active": "dashboard",
            },
        )
