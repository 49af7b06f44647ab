"""Who may see or do what: the one package that decides (NetBox's `restrict()` in spirit).

    visible(user, Model)                  the rows the user may see (a queryset)
    restrict(user, queryset, action)      the same, narrowed further; also `Model.objects.restrict(user)`
    require(user, action, obj)            one object: raises NotFound (404) if the user may not see it,
                                          Forbidden (403) if he sees it but may not do the action
    require(user, "rounds.add_unit")      a page or action without an object: Forbidden if refused
    allows(user, action, obj=None)        the same question as a bool (for buttons; never for guards)
    get_visible(user, Model, **lookup)    fetch one object through the scope: NotFound if not visible
    decisions(user, obj, *actions)        {action: bool} for a template, decided here
    check(by, action, obj, message=…)     a service's guard: Forbidden(message) unless `by` may (by=None
                                          is the system); a service answers with a reason, never a 404

Views and services call these; templates receive the answers. The rules themselves live in
`xuncha.access.rules`, one module per app, and the object grants (django-guardian rows) in
`xuncha.access.grants`. An object the user may not see is a 404 everywhere, never a 403, so that its
existence does not leak.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404

from xuncha.accounts.roles import roles_of
from xuncha.errors import DomainError

# Importing the rules registers them; they import no app, so this cannot make a cycle.
from . import grants, registry, rules  # noqa: F401
from .registry import model
from .rules.archive import archival_refusal
from .rules.common import own_unit_ids, team_ids_of, team_role_of
from .rules.rectification import rect_role

__all__ = [
    "archival_refusal",
    "check",
    "decision_key",
    "grants",
    "own_units",
    "rect_role",
    "team_ids_of",
    "team_role_of",
    "Forbidden",
    "NotFound",
    "allows",
    "decisions",
    "get_visible",
    "model",
    "require",
    "restrict",
    "visible",
]


class NotFound(Http404):
    """The user may not see the object: answered as 404, so its existence does not leak."""


class Forbidden(PermissionDenied, DomainError):
    """The user sees the object (or the page) but may not do this.

    A view that lets it through answers 403; a view that calls a service through `run_service` shows
    its message, as for any other refusal of a rule (it is a DomainError too)."""

    def __init__(self, message: str = "无权进行此操作"):
        DomainError.__init__(self, message)


def _queryset(model_or_qs) -> QuerySet:
    if isinstance(model_or_qs, QuerySet):
        return model_or_qs
    if isinstance(model_or_qs, str):
        return registry.model(model_or_qs)._default_manager.all()
    return model_or_qs._default_manager.all()


def _authenticated(user) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def restrict(user, model_or_qs, action: str = "view") -> QuerySet:
    """The rows of the queryset (or of the model) that the user may see, or may act on."""
    qs = _queryset(model_or_qs)
    label = qs.model._meta.label_lower
    if not _authenticated(user) and label not in registry.PUBLIC_SCOPES:
        return qs.none()
    return registry.scope_for(label, action)(user, qs)


def visible(user, model_or_qs) -> QuerySet:
    return restrict(user, model_or_qs, "view")


def _cache(user) -> dict:
    # Decisions are kept on the user object, which lives for one request (or one task).
    cache = getattr(user, "_access_decisions", None)
    if cache is None:
        cache = {}
        try:
            user._access_decisions = cache
        except AttributeError:  # AnonymousUser is a plain object too, but be safe
            pass
    return cache


def _sees(user, obj: Model) -> bool:
    label = obj._meta.label_lower
    fn = registry.rule_for(label, "view")
    if fn is not None:
        return _authenticated(user) and bool(fn(user, obj))
    key = (label, obj.pk, "view")
    cache = _cache(user)
    if key not in cache:
        cache[key] = restrict(user, type(obj)._default_manager.filter(pk=obj.pk)).exists()
    return cache[key]


def allows(user, action: str, obj: Model | None = None) -> bool:
    """May the user do `action` (to `obj`)? Seeing the object is part of every action on it."""
    if obj is None:
        return _authenticated(user) and bool(registry.page_rule(action)(user))
    if not _sees(user, obj):
        return False
    if action == "view":
        return True
    if not _authenticated(user):
        return False
    if archival_refusal(obj, action, _cache(user)):  # an archival round's objects are read-only, whoever asks
        return False
    fn = registry.rule_for(obj._meta.label_lower, action)
    if fn is None:
        label = obj._meta.label_lower
        if (label, action) in registry.SCOPES:
            return restrict(user, type(obj)._default_manager.filter(pk=obj.pk), action).exists()
        raise registry.ImproperlyConfigured(f"xuncha.access has no rule for {label} ({action})")
    return bool(fn(user, obj))


def require(user, action: str, obj: Model | None = None, *, message: str = "无权进行此操作"):
    """Refuse unless the user may: NotFound if he may not see the object, else Forbidden(message).

    Returns obj. `message` is what the user reads when a service's refusal is shown on the page."""
    if obj is None:
        if not allows(user, action):
            raise Forbidden(message)
        return None
    if not _sees(user, obj):
        raise NotFound(f"{obj._meta.label_lower} {obj.pk}")
    if action != "view" and not allows(user, action, obj):
        raise Forbidden(archival_refusal(obj, action) or message)
    return obj


def check(by, action: str, obj: Model | None = None, *, message: str) -> None:
    """A service's guard: refuse with `Forbidden(message)` (a DomainError in the service's words) unless
    `by` may do `action` (to `obj`), also when he may not even see the object — a service answers its
    caller with a reason; the views have answered 404 before, fetching through `get_visible`.

    `by=None` is the system (a Celery task, the demo, a data migration), which acts for nobody."""
    if by is not None and not allows(by, action, obj):
        raise Forbidden((archival_refusal(obj, action) if obj is not None else None) or message)


def get_visible(user, model_or_qs, action: str = "view", **lookup):
    """One object fetched through the user's scope: NotFound if it does not exist or is not his to see."""
    qs = restrict(user, model_or_qs, "view")
    try:
        obj = qs.get(**lookup)
    except (qs.model.DoesNotExist, ValueError, TypeError):
        raise NotFound(qs.model._meta.label_lower) from None
    # Fetched through the scope: seen. Later questions about it (a button's `allows`) need no query.
    if _authenticated(user):
        _cache(user)[(obj._meta.label_lower, obj.pk, "view")] = True
    if action != "view":
        require(user, action, obj)
    return obj


def decisions(user, obj: Model | None, *actions: str) -> dict[str, bool]:
    """What a template needs to know: {action: allowed}. Page rules when obj is None."""
    return {action: allows(user, action, obj) for action in actions}


def decision_key(user) -> str:
    """What a user's decisions rest on besides data (his object grants and team places are rows, which
    the caches track): his roles. A cache of what a user may see keys on this."""
    return ",".join(sorted(roles_of(user)))


def own_units(user) -> QuerySet:
    """The units whose principal or liaison this user is (their own unit's pages)."""
    if not _authenticated(user):
        return registry.model("rounds.Unit").objects.none()
    return registry.model("rounds.Unit").objects.filter(pk__in=own_unit_ids(user))
