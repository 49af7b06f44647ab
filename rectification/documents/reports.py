"""A report version as PDF (WeasyPrint): the half-monthly progress report or the final 整改情况报告.

Addressed to 县纪委监委、县委组织部、县委巡察办 (双报告): the summary, the table of measures with their
progress and evidence, the principal's own report, the version and its correction note, and for a signed
version the red seal box with the signer, the time and the SHA-256 of the canonical content (an unsigned
version says 未签字 plainly). Registered with `xuncha.core.documents` at import; `rectification.tasks`
imports this module.
"""

from django.utils import timezone

from rectification.models import ReportVersion, VersionStatus
from rectification.services.reports import KIND_VERSION_PDF, RECIPIENTS_LINE, report_title
from xuncha.core import documents
from xuncha.core.docx_style import cn_date
from xuncha.core.models import GeneratedDocument
from xuncha.core.pdf import render_pdf

TEMPLATE = "rectification/pdf/report_version.html"


def version_context(version: ReportVersion) -> dict:
    report = version.report
    rect = report.rectification
    entries = list(
        version.entries.select_related("measure__problem")
        .prefetch_related("evidence")
        .order_by("measure__problem__seq", "measure__seq", "pk")
    )
    when = version.submitted_at or version.created_at
    return {
        "version": version,
        "report": report,
        "rect": rect,
        "title": report_title(report, rect.unit.name),
        "recipients": RECIPIENTS_LINE,
        "entries": entries,
        "signed": version.status == VersionStatus.SIGNED,
        "signed_at": timezone.localtime(version.signed_at) if version.signed_at else None,
        "date_cn": cn_date(timezone.localdate(when)) if when else "",
    }


def render_version_pdf(version: ReportVersion) -> bytes:
    """The PDF of one version (also used by the tests)."""
    return render_pdf(TEMPLATE, version_context(version))


def render_version_document(document: GeneratedDocument) -> bytes:
    version = ReportVersion.objects.select_related(
        "report__rectification__unit", "report__rectification__round"
    ).get(pk=document.object_id)
    return render_version_pdf(version)


documents.register(
    KIND_VERSION_PDF,
    label="整改报告（签字背书）",
    render=render_version_document,
    view_action="view_document",
    generate_action="report_pdf",  # as services.reports.version_pdf_request
    fmt="pdf",
)
