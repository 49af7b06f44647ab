"""Roles are Django groups. This module is the one place that names them."""

from django.contrib.auth.models import Group
from django.db import models


class Role(models.TextChoices):
    OFFICE = "巡察办", "巡察办"
    LEADER = "领导", "领导"
    TEAM = "巡察组", "巡察组"
    UNIT = "被巡察单位", "被巡察单位"
    JIWEI = "纪委监委", "纪委监委"
    ZUZHIBU = "组织部", "组织部"
    DEPARTMENT = "职能部门", "职能部门"


def role_group(role: str):
    """The group of a role. Made by a data migration; made again here if a test flushed the tables."""
    return Group.objects.get_or_create(name=role)[0]


def roles_of(user) -> frozenset[str]:
    """The role names of a user, read once per request and kept on the user object."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = getattr(user, "_role_names", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True))
        user._role_names = cached
    return cached


# --- deprecated: role predicates outside `xuncha.access` ----------------------------------------------
# The predicates below are `xuncha.access.roles`'s (the only module that should ask them). They stay here
# only for the callers other apps still had when the refactor of issue #11 started (rounds, teams, clues,
# rectification views/services/selectors); they cannot re-export `xuncha.access.roles`, which imports this
# module. Remove them once `grep -rn "accounts.roles import" --include=*.py` finds none of them outside
# `xuncha/access/`.


def has_role(user, *roles: str) -> bool:
    return bool(roles_of(user) & set(roles))


def is_office(user) -> bool:
    return has_role(user, Role.OFFICE) or getattr(user, "is_superuser", False)


def is_leader(user) -> bool:
    return has_role(user, Role.LEADER)


def sees_all_rounds(user) -> bool:
    """The office and the leadership see every round; the leadership only reads."""
    return is_office(user) or is_leader(user)
