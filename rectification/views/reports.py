"""Reports and supervision (双报告, 签字背书, 日常监督), and the hearing and democratic life meeting.

Thin views: `get_rect` answers 404 for a rectification the user may not see and 403 for a write by one
who only reads; the services in `services.reports` write and refuse with a DomainError, shown as a
message or a form error, never a 500. A draft is the unit's own: the office and the supervisors see only
submitted and signed versions.
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views import View

from rectification.documents import reports as docs_reports  # noqa: F401  registers the report PDF with xuncha.core.documents
from rectification.forms.reports import (
    CommentForm,
    CorrectionForm,
    MeetingForm,
    SignForm,
    SupervisionFilter,
    VersionForm,
)
from xuncha import access
from xuncha.core.concurrency import save_form
from xuncha.core.forms import ReasonForm
from xuncha.core.views import run_service
from xuncha.errors import DomainError

from ..models import MeetingKind, ReportVersion, VersionStatus
from ..selectors import feedback as rect_selectors
from ..selectors import reports as selectors
from ..services import reports as services
from .common import get_rect, tab_context

PAGE_SIZE = 20
SENT = selectors.SENT


def _visible_versions(rect, report):
    """All versions for the unit's users; the submitted and signed ones for everyone else."""
    return selectors.visible_versions(report, drafts=rect.may["see_drafts"])




def _detail_url(rect, report, number=None) -> str:
    url = reverse("rectification:report_detail", args=[rect.pk, report.pk])
    return f"{url}?v={number}" if number else url


class ReportListView(LoginRequiredMixin, View):
    """报告与监督: the schedule of half-monthly and final reports, and the two meetings."""

    def get(self, request, pk):
        rect = get_rect(request, pk)
        unit = rect.may["write_report"]
        reports = selectors.report_rows(rect, unit=unit)
        meetings = selectors.rect_meetings(rect)
        open_ = rect.fed_back and not rect.is_closed
        context = tab_context(rect, "reports") | {
            "reports": reports,
            "unit": unit,
            "hearing_planned": services.hearing_planned_date(rect),
            "hearings": [m for m in meetings if m.kind == MeetingKind.HEARING],
            "democratic": [m for m in meetings if m.kind == MeetingKind.DEMOCRATIC_LIFE],
            "can_hearing": open_ and rect.may["record_hearing"],
            "can_democratic": open_ and rect.may["record_democratic_life"],
            "submitted_count": sum(1 for r in reports if r.submitted_at),
            "overdue_count": sum(1 for r in reports if r.due == "overdue"),
            "today": timezone.localdate(),
        }
        return render(request, "rectification/report_list.html", context)


class ReportDetailView(LoginRequiredMixin, View):
    """One report: every version (switcher), the chosen one's content, seal, PDF, comments and actions."""

    def get(self, request, pk, report_pk):
        rect = get_rect(request, pk)
        report = selectors.report_get(request.user, rect, report_pk)
        return render(request, "rectification/report_detail.html", self.context(request, rect, report))

    @staticmethod
    def context(request, rect, report, *, comment_form=None, correction_form=None, sign_form=None) -> dict:
        may = rect.may
        unit = may["write_report"]
        versions = list(_visible_versions(rect, report).select_related("submitted_by", "signed_by"))
        latest_any = services.latest_version(report)
        chosen = None
        if versions:
            wanted = request.GET.get("v")
            if wanted:
                chosen = next((v for v in versions if str(v.number) == wanted), None)
                if chosen is None:
                    raise Http404
            else:
                chosen = versions[-1]
        entries, comments, docs = [], [], []
        if chosen is not None:
            entries = selectors.version_entries(chosen)
            for entry in entries:
                entry.due = entry.measure.deadline_state()
            comments = selectors.version_comments(chosen)
            docs = selectors.version_documents(request.user, chosen)
        open_ = rect.fed_back and not rect.is_closed
        latest_status = latest_any.status if latest_any else None
        is_latest = chosen is not None and latest_any is not None and chosen.pk == latest_any.pk
        return tab_context(rect, "reports") | {
            "report": report,
            "title": services.report_title(report, rect.unit.name),
            "versions": versions,
            "version": chosen,
            "is_latest": is_latest,
            "latest": latest_any,
            "entries": entries,
            "comments": comments,
            "docs": docs,
            "unit": unit,
            "due": report.due_state(),
            "problems": services.submission_problems(chosen)
            if unit and chosen is not None and chosen.status == VersionStatus.DRAFT
            else [],
            "can_edit": unit and open_ and latest_status in (None, VersionStatus.DRAFT),
            "can_submit": unit and open_ and latest_status == VersionStatus.DRAFT,
            "can_correct": unit and open_ and latest_status in SENT,
            "can_sign": may["sign"] and is_latest and latest_status == VersionStatus.SUBMITTED,
            "can_comment": may["comment"] and chosen is not None and chosen.status in SENT,
            "can_pdf": may["report_pdf"] and chosen is not None and chosen.status in SENT,
            "comment_form": comment_form or CommentForm(),
            "correction_form": correction_form or CorrectionForm(),
            "sign_form": sign_form or SignForm(),
        }


class VersionEditView(LoginRequiredMixin, View):
    """The unit writes its draft: the summary, the principal's report, per measure progress, narrative
    and evidence. A submitted or signed version is never edited here (the refusal sends one back)."""

    def prepare(self, request, pk, report_pk):
        rect = get_rect(request, pk, "write_report")
        report = selectors.report_get(request.user, rect, report_pk)
        latest = services.latest_version(report)
        if latest is not None and latest.status != VersionStatus.DRAFT:
            messages.error(request, services.EDIT_SIGNED_MESSAGE)
            return rect, report, None
        try:
            version = services.version_start(report=report, by=request.user)
        except DomainError as exc:
            messages.error(request, exc.full_message())
            return rect, report, None
        return rect, report, version

    def entries(self, version):
        return selectors.version_entries(version)

    def get(self, request, pk, report_pk):
        rect, report, version = self.prepare(request, pk, report_pk)
        if version is None:
            return redirect(_detail_url(rect, report))
        form = VersionForm(
            initial={"summary": version.summary, "principal_report": version.principal_report},
            entries=self.entries(version),
            versioned=version,
        )
        return self.render_form(rect, report, version, form)

    def post(self, request, pk, report_pk):
        rect, report, version = self.prepare(request, pk, report_pk)
        if version is None:
            return redirect(_detail_url(rect, report))
        form = VersionForm(request.POST, request.FILES, entries=self.entries(version), versioned=version)
        if form.is_valid():
            removed = {int(x) for x in request.POST.getlist("remove") if x.isdigit()}

            def save():
                services.version_update(
                    version=version,
                    summary=form.cleaned_data["summary"],
                    principal_report=form.cleaned_data["principal_report"],
                    entries=form.entry_values(),
                    by=request.user,
                )
                for evidence in selectors.evidence_of(version, removed):
                    services.evidence_remove(evidence=evidence, by=request.user)
                for entry, files in form.entry_files():
                    if files:
                        services.evidence_add(entry=entry, files=files, by=request.user)

            if save_form(request, form, save).ok:
                if request.POST.get("action") == "submit":
                    ok, _ = run_service(request, services.version_submit, version=version, by=request.user)
                    if ok:
                        messages.success(request, self.submitted_message(rect, report))
                        return redirect(_detail_url(rect, report, version.number))
                    return redirect("rectification:version_edit", rect.pk, report.pk)
                messages.success(request, "草稿已保存。全部填写完成后请点击“报送”。")
                return redirect("rectification:version_edit", rect.pk, report.pk)
        return self.render_form(rect, report, version, form)

    @staticmethod
    def submitted_message(rect, report) -> str:
        text = f"已报送{report}，县纪委监委、县委组织部和巡察办已收到通知。"
        if rect.may["sign"]:
            return text + "请在本页输入密码签字背书。"
        return text + "请提醒主要负责人登录后签字背书。"

    def render_form(self, rect, report, version, form):
        return render(
            self.request,
            "rectification/version_edit.html",
            tab_context(rect, "reports")
            | {
                "report": report,
                "title": services.report_title(report, rect.unit.name),
                "version": version,
                "form": form,
                "problems": services.submission_problems(version),
            },
        )


class VersionNewView(LoginRequiredMixin, View):
    """生成更正版本: a new draft copied from the latest submitted or signed version, with the reason."""

    http_method_names = ["post"]

    def post(self, request, pk, report_pk):
        rect = get_rect(request, pk, "write_report")
        report = selectors.report_get(request.user, rect, report_pk)
        latest = services.latest_version(report)
        if latest is not None and latest.status == VersionStatus.DRAFT:
            messages.info(request, f"第{latest.number}版草稿正在填写，请继续编辑。")
            return redirect("rectification:version_edit", rect.pk, report.pk)
        form = CorrectionForm(request.POST)
        if not form.is_valid():
            messages.error(request, services.CORRECTION_NOTE_MESSAGE)
            return redirect(_detail_url(rect, report))
        ok, version = run_service(
            request,
            services.version_start,
            report=report,
            by=request.user,
            correction_note=form.cleaned_data["correction_note"],
        )
        if not ok:
            return redirect(_detail_url(rect, report))
        messages.success(
            request,
            f"已生成第{version.number}版（更正版本），原版本保持不变。修改后请重新报送并由主要负责人签字背书。",
        )
        return redirect("rectification:version_edit", rect.pk, report.pk)


class VersionSubmitView(LoginRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk, report_pk):
        rect = get_rect(request, pk, "write_report")
        report = selectors.report_get(request.user, rect, report_pk)
        latest = services.latest_version(report)
        if latest is None:
            messages.error(request, "报告尚未填写")
            return redirect(_detail_url(rect, report))
        ok, _ = run_service(
            request,
            services.version_submit,
            version=latest,
            by=request.user,
            success=VersionEditView.submitted_message(rect, report),
        )
        return redirect(_detail_url(rect, report, latest.number if ok else None))


class ReportWaiveView(LoginRequiredMixin, View):
    """免报: the office waives a missed half-monthly report, with the reason."""

    http_method_names = ["post"]

    def post(self, request, pk, report_pk):
        rect = get_rect(request, pk, "waive_report")
        report = selectors.report_get(request.user, rect, report_pk)
        form = ReasonForm(request.POST)  # the service asks for the reason and bounds it
        if not form.is_valid():
            messages.error(request, form.error_text())
        else:
            run_service(
                request,
                services.report_waive,
                report=report,
                reason=form.cleaned_data["reason"],
                by=request.user,
                success=f"已同意{report}免报",
            )
        return redirect("rectification:report_list", rect.pk)


class VersionSignView(LoginRequiredMixin, View):
    """签字背书: the principal re-enters his password."""

    http_method_names = ["post"]

    def post(self, request, pk, report_pk):
        rect = get_rect(request, pk, "sign")
        report = selectors.report_get(request.user, rect, report_pk)
        latest = services.latest_version(report)
        form = SignForm(request.POST)
        if latest is None:
            messages.error(request, "报告尚未填写")
            return redirect(_detail_url(rect, report))
        if not form.is_valid():
            messages.error(request, "请输入登录密码后签字")
            return redirect(_detail_url(rect, report))
        run_service(
            request,
            services.version_sign,
            version=latest,
            user=request.user,
            password=form.cleaned_data["password"],
            success=f"已签字背书（第{latest.number}版），报告已封存，签字后的PDF正在生成。",
        )
        return redirect(_detail_url(rect, report, latest.number))


def _version_or_404(rect, report, number) -> ReportVersion:
    return selectors.version_get(report, number, drafts=rect.may["see_drafts"])


class VersionPdfView(LoginRequiredMixin, View):
    """Ask for the version's PDF (again)."""

    http_method_names = ["post"]

    def post(self, request, pk, report_pk, number):
        rect = get_rect(request, pk, "report_pdf")
        report = selectors.report_get(request.user, rect, report_pk)
        version = _version_or_404(rect, report, number)
        run_service(
            request,
            services.version_pdf_request,
            version=version,
            by=request.user,
            success="已提交生成报告PDF，请稍候。",
        )
        return redirect(_detail_url(rect, report, number))


class CommentAddView(LoginRequiredMixin, View):
    """日常监督: the discipline commission, the organization department or the office comment."""

    http_method_names = ["post"]

    def post(self, request, pk, report_pk, number):
        rect = get_rect(request, pk, "comment")
        report = selectors.report_get(request.user, rect, report_pk)
        version = _version_or_404(rect, report, number)
        form = CommentForm(request.POST)
        if form.is_valid():
            outcome = save_form(
                request,
                form,
                lambda: services.comment_add(version=version, author=request.user, body=form.cleaned_data["body"]),
                url=lambda _: _detail_url(rect, report, number) + "#comments",
            )
            if outcome.response:
                return outcome.response
            if outcome.ok:
                messages.success(request, "监督意见已提交，已通知被巡察单位主要负责人和联络员。")
                return redirect(_detail_url(rect, report, number) + "#comments")
        request.GET = request.GET.copy()
        request.GET["v"] = str(number)
        context = ReportDetailView.context(request, rect, report, comment_form=form)
        return render(request, "rectification/report_detail.html", context, status=200)


class EvidenceDownloadView(LoginRequiredMixin, View):
    """A report's evidence file, for whoever may see the rectification (a draft's only for the unit)."""

    def get(self, request, evidence_pk):
        evidence = selectors.evidence_get(request.user, evidence_pk)
        try:
            handle = evidence.file.open("rb")
        except (FileNotFoundError, OSError) as exc:
            raise Http404 from exc
        return FileResponse(handle, as_attachment=True, filename=evidence.name)


class MeetingAddView(LoginRequiredMixin, View):
    """Record the hearing (the office) or the special democratic life meeting (the unit or the office)."""

    def prepare(self, request, pk, kind):
        if kind not in MeetingKind.values:
            raise Http404
        return get_rect(request, pk, services.MEETING_ACTIONS[kind])

    def get(self, request, pk, kind):
        rect = self.prepare(request, pk, kind)
        return self.render_form(rect, kind, MeetingForm(hearing=kind == MeetingKind.HEARING))

    def post(self, request, pk, kind):
        rect = self.prepare(request, pk, kind)
        form = MeetingForm(request.POST, hearing=kind == MeetingKind.HEARING)
        if form.is_valid():
            outcome = save_form(
                request,
                form,
                lambda: services.meeting_add(rect=rect, kind=kind, by=request.user, **form.cleaned_data),
                url=lambda _: reverse("rectification:report_list", args=[rect.pk]),
            )
            if outcome.response:
                return outcome.response
            if outcome.ok:
                messages.success(request, f"已登记{MeetingKind(kind).label}。")
                return redirect("rectification:report_list", rect.pk)
        return self.render_form(rect, kind, form)

    def render_form(self, rect, kind, form):
        return render(
            self.request,
            "rectification/meeting_add.html",
            tab_context(rect, "reports")
            | {
                "form": form,
                "kind": kind,
                "label": MeetingKind(kind).label,
                "hearing_planned": services.hearing_planned_date(rect),
                "open": rect.fed_back and not rect.is_closed,
            },
        )


class SupervisionView(LoginRequiredMixin, View):
    """整改监督: the latest submitted or signed version of every report the user may see, newest first,
    and the reports overdue. For the discipline commission, the organization department and the office."""

    def get(self, request):
        user = request.user
        access.require(user, "rectification.supervision")
        rects = rect_selectors.visible_rectifications(user)
        rounds = rect_selectors.rounds_of(rects).order_by("-planned_start")
        filters = SupervisionFilter(request.GET, rounds=rounds)
        versions = selectors.supervision_versions(user, rects, filters)
        rects = selectors.supervision_rects(rects, filters.chosen())
        page = Paginator(versions, PAGE_SIZE).get_page(request.GET.get("page"))
        overdue = selectors.overdue_reports(rects)
        return render(
            request,
            "rectification/supervision.html",
            {
                "filter": filters,
                "page_obj": page,
                "overdue": overdue,
                "filtered": any(k in request.GET for k in ("q", "round", "signed", "commented")),
                "nav_active": "rectification" if access.allows(user, "office") else "supervision",
                "rect_count": selectors.rect_count(rects),
            },
        )
