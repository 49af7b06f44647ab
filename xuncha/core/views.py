"""The small pieces every app's views share, and the document pages (the workbench is
`dashboards.views.workbench`)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from xuncha import access
from xuncha.errors import DomainError

from . import documents
from .models import DocumentStatus, GeneratedDocument


class PageAccessMixin(LoginRequiredMixin):
    """A page guarded by a page rule of `xuncha.access` (`page_rule = "rounds.add_unit"`): an anonymous
    user is sent to log in, one the rule refuses gets 403."""

    page_rule: str = ""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        access.require(request.user, self.page_rule)
        return super().dispatch(request, *args, **kwargs)


class OfficeRequiredMixin(PageAccessMixin):
    """Writes are the office's. Others who may read the object get 403 on a write, never a form."""

    page_rule = "office"


def run_service(request, func, /, *, success: str | None = None, **kwargs):
    """Call a service; a refusal becomes an error message (with every reason), never a 500. `request`
    and `func` are positional only, so a service that itself takes `request=` (to log it) gets it.

    Returns (ok, result)."""
    try:
        result = func(**kwargs)
    except DomainError as exc:
        messages.error(request, exc.full_message())
        return False, None
    if success:
        messages.success(request, success)
    return True, result


# --- the document pages every app shares: download, the htmx status badge, retry ------------------
# Mounted at `documents/` (xuncha.core.urls). Who may see a document is its subject's question (the
# access rule of `core.generateddocument`), so one who may not see the batch (or finding…) gets 404
# here too, and existence does not leak.


def _visible_document(user, pk: int) -> GeneratedDocument:
    document = get_object_or_404(GeneratedDocument.objects.select_related("content_type"), pk=pk)
    if not access.allows(user, "view", document):
        raise access.NotFound("core.generateddocument")
    return document


def _status(request, document: GeneratedDocument):
    # The page the badge sits on, for the retry form's way back when htmx is not there to swap it.
    back = request.htmx.current_url_abs_path if request.htmx else ""
    return render(request, "core/document_status.html", {"doc": document, "next_url": back})


@login_required
@require_GET
def document_download(request, pk):
    document = _visible_document(request.user, pk)
    if document.status != DocumentStatus.DONE or not document.file:
        raise Http404
    try:
        handle = document.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(
        handle,
        as_attachment=True,
        filename=f"{document.title}.{document.fmt}",
        content_type=documents.CONTENT_TYPES.get(document.fmt, "application/octet-stream"),
    )


@login_required
@require_GET
def document_status(request, pk):
    """The status badge of one document; while queued or rendering it polls itself every 2 s."""
    document = _visible_document(request.user, pk)
    return _status(request, document)


@login_required
@require_POST
def document_retry(request, pk):
    document = _visible_document(request.user, pk)
    # Generating it again is the generator's: one who only reads it is refused (403), not sent back.
    access.require(request.user, "retry", document, message="只有可以生成该文书的人员可以重试")
    try:
        document = documents.document_retry(document=document, by=request.user)
    except DomainError as exc:
        if not request.htmx:
            messages.error(request, exc.full_message())
        document.refresh_from_db()
    else:
        if not request.htmx:
            messages.success(request, f"已重新生成“{document.title}”。")
    if request.htmx:
        return _status(request, document)
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "home"
    return redirect(target)


# --- error pages (wired in xuncha.urls as handler403) ------------------------------------------------


def permission_denied(request, exception=None):
    """403 in Chinese. A refusal of the access layer (`access.Forbidden`) carries a message written for
    the user ("只有巡察办可以…"), shown; any other exception's text is technical and is not."""
    message = exception.message if isinstance(exception, access.Forbidden) else ""
    return render(request, "403.html", {"message": message}, status=403)
