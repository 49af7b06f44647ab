"""Reads of 双报告 and 日常监督: a rectification's reports with the state their latest visible version
shows, one version's content, and the supervision page (the latest sent version of every report)."""

from django.db.models import Count, Exists, F, OuterRef, Subquery
from django.shortcuts import get_object_or_404
from django.utils import timezone

from xuncha import access
from xuncha.core import documents

from ..models import (
    Rectification,
    RectStatus,
    Report,
    ReportComment,
    ReportEvidence,
    ReportVersion,
    VersionStatus,
)

SENT = (VersionStatus.SUBMITTED, VersionStatus.SIGNED)


def report_get(user, rect, pk) -> Report:
    return access.get_visible(user, Report.objects.filter(rectification=rect), pk=pk)


def visible_versions(report, *, drafts: bool):
    """All versions for the unit's users (`drafts`); the submitted and signed ones for everyone else."""
    versions = report.versions.order_by("number")
    if not drafts:
        versions = versions.filter(status__in=SENT)
    return versions


def version_get(report, number, *, drafts: bool) -> ReportVersion:
    return get_object_or_404(visible_versions(report, drafts=drafts), number=number)


def _version_label(version, *, unit: bool) -> tuple[str, str]:
    """(css key, label) of a report's state as its latest version shows it."""
    if version is None:
        return "none", "未报送"
    if version.status == VersionStatus.DRAFT:
        return ("draft", "草稿") if unit else ("none", "未报送")
    return version.status, version.get_status_display()


def report_rows(rect, *, unit: bool) -> list[Report]:
    """The rectification's reports in due order, each with its latest version the user may see."""
    reports = list(
        rect.reports.order_by("due_date", "kind").annotate(comment_count=Count("versions__comments", distinct=True))
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
    return reports


def rect_meetings(rect) -> list:
    return list(rect.meetings.select_related("recorded_by").order_by("date", "pk"))


def version_entries(version) -> list:
    return list(
        version.entries.select_related("measure__problem")
        .prefetch_related("evidence")
        .order_by("measure__problem__seq", "measure__seq", "pk")
    )


def version_comments(version) -> list:
    return list(version.comments.select_related("author"))


def version_documents(user, version) -> list:
    return [
        d
        for d in documents.documents_of(version).select_related("requested_by")
        if access.allows(user, "view", d)
    ]


def evidence_of(version, ids):
    """The evidence files `ids` of this version (those a form asks to remove)."""
    return ReportEvidence.objects.filter(pk__in=ids, entry__version=version)


def evidence_get(user, pk) -> ReportEvidence:
    """An evidence file the user may see: whoever sees the rectification, a draft's only its unit (404)."""
    return access.get_visible(
        user, ReportEvidence.objects.select_related("entry__version__report__rectification__unit"), pk=pk
    )


# --- 整改监督 ---------------------------------------------------------------------------------------------


def supervision_rects(rects, filters: dict):
    """The rectifications of the unit and the round the filter names (its valid values)."""
    if filters.get("round"):
        rects = rects.filter(round=filters["round"])
    if filters.get("q"):
        rects = rects.filter(unit__name__icontains=filters["q"])
    return rects


def supervision_versions(user, rects, filters):
    """The latest submitted or signed version of every report of these rectifications, newest first,
    narrowed by the page's `SupervisionFilter`."""
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
    versions = filters.narrow(versions)
    return versions


def overdue_reports(rects) -> list[Report]:
    today = timezone.localdate()
    overdue = list(
        Report.objects.outstanding().filter(
            rectification__in=rects.exclude(status=RectStatus.CLOSED), due_date__lt=today
        )
        .select_related("rectification__unit", "rectification__round")
        .order_by("due_date", "rectification__unit__name")
    )
    for report in overdue:
        report.days_late = (today - report.due_date).days
    return overdue


def rect_count(rects) -> int:
    return Rectification.objects.filter(pk__in=rects.values("pk")).count()
