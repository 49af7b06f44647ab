"""Exports of the dashboards: every table as Excel (openpyxl), a drill-down list as Excel, and a round's
dashboard as a PDF (WeasyPrint, via `xuncha.core.pdf.render_pdf`) with its four charts drawn here as
inline SVG — WeasyPrint runs no JavaScript, so ECharts cannot draw them.

The round's PDF takes seconds (about 8 s for a large round): the office and the leadership ask for it
(POST dashboards:round_pdf_request) and it renders in Celery as a document of the round
(`xuncha.core.documents`, kind `round_dashboard_pdf`), shown with its status and download next to the
button; a team member's part of it (his teams' figures) is smaller and still downloads directly (GET
dashboards:round_pdf). Registered at import; `dashboards.tasks` imports this module.

Excel: GET dashboards:export ?term=<pk>|round=<pk>&table=<name> (one table) or table=all (one sheet per
table); the names are the keys of `TABLES`. A drill-down list: its own URL with &export=xlsx.
"""

from html import escape

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook

from dashboards.selectors.figures import (
    CATEGORY_COLUMNS,
    COVERAGE_COLUMNS,
    DEFINITIONS,
    MAIN_COLUMNS,
    SUMMARY,
    Dashboard,
    Scope,
)
from dashboards.selectors.round_figures import cached_dashboard
from rounds.models import Round
from xuncha.core import documents, xlsx
from xuncha.core.models import GeneratedDocument
from xuncha.core.pdf import render_pdf
from xuncha.core.xlsx import Percent

TABLES = {
    "summary": "主要数据",
    "by_round": "按轮次",
    "by_team": "按巡察组",
    "by_unit_type": "按单位类型",
    "by_category": "按问题类别",
    "coverage": "全覆盖",
    "category_chart": "问题类别分布",
    "progress": "整改进度",
}


def attachment(filename: str, ascii_name: str) -> str:
    return xlsx.content_disposition(filename, ascii_name)


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    return xlsx.xlsx_response(content, filename, "dashboard.xlsx")


# --- the tables, as rows of plain values --------------------------------------------------------------


def _value(values: dict, col) -> object:
    value = values.get(col.key)
    if value is None:
        return "—"
    return Percent(value) if col.percent else value


def _summary_value(figures: dict, key: str, unit: str):
    value = figures.get(key)
    if value is None:
        return "—"
    return Percent(value) if unit == "%" else value


def table(dash: Dashboard, name: str) -> tuple[list[str], list[list]]:
    """(headers, rows) of one table of the dashboard."""
    if name == "summary":
        return ["指标", "数值", "单位"], [
            [label, _summary_value(dash.figures, key, unit), "" if unit == "%" else unit]
            for key, label, unit in SUMMARY
        ]
    if name in ("by_round", "by_team", "by_unit_type"):
        rows = getattr(dash, name)
        first = {"by_round": "轮次", "by_team": "巡察组", "by_unit_type": "单位类型"}[name]
        return [first, *(c.header for c in MAIN_COLUMNS)], [
            [r.label, *(_value(r.values, c) for c in MAIN_COLUMNS)] for r in rows
        ]
    if name == "by_category":
        return ["问题类别", "上级类别", *(c.header for c in CATEGORY_COLUMNS)], [
            [r.label, r.extra if r.level else "", *(_value(r.values, c) for c in CATEGORY_COLUMNS)]
            for r in dash.by_category
        ]
    if name == "coverage":
        return ["单位类型", *(c.header for c in COVERAGE_COLUMNS)], [
            [r.label, *(_value(r.values, c) for c in COVERAGE_COLUMNS)] for r in dash.coverage_rows
        ]
    if name == "category_chart":
        s = dash.charts["category"]
        return ["问题类别", "所属领域", "发现问题", "反馈问题"], [
            list(row) for row in zip(s["labels"], s["areas"], s["findings"], s["problems"], strict=True)
        ]
    if name == "progress":
        return ["周（起始日）", "仍未销号措施", "累计已销号"], [
            [f"{p.week:%Y-%m-%d}", p.open, p.closed] for p in dash.progress
        ]
    raise KeyError(name)


# --- Excel --------------------------------------------------------------------------------------------

def _sheet(
    workbook: Workbook, title: str, caption: str, headers: list[str], rows: list[list], note: str = ""
):
    widths = [
        min(max(8, max([len(str(header))] + [len(str(r[i])) for r in rows[:200] if i < len(r)]) * 1.8 + 2), 60)
        for i, header in enumerate(headers)
    ]
    sheet = xlsx.add_sheet(workbook, title, caption=caption, headers=headers, widths=widths, freeze="B3")
    for row in rows:
        xlsx.append(sheet, row)
    if note:
        xlsx.append(sheet, [])
        xlsx.append(sheet, [f"统计口径：{note}"])
    xlsx.append(sheet, [f"导出于 {timezone.localdate():%Y-%m-%d}"])
    return sheet


def _scope_label(dash: Dashboard) -> str:
    scope = dash.scope
    label = str(scope.round) if scope.round else scope.term.name
    return label + ("（本组部分）" if scope.restricted else "")


def dashboard_workbook(dash: Dashboard, names: list[str] | None = None) -> bytes:
    """The named tables of a dashboard (all of them by default), one sheet each."""
    workbook = xlsx.new_workbook()
    for name in names or list(TABLES):
        headers, rows = table(dash, name)
        _sheet(workbook, TABLES[name], f"{_scope_label(dash)} · {TABLES[name]}", headers, rows)
    definitions = xlsx.add_sheet(workbook, "统计口径", widths=[18, 120])
    for term, text in DEFINITIONS:
        xlsx.append(definitions, [term, text])
    return xlsx.to_bytes(workbook)


def list_workbook(*, title: str, filters: list[tuple[str, str]], headers: list[str], rows: list[list],
                  note: str = "") -> bytes:  # fmt: skip
    workbook = xlsx.new_workbook()
    caption = title + "".join(f"；{k}：{v}" for k, v in filters) + f"（共 {len(rows)} 条）"
    _sheet(workbook, "明细", caption, headers, rows, note)
    return xlsx.to_bytes(workbook)


# --- SVG charts for the PDF ---------------------------------------------------------------------------

FONT = "Noto Sans CJK SC, sans-serif"
COLORS = ["#1d5fbf", "#e8710a", "#b3261e", "#1e7e34", "#8c8c8c"]


def _nice_max(value: float) -> int:
    """A round axis maximum at or above `value` (1, 2, 5 × 10^n)."""
    if value <= 0:
        return 1
    step = 1
    while True:
        for m in (1, 2, 5):
            if m * step >= value:
                return m * step
        step *= 10


def _text(x, y, s, size=11, anchor="start", color="#333", weight="normal") -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-family="{FONT}" font-size="{size}" fill="{color}" '
        f'font-weight="{weight}" text-anchor="{anchor}">{escape(str(s))}</text>'
    )


def _legend(series, x: float, y: float) -> str:
    out = []
    for i, (name, _, color) in enumerate(series):
        cx = x + i * 110
        out.append(f'<rect x="{cx:.1f}" y="{y - 9:.1f}" width="12" height="10" fill="{color}"/>')
        out.append(_text(cx + 16, y, name, 11))
    return "".join(out)


def _svg(width: int, height: int, body: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}">{body}</svg>'
    )


def _short(label: str, n: int) -> str:
    return label if len(label) <= n else label[: n - 1] + "…"


def svg_hbars(labels, series, *, width=900, stacked=False, label_chars=16, bar=12) -> str:
    """Horizontal bars, grouped (or stacked) per label; series = [(name, values, color)]."""
    if not labels:
        return svg_empty(width)
    left, right, top = 12 + 12 * label_chars, 40, 34
    band = 26 if stacked or len(series) == 1 else bar * len(series) + 6
    height = top + band * len(labels) + 30
    totals = (
        [sum(vals[i] for _, vals, _ in series) for i in range(len(labels))]
        if stacked
        else [max(vals[i] for _, vals, _ in series) for i in range(len(labels))]
    )
    top_value = _nice_max(max(totals, default=0))
    scale = (width - left - right) / top_value
    body = [_legend(series, left, 18)]
    for k in range(6):
        x = left + (width - left - right) * k / 5
        body.append(f'<line x1="{x:.1f}" y1="{top - 4}" x2="{x:.1f}" y2="{height - 26}" stroke="#e5e5e5"/>')
        body.append(
            _text(
                x,
                height - 10,
                round(top_value * k / 5, 1) if top_value < 5 else int(top_value * k / 5),
                10,
                "middle",
                "#666",
            )
        )
    for i, label in enumerate(labels):
        y0 = top + band * i
        body.append(_text(left - 6, y0 + band / 2 + 4, _short(label, label_chars), 11, "end"))
        offset = 0.0
        for j, (_, vals, color) in enumerate(series):
            w = vals[i] * scale
            if stacked:
                y, h, x = y0 + 4, band - 8, left + offset
                offset += w
            else:
                h = (band - 8) / len(series)
                y, x = y0 + 4 + j * h, left
            if w > 0:
                body.append(
                    f'<rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}" fill="{color}"/>'
                )
                if not stacked:
                    body.append(_text(x + w + 3, y + h - 1.5, vals[i], 9, color="#333"))
                elif w > 14:
                    body.append(_text(x + w / 2, y + h / 2 + 4, vals[i], 10, "middle", "#fff"))
    return _svg(width, height, "".join(body))


def svg_vbars(labels, series, *, width=900, height=300, highlight=None) -> str:
    """Vertical grouped bars per label (the rounds); `highlight` marks one label (this round)."""
    if not labels:
        return svg_empty(width)
    left, right, top, bottom = 46, 16, 34, 34
    top_value = _nice_max(max((v for _, vals, _ in series for v in vals), default=0))
    plot_h = height - top - bottom
    band = (width - left - right) / len(labels)
    bar = min(22, (band - 12) / len(series))
    body = [_legend(series, left, 18)]
    for k in range(6):
        y = top + plot_h * (1 - k / 5)
        body.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="#e5e5e5"/>')
        body.append(
            _text(
                left - 6,
                y + 4,
                int(top_value * k / 5) if top_value >= 5 else round(top_value * k / 5, 1),
                10,
                "end",
                "#666",
            )
        )
    for i, label in enumerate(labels):
        x0 = left + band * i
        if highlight == i:
            body.append(
                f'<rect x="{x0 + 2:.1f}" y="{top}" width="{band - 4:.1f}" height="{plot_h}" fill="#fff4e5"/>'
            )
        start = x0 + (band - bar * len(series)) / 2
        for j, (_, vals, color) in enumerate(series):
            h = vals[i] / top_value * plot_h
            x = start + j * bar
            if h > 0:
                body.append(
                    f'<rect x="{x:.1f}" y="{top + plot_h - h:.1f}" width="{bar - 2:.1f}" height="{h:.1f}" '
                    f'fill="{color}"/>'
                )
                body.append(_text(x + bar / 2 - 1, top + plot_h - h - 3, vals[i], 9, "middle"))
        body.append(
            _text(
                x0 + band / 2, height - 14, label, 11, "middle", weight="bold" if highlight == i else "normal"
            )
        )
    return _svg(width, height, "".join(body))


def svg_lines(labels, series, *, width=900, height=280) -> str:
    """Lines over weeks (the rectification progress)."""
    if not labels:
        return svg_empty(width)
    left, right, top, bottom = 46, 16, 34, 40
    top_value = _nice_max(max((v for _, vals, _ in series for v in vals), default=0))
    plot_w, plot_h = width - left - right, height - top - bottom
    step = plot_w / max(len(labels) - 1, 1)
    body = [_legend(series, left, 18)]
    for k in range(6):
        y = top + plot_h * (1 - k / 5)
        body.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="#e5e5e5"/>')
        body.append(
            _text(
                left - 6,
                y + 4,
                int(top_value * k / 5) if top_value >= 5 else round(top_value * k / 5, 1),
                10,
                "end",
                "#666",
            )
        )
    every = max(1, len(labels) // 8)
    for i, label in enumerate(labels):
        last = len(labels) - 1
        if (i % every == 0 and last - i >= every / 2) or i == last:
            body.append(_text(left + step * i, height - 20, label[5:], 10, "middle", "#666"))
    for _, vals, color in series:
        points = " ".join(
            f"{left + step * i:.1f},{top + plot_h * (1 - v / top_value):.1f}" for i, v in enumerate(vals)
        )
        body.append(f'<polyline points="{points}" fill="none" stroke="{color}" stroke-width="2"/>')
        for i, v in enumerate(vals):
            body.append(
                f'<circle cx="{left + step * i:.1f}" cy="{top + plot_h * (1 - v / top_value):.1f}" r="2.5" '
                f'fill="{color}"/>'
            )
    body.append(_text(left, height - 4, "横轴：周（起始日，月-日）", 9, color="#888"))
    return _svg(width, height, "".join(body))


def svg_empty(width=900) -> str:
    return _svg(width, 60, _text(width / 2, 34, "暂无数据", 12, "middle", "#999"))


def _pdf_table(headers: list[str], rows: list[list], strong=None) -> dict:
    """Headers, and rows of cells (value, right-aligned?) — the figures right, the labels left; `strong`
    marks rows to set in bold (the areas of the taxonomy)."""
    numeric = [i > 0 for i in range(len(headers))]
    strong = strong or [False] * len(rows)
    return {
        "headers": headers,
        "rows": [
            {"cells": list(zip(row, numeric, strict=True)), "strong": s}
            for row, s in zip(rows, strong, strict=True)
        ],
    }


def _pdf_category_table(dash: Dashboard) -> dict:
    """The category table as on the page: each area in bold, its sub-categories indented under it."""
    headers = ["问题类别", *(c.header for c in CATEGORY_COLUMNS)]
    rows = [
        [("\u3000" if r.level else "") + r.label, *(_value(r.values, c) for c in CATEGORY_COLUMNS)]
        for r in dash.by_category
    ]
    return _pdf_table(headers, rows, [not r.level for r in dash.by_category])


def chart_svgs(dash: Dashboard, width: int = 560) -> dict[str, str]:
    charts = dash.charts
    cat, trend, prog, cov = charts["category"], charts["trend"], charts["progress"], charts["coverage"]
    coverage_series = [("已覆盖", cov["covered"], COLORS[3])]
    if not dash.scope.restricted:
        coverage_series.append(("尚未覆盖", [v or 0 for v in cov["to_cover"]], COLORS[4]))
    return {
        "category": svg_hbars(
            cat["labels"][:10],
            [("发现问题", cat["findings"][:10], COLORS[0]), ("反馈问题", cat["problems"][:10], COLORS[1])],
            width=width,
            label_chars=12,
            bar=10,
        ),
        "trend": svg_vbars(
            trend["labels"],
            [("发现问题", trend["findings"], COLORS[0]), ("反馈问题", trend["problems"], COLORS[1]),
             ("立案", trend["cases"], COLORS[2])],
            highlight=trend["current"],
            width=width,
            height=220,
        ),
        "progress": svg_lines(prog["labels"], [("仍未销号", prog["open"], COLORS[2]),
                                               ("累计已销号", prog["closed"], COLORS[3])], width=width, height=220),
        "coverage": svg_hbars(cov["labels"], coverage_series, stacked=True, label_chars=8, width=width),
    }  # fmt: skip


# --- the round's PDF ----------------------------------------------------------------------------------


def round_pdf(dash: Dashboard) -> bytes:
    """The round's dashboard: the summary, the four charts (SVG) and the tables."""
    summary = [(label, _summary_value(dash.figures, key, unit), "" if unit == "%" else unit)
               for key, label, unit in SUMMARY]  # fmt: skip
    third = -(-len(summary) // 3)
    columns = [summary[i * third : (i + 1) * third] for i in range(3)]
    columns = [c + [("", "", "")] * (third - len(c)) for c in columns]
    tables = {name: _pdf_table(*table(dash, name)) for name in ("by_team", "by_unit_type", "coverage")}
    tables["by_category"] = _pdf_category_table(dash)
    return render_pdf(
        "dashboards/round_pdf.html",
        {
            "dash": dash,
            "title": f"{dash.scope.round}领导驾驶舱",
            "scope_label": _scope_label(dash),
            "summary_rows": list(zip(*columns, strict=True)),
            "svgs": chart_svgs(dash),
            "tables": tables,
            "definitions": DEFINITIONS,
            "today": timezone.localdate(),
        },
    )


# --- the round's PDF as a document rendered in the background ------------------------------------------

KIND_ROUND_PDF = "round_dashboard_pdf"


def round_pdf_title(round: Round, day) -> str:
    return f"{round}领导驾驶舱（截至{day:%Y-%m-%d}）"


def render_round_pdf_document(document: GeneratedDocument) -> bytes:
    """The whole round (every team's figures): only those who see every team's may see it."""
    round = Round.objects.select_related("term").get(pk=document.object_id)
    return round_pdf(cached_dashboard(Scope(round.term, round)))


def round_pdfs(round: Round, limit: int = 5) -> list[GeneratedDocument]:
    """The round's dashboard PDFs asked for, newest first."""
    return list(documents.documents_of(round).filter(kind=KIND_ROUND_PDF)[:limit])


documents.register(
    KIND_ROUND_PDF,
    label="领导驾驶舱（PDF）",
    render=render_round_pdf_document,
    view_action="view_dashboard_pdf",
    generate_page="dashboards.all_teams",
    fmt="pdf",
)
