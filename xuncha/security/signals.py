"""Login, logout, failures and lockouts: the previous login kept for "上次登录", the session opened or
closed, and each event written to the security audit log."""

from django.contrib import messages
from django.contrib.auth import (
    BACKEND_SESSION_KEY,
    get_user_model,
    user_logged_in,
    user_logged_out,
    user_login_failed,
)
from django.dispatch import receiver
from django.utils import timezone

from xuncha.audit.log import EventKind, client_ip, record

from . import lockout
from .models import UserSession
from .sessions import open_session

PREVIOUS_LOGIN = "security.previous_login"
# Set on a request whose session the middleware ended (the end is recorded, not a logout too).
ENDED = "_security_session_ended"


def _tried(credentials) -> str:
    return str((credentials or {}).get("username") or "")[:150]


@receiver(user_logged_in, dispatch_uid="security.login")
def on_login(sender, request, user, **kwargs):
    now = timezone.now()
    ip = client_ip(request)
    previous_at, previous_ip = user.last_login, user.last_login_ip
    user.last_login, user.last_login_ip = now, ip
    get_user_model().objects.filter(pk=user.pk).update(last_login=now, last_login_ip=ip)
    if request is None:
        return
    session = getattr(request, "session", None)
    backend = ""
    if session is not None:
        session[PREVIOUS_LOGIN] = {
            "at": previous_at.isoformat() if previous_at else "",
            "ip": previous_ip or "",
        }
        backend = session.get(BACKEND_SESSION_KEY, "")
        open_session(request, user)
    if previous_at:
        when = timezone.localtime(previous_at).strftime("%Y-%m-%d %H:%M")
        text = f"上次登录：{when}，地址 {previous_ip or '未知'}。如非本人操作，请立即修改密码。"
    else:
        text = "欢迎首次登录巡察通。"
    messages.info(request, text, fail_silently=True)
    via = "统一身份认证" if "oidc" in backend.lower() else "密码"
    record(EventKind.LOGIN, request=request, actor=user, detail=f"登录方式：{via}")


@receiver(user_logged_out, dispatch_uid="security.logout")
def on_logout(sender, request, user, **kwargs):
    session = getattr(request, "session", None) if request is not None else None
    if session is not None and session.session_key:
        UserSession.objects.filter(session_key=session.session_key).delete()
    if user is not None and not getattr(request, ENDED, False):
        record(EventKind.LOGOUT, request=request, actor=user)


@receiver(user_login_failed, dispatch_uid="security.login_failed")
def on_login_failed(sender, credentials, request=None, **kwargs):
    """Runs after axes' own receiver (axes is installed first), which has counted the failure and set
    `axes_locked_out`: a failure that reached the limit is followed by the lockout entry."""
    username = _tried(credentials)
    fresh_lockout = bool(getattr(request, "axes_locked_out", False)) and (
        getattr(request, "axes_failures_since_start", None) is not None
    )
    refused = bool(getattr(request, "axes_locked_out", False)) and not fresh_lockout
    if refused:
        reason = "账号或地址已被锁定，拒绝登录"
    else:
        known = get_user_model().objects.filter(username=username).values_list("is_active", flat=True).first()
        reason = {None: "登录名不存在", False: "账号已停用"}.get(known, "密码错误")
    record(
        EventKind.LOGIN_FAILED, request=request, actor=None, username=username, success=False, detail=reason
    )
    if fresh_lockout:
        failures = request.axes_failures_since_start
        record(
            EventKind.LOCKOUT,
            request=request,
            actor=None,
            username=username,
            success=False,
            target=username,
            detail=f"连续登录失败 {failures} 次，锁定 {lockout.lockout_minutes()} 分钟"
            f"（每个登录名 {lockout.user_limit()} 次，每个地址 {lockout.address_limit()} 次）",
        )
