"""The rule table: who may see which rows of a model, and who may do what to one object.

Three kinds of rule, each registered by a rules module in `xuncha.access.rules` under a model label
("clues.lead") or a page name ("rounds.add_unit"):

- a *scope*: ``(user, queryset) -> queryset``, the rows of the model the user may see (action "view"),
  or may act on for another action (``restrict(user, qs, "change")``);
- an object *rule*: ``(user, obj) -> bool``, may the user do this action to this object;
- a *page* rule: ``(user) -> bool``, for what has no object (a list page, a create form, an export).

Rules never import the apps' models: they filter the queryset they are given by field paths and look
related models up by label (`model("teams.TeamMember")`), so this package sits in the bottom layer and
every app can import it. A missing rule is a programming error (ImproperlyConfigured), never a silent
"yes".
"""

from collections.abc import Callable
from typing import Any

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Model, QuerySet

Scope = Callable[[Any, QuerySet], QuerySet]
ObjectRule = Callable[[Any, Model], bool]
PageRule = Callable[[Any], bool]

SCOPES: dict[tuple[str, str], Scope] = {}
RULES: dict[tuple[str, str], ObjectRule] = {}
PAGES: dict[str, PageRule] = {}
PUBLIC_SCOPES: set[str] = set()


def _label(model_or_label) -> str:
    if isinstance(model_or_label, str):
        return model_or_label.lower()
    return model_or_label._meta.label_lower


def model(label: str) -> type[Model]:
    """A model by its label, for a rule that needs to look at a related table."""
    return apps.get_model(label)


def scope(label: str, action: str = "view", *, public: bool = False):
    """Register the rows of `label` a user may see (or act on, for another action).

    `public=True`: the scope also answers for anonymous users (the public announcements)."""

    def register(fn: Scope) -> Scope:
        key = (label.lower(), action)
        if key in SCOPES:
            raise ImproperlyConfigured(f"two scopes for {key}")
        SCOPES[key] = fn
        if public:
            PUBLIC_SCOPES.add(label.lower())
        return fn

    return register


def rule(label: str, *actions: str):
    """Register who may do `actions` to one object of `label`."""

    def register(fn: ObjectRule) -> ObjectRule:
        for action in actions:
            key = (label.lower(), action)
            if key in RULES:
                raise ImproperlyConfigured(f"two rules for {key}")
            RULES[key] = fn
        return fn

    return register


def page(*names: str):
    """Register who may open a page (or do an action) that has no object."""

    def register(fn: PageRule) -> PageRule:
        for name in names:
            if name in PAGES:
                raise ImproperlyConfigured(f"two page rules for {name}")
            PAGES[name] = fn
        return fn

    return register


def scope_for(label: str, action: str) -> Scope:
    try:
        return SCOPES[(label, action)]
    except KeyError:
        if action != "view" and (label, "view") in SCOPES:
            return SCOPES[(label, "view")]
        raise ImproperlyConfigured(f"xuncha.access has no scope for {label} ({action})") from None


def rule_for(label: str, action: str) -> ObjectRule | None:
    return RULES.get((label, action))


def page_rule(name: str) -> PageRule:
    try:
        return PAGES[name]
    except KeyError:
        raise ImproperlyConfigured(f"xuncha.access has no page rule {name!r}") from None
