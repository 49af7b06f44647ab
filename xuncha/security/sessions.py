"""The logged-in sessions of a user (`UserSession`, keyed by Django's session key): opened on login,
kept alive by the middleware, ended on logout, by the user on 我的会话, by the limits, or all at once
when the password changes."""

import datetime

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import IntegrityError, transaction
from django.utils import timezone

from xuncha.audit.log import client_ip

from .models import UserSession

# last_activity is written at most this often (not on every request).
TOUCH_EVERY = datetime.timedelta(seconds=60)


def idle_limit() -> datetime.timedelta:
    return datetime.timedelta(minutes=int(getattr(settings, "SESSION_IDLE_MINUTES", 30)))


def absolute_limit() -> datetime.timedelta:
    return datetime.timedelta(hours=int(getattr(settings, "SESSION_ABSOLUTE_HOURS", 12)))


def session_key_of(request) -> str | None:
    session = getattr(request, "session", None)
    if session is None:
        return None
    if not session.session_key:
        session.save()
    return session.session_key


def open_session(request, user) -> UserSession | None:
    """The row of the request's session (made if the session predates tracking)."""
    key = session_key_of(request)
    if not key:
        return None
    now = timezone.now()
    defaults = {
        "user": user,
        "login_at": now,
        "last_activity": now,
        "ip": client_ip(request),
        "user_agent": request.META.get("HTTP_USER_AGENT", "")[:300],
    }
    try:
        with transaction.atomic():
            row, _ = UserSession.objects.update_or_create(session_key=key, defaults=defaults)
    except IntegrityError:  # two first requests of one session at once
        row = UserSession.objects.filter(session_key=key).first()
    return row


def expired_reason(row: UserSession, now=None) -> str:
    """Why the session must end now ("" if it may go on)."""
    now = now or timezone.now()
    if now - row.login_at > absolute_limit():
        return f"会话超过最长时限（{int(getattr(settings, 'SESSION_ABSOLUTE_HOURS', 12))} 小时）"
    if now - row.last_activity > idle_limit():
        return f"空闲超过 {int(getattr(settings, 'SESSION_IDLE_MINUTES', 30))} 分钟"
    return ""


def touch(row: UserSession, now=None) -> None:
    now = now or timezone.now()
    if now - row.last_activity >= TOUCH_EVERY:
        UserSession.objects.filter(pk=row.pk).update(last_activity=now)
        row.last_activity = now


def end_sessions(user, *, keep: str | None = None, only: str | None = None) -> int:
    """End the user's sessions (all, all but `keep`, or just `only`): their Django sessions are deleted,
    so those browsers are logged out on their next request. Returns how many were ended."""
    rows = UserSession.objects.filter(user=user)
    if keep:
        rows = rows.exclude(session_key=keep)
    if only:
        rows = rows.filter(session_key=only)
    keys = list(rows.values_list("session_key", flat=True))
    if not keys:
        return 0
    Session.objects.filter(session_key__in=keys).delete()
    UserSession.objects.filter(session_key__in=keys).delete()
    return len(keys)


def sessions_of(user):
    """The user's open sessions, newest first (those whose Django session is gone or expired are
    dropped on the way)."""
    now = timezone.now()
    rows = list(UserSession.objects.filter(user=user).order_by("-login_at"))
    alive = set(
        Session.objects.filter(
            session_key__in=[r.session_key for r in rows], expire_date__gt=now
        ).values_list("session_key", flat=True)
    )
    stale = [r.pk for r in rows if r.session_key not in alive or expired_reason(r, now)]
    if stale:
        UserSession.objects.filter(pk__in=stale).delete()
    return [r for r in rows if r.pk not in stale]


BROWSERS = (
    ("Edg/", "Edge"),
    ("OPR/", "Opera"),
    ("QQBrowser", "QQ浏览器"),
    ("360SE", "360浏览器"),
    ("MicroMessenger", "微信"),
    ("Firefox/", "Firefox"),
    ("Chrome/", "Chrome"),
    ("Safari/", "Safari"),
)
SYSTEMS = (
    ("Windows", "Windows"),
    ("Android", "Android"),
    ("iPhone", "iPhone"),
    ("iPad", "iPad"),
    ("Mac OS X", "macOS"),
    ("Linux", "Linux"),
)


def describe_agent(agent: str) -> str:
    """A short, readable name of a browser from its User-Agent ("Chrome · Windows")."""
    if not agent:
        return "未知"
    browser = next((name for mark, name in BROWSERS if mark in agent), "其他浏览器")
    system = next((name for mark, name in SYSTEMS if mark in agent), "")
    return f"{browser} · {system}" if system else browser
