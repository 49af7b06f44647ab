"""Every read of the account pages, restricted to the user by `xuncha.access`."""

from django.contrib.auth import get_user_model
from django.db.models import Q

from rounds.models import Unit
from teams.models import Cadre
from xuncha import access
from xuncha.audit.models import SecurityEvent

from ..services.accounts import is_locked, locked_usernames
from ..services.bindings import GROUP_OF, audit_target, bindings_for, bindings_of

User = get_user_model()


def account_list_for(user):
    return access.visible(user, User).order_by("-is_active", "name", "username")


def with_scopes(accounts) -> list:
    """The accounts of a page, each with `.bindings` (roles and scopes) and `.locked`, in a few queries."""
    accounts = list(accounts)
    locked = set(
        User.objects.filter(locked_usernames(), pk__in=[a.pk for a in accounts]).values_list("pk", flat=True)
    )
    bindings = bindings_for(accounts)
    for account in accounts:
        account.bindings = bindings[account.pk]
        account.locked = account.pk in locked
    return accounts


def account_detail_for(user, pk):
    account = access.get_visible(user, User, pk=pk)
    account.bindings = bindings_of(account)
    account.locked = is_locked(account)
    return account


def account_history(account, *, limit: int = 100) -> list[dict]:
    """Who changed what of the account: its own fields (simple-history, as readable diffs) and its
    roles, resets, unlocks (the security audit log), newest first."""
    rows = []
    records = list(
        account.history.select_related("history_user").order_by("-history_date", "-history_id")[:limit]
    )
    for newer, older in zip(records, records[1:] + [None], strict=False):
        changes = []
        if older is not None:
            for change in newer.diff_against(older).changes:
                field = User._meta.get_field(change.field)
                changes.append((str(field.verbose_name), _shown(change.old), _shown(change.new)))
            if not changes:
                continue
        rows.append(
            {
                "when": newer.history_date,
                "who": newer.history_user,
                "what": "开通账号"
                if newer.history_type == "+"
                else (newer.history_change_reason or "修改账号信息"),
                "changes": changes,
            }
        )
    events = SecurityEvent.objects.filter(target=audit_target(account)).select_related("actor")
    for event in events.order_by("-at")[:limit]:
        if event.kind in ("account_create", "account_change", "account_disable", "account_enable"):
            continue  # already in the account's own history, with the fields
        rows.append(
            {
                "when": event.at,
                "who": event.actor or event.actor_name or None,
                "what": event.get_kind_display(),
                "changes": [("", "", event.detail)] if event.detail else [],
            }
        )
    rows.sort(key=lambda r: r["when"], reverse=True)
    return rows[:limit]


def _shown(value):
    if value in (None, ""):
        return "（空）"
    if isinstance(value, bool):
        return "是" if value else "否"
    if hasattr(value, "strftime"):
        return value.strftime("%Y-%m-%d %H:%M")
    return value


def accounts_for_kind(kind: str):
    """The active accounts a picker offers for a role: those already holding its role group."""
    return (
        User.objects.filter(is_active=True, groups__name=GROUP_OF[kind])
        .order_by("name", "username")
        .distinct()
    )


def transfer_candidates(kind: str, exclude_pk):
    """Who may receive a role: every active account (he gains the role's group with it)."""
    return User.objects.filter(is_active=True).exclude(pk=exclude_pk).order_by("name", "username")


def scope_units(kind: str | None = None):
    """The units a unit role or staff role may be bound to (active ones)."""
    return Unit.objects.filter(is_active=True).order_by("unit_type", "name")


def scope_cadres():
    return Cadre.objects.select_related("home_unit").order_by("home_unit__name", "name")


def account_counts(user) -> dict:
    """The figures of the administrators' workbench."""
    accounts = access.visible(user, User)
    return {
        "active": accounts.filter(is_active=True).count(),
        "disabled": accounts.filter(is_active=False).count(),
        "locked": accounts.filter(locked_usernames()).count(),
        "first_login": accounts.filter(is_active=True, must_change_password=True).count(),
        "no_role": accounts.filter(is_active=True, groups__isnull=True).count(),
    }


def search(qs, text: str):
    text = (text or "").strip()
    if not text:
        return qs
    units = Unit.objects.filter(name__icontains=text)
    return qs.filter(
        Q(name__icontains=text)
        | Q(username__icontains=text)
        | Q(phone__icontains=text)
        | Q(organization__icontains=text)
        | Q(pk__in=units.values("principal_user"))
        | Q(pk__in=units.values("liaison_user"))
        | Q(pk__in=units.values("staff"))
    )
