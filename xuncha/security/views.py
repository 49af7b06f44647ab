"""Login, 修改密码, 我的会话, and the 安全审计员's 安全审计日志 with its Excel export."""

import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, password_validation, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from xuncha import access
from xuncha.audit.log import EventKind, record
from xuncha.audit.models import SecurityEvent

from . import documents, passwords
from .forms import AuditFilter, PasswordChangeForm
from .models import UserSession
from .sessions import describe_agent, end_sessions, open_session, sessions_of
from .signals import PREVIOUS_LOGIN

PER_PAGE = 50


class LoginView(auth_views.LoginView):
    """Django's login, with the same message for a wrong login name and a wrong password, the lockout
    message (answered by `lockout.lockout_response`), and the SSO button when OIDC is configured."""

    template_name = "registration/login.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["oidc_enabled"] = getattr(settings, "OIDC_ENABLED", False)
        context["sso_failed"] = self.request.GET.get("sso") == "failed"
        return context


def _safe_next(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, {request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


@login_required
def password_change(request):
    user = request.user
    forced = user.must_change_password
    expired = not forced and passwords.is_expired(user)
    form = PasswordChangeForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        old = UserSession.objects.filter(session_key=request.session.session_key).first()
        form.save()  # HistoryValidator.password_changed ends every session of the user, this one too,
        update_session_auth_hash(request, user)  # and this keeps the current browser logged in.
        if user.must_change_password:
            user.must_change_password = False
            get_user_model().objects.filter(pk=user.pk).update(must_change_password=False)
        row = open_session(request, user)
        if old is not None and row is not None:  # the absolute limit still counts from the login
            UserSession.objects.filter(pk=row.pk).update(login_at=old.login_at)
        record(EventKind.PASSWORD_CHANGE, request=request, target=user.get_username(), detail="本人修改密码")
        messages.success(request, "密码已修改。您在其他设备或浏览器上的登录已全部退出。")
        return redirect(_safe_next(request) or "home")
    return render(
        request,
        "security/password_change.html",
        {
            "form": form,
            "forced": forced,
            "expired": expired,
            "expires_at": passwords.expires_at(user),
            "next": _safe_next(request),
            "rules": password_validation.password_validators_help_texts(),
        },
    )


@login_required
@require_GET
def session_list(request):
    current = request.session.session_key
    rows = [
        {"row": row, "current": row.session_key == current, "browser": describe_agent(row.user_agent)}
        for row in sessions_of(request.user)
    ]
    previous = request.session.get(PREVIOUS_LOGIN) or {}
    previous_at = datetime.datetime.fromisoformat(previous["at"]) if previous.get("at") else None
    return render(
        request,
        "security/sessions.html",
        {
            "sessions": rows,
            "previous_at": previous_at,
            "previous_ip": previous.get("ip", ""),
            "idle_minutes": settings.SESSION_IDLE_MINUTES,
            "absolute_hours": settings.SESSION_ABSOLUTE_HOURS,
        },
    )


@login_required
@require_POST
def session_end(request, pk):
    row = get_object_or_404(UserSession, pk=pk, user=request.user)
    if row.session_key == request.session.session_key:
        messages.error(request, "这是您当前正在使用的会话，请点击右上角“退出”结束它。")
        return redirect("security:sessions")
    end_sessions(request.user, only=row.session_key)
    when = timezone.localtime(row.login_at).strftime("%Y-%m-%d %H:%M")
    record(
        EventKind.SESSION_END,
        request=request,
        target=request.user.get_username(),
        detail=f"本人结束其他会话（{when} 从 {row.ip or '未知地址'} 登录，{describe_agent(row.user_agent)}）",
    )
    messages.success(request, f"已结束 {when} 登录的会话，该浏览器需重新登录。")
    return redirect("security:sessions")


def _audit_events(request):
    events = AuditFilter(
        request.GET or None, queryset=access.visible(request.user, SecurityEvent), request=request
    )
    return events, events.qs.select_related("actor").order_by("-at", "-id")


@login_required
@require_GET
def audit_log(request):
    access.require(request.user, "audit.view_log")
    events, qs = _audit_events(request)
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "security/audit_log.html",
        {
            "filter": events,
            "filtered": events.filtered,
            "page_obj": page,
            "export_query": request.GET.urlencode(),
            "nav_active": "audit_log",
        },
    )


@login_required
@require_GET
def audit_export(request):
    """The filtered list as Excel (the export itself is recorded by the middleware, as every export)."""
    access.require(request.user, "audit.export_log")
    _, qs = _audit_events(request)
    content = documents.audit_xlsx(qs)
    return documents.xlsx_response(
        content, f"安全审计日志_{timezone.localdate():%Y%m%d}.xlsx", "audit-log.xlsx"
    )
