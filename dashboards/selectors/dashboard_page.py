"""The page of a dashboard (领导驾驶舱): its numbers with their drill-down links, and its body (every
figure, table and chart, the same for every reader of the scope) rendered once and cached with its
figures until the data changes (`dashboard_page`); the Celery warm-up (`dashboards.tasks`) renders it
again in the background. Also who sees which scope: the office and the leadership every team's
figures, a team member his teams' part (`team_restriction`, `round_scope`, `term_scope`), decided by
`xuncha.access` (rules in `xuncha.access.rules.dashboards`).
"""

import dataclasses
import functools
from urllib.parse import urlencode

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.urls import get_script_prefix, reverse
from django.utils.formats import localize
from django.utils.html import escape
from django.utils.safestring import mark_safe

from dashboards.selectors.figures import (
    CATEGORY_COLUMNS,
    COVERAGE_COLUMNS,
    DEFINITIONS,
    FORM_METRICS,
    MAIN_COLUMNS,
    METRICS,
    Filters,
    Scope,
    trend_series,
)
from dashboards.selectors.round_figures import cached_page
from rounds.models import Round, Term
from xuncha import access

# --- who sees what ------------------------------------------------------------------------------------


def team_restriction(user) -> frozenset[int] | None:
    """None for the office and the leadership (every team); a team member's teams; else 403."""
    access.require(user, "dashboards.figures")
    if access.allows(user, "dashboards.all_teams"):
        return None
    ids = frozenset(access.visible(user, "teams.Team").values_list("pk", flat=True))
    if not ids:  # a team member on no team yet has no part of any figure
        raise access.Forbidden()
    return ids


def round_scope(user, pk: int) -> Scope:
    """A round's dashboard: 404 if there is no such round, or if it is not his to see (a team member none
    of whose teams served in it): the answer is the same, so that it does not tell the round exists."""
    team_ids = team_restriction(user)
    round = access.get_visible(
        user, access.restrict(user, Round.objects.select_related("term"), "figures"), pk=pk
    )
    return Scope(round.term, round, team_ids)


def default_term() -> Term | None:
    return Term.objects.order_by("-is_current", "-start_date").first()


def parse_pk(value) -> int | None:
    """A pk from the query string: None when absent, 404 when it is not a number."""
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        raise Http404 from None


def term_scope(user, term_pk) -> Scope | None:
    """A term's dashboard (the current term's without a pk, ?term= as given: 404 if it is not a term);
    None when there is no term at all. Who may see it is asked first."""
    team_ids = team_restriction(user)
    term_pk = parse_pk(term_pk)
    term = get_object_or_404(Term, pk=term_pk) if term_pk else default_term()
    return Scope(term, None, team_ids) if term else None


def terms() -> list[Term]:
    return list(Term.objects.order_by("-start_date"))


def scope_params(scope: Scope) -> dict:
    return {"round": scope.round.pk} if scope.round else {"term": scope.term.pk}


def scope_label(scope: Scope) -> str:
    return str(scope.round) if scope.round else scope.term.name


# --- links of the numbers -----------------------------------------------------------------------------


@functools.lru_cache(maxsize=128)
def _drill_path(metric: str, prefix: str) -> str:
    return reverse("dashboards:drilldown", args=[metric])


def _drill_params(scope: Scope, filters: Filters | None) -> dict:
    params = scope_params(scope)
    if filters is not None:
        if filters.round:
            params = {"round": filters.round}
        params.update(
            {k: getattr(filters, k) for k in ("team", "unit_type", "category") if getattr(filters, k)}
        )
    return params


def drill_url(metric: str, scope: Scope, filters: Filters | None = None) -> str:
    # The path reversed once per metric (and script prefix): a county's tables have some 5,000 links.
    return f"{_drill_path(metric, get_script_prefix())}?{urlencode(_drill_params(scope, filters))}"


# What Django's `escape` replaces, without its lazy-string wrapper (a county's page escapes 5,000 links).
_ESCAPES = {ord("&"): "&amp;", ord("<"): "&lt;", ord(">"): "&gt;", ord('"'): "&quot;", ord("'"): "&#x27;"}


def _number(value) -> str:
    # An int as the template engine writes it (no thousands separator in this project), else localized.
    return str(value) if type(value) is int else str(localize(value))


def cell_html(cell: dict) -> str:
    """One figure of a breakdown table: "—" where it does not apply, a share, or the count linked to its
    list. Written here rather than by a template included per cell: a county's tables have some 5,000
    cells, and an include each was most of the time of rendering the page."""
    value = cell["value"]
    if value is None:
        return '<span class="text-muted">—</span>'
    text = _number(value).translate(_ESCAPES)
    if cell["percent"]:
        return f"{text}%"
    if cell["url"]:
        zero = "" if value else " zero"
        url, key = cell["url"].translate(_ESCAPES), cell["key"].translate(_ESCAPES)
        return f'<a class="dash-num{zero}" href="{url}" data-metric="{key}">{text}</a>'
    return text


def _cells(scope: Scope, filters: Filters | None, values: dict, columns) -> list[dict]:
    return _cells_of(
        urlencode(_drill_params(scope, filters)),
        get_script_prefix(),
        tuple(values.get(col.key) for col in columns),
        tuple(columns),
    )


# A row's cells are a function of its link query and its numbers: after a write, the county's tables
# change in the rows of one round (its teams, its row of the trend), and the others' cells are reused.
@functools.lru_cache(maxsize=4096)
def _cells_of(query: str, prefix: str, values: tuple, columns: tuple) -> list[dict]:
    cells = []
    for col, value in zip(columns, values, strict=True):
        url = None
        if not col.percent and value is not None and col.key in METRICS:
            url = f"{_drill_path(col.key, prefix)}?{query}"
        cell = {"key": col.key, "value": value, "percent": col.percent, "url": url}
        cell["html"] = mark_safe(cell_html(cell))  # noqa: S308 - escaped above
        cells.append(cell)
    return cells


def _row_html(cells: list[dict]) -> str:
    return mark_safe("".join(f'<td class="text-end">{cell["html"]}</td>' for cell in cells))  # noqa: S308


def _table_row_html(table: str, row) -> str:
    """A breakdown table's row (breakdown_table.html), written here as its cells are: a county page has
    some 100 rows, and the template's loop over them was the larger part of rendering the tables."""
    label = escape(row.label)
    if table == "by_round":
        url = escape(reverse("dashboards:round", args=[row.key]))
        label = f'<a href="{url}" title="打开本轮驾驶舱">{label}</a> <span class="text-muted small">{escape(row.extra)}</span>'
    elif table == "by_category" and not row.level:
        label = f'{label} <span class="text-muted small">{escape(row.extra)}</span>'
    css = ' class="sub-row"' if row.level else ' class="area-row"' if table == "by_category" else ""
    return mark_safe(  # noqa: S308 - the label is escaped above, the cells in cell_html
        f'\n        <tr{css}>\n          <td class="label-cell">{label}</td>\n          {row.cells_html}\n        </tr>\n      '
    )


def _linked(scope: Scope, dash) -> dict:
    """The page's numbers with their drill-down links."""
    figs = dash.figures
    link = {key: drill_url(key, scope) for key in METRICS if figs.get(key) is not None}
    for name, rows, columns in (
        ("by_round", dash.by_round, MAIN_COLUMNS),
        ("by_team", dash.by_team, MAIN_COLUMNS),
        ("by_unit_type", dash.by_unit_type, MAIN_COLUMNS),
        ("by_category", dash.by_category, CATEGORY_COLUMNS),
    ):
        for row in rows:
            row.cells = _cells(scope, row.filters, row.values, columns)
            row.cells_html = _row_html(row.cells)
            row.html = _table_row_html(name, row)
    for row in dash.by_unit_type:
        row.coverage_cells = _cells(scope, row.filters, row.values, COVERAGE_COLUMNS)
    forms = [
        {"key": k, "label": METRICS[k].label.split("·")[1], "value": figs.get(k), "url": link.get(k)}
        for k in FORM_METRICS
    ]
    num = {key: {"key": key, "value": figs.get(key), "url": link.get(key)} for key in METRICS}
    return {"num": num, "forms": forms}


def _progress_rows_html(progress: dict) -> str:
    """The progress chart's data table: a row a week of the term (some 200 at the end of a term, three
    values each), written here like the breakdown cells: through the template engine each number was
    localized on its own, a third of the time of rendering a county page."""
    return mark_safe(  # noqa: S308 - the labels are escaped, the values are numbers
        "".join(
            f'<tr><td>{escape(week)}</td><td class="text-end">{_number(still_open)}</td>'
            f'<td class="text-end">{_number(closed)}</td></tr>'
            for week, still_open, closed in zip(progress["labels"], progress["open"], progress["closed"], strict=True)
        )
    )


def _page_context(scope: Scope, dash) -> dict:
    charts = dash.charts
    del charts["trend"]  # in the trend's own fragment (`_trend_context`)
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
        "progress_rows_html": _progress_rows_html(charts["progress"]),
        "category_chart_rows": list(
            zip(
                charts["category"]["labels"],
                charts["category"]["areas"],
                charts["category"]["findings"],
                charts["category"]["problems"],
                strict=True,
            )
        ),
        "scope_query": urlencode(scope_params(scope)),
        "progress_title": ("本轮" if scope.round else "本届") + "整改进度（每周末仍未销号的措施）",
        "coverage_title": "按单位类型的覆盖情况" + ("（截至本轮）" if scope.round else "（本届）"),
        **_linked(scope, dash),
    }


TREND_COLUMNS = [c for c in MAIN_COLUMNS if c.key in ("findings", "problems", "cases")]
# Where the body takes the trend's fragment (dashboard_body.html).
TREND_MARK = "<!--dash-trend-->"


def _trend_context(scope: Scope, rows: list) -> dict:
    """The trend chart's card: the term's rounds (findings, problems, cases), with its own chart data."""
    table = [
        {"key": row.key, "label": row.label, "cells": _cells(scope, row.filters, row.values, TREND_COLUMNS)}
        for row in rows
    ]
    trend = trend_series(rows, scope.round.pk if scope.round else None)
    trend["urls"] = [reverse("dashboards:round", args=[r.key]) for r in rows]
    return {
        "dash": {"by_round": table},
        "round": scope.round,
        "trend": trend,
        "trend_title": "本届各轮次发现问题、反馈问题与立案",
        "scope_query": urlencode(scope_params(scope)),
    }


# What `_linked` adds to the rows for the template: rendered once into the body, not kept with the
# figures in the cache (at the county they made the cached figures 580 KB instead of 32 KB, pickled and
# read back on every view).
_RENDERING = ("cells", "cells_html", "html", "coverage_cells")


def _without_rendering(dash):
    for rows in (dash.by_round, dash.by_team, dash.by_unit_type, dash.by_category):
        for row in rows:
            for name in _RENDERING:
                row.__dict__.pop(name, None)
    return dash


def dashboard_page(scope: Scope, *, refresh: bool = False) -> dict:
    """The context of a dashboard page. The body (every figure, table and chart, the same for every
    reader of the scope) is rendered once and cached with its figures until the data changes; its trend
    (the term's rounds) is a fragment of its own, as a round's page changes with another round only
    there; the page around it (navigation, the user, the inbox) is rendered on every request.
    `refresh`: render them again now (dashboards.tasks.dashboards_warm)."""

    def render(dash):
        body = render_to_string("dashboards/dashboard_body.html", _page_context(scope, dash))
        return _without_rendering(dash), body

    def render_trend(rows):
        return rows, render_to_string("dashboards/trend_card.html", _trend_context(scope, rows))

    (dash, body), (rows, trend) = cached_page(scope, render, render_trend, refresh=refresh)
    dash = dataclasses.replace(dash, by_round=rows)
    return {
        "scope": scope,
        "dash": dash,
        "figs": dash.figures,
        "term": scope.term,
        "round": scope.round,
        # Rendered by the template engine, escaped there.
        "body": mark_safe(body.replace(TREND_MARK, trend, 1)),  # noqa: S308
        "scope_query": urlencode(scope_params(scope)),
        "nav_active": "dashboard",
    }
