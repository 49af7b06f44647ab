"""Public reporting (开门巡察): the report form under a published announcement, and the receipt-code query.

No login. What goes out: the form, the receipt code (once), and for a right code the status label and the
team's reply. A wrong code says only that it is wrong, in the same words whether or not any report exists.
"""

from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect

from clues.forms.intake import PublicReportForm, ReceiptQueryForm
from rounds.selectors.rounds import announcement_title, published_announcement_get
from xuncha.audit.log import client_ip
from xuncha.core.forms import add_domain_error
from xuncha.errors import DomainError

from ..services.public import (
    Throttled,
    accepts_reports,
    new_receipt_code,
    public_receipt_lookup,
    public_report_submit,
)

WRONG_CODE = "查询码不正确或不存在，请核对后重新输入。"


def _address(request) -> str:
    """The client's address for the rate limits: REMOTE_ADDR, or X-Forwarded-For behind a trusted proxy
    (XUNCHA_TRUSTED_PROXIES, see xuncha.audit.log.client_ip)."""
    return client_ip(request) or "unknown"


def _throttled(response, exc: Throttled):
    """429 Too Many Requests with Retry-After: the page still shows the message and keeps what was typed."""
    response.status_code = 429
    response["Retry-After"] = str(exc.retry_after)
    return response


@csrf_protect
@never_cache
def public_report(request, pk):
    announcement = published_announcement_get(pk)
    unit = announcement.assignment.unit
    context = {
        "announcement": announcement,
        "title": announcement_title(announcement),
        "unit": unit,
        "open": accepts_reports(announcement),
        "nav_active": "public",
    }
    throttled = None
    if request.method == "POST" and context["open"]:
        form = PublicReportForm(request.POST, request.FILES)
        if form.is_trap:
            # A bot filled the hidden field: it is told what a person is told, and nothing is stored.
            return render(request, "clues/public_report_done.html", {**context, "code": new_receipt_code()})
        if form.is_valid():
            data = form.cleaned_data
            try:
                code = public_report_submit(
                    announcement=announcement,
                    content=data["content"],
                    name=data["name"],
                    phone=data["phone"],
                    attachments=data["attachments"],
                    ip=_address(request),
                )
            except DomainError as exc:
                add_domain_error(form, exc)
                throttled = exc if isinstance(exc, Throttled) else None
            else:
                # Rendered, not redirected: the code must not sit in a URL, a session or a log.
                return render(request, "clues/public_report_done.html", {**context, "code": code})
        context["rejected"] = True
    else:
        form = PublicReportForm()
    context["form"] = form
    response = render(request, "clues/public_report.html", context)
    return _throttled(response, throttled) if throttled else response


@csrf_protect
@never_cache
def public_receipt(request):
    result = None
    error = ""
    throttled = None
    if request.method == "POST":
        form = ReceiptQueryForm(request.POST)
        if form.is_valid():
            try:
                found = public_receipt_lookup(form.cleaned_data["code"], ip=_address(request))
            except DomainError as exc:
                error = exc.message
                throttled = exc if isinstance(exc, Throttled) else None
            else:
                if found is None:
                    error = WRONG_CODE
                else:
                    result = {"status": found.status, "reply": found.reply, "outcome": found.outcome}
        else:
            error = WRONG_CODE
    else:
        form = ReceiptQueryForm()
    response = render(
        request,
        "clues/public_receipt.html",
        {"form": form, "result": result, "error": error, "nav_active": "public"},
    )
    return _throttled(response, throttled) if throttled else response

