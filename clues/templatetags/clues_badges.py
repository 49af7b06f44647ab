"""The status badges of findings and leads, in the colours used everywhere.

Filters rather than included templates: a ledger shows two or three per row, and an ``{% include %}``
in a loop costs a template lookup and a context push each time.
"""

from django import template
from django.utils.html import format_html

register = template.Library()

# The review state of a finding: grey draft, blue in review, green approved, red returned.
FINDING_STATUS = {
    "approved": "text-bg-success",
    "returned": "text-bg-danger",
    "submitted": "text-bg-info",
    "deputy_approved": "text-bg-primary",
    "leader_approved": "text-bg-warning",
}
SEVERITY = {"grave": "text-bg-danger", "serious": "badge-due-soon"}
# A lead's status: yellow waiting for triage, blue being handled, grey handed on, green closed.
LEAD_STATUS = {
    "registered": "text-bg-warning",
    "triaged": "text-bg-info",
    "handed_over": "text-bg-primary",
    "proposed": "text-bg-info",
    "confirmed": "text-bg-info",
    "transferred": "text-bg-dark",
    "closed": "text-bg-success",
}


def _status_badge(colours: dict, value: str, label: str) -> str:
    return format_html('<span class="badge {} status-badge">{}</span>', colours.get(value, "text-bg-secondary"), label)


@register.filter
def finding_status_badge(finding) -> str:
    return _status_badge(FINDING_STATUS, finding.status, finding.get_status_display())


@register.filter
def finding_severity_badge(finding) -> str:
    colour = SEVERITY.get(finding.severity, "text-bg-light")
    return format_html('<span class="badge {}">{}</span>', colour, finding.get_severity_display())


@register.filter
def lead_status_badge(lead) -> str:
    return _status_badge(LEAD_STATUS, lead.status, lead.get_status_display())


@register.filter
def lead_reporter_badge(lead) -> str:
    """实名/匿名 only: the reporter's identity itself never appears outside the logged reveal."""
    named = (
        '<span class="badge text-bg-light border" title="举报人身份信息加密保存">实名</span>'
        if lead.reporter_named
        else '<span class="badge text-bg-light border text-muted">匿名</span>'
    )
    public = ' <span class="badge text-bg-light border text-primary">网上举报</span>' if lead.is_public_report else ""
    return format_html("{}{}", format_html(named), format_html(public))
