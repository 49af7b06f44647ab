"""Reports and supervision (双报告, 签字背书, 日常监督), and the hearing and democratic life meeting.

Thin views: `get_rect` answers 404 for a rectification the user may not see and 403 for a write by one
who only reads; the services in `services.reports` write and refuse with a DomainError, shown as a
message or a form error, never a 500. A draft is the unit's own: the office and the supervisors see only
submitted and signed versions.
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Exists, F, OuterRef, Subquery
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.views import View

from rectification.documents import reports as docs_reports  # noqa: F401  registers the report PDF with xuncha.core.documents
from rectification.forms.reports import (
    CommentForm,
    CorrectionForm,
    MeetingForm,
    SignForm,
    SupervisionFilterForm,
    VersionForm,
)
from rounds.models import Round
from xuncha import access
from xuncha.accounts.roles import Role, has_role, is_office
from xuncha.core import documents
from xuncha.core.errors import DomainError
from xuncha.core.forms import add_domain_error
from xuncha.core.views import run_service

from ..models import (
    MeetingKind,
    Rectification,
    RectStatus,
    Report,
    ReportComment,
    ReportEvidence,
    ReportVersion,
    VersionStatus,
)
from ..services import reports as services
from .common import UNIT_ROLES, get_rect, tab_context

PAGE_SIZE = 20
SENT = (VersionStatus.SUBMITTED, VersionStatus.SIGNED)
PDF_ROLES = ("office", "supervisor", *UNIT_ROLES)
COMMENT_ROLES = ("office", "supervisor")


def _visible_versions(rect, report):
    """All versions for the unit's users; the submitted and signed ones for everyone else."""
    versions = report.versions.order_by("number")
    if rect.role not in UNIT_ROLES:
        versions = versions.filter(status__in=SENT)
    return versions


def _get_report(rect, report_pk) -> Report:
    return get_object_or_404(Report.objects.filter(rectification=rect), pk=report_pk)


def _detail_url(rect, report, number=None) -> str:
    url = reverse("rectification:report_detail", args=[rect.pk, report.pk])
    return f"{url}?v={number}" if number else url


def _version_label(version, *, unit: bool) -> tuple[str, str]:
    """(css key, label) of a report's state as its latest version shows it."""
    if version is None:
        return "none", "未报送"
    if version.status == VersionStatus.DRAFT:
        return ("draft", "草稿") if unit else ("none", "未报送")
    return version.status, version.get_status_display()


class ReportListView(LoginRequiredMixin, View):
    """报告与监督: the schedule of half-monthly and final reports, and the two meetings."""

    def get(self, request, pk):
        rect = get_rect(request, pk)
        unit = rect.role in UNIT_ROLES
        reports = list(
            rect.reports.order_by("due_date", "kind").annotate(
                comment_count=Count("versions__comments", distinct=True)
            )
        )
        versions = {}
        for v in ReportVersion.objects.filter(report__rectification=rect).order_by("report_id", "number"):
            versions.setdefault(v.report_id, []).append(v)
        today = timezone.localdate()
        for report in reports:
            mine = versions.get(report.pk, [])
            visible = mine if unit else [v for v in mine if v.status in SENT]
            report.latest = visible[-1] if visible else None
            report.has_draft = bool(mine) and mine[-1].status == VersionStatus.DRAFT
            report.version_count = len(visible)
            report.state_key, report.state_label = _version_label(report.latest, unit=unit)
            report.due = report.due_state(today)
        meetings = list(rect.meetings.select_related("recorded_by").order_by("date", "pk"))
        open_ = rect.fed_back and not rect.is_closed
        context = tab_context(rect, "reports") | {
            "reports": reports,
            "unit": unit,
            "hearing_planned": services.hearing_planned_date(rect),
            "hearings": [m for m in meetings if m.kind == MeetingKind.HEARING],
            "democratic": [m for m in meetings if m.kind == MeetingKind.DEMOCRATIC_LIFE],
            "can_hearing": open_ and services.may_record_meeting(request.user, rect, MeetingKind.HEARING),
            "can_democratic": open_
            and services.may_record_meeting(request.user, rect, MeetingKind.DEMOCRATIC_LIFE),
            "submitted_count": sum(1 for r in reports if r.submitted_at),
            "overdue_count": sum(1 for r in reports if r.due == "overdue"),
        }
        return render(request, "rectification/report_list.html", context)


class ReportDetailView(LoginRequiredMixin, View):
    """One report: every version (switcher), the chosen one's content, seal, PDF, comments and actions."""

    def get(self, request, pk, report_pk):
        rect = get_rect(request, pk)
        report = _get_report(rect, report_pk)
        return render(request, "rectification/report_detail.html", self.context(request, rect, report))

    @staticmethod
    def context(request, rect, report, *, comment_form=None, correction_form=None, sign_form=None) -> dict:
        role = rect.role
        unit = role in UNIT_ROLES
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
            entries = list(
                chosen.entries.select_related("measure__problem")
                .prefetch_related("evidence")
                .order_by("measure__problem__seq", "measure__seq", "pk")
            )
            for entry in entries:
                entry.due = entry.measure.deadline_state()
            comments = list(chosen.comments.select_related("author"))
            docs = [
                d
                for d in documents.documents_of(chosen).select_related("requested_by")
                if documents.can_view(request.user, d)
            ]
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
            "can_sign": role == "principal" and is_latest and latest_status == VersionStatus.SUBMITTED,
            "can_comment": role in COMMENT_ROLES and chosen is not None and chosen.status in SENT,
            "can_pdf": role in PDF_ROLES and chosen is not None and chosen.status in SENT,
            "comment_form": comment_form or CommentForm(),
            "correction_form": correction_form or CorrectionForm(),
            "sign_form": sign_form or SignForm(),
        }


class VersionEditView(LoginRequiredMixin, View):
    """The unit writes its draft: the summary, the principal's report, per measure progress, narrative
    and evidence. A submitted or signed version is never edited here (the refusal sends one back)."""

    def prepare(self, request, pk, report_pk):
        rect = get_rect(request, pk, roles=UNIT_ROLES)
        report = _get_report(rect, report_pk)
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
        return list(
            version.entries.select_related("measure__problem")
            .prefetch_related("evidence")
            .order_by("measure__problem__seq", "measure__seq", "pk")
        )

    def get(self, request, pk, report_pk):
        rect, report, version = self.prepare(request, pk, report_pk)
        if version is None:
            return redirect(_detail_url(rect, report))
        form = VersionForm(
            initial={"summary": version.summary, "principal_report": version.principal_report},
            entries=self.entries(version),
        )
        return self.render_form(rect, report, version, form)

    def post(self, request, pk, report_pk):
        rect, report, version = self.prepare(request, pk, report_pk)
        if version is None:
            return redirect(_detail_url(rect, report))
        form = VersionForm(request.POST, request.FILES, entries=self.entries(version))
        if form.is_valid():
            removed = {int(x) for x in request.POST.getlist("remove") if x.isdigit()}
            try:
                with transaction.atomic():
                    services.version_update(
                        version=version,
                        summary=form.cleaned_data["summary"],
                        principal_report=form.cleaned_data["principal_report"],
                        entries=form.entry_values(),
                        by=request.user,
                    )
                    for evidence in ReportEvidence.objects.filter(pk__in=removed, entry__version=version):
                        services.evidence_remove(evidence=evidence, by=request.user)
                    for entry, files in form.entry_files():
                        if files:
                            services.evidence_add(entry=entry, files=files, by=request.user)
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
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
        if rect.role == "principal":
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
        rect = get_rect(request, pk, roles=UNIT_ROLES)
        report = _get_report(rect, report_pk)
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
        rect = get_rect(request, pk, roles=UNIT_ROLES)
        report = _get_report(rect, report_pk)
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


class VersionSignView(LoginRequiredMixin, View):
    """签字背书: the principal re-enters his password."""

    http_method_names = ["post"]

    def post(self, request, pk, report_pk):
        rect = get_rect(request, pk, roles=("principal",))
        report = _get_report(rect, report_pk)
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
    return get_object_or_404(_visible_versions(rect, report), number=number)


class VersionPdfView(LoginRequiredMixin, View):
    """Ask for the version's PDF (again)."""

    http_method_names = ["post"]

    def post(self, request, pk, report_pk, number):
        rect = get_rect(request, pk, roles=PDF_ROLES)
        report = _get_report(rect, report_pk)
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
        rect = get_rect(request, pk, roles=COMMENT_ROLES)
        report = _get_report(rect, report_pk)
        version = _version_or_404(rect, report, number)
        form = CommentForm(request.POST)
        if form.is_valid():
            try:
                services.comment_add(version=version, author=request.user, body=form.cleaned_data["body"])
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, "监督意见已提交，已通知被巡察单位主要负责人和联络员。")
                return redirect(_detail_url(rect, report, number) + "#comments")
        request.GET = request.GET.copy()
        request.GET["v"] = str(number)
        context = ReportDetailView.context(request, rect, report, comment_form=form)
        return render(request, "rectification/report_detail.html", context, status=200)


class EvidenceDownloadView(LoginRequiredMixin, View):
    """A report's evidence file, for whoever may see the rectification (a draft's only for the unit)."""

    def get(self, request, evidence_pk):
        evidence = get_object_or_404(
            ReportEvidence.objects.select_related("entry__version__report__rectification__unit"),
            pk=evidence_pk,
        )
        version = evidence.entry.version
        rect = version.report.rectification
        if not access.visible(request.user, "rectification.Rectification").filter(pk=rect.pk).exists():
            raise Http404
        role = access.rect_role(request.user, rect)
        if role is None or (version.status == VersionStatus.DRAFT and role not in UNIT_ROLES):
            raise Http404
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
        rect = get_rect(request, pk)
        if not services.may_record_meeting(request.user, rect, kind):
            raise PermissionDenied
        return rect

    def get(self, request, pk, kind):
        rect = self.prepare(request, pk, kind)
        return self.render_form(rect, kind, MeetingForm())

    def post(self, request, pk, kind):
        rect = self.prepare(request, pk, kind)
        form = MeetingForm(request.POST)
        if form.is_valid():
            try:
                services.meeting_add(rect=rect, kind=kind, by=request.user, **form.cleaned_data)
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
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
        if not (is_office(user) or has_role(user, Role.JIWEI, Role.ZUZHIBU)):
            raise PermissionDenied
        rects = access.visible(user, "rectification.Rectification")
        rounds = Round.objects.filter(pk__in=rects.values("round_id")).order_by("-planned_start")
        form = SupervisionFilterForm(request.GET or None, rounds=rounds)
        filters = form.filters()
        if filters.get("round"):
            rects = rects.filter(round=filters["round"])
        if filters.get("q"):
            rects = rects.filter(unit__name__icontains=filters["q"])
        latest_sent = (
            ReportVersion.objects.filter(report=OuterRef("report"), status__in=SENT)
            .order_by("-number")
            .values("number")[:1]
        )
        versions = (
            ReportVersion.objects.filter(status__in=SENT, report__rectification__in=rects)
            .annotate(latest_sent=Subquery(latest_sent))
            .filter(number=F("latest_sent"))
            .annotate(
                comment_count=Count("comments", distinct=True),
                commented_by_me=Exists(ReportComment.objects.filter(version=OuterRef("pk"), author=user)),
            )
            .select_related("report__rectification__unit", "report__rectification__round", "submitted_by")
            .order_by("-submitted_at", "-pk")
        )
        if filters.get("signed") == "yes":
            versions = versions.filter(status=VersionStatus.SIGNED)
        elif filters.get("signed") == "no":
            versions = versions.filter(status=VersionStatus.SUBMITTED)
        if filters.get("commented") == "mine":
            versions = versions.filter(commented_by_me=True)
        elif filters.get("commented") == "not_mine":
            versions = versions.filter(commented_by_me=False)
        page = Paginator(versions, PAGE_SIZE).get_page(request.GET.get("page"))
        today = timezone.localdate()
        overdue = list(
            Report.objects.filter(
                rectification__in=rects.exclude(status=RectStatus.CLOSED),
                submitted_at__isnull=True,
                due_date__lt=today,
            )
            .select_related("rectification__unit", "rectification__round")
            .order_by("due_date", "rectification__unit__name")
        )
        for report in overdue:
            report.days_late = (today - report.due_date).days
        return render(
            request,
            "rectification/supervision.html",
            {
                "form": form,
                "page_obj": page,
                "overdue": overdue,
                "filtered": any(k in request.GET for k in ("q", "round", "signed", "commented")),
                "nav_active": "supervision" if not is_office(user) else "rectification",
                "rect_count": Rectification.objects.filter(pk__in=rects.values("pk")).count(),
            },
        )


urlpatterns = [
    path("rectification/<int:pk>/reports/", ReportListView.as_view(), name="report_list"),
    path("rectification/<int:pk>/reports/<int:report_pk>/", ReportDetailView.as_view(), name="report_detail"),
    path(
        "rectification/<int:pk>/reports/<int:report_pk>/edit/", VersionEditView.as_view(), name="version_edit"
    ),
    path(
        "rectification/<int:pk>/reports/<int:report_pk>/correct/",
        VersionNewView.as_view(),
        name="version_new",
    ),
    path(
        "rectification/<int:pk>/reports/<int:report_pk>/submit/",
        VersionSubmitView.as_view(),
        name="version_submit",
    ),
    path(
        "rectification/<int:pk>/reports/<int:report_pk>/sign/", VersionSignView.as_view(), name="version_sign"
    ),
    path(
        "rectification/<int:pk>/reports/<int:report_pk>/versions/<int:number>/pdf/",
        VersionPdfView.as_view(),
        name="version_pdf",
    ),
    path(
        "rectification/<int:pk>/reports/<int:report_pk>/versions/<int:number>/comments/",
        CommentAddView.as_view(),
        name="comment_add",
    ),
    path(
        "rectification/evidence/<int:evidence_pk>/", EvidenceDownloadView.as_view(), name="evidence_download"
    ),
    path("rectification/<int:pk>/meetings/<str:kind>/new/", MeetingAddView.as_view(), name="meeting_add"),
    path("rectification/supervision/", SupervisionView.as_view(), name="supervision"),
]
