"""Bulk onboarding: accounts from an .xlsx sheet (姓名, 手机, 单位, 角色, 职务, 登录名), all or nothing,
in the style of the unit import (`rounds.services.unit_import`): every problem of every row is listed
by Excel row number, and nothing is created unless every row is right. An unknown unit is answered
with the closest names in the registry."""

from django.contrib.auth import get_user_model
from django.db import transaction

from rounds.models import Unit
from rounds.services.unit_import import MAX_FILE_SIZE
from xuncha import access
from xuncha.core.spreadsheets import ImportProblem, SheetImportError, SheetRow, closest_names, read_sheet
from xuncha.errors import DomainError

from .accounts import ONLY_MANAGERS, account_create, normalize_phone, phone_problem, username_problem
from .bindings import STAFF_KINDS, Kind, scope_problem, taken_problem

User = get_user_model()

MAX_ROWS = 2000
# (header, key, required), in the order of the template's columns.
COLUMNS = [
    ("姓名", "name", True),
    ("手机", "phone", True),
    ("单位", "unit", True),
    ("角色", "role", True),
    ("职务", "post", False),
    ("登录名", "username", False),
]
HEADERS = [c[0] for c in COLUMNS]
# What the 角色 column may say. The scope of each is the row's unit.
ROLE_LABELS = {
    "主要负责人": Kind.PRINCIPAL,
    "单位主要负责人": Kind.PRINCIPAL,
    "联络员": Kind.LIAISON,
    "单位联络员": Kind.LIAISON,
    "经办人": Kind.STAFF,
    "职能部门经办人": Kind.STAFF,
    "纪委监委经办人": Kind.STAFF_JIWEI,
    "组织部经办人": Kind.STAFF_ZUZHIBU,
}
ROLE_CHOICES = ["主要负责人", "联络员", "职能部门经办人", "纪委监委经办人", "组织部经办人"]
EXAMPLE_ROW = ["王某某", "13800000000", "县财政局", "主要负责人", "党组书记、局长", ""]


class AccountImportError(SheetImportError):
    """The sheet was refused; nothing was created. `errors` lists every problem found."""

    refused = "导入失败，未开通任何账号"


def _read(file) -> list[SheetRow]:
    """The sheet's rows through the project's one reader, each value with its inner spaces collapsed."""
    rows = read_sheet(file, COLUMNS, max_rows=MAX_ROWS, max_size=MAX_FILE_SIZE, error=AccountImportError)
    for row in rows:
        row.values = {key: " ".join(value.split()) for key, value in row.values.items()}
    return rows


def _check(rows: list[SheetRow]) -> tuple[list[ImportProblem], dict]:
    problems: list[ImportProblem] = []
    units = {u.name: u for u in Unit.objects.select_related("principal_user", "liaison_user")}
    names = list(units)
    first_phone: dict[str, int] = {}
    first_username: dict[str, int] = {}
    first_scope: dict[tuple, int] = {}
    plan = {}
    for row in rows:
        v, n = row.values, row.number

        def bad(column, message, n=n):
            problems.append(ImportProblem(n, message, column))

        if not v["name"]:
            bad("姓名", "姓名不能为空")
        elif len(v["name"]) > 50:
            bad("姓名", "姓名不能超过50个字")
        phone = normalize_phone(v["phone"])
        if not phone:
            bad("手机", "手机号码不能为空")
        elif phone in first_phone:
            bad("手机", f"手机号码{phone}与第{first_phone[phone]}行重复")
        else:
            first_phone[phone] = n
            problem = phone_problem(phone)
            if problem:
                bad("手机", problem)
        username = v["username"] or phone
        # A login name taken from a mobile already reported as a duplicate is not reported twice.
        if username and (v["username"] or not any(p.row == n and p.column == "手机" for p in problems)):
            if username.lower() in first_username:
                bad("登录名", f"登录名“{username}”与第{first_username[username.lower()]}行重复")
            else:
                first_username[username.lower()] = n
                problem = username_problem(username)
                if problem:
                    bad("登录名", problem)
        kind = ROLE_LABELS.get(v["role"])
        if not v["role"]:
            bad("角色", f"角色不能为空，应为：{'、'.join(ROLE_CHOICES)}")
        elif kind is None:
            bad("角色", f"角色“{v['role']}”无法识别，应为：{'、'.join(ROLE_CHOICES)}")
        unit = units.get(v["unit"])
        if not v["unit"]:
            bad("单位", "单位不能为空")
        elif unit is None:
            close = closest_names(v["unit"], names)
            hint = f"，是否为：{'、'.join(close)}" if close else "，请先在“被巡察单位”中录入该单位"
            bad("单位", f"单位“{v['unit']}”不存在{hint}")
        if len(v["post"]) > 100:
            bad("职务", "职务不能超过100个字")
        if kind is not None and unit is not None:
            problem = scope_problem(kind, unit, None) or taken_problem(kind, unit, None)
            if problem:
                bad("角色", problem)
            elif kind not in STAFF_KINDS:
                key = (kind, unit.pk)
                if key in first_scope:
                    bad(
                        "角色",
                        f"{unit.name}的{Kind(kind).label}与第{first_scope[key]}行重复，一个单位只能有一名",
                    )
                else:
                    first_scope[key] = n
        plan[n] = (kind, unit, phone, username)
    return sorted(problems, key=lambda p: p.row or 0), plan


def accounts_import(*, file, by, request=None) -> list[dict]:
    """Open every account of the sheet, or none. Returns the entries of the 开通通知单 (with the one-time
    passwords, to be handed off once, never stored)."""
    access.check(by, "accounts.manage", message=ONLY_MANAGERS)
    rows = _read(file)
    if not rows:
        raise AccountImportError([ImportProblem(None, "表中没有数据：请从第2行起每行填写一名人员")])
    problems, plan = _check(rows)
    if problems:
        raise AccountImportError(problems)
    entries = []
    with transaction.atomic():
        for row in rows:
            kind, unit, phone, username = plan[row.number]
            person = {
                "name": row.values["name"],
                "phone": phone,
                "organization": unit.name,
                "post": row.values["post"],
            }
            try:
                user, password = account_create(
                    person=person, username=username, roles=[(kind, unit, None)], by=by, request=request
                )
            except DomainError as exc:
                transaction.set_rollback(True)
                raise AccountImportError([ImportProblem(row.number, exc.full_message())]) from None
            entries.append(notice_entry(user, password, Kind(kind).label, unit.name))
    return entries


def notice_entry(user, password: str, role: str, unit: str) -> dict:
    """One line of the 账号开通通知单."""
    return {
        "name": user.display_name,
        "username": user.username,
        "password": password,
        "post": user.post,
        "role": role,
        "unit": unit,
    }
