"""共性问题分析: common problems, recurring problems and rebounds after rectification, for a term or a
round, and the office's 专题报告 (thematic report) drawn from them.

The office and the leadership read the page (the leadership read-only); anyone else gets 403. Only the
office asks for a report. The analysis is `dashboards.selectors.common_problems`; the Word
file `dashboards.documents.thematic`; the rules `xuncha.access.rules.dashboards`.
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views import View

from dashboards.documents import thematic as docx_thematic
from dashboards.selectors.common_problems import (
    DEFAULT_MIN_SHARE,
    DEFAULT_MIN_UNITS,
    Threshold,
    analyse,
    resolve_scope,
    scope_rounds,
    terms,
)
from dashboards.services.common_problems import thematic_report_request
from xuncha import access
from xuncha.errors import DomainError

MAX_MIN_UNITS = 999


def _int(value, *, low: int, high: int) -> int | None:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if low <= number <= high else None


def read_threshold(data) -> Threshold:
    """The threshold the query string (or form) names. A missing or invalid value keeps its default; an
    empty 占比 turns the share rule off."""
    min_units = _int(data.get("min_units"), low=1, high=MAX_MIN_UNITS) or DEFAULT_MIN_UNITS
    if "min_share" not in data:
        min_share = DEFAULT_MIN_SHARE
    elif not str(data.get("min_share")).strip():
        min_share = None
    else:
        min_share = _int(data.get("min_share"), low=1, high=100) or DEFAULT_MIN_SHARE
    return Threshold(min_units=min_units, min_share=min_share)


def read_scope(data):
    """The term and round the data name. A round of another term than the one named is dropped: the
    user changed the term and the round list was still the old term's."""
    term_id = _int(data.get("term"), low=1, high=2**62)
    round_id = _int(data.get("round"), low=1, high=2**62)
    scope = resolve_scope(term_id=term_id, round_id=round_id)
    if scope is not None and scope.round is not None and term_id and scope.term.pk != term_id:
        scope = resolve_scope(term_id=term_id)
    return scope


def page_url(scope, threshold: Threshold) -> str:
    params = {**(scope.params if scope else {}), **threshold.params}
    return f"{reverse('dashboards:common_problems')}?{urlencode(params)}"


class CommonProblemsView(LoginRequiredMixin, View):
    def get(self, request):
        user = request.user
        access.require(user, "dashboards.common_problems")
        scope = read_scope(request.GET)
        threshold = read_threshold(request.GET)
        context = {
            "nav_active": "common_problems",
            "office": access.allows(user, "dashboards.thematic_report"),
            "scope": scope,
            "threshold": threshold,
            "terms": terms(),
            "default_min_units": DEFAULT_MIN_UNITS,
            "default_min_share": DEFAULT_MIN_SHARE,
        }
        if scope is not None:
            context.update(
                analysis=analyse(scope, threshold),
                rounds=scope_rounds(scope),
                docs=docx_thematic.reports_of(scope),
                report_title=docx_thematic.report_title(scope),
            )
        return render(request, "dashboards/common_problems.html", context)


class ThematicReportView(LoginRequiredMixin, View):
    """The office asks for the scope's 专题报告; the page then shows it rendering, then to download."""

    http_method_names = ["post"]

    def post(self, request):
        access.require(request.user, "dashboards.thematic_report")
        scope = read_scope(request.POST)
        threshold = read_threshold(request.POST)
        try:
            document = thematic_report_request(
                scope=scope, threshold=threshold, by=request.user
            )
        except DomainError as exc:
            messages.error(request, exc.full_message())
        else:
            messages.success(request, f"已开始生成“{document.title}”，生成后可在下方下载。")
        return redirect(page_url(scope, threshold) + "#reports")
