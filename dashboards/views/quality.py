"""Quality evaluation of the teams (巡察质量考评): the ranking, its Excel export, the weights, and the score
sheet of a team.

The office and the leadership read; only the office writes (the leader gets 403 on every write). Team
members and everyone else get 403: the evaluation of the teams is not for the teams to see.
"""

import io
from decimal import Decimal
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views import View
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from dashboards.forms.quality import QualityFilterForm, QualitySettingsForm, TeamScoresForm
from dashboards.selectors import quality
from dashboards.services.quality import settings_save, team_scores_save
from rounds.models import Round, Term
from teams.models import Team
from xuncha import access
from xuncha.core.errors import DomainError
from xuncha.core.forms import add_domain_error
from xuncha.core.views import PageAccessMixin

from ..models import QualitySettings, ScoreSource

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _may_read(user) -> None:
    access.require(user, "dashboards.quality", message="巡察质量考评仅供巡察办和领导查看")


def _scope(request) -> tuple[QualityFilterForm, Term | None, Round | None]:
    """The term and round shown, and the scope picker (a form: it chooses what the ranking is computed
    for, it does not filter a list)."""
    scope = quality.quality_scope(request.GET)
    term, round = scope.term, scope.round
    data = {"term": term.pk if term else "", "round": round.pk if round else ""}
    form = QualityFilterForm(data, terms=scope.terms, rounds=scope.rounds)
    form.is_valid()
    return form, term, round


def _scope_label(term, round) -> str:
    if round is not None:
        return str(round)
    return f"{term.name}（全届）" if term else "全部"


class QualityView(LoginRequiredMixin, View):
    """The ranking of the teams of a round (or of the whole term), with indicators, the three scores, the
    weighted total and the talk flag."""

    def get(self, request):
        _may_read(request.user)
        form, term, round = _scope(request)
        settings = QualitySettings.current()
        rows = quality.team_quality(round=round, term=term, settings=settings) if term else []
        return render(
            request,
            "dashboards/quality_ranking.html",
            {
                "form": form,
                "term": term,
                "round": round,
                "rows": rows,
                "summary": quality.summary(rows),
                "settings": settings,
                "scope": _scope_label(term, round),
                "office": access.allows(request.user, "dashboards.evaluate"),
                "export_query": request.GET.urlencode(),
                "nav_active": "quality",
            },
        )


# --- Excel ----------------------------------------------------------------------------------------


def _num(value):
    """A number for Excel (a float keeps the cell numeric), or "—" when there is none."""
    if value is None:
        return "—"
    return float(value) if isinstance(value, Decimal) else value


EXPORT_COLUMNS = [
    ("排名", 6, lambda r: r.rank if r.rank is not None else "—"),
    ("轮次", 10, lambda r: r.round.short_name),
    ("巡察组", 13, lambda r: r.team.name),
    ("组长", 9, lambda r: r.leader_name or "—"),
    ("被巡察单位数", 8, lambda r: r.unit_count),
    ("审定问题数", 8, lambda r: r.findings_approved),
    ("平均每单位问题数", 10, lambda r: _num(r.findings_per_unit)),
    ("线索数", 7, lambda r: r.leads_total),
    ("移交线索数", 8, lambda r: r.leads_transferred),
    ("线索移交率（%）", 10, lambda r: _num(r.transfer_rate)),
    ("移交后立案数", 8, lambda r: r.transferred_cases),
    ("移交立案率（%）", 10, lambda r: _num(r.case_rate)),
    ("问题底稿数", 8, lambda r: r.findings_total),
    ("被退回底稿数", 8, lambda r: r.findings_returned),
    ("底稿退回率（%）", 10, lambda r: _num(r.return_rate)),
    ("整改措施数", 8, lambda r: r.measures_total),
    ("已完成措施数", 8, lambda r: r.measures_done),
    ("整改完成率（%）", 10, lambda r: _num(r.completion_rate)),
    ("领导小组评分", 9, lambda r: _num(r.leadership_score)),
    ("巡察办评分", 9, lambda r: _num(r.office_score)),
    ("被巡察单位评分（均分）", 11, lambda r: _num(r.unit_score)),
    ("已评分单位数", 8, lambda r: r.units_scored),
    ("综合得分", 9, lambda r: _num(r.total)),
    (
        "评分状态",
        10,
        lambda r: "评分齐全" if r.complete else ("未评分" if not r.has_scores else "评分未齐（暂算）"),
    ),
    ("约谈提示", 10, lambda r: "建议约谈" if r.talk else ""),
]


def ranking_workbook(rows: list[quality.TeamQuality], *, title: str, settings: QualitySettings) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "巡察质量考评"
    width = len(EXPORT_COLUMNS)
    sheet.cell(row=1, column=1, value=title).font = Font(bold=True, size=14)
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    note = (
        f"权重：领导小组{settings.leadership_weight.normalize():f}%、巡察办{settings.office_weight.normalize():f}%、"
        f"被巡察单位{settings.unit_weight.normalize():f}%；约谈线{settings.talk_threshold.normalize():f}分。"
        "评分未齐的巡察组按已有评分的权重折算（暂算），不参与排名。"
        f"导出日期：{timezone.localdate():%Y-%m-%d}"
    )
    sheet.cell(row=2, column=1, value=note).alignment = Alignment(wrap_text=True)
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)
    sheet.row_dimensions[2].height = 30
    head_font, head_fill = Font(bold=True, color="FFFFFF"), PatternFill("solid", fgColor="1D5FBF")
    for col, (header, col_width, _) in enumerate(EXPORT_COLUMNS, start=1):
        cell = sheet.cell(row=3, column=col, value=header)
        cell.font, cell.fill = head_font, head_fill
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        sheet.column_dimensions[get_column_letter(col)].width = col_width
    sheet.row_dimensions[3].height = 45
    talk_fill = PatternFill("solid", fgColor="FDECEA")
    for i, row in enumerate(rows, start=4):
        for col, (_, _, value) in enumerate(EXPORT_COLUMNS, start=1):
            cell = sheet.cell(row=i, column=col, value=value(row))
            if row.talk:
                cell.fill = talk_fill
    sheet.freeze_panes = "D4"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


class QualityExportView(LoginRequiredMixin, View):
    """The ranking table as shown (same term and round) as .xlsx."""

    def get(self, request):
        _may_read(request.user)
        _, term, round = _scope(request)
        settings = QualitySettings.current()
        rows = quality.team_quality(round=round, term=term, settings=settings) if term else []
        scope = _scope_label(term, round)
        content = ranking_workbook(rows, title=f"巡察质量考评排名 · {scope}", settings=settings)
        response = HttpResponse(content, content_type=XLSX)
        filename = f"巡察质量考评_{timezone.localdate():%Y%m%d}.xlsx"
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{_quote(filename)}"
        return response


def _quote(name: str) -> str:
    return quote(name)


def _plain(value: Decimal) -> Decimal:
    """70.00 → 70, 72.50 → 72.5: what the office typed, not the column's two decimals."""
    value = Decimal(value)
    return value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()


# --- settings -------------------------------------------------------------------------------------


class QualitySettingsView(PageAccessMixin, View):
    """The office sets the weights of the three scores and the talk threshold."""

    page_rule = "dashboards.evaluate"

    def get(self, request):
        current = QualitySettings.current()
        names = ("leadership_weight", "office_weight", "unit_weight", "talk_threshold")
        form = QualitySettingsForm(initial={name: _plain(getattr(current, name)) for name in names})
        return self.render_form(form, current)

    def post(self, request):
        current = QualitySettings.current()
        form = QualitySettingsForm(request.POST)
        if form.is_valid():
            try:
                settings_save(**form.cleaned_data, by=request.user)
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, "考评设置已保存，排名按新的权重和约谈线计算。")
                return redirect("dashboards:quality")
        return self.render_form(form, current)

    def render_form(self, form, current):
        return render(
            self.request,
            "dashboards/quality_settings.html",
            {
                "form": form,
                "settings": current,
                "history_rows": quality.settings_history_rows(current),
                "nav_active": "quality",
            },
        )


# --- the score sheet of a team --------------------------------------------------------------------


class TeamScoresView(LoginRequiredMixin, View):
    """The scores of one team: the leadership group's and the office's, and one per inspected unit, with
    notes and history. The office records them; the leader reads them."""

    def get_team(self, request, team_pk) -> Team:
        _may_read(request.user)
        return access.get_visible(request.user, Team.objects.select_related("round__term"), pk=team_pk)

    def get(self, request, team_pk):
        team = self.get_team(request, team_pk)
        units = quality.scored_units(team)
        form = None
        if access.allows(request.user, "dashboards.evaluate") and team.round.status in quality.EVALUABLE_STATUSES:
            form = TeamScoresForm(initial=self.initial(team), units=units)
        return self.render_page(team, units, form)

    def post(self, request, team_pk):
        team = self.get_team(request, team_pk)
        access.require(request.user, "dashboards.evaluate", message="只有巡察办可以录入考评评分")
        units = quality.scored_units(team)
        form = TeamScoresForm(request.POST, units=units)
        if form.is_valid():
            try:
                changed = team_scores_save(team=team, **form.entries(), by=request.user)
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                if changed:
                    messages.success(request, f"已保存{team}的评分（{changed}项变更）。")
                else:
                    messages.info(request, "评分没有变化。")
                return redirect(reverse("dashboards:quality") + f"?round={team.round_id}")
        return self.render_page(team, units, form)

    def initial(self, team) -> dict:
        initial = {}
        for score in quality.team_scores(team):
            prefix = f"unit_{score.unit_id}" if score.source == ScoreSource.UNIT else score.source
            initial[f"{prefix}_score"] = _plain(score.score)
            initial[f"{prefix}_note"] = score.note
        return initial

    def render_page(self, team, units, form):
        settings = QualitySettings.current()
        row = quality.team_quality_of(team, settings)
        scores = {
            (s.source, s.unit_id): s
            for s in quality.team_scores(team, related=True)
        }
        return render(
            self.request,
            "dashboards/quality_team_scores.html",
            {
                "team": team,
                "row": row,
                "settings": settings,
                "form": form,
                "office": access.allows(self.request.user, "dashboards.evaluate"),
                "evaluable": team.round.status in quality.EVALUABLE_STATUSES,
                "leadership": scores.get((ScoreSource.LEADERSHIP, None)),
                "office_score": scores.get((ScoreSource.OFFICE, None)),
                "unit_entries": [(u, scores.get((ScoreSource.UNIT, u.pk))) for u in units],
                "history_rows": quality.score_history_rows(team),
                "nav_active": "quality",
            },
        )
