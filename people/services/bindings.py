"""The roles of an account, each bound to its scope, read from where the application keeps them.

The truth stays where the access layer reads it: the role groups (`xuncha.accounts.roles.Role`), a
unit's `principal_user` / `liaison_user` and its `staff`, a cadre's `user`. A binding is one of those
facts seen from the account; adding, removing or moving one writes them through the services that own
them (`unit_save`, `unit_set_staff`, `cadre_save`), so the object grants stay right."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import models, transaction

from rounds.models import Unit
from rounds.services.units import unit_save, unit_set_staff
from teams.models import Cadre
from teams.services.cadres import cadre_save
from xuncha import access
from xuncha.accounts.roles import Role, role_group
from xuncha.audit.log import EventKind, record
from xuncha.errors import DomainError

User = get_user_model()


class Kind(models.TextChoices):
    PRINCIPAL = "principal", "单位主要负责人"
    LIAISON = "liaison", "单位联络员"
    STAFF = "staff", "职能部门经办人"
    STAFF_JIWEI = "staff_jiwei", "纪委监委经办人"
    STAFF_ZUZHIBU = "staff_zuzhibu", "组织部经办人"
    CADRE = "cadre", "巡察干部"
    OFFICE = "office", "巡察办"
    LEADER = "leader", "县领导"
    SYSADMIN = "sysadmin", "系统管理员"
    SECADMIN = "secadmin", "安全保密管理员"
    AUDITOR = "auditor", "安全审计员"


GROUP_OF = {
    Kind.PRINCIPAL: Role.UNIT,
    Kind.LIAISON: Role.UNIT,
    Kind.STAFF: Role.DEPARTMENT,
    Kind.STAFF_JIWEI: Role.JIWEI,
    Kind.STAFF_ZUZHIBU: Role.ZUZHIBU,
    Kind.CADRE: Role.TEAM,
    Kind.OFFICE: Role.OFFICE,
    Kind.LEADER: Role.LEADER,
    Kind.SYSADMIN: Role.SYSADMIN,
    Kind.SECADMIN: Role.SECADMIN,
    Kind.AUDITOR: Role.AUDITOR,
}
UNIT_KINDS = frozenset({Kind.PRINCIPAL, Kind.LIAISON, Kind.STAFF, Kind.STAFF_JIWEI, Kind.STAFF_ZUZHIBU})
STAFF_KINDS = frozenset({Kind.STAFF, Kind.STAFF_JIWEI, Kind.STAFF_ZUZHIBU})
# Granted and revoked only by the 安全保密管理员 (xuncha.access.rules.accounts.PRIVILEGED_ROLES).
PRIVILEGED_KINDS = frozenset({Kind.OFFICE, Kind.LEADER, Kind.SYSADMIN, Kind.SECADMIN, Kind.AUDITOR})
PRIVILEGED_GROUPS = frozenset(GROUP_OF[k] for k in PRIVILEGED_KINDS)
BUSINESS_KINDS = [k for k in Kind if k not in PRIVILEGED_KINDS]
KIND_OF_STAFF_GROUP = {Role.JIWEI: Kind.STAFF_JIWEI, Role.ZUZHIBU: Kind.STAFF_ZUZHIBU}

ONLY_MANAGERS = "只有系统管理员或巡察办可以管理该账号的业务角色"
ONLY_SECADMIN = "只有安全保密管理员可以授予或撤销巡察办、领导和三员角色，且不能授予或撤销本人的角色"


@dataclass(frozen=True)
class Binding:
    """One role of an account with its scope (a unit or a cadre); `kind` is "" for a role group held
    without the scope that should come with it (an account made in /admin), shown so it can be revoked."""

    kind: str
    role: str
    unit: Unit | None = None
    cadre: Cadre | None = None

    @property
    def kind_label(self) -> str:
        return Kind(self.kind).label if self.kind else self.role

    @property
    def scope_label(self) -> str:
        if self.unit is not None:
            return self.unit.name
        if self.cadre is not None:
            return f"干部库：{self.cadre.name}（{self.cadre.home_unit.name}）"
        return "（未关联单位或干部）" if not self.kind else ""

    @property
    def label(self) -> str:
        scope = self.scope_label
        return f"{self.kind_label} · {scope}" if scope else self.kind_label

    @property
    def privileged(self) -> bool:
        return self.role in PRIVILEGED_GROUPS

    @property
    def key(self) -> str:
        """What a form posts back to name this binding: kind:unit:cadre (or group:<role>)."""
        if not self.kind:
            return f"group:{self.role}"
        return f"{self.kind}:{self.unit.pk if self.unit else ''}:{self.cadre.pk if self.cadre else ''}"


def bindings_of(account) -> list[Binding]:
    """Every role the account holds, with its scope, in the order of `Kind`."""
    return bindings_for([account])[account.pk]


def bindings_for(accounts) -> dict[int, list[Binding]]:
    """{account pk: its bindings} for many accounts in five queries (the account list's page)."""
    ids = [a.pk for a in accounts]
    groups: dict[int, set[str]] = {pk: set() for pk in ids}
    for user_id, name in User.groups.through.objects.filter(user_id__in=ids).values_list(
        "user_id", "group__name"
    ):
        groups[user_id].add(name)
    found: dict[int, list[Binding]] = {pk: [] for pk in ids}
    units = Unit.objects.order_by("name")
    for unit in units.filter(principal_user_id__in=ids):
        found[unit.principal_user_id].append(Binding(Kind.PRINCIPAL, Role.UNIT, unit=unit))
    for unit in units.filter(liaison_user_id__in=ids):
        found[unit.liaison_user_id].append(Binding(Kind.LIAISON, Role.UNIT, unit=unit))
    staff = Unit.staff.through.objects.filter(user_id__in=ids).select_related("unit").order_by("unit__name")
    for row in staff:
        held = [g for g in (Role.JIWEI, Role.ZUZHIBU, Role.DEPARTMENT) if g in groups[row.user_id]]
        group = held[0] if held else Role.DEPARTMENT
        found[row.user_id].append(Binding(KIND_OF_STAFF_GROUP.get(group, Kind.STAFF), group, unit=row.unit))
    for cadre in Cadre.objects.filter(user_id__in=ids).select_related("home_unit"):
        found[cadre.user_id].append(Binding(Kind.CADRE, Role.TEAM, cadre=cadre))
    order = {k: i for i, k in enumerate(Kind)}
    for pk in ids:
        for kind in PRIVILEGED_KINDS:
            if GROUP_OF[kind] in groups[pk]:
                found[pk].append(Binding(kind, GROUP_OF[kind]))
        covered = {b.role for b in found[pk]}
        for group in sorted(groups[pk] - covered):
            found[pk].append(Binding("", group))
        found[pk].sort(key=lambda b: (order.get(b.kind, 99), b.unit.name if b.unit else ""))
    return found


def binding_from_key(account, key: str) -> Binding:
    for binding in bindings_of(account):
        if binding.key == key:
            return binding
    raise DomainError("该账号没有这个角色（可能已被他人撤销），请刷新页面")


# --- checks ------------------------------------------------------------------------------------------


def _check_may(by, account, kind: str) -> None:
    if kind in PRIVILEGED_KINDS or not kind:
        access.check(by, "grant_privileged", account, message=ONLY_SECADMIN)
    else:
        access.check(by, "bind", account, message=ONLY_MANAGERS)


def scope_problem(kind: str, unit: Unit | None, cadre: Cadre | None) -> str | None:
    """Why this role cannot be given with this scope, or None. The forms and the import ask it too."""
    if kind in UNIT_KINDS and unit is None:
        if kind in STAFF_KINDS:
            return f"“{Kind(kind).label}”须选择所在的部门或受理单位"
        return f"“{Kind(kind).label}”须选择所在的单位"
    if kind == Kind.CADRE and cadre is None:
        return "“巡察干部”须选择干部库中的干部"
    if kind in UNIT_KINDS and not unit.is_active:
        return f"{unit.name}已停用，不能开通账号"
    return None


def taken_problem(kind: str, unit: Unit | None, cadre: Cadre | None, account=None) -> str | None:
    """Why the scope is already held by another account (a move is a transfer), or None."""
    if (
        kind == Kind.PRINCIPAL
        and unit.principal_user_id
        and unit.principal_user_id != getattr(account, "pk", None)
    ):
        return f"{unit.name}已有主要负责人账号（{unit.principal_user.display_name}），如人员变动请使用“移交”"
    if kind == Kind.LIAISON and unit.liaison_user_id and unit.liaison_user_id != getattr(account, "pk", None):
        return f"{unit.name}已有联络员账号（{unit.liaison_user.display_name}），如人员变动请使用“移交”"
    if kind == Kind.CADRE and cadre.user_id and cadre.user_id != getattr(account, "pk", None):
        return f"干部{cadre.name}已关联账号（{cadre.user.display_name}）"
    return None


# --- writes ------------------------------------------------------------------------------------------


def _needs_group(account, role: str, *, without: Binding | None = None) -> bool:
    """Does any other binding of the account still need this role group?"""
    return any(b.role == role and b.kind and b != without for b in bindings_of(account))


def audit_target(account) -> str:
    return f"账号#{account.pk} {account.username}"


def _write(account, kind: str, unit: Unit | None, cadre: Cadre | None, *, add: bool) -> None:
    """Set or clear one scope through the service that owns it (access was asked before, so the owning
    service acts as the system)."""
    if kind == Kind.PRINCIPAL:
        unit.principal_user = account if add else None
        unit_save(unit=unit)
    elif kind == Kind.LIAISON:
        unit.liaison_user = account if add else None
        unit_save(unit=unit)
    elif kind in STAFF_KINDS:
        staff = set(unit.staff.values_list("pk", flat=True))
        staff = staff | {account.pk} if add else staff - {account.pk}
        unit_set_staff(unit=unit, users=list(User.objects.filter(pk__in=staff)))
    elif kind == Kind.CADRE:
        if add and Cadre.objects.filter(user=account).exclude(pk=cadre.pk).exists():
            raise DomainError(f"{account.display_name}已关联干部库中的另一名干部，一个账号只能关联一名干部")
        cadre.user = account if add else None
        cadre_save(cadre=cadre)


def last_active_sysadmin(account) -> bool:
    others = User.objects.filter(groups__name=Role.SYSADMIN, is_active=True).exclude(pk=account.pk)
    return account.groups.filter(name=Role.SYSADMIN).exists() and not others.exists()


def binding_add(
    *, account, kind: str, unit: Unit | None = None, cadre: Cadre | None = None, by, request=None
):
    """Give the account one role with its scope."""
    _check_may(by, account, kind)
    if not account.is_active:
        raise DomainError(f"{account.display_name}的账号已停用，请先启用再授予角色")
    unit = unit if kind in UNIT_KINDS else None
    cadre = cadre if kind == Kind.CADRE else None
    problem = scope_problem(kind, unit, cadre) or taken_problem(kind, unit, cadre, account)
    if problem:
        raise DomainError(problem)
    binding = Binding(kind, GROUP_OF[kind], unit=unit, cadre=cadre)
    if binding in bindings_of(account):
        raise DomainError(f"{account.display_name}已有“{binding.label}”角色")
    with transaction.atomic():
        account.groups.add(role_group(GROUP_OF[kind]))
        _write(account, kind, unit, cadre, add=True)
        record(
            EventKind.ROLE_GRANT,
            request=request,
            actor=by,
            target=audit_target(account),
            detail=binding.label,
        )
    account.__dict__.pop("_role_names", None)
    return binding


def binding_remove(*, account, binding: Binding, by, request=None) -> None:
    """Take one role (with its scope) from the account; the role group goes when nothing needs it."""
    _check_may(by, account, binding.kind)
    if binding.role == Role.SYSADMIN and account.is_active and last_active_sysadmin(account):
        raise DomainError("不能撤销最后一名在用系统管理员的角色：请先为其他人员授予系统管理员角色")
    with transaction.atomic():
        if binding.kind:
            _write(account, binding.kind, binding.unit, binding.cadre, add=False)
        if not _needs_group(account, binding.role, without=binding):
            account.groups.remove(role_group(binding.role))
        record(
            EventKind.ROLE_REVOKE,
            request=request,
            actor=by,
            target=audit_target(account),
            detail=binding.label,
        )
    account.__dict__.pop("_role_names", None)


def binding_transfer(*, account, binding: Binding, to, by, request=None) -> Binding:
    """Move one role to another person: the old account keeps its history and signatures and loses
    the role (and the grants that came with it); the new one gains it."""
    if not binding.kind:
        raise DomainError("该角色未关联单位或干部，不能移交；请直接撤销")
    _check_may(by, account, binding.kind)
    _check_may(by, to, binding.kind)
    if to.pk == account.pk:
        raise DomainError("请选择另一名人员接收该角色")
    if not to.is_active:
        raise DomainError(f"{to.display_name}的账号已停用，不能接收角色")
    moved = Binding(binding.kind, binding.role, unit=binding.unit, cadre=binding.cadre)
    if moved in bindings_of(to):
        raise DomainError(f"{to.display_name}已有“{binding.label}”角色")
    with transaction.atomic():
        to.groups.add(role_group(binding.role))
        if binding.kind in (Kind.PRINCIPAL, Kind.LIAISON, Kind.CADRE):
            _write(to, binding.kind, binding.unit, binding.cadre, add=True)  # replaces the old holder
        elif binding.kind in STAFF_KINDS:
            _write(account, binding.kind, binding.unit, None, add=False)
            _write(to, binding.kind, binding.unit, None, add=True)
        if not _needs_group(account, binding.role, without=binding):
            account.groups.remove(role_group(binding.role))
        detail = f"{binding.label}：由{account.display_name}（{account.username}）移交{to.display_name}（{to.username}）"
        record(
            EventKind.ROLE_TRANSFER, request=request, actor=by, target=audit_target(account), detail=detail
        )
        record(EventKind.ROLE_TRANSFER, request=request, actor=by, target=audit_target(to), detail=detail)
    for user in (account, to):
        user.__dict__.pop("_role_names", None)
    return moved
