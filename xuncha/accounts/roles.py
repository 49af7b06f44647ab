"""Roles are Django groups. This module is the one place that names them; what a role may do is
`xuncha.access`'s to decide (its `roles` module holds the predicates)."""

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
    # 三员分立 (GB/T 22239 level 3): three administrative roles with separate powers, none of which sees
    # business data (leads, findings, reporter identities) by virtue of the role.
    SYSADMIN = "系统管理员", "系统管理员"  # accounts and configuration
    SECADMIN = "安全保密管理员", "安全保密管理员"  # roles and grants
    AUDITOR = "安全审计员", "安全审计员"  # reads the security audit log, changes nothing


ADMIN_ROLES = (Role.SYSADMIN, Role.SECADMIN, Role.AUDITOR)


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
