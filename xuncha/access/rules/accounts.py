"""People and accounts (人员账号), under the separation of the three administrators (三员分立).

- 系统管理员 and the 巡察办 (who onboard units, departments and cadres from their own pages) create,
  edit, disable and enable accounts, reset passwords, unlock, import, print the notices, and bind the
  business roles that carry a scope: a unit's principal or liaison, a department's or receiver's staff
  (经办人), a cadre of the pool. The 巡察办 does so only for accounts that hold no privileged role; an
  account of the office, a leader or one of the three administrators is the 系统管理员's.
- Only the 安全保密管理员 grants or revokes the privileged roles (巡察办, 领导, 系统管理员, 安全保密管理员,
  安全审计员), never to or from himself.
- The 安全审计员 reads the accounts and writes nothing.

None of the three administrative roles makes `is_office` true, so none of them sees rounds, leads,
findings or reporter identities by virtue of the role (their business scopes answer none)."""

from xuncha.accounts.roles import ADMIN_ROLES, Role, roles_of

from ..registry import page, rule, scope
from ..roles import has_role, is_office, is_secadmin, is_sysadmin

# The roles only the 安全保密管理员 grants: they carry no scope and open whole parts of the system.
PRIVILEGED_ROLES = frozenset({Role.OFFICE, Role.LEADER, *ADMIN_ROLES})


def holds_privileged_role(account) -> bool:
    return bool(roles_of(account) & PRIVILEGED_ROLES) or getattr(account, "is_superuser", False)


def _reads_accounts(user) -> bool:
    return is_sysadmin(user) or is_secadmin(user) or is_office(user) or has_role(user, Role.AUDITOR)


@scope("accounts.user")
def accounts(user, qs):
    """The account pages list every account to those who run or check them; nobody else sees any."""
    return qs if _reads_accounts(user) else qs.none()


@page("accounts.list", "nav.accounts")
def account_pages(user) -> bool:
    return _reads_accounts(user)


@page("accounts.manage")
def manage_accounts(user) -> bool:
    """Create accounts (one or from Excel), print the notices, bind business roles."""
    return is_sysadmin(user) or is_office(user)


@page("accounts.grant_privileged")
def grant_privileged_page(user) -> bool:
    return is_secadmin(user)


@page("workbench.accounts")
def workbench_accounts(user) -> bool:
    """The administrators' part of the workbench: the accounts that need attention."""
    return is_sysadmin(user) or is_secadmin(user) or has_role(user, Role.AUDITOR)


@rule("accounts.user", "change", "disable", "enable", "reset_password", "unlock", "bind")
def change_account(user, account) -> bool:
    """The 系统管理员 runs every account; the office those that hold no privileged role."""
    if is_sysadmin(user):
        return True
    return is_office(user) and not holds_privileged_role(account)


@rule("accounts.user", "grant_privileged")
def grant_privileged(user, account) -> bool:
    """Only the 安全保密管理员, and never on his own account."""
    return is_secadmin(user) and account.pk != user.pk
