"""Quality evaluation of the teams (巡察质量考评): the ranking, its Excel export, the weights, and the score
sheet of a team.

The office and the leadership read; only the office writes (the leader gets 403 on every write). Team
members and everyone else get 403: the evaluation of the teams is not for the teams to see.
"""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views import View

from dashboards.documents import quality as quality_export
from dashboards.forms.quality import QualityFilterForm, QualitySettingsForm, TeamScoresForm
from dashboards.selectors import quality
from dashboards.services.quality import StaleScoreSheet, settings_save, team_scores_save
from rounds.models import Round, Term
from teams.models import Team
from xuncha import access
from xuncha.core.concurrency import VERSION_FIELD, save_form
from xuncha.core.forms import add_domain_error
from xuncha.core.views import PageAccessMixin
from xuncha.core.xlsx import xlsx_response
from xuncha.errors import DomainError

from ..models import QualitySettings, ScoreSource


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
                "archival_rows": any(r.archival for r in rows),
                "summary": quality.summary(rows),
                "settings": settings,
                "scope": _scope_label(term, round),
                "office": access.allows(request.user, "dashboards.evaluate"),
                "export_query": request.GET.urlencode(),
                "nav_active": "quality",
            },
        )


class QualityExportView(LoginRequiredMixin, View):
    """The ranking table as shown (same term and round) as .xlsx."""

    def get(self, request):
        _may_read(request.user)
        _, term, round = _scope(request)
        settings = QualitySettings.current()
        rows = quality.team_quality(round=round, term=term, settings=settings) if term else []
        scope = _scope_label(term, round)
        content = quality_export.ranking_workbook(rows, title=f"巡察质量考评排名 · {scope}", settings=settings)
        return xlsx_response(content, f"巡察质量考评_{timezone.localdate():%Y%m%d}.xlsx", "quality.xlsx")



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
        form = QualitySettingsForm(initial={name: _plain(getattr(current, name)) for name in names}, versioned=current)
        return self.render_form(form, current)

    def post(self, request):
        current = QualitySettings.current()
        form = QualitySettingsForm(request.POST, versioned=current)
        if form.is_valid():
            if save_form(request, form, lambda: settings_save(**form.cleaned_data, by=request.user)).ok:
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
            form = TeamScoresForm(
                initial=self.initial(team) | {VERSION_FIELD: quality.score_sheet_stamp(team)}, units=units
            )
        return self.render_page(team, units, form)

    def post(self, request, team_pk):
        team = self.get_team(request, team_pk)
        access.require(request.user, "dashboards.evaluate", message="只有巡察办可以录入考评评分")
        units = quality.scored_units(team)
        form = TeamScoresForm(request.POST, units=units)
        if form.is_valid():
            try:
                changed = team_scores_save(
                    team=team, **form.entries(), expected_stamp=form.expected_stamp, by=request.user
                )
            except StaleScoreSheet as exc:
                form.refuse_stale(
                    exc.current, quality.team_scores(team), quality.score_sheet_last_change(team)
                )
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
