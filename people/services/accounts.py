"""Accounts run by the office and the 系统管理员: create, edit, disable and enable (never delete: history
and signatures keep pointing at the person), reset the password, unlock. Every change also goes to the
security audit log. A new or reset password is returned once, to be shown once; it is never stored."""

import secrets
from datetime import timedelta

from axes.models import AccessAttempt
from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from xuncha import access
from xuncha.audit.log import EventKind, record
from xuncha.errors import DomainError

from .bindings import Binding, audit_target, binding_add, binding_transfer, last_active_sysadmin

User = get_user_model()

ONLY_MANAGERS = "只有系统管理员或巡察办可以开通和管理账号"
ONLY_THIS_ACCOUNT = "该账号持有巡察办、领导或三员角色，只有系统管理员可以管理"
PERSON_FIELDS = ("name", "phone", "organization", "post")

# Initial passwords: no look-alike characters (0/O, 1/l/I), always upper, lower and digits.
_UPPER = "ABCDEFGHJKLMNPQRSTUVWXYZ"
_LOWER = "abcdefghijkmnpqrstuvwxyz"
_DIGITS = "23456789"
PASSWORD_LENGTH = 10


def initial_password() -> str:
    """A random one-time password that meets the password rules (three of four character classes)."""
    chars = [secrets.choice(_UPPER), secrets.choice(_LOWER), secrets.choice(_DIGITS)]
    chars += [secrets.choice(_UPPER + _LOWER + _DIGITS) for _ in range(PASSWORD_LENGTH - len(chars))]
    secrets.SystemRandom().shuffle(chars)
    return "".join(chars)


def normalize_phone(value: str) -> str:
    return "".join((value or "").split())


def username_problem(username: str, *, exclude_pk=None) -> str | None:
    if not username:
        return "请填写登录名，或填写手机号码（以手机号码作为登录名）"
    if len(username) > 150:
        return "登录名不能超过150个字符"
    if not all(ch.isalnum() or ch in "@.+-_" for ch in username) or not username.isascii():
        return "登录名只能包含英文字母、数字和 @ . + - _"
    if User.objects.filter(username__iexact=username).exclude(pk=exclude_pk).exists():
        return f"登录名“{username}”已被使用，请换一个"
    return None


def phone_problem(phone: str, *, exclude_pk=None) -> str | None:
    if not phone:
        return None
    if not phone.isdigit() or not 7 <= len(phone) <= 20:
        return "手机号码应为7至20位数字"
    holder = User.objects.filter(phone=phone).exclude(pk=exclude_pk).first()
    if holder is not None:
        return (
            f"手机号码{phone}已登记在{holder.display_name}（{holder.username}）的账号上，同一人请勿重复开通"
        )
    return None


def account_create(*, person: dict, username: str = "", roles=(), by, request=None) -> tuple:
    """Open an account for a person with his roles (each (kind, unit, cadre)). Returns (user, password):
    the one-time initial password, to be shown once; he must change it at his first login."""
    access.check(by, "accounts.manage", message=ONLY_MANAGERS)
    person = {f: " ".join(str(person.get(f) or "").split()) for f in PERSON_FIELDS}
    person["phone"] = normalize_phone(person["phone"])
    if not person["name"]:
        raise DomainError("请填写姓名")
    username = (username or "").strip() or person["phone"]
    problems = [p for p in (username_problem(username), phone_problem(person["phone"])) if p]
    if problems:
        raise DomainError("无法开通账号", reasons=problems)
    password = initial_password()
    with transaction.atomic():
        user = User(username=username, must_change_password=True, **person)
        user.set_password(password)
        if by is not None:
            user._history_user = by
        user.save()
        record(
            EventKind.ACCOUNT_CREATE,
            request=request,
            actor=by,
            target=audit_target(user),
            detail=person["name"],
        )
        for kind, unit, cadre in roles:
            binding_add(account=user, kind=kind, unit=unit, cadre=cadre, by=by, request=request)
    return user, password


def account_create_taking(*, person: dict, username: str = "", account, binding: Binding, by, request=None):
    """Open an account for the successor and move one role of `account` to it, both or neither.
    Returns (user, password, the moved binding)."""
    with transaction.atomic():
        user, password = account_create(person=person, username=username, by=by, request=request)
        moved = binding_transfer(account=account, binding=binding, to=user, by=by, request=request)
    return user, password, moved


def account_update(*, account, person: dict, by, request=None):
    """Change who the account is (name, mobile, work unit, post). The login name stays."""
    access.check(by, "change", account, message=ONLY_THIS_ACCOUNT)
    person = {f: " ".join(str(person.get(f) or "").split()) for f in PERSON_FIELDS}
    person["phone"] = normalize_phone(person["phone"])
    if not person["name"]:
        raise DomainError("请填写姓名")
    problem = phone_problem(person["phone"], exclude_pk=account.pk)
    if problem:
        raise DomainError(problem)
    changed = [f for f in PERSON_FIELDS if getattr(account, f) != person[f]]
    if not changed:
        return account
    detail = "；".join(
        f"{User._meta.get_field(f).verbose_name}：{getattr(account, f) or '（空）'} → {person[f] or '（空）'}"
        for f in changed
    )
    with transaction.atomic():
        for f in changed:
            setattr(account, f, person[f])
        if by is not None:
            account._history_user = by
        account.save()
        record(
            EventKind.ACCOUNT_CHANGE, request=request, actor=by, target=audit_target(account), detail=detail
        )
    return account


def end_sessions(account) -> int:
    """Log the account out everywhere (database sessions); returns how many sessions ended."""
    ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(session.get_decoded().get("_auth_user_id")) == str(account.pk):
            session.delete()
            ended += 1
    return ended


def account_disable(*, account, by, reason: str = "", request=None):
    """Stop the account: it cannot log in and its sessions end. Its history and signatures stay."""
    access.check(by, "disable", account, message=ONLY_THIS_ACCOUNT)
    if by is not None and by.pk == account.pk:
        raise DomainError("不能停用本人的账号")
    if not account.is_active:
        raise DomainError(f"{account.display_name}的账号已是停用状态")
    if last_active_sysadmin(account):
        raise DomainError("不能停用最后一名在用的系统管理员：请先为其他人员开通系统管理员角色")
    with transaction.atomic():
        account.is_active = False
        if by is not None:
            account._history_user = by
        account._change_reason = (reason or "停用账号")[:100]
        account.save()
        record(
            EventKind.ACCOUNT_DISABLE, request=request, actor=by, target=audit_target(account), detail=reason
        )
    end_sessions(account)
    return account


def account_enable(*, account, by, request=None):
    access.check(by, "enable", account, message=ONLY_THIS_ACCOUNT)
    if account.is_active:
        raise DomainError(f"{account.display_name}的账号已是在用状态")
    with transaction.atomic():
        account.is_active = True
        if by is not None:
            account._history_user = by
        account.save()
        record(EventKind.ACCOUNT_ENABLE, request=request, actor=by, target=audit_target(account))
    return account


def account_reset_password(*, account, by, request=None) -> str:
    """A new one-time initial password (returned once); he must change it at his next login, and every
    session of his ends."""
    access.check(by, "reset_password", account, message=ONLY_THIS_ACCOUNT)
    if not account.is_active:
        raise DomainError(f"{account.display_name}的账号已停用，请先启用")
    password = initial_password()
    with transaction.atomic():
        account.set_password(password)
        account.must_change_password = True
        if by is not None:
            account._history_user = by
        account._change_reason = "重置密码"
        account.save()
        record(EventKind.PASSWORD_RESET, request=request, actor=by, target=audit_target(account))
    end_sessions(account)
    return password


def failure_limit() -> int:
    limit = getattr(settings, "AXES_FAILURE_LIMIT", 3)
    return limit if isinstance(limit, int) else 5


def locked_usernames() -> Q:
    """A filter on the login names locked out now: failures at the limit within the cool-off."""
    attempts = AccessAttempt.objects.filter(failures_since_start__gte=failure_limit())
    cool_off = getattr(settings, "AXES_COOLOFF_TIME", None)
    if cool_off is not None and not callable(cool_off) and not isinstance(cool_off, str):
        span = cool_off if isinstance(cool_off, timedelta) else timedelta(hours=cool_off)
        attempts = attempts.filter(attempt_time__gte=timezone.now() - span)
    return Q(username__in=attempts.values("username"))


def is_locked(account) -> bool:
    return User.objects.filter(locked_usernames(), pk=account.pk).exists()


def account_unlock(*, account, by, request=None) -> int:
    access.check(by, "unlock", account, message=ONLY_THIS_ACCOUNT)
    cleared = axes_reset(username=account.username)
    record(
        EventKind.UNLOCK,
        request=request,
        actor=by,
        target=audit_target(account),
        detail=f"清除{cleared}条失败记录",
    )
    return cleared
