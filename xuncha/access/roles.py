"""Role predicates: the only place outside `xuncha.accounts` that reads a user's groups.

Roles are Django groups named by `xuncha.accounts.roles.Role`. Nothing outside this package asks
"is this user the office?"; it asks the access layer what the user may see or do.
"""

from xuncha.accounts.roles import Role, roles_of


def has_role(user, *roles: str) -> bool:
    return bool(roles_of(user) & set(roles))


def is_office(user) -> bool:
    return has_role(user, Role.OFFICE) or getattr(user, "is_superuser", False)


def is_leader(user) -> bool:
    return has_role(user, Role.LEADER)


def sees_all_rounds(user) -> bool:
    """The office and the leadership see every round; the leadership only reads."""
    return is_office(user) or is_leader(user)


def is_supervisor(user) -> bool:
    """纪委监委 and 组织部: daily supervision of every rectification once it is fed back."""
    return has_role(user, Role.JIWEI, Role.ZUZHIBU)


def is_receiver(user) -> bool:
    """Those who receive leads and petitions: 纪委监委, 组织部 and the functional departments."""
    return has_role(user, Role.JIWEI, Role.ZUZHIBU, Role.DEPARTMENT)


def is_auditor(user) -> bool:
    """安全审计员: reads the security audit log, changes nothing. Not the superuser: 三员分立 keeps the
    audit log apart from those who administer the system."""
    return has_role(user, Role.AUDITOR)


def is_sysadmin(user) -> bool:
    """系统管理员: accounts and configuration, no business data (三员分立)."""
    return has_role(user, Role.SYSADMIN)


def is_secadmin(user) -> bool:
    """安全保密管理员: grants and revokes the privileged roles, no business data (三员分立)."""
    return has_role(user, Role.SECADMIN)
