"""Per request, for a logged-in user: end a session past its idle or absolute limit, send a user who
must change his password (first login, reset, expired) to the change page, and write a refusal (403)
to the security audit log."""

from urllib.parse import unquote

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import BACKEND_SESSION_KEY, logout
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from xuncha.audit.log import EventKind, record

from . import passwords
from .models import UserSession
from .sessions import expired_reason, open_session, touch
from .signals import ENDED

DENIAL = "_security_denial"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def filename_of(disposition: str) -> str:
    """The file name of a Content-Disposition header (the UTF-8 form when there is one)."""
    for part in disposition.split(";"):
        part = part.strip()
        if part.lower().startswith("filename*="):
            value = part.split("=", 1)[1].strip('"')
            return unquote(value.split("''", 1)[-1])
    for part in disposition.split(";"):
        part = part.strip()
        if part.lower().startswith("filename="):
            return part.split("=", 1)[1].strip('"')
    return ""


def must_change_password(request, user) -> bool:
    if user.must_change_password:
        return True
    # A login through the identity platform has no password here to expire.
    if "oidc" in request.session.get(BACKEND_SESSION_KEY, "").lower():
        return False
    return passwords.is_expired(user)


def _htmx_redirect(url: str) -> HttpResponse:
    """An htmx request is sent to a whole page, not answered with one swapped into a fragment."""
    answer = HttpResponse(status=204)
    answer["HX-Redirect"] = url
    return answer


class SessionSecurityMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            answer = self._check(request, user)
            if answer is not None:
                return answer
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            if response.status_code == 403:
                record(
                    EventKind.DENIED,
                    request=request,
                    success=False,
                    target=f"{request.method} {request.path}"[:200],
                    detail=getattr(request, DENIAL, "") or "拒绝访问（403）",
                )
            elif response.status_code == 200 and response.get("Content-Disposition", "").startswith(
                "attachment"
            ):
                self._record_file(request, response)
        return response

    @staticmethod
    def _record_file(request, response):
        """One entry per file sent: an Excel file is an export, any other attachment (a rendered
        document, evidence, a petition's attachment) a download."""
        name = filename_of(response.get("Content-Disposition", ""))
        excel = response.get("Content-Type", "").startswith(XLSX)
        record(
            EventKind.EXPORT if excel else EventKind.DOWNLOAD,
            request=request,
            target=request.get_full_path()[:200],
            detail=f"{'导出' if excel else '下载'}文件：{name}" if name else "",
        )

    def process_exception(self, request, exception):
        if isinstance(exception, PermissionDenied):
            setattr(request, DENIAL, str(exception) or "无权进行此操作")
        return None

    def _check(self, request, user):
        now = timezone.now()
        row = UserSession.objects.filter(session_key=request.session.session_key).first()
        if row is None:
            row = open_session(request, user)
        elif reason := expired_reason(row, now):
            setattr(request, ENDED, True)
            record(
                EventKind.SESSION_END, request=request, actor=user, target=user.get_username(), detail=reason
            )
            logout(request)
            messages.warning(request, f"{reason}，已自动退出，请重新登录。")
            if getattr(request, "htmx", False):
                return _htmx_redirect(reverse(settings.LOGIN_URL))
            return redirect_to_login(request.get_full_path())
        else:
            touch(row, now)
        if must_change_password(request, user):
            target = reverse("security:password_change")
            exempt = (target, reverse("logout"), "/" + settings.STATIC_URL.lstrip("/"), "/favicon")
            if not request.path.startswith(exempt):
                if getattr(request, "htmx", False):
                    return _htmx_redirect(target)
                if request.method == "GET":
                    return redirect(f"{target}?{urlencode({'next': request.get_full_path()})}")
                return redirect(target)
        return None
