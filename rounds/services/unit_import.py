"""The unit registry from a spreadsheet: the import, all or nothing. The export and the blank template
are documents (`rounds.documents.units`), in these columns.

The columns of an export are those of an import, so an exported sheet, edited and uploaded again,
updates the same units (matched by name) instead of creating copies.
"""

from dataclasses import dataclass, field

from django.db import transaction

from xuncha import access
from xuncha.core.spreadsheets import NO, YES, ImportProblem, SheetImportError, SheetRow, read_sheet
from xuncha.errors import DomainError

from ..models import Unit, UnitType
from .units import ONLY_OFFICE, unit_save

MAX_FILE_SIZE = 5 * 1024 * 1024
MAX_ROWS = 5000

# (header, model field, required). The order is the order of the columns in the template and the export.
COLUMNS: list[tuple[str, str, bool]] = [
    ("单位名称", "name", True),
    ("单位类型", "unit_type", True),
    ("上级单位", "parent", False),
    ("主要负责人", "principal_name", False),
    ("主要负责人职务", "principal_post", False),
    ("主要负责人电话", "principal_phone", False),
    ("联络员", "liaison_name", False),
    ("联络员电话", "liaison_phone", False),
    ("办公电话", "office_phone", False),
    ("地址", "address", False),
    ("是否在用", "is_active", False),
    ("备注", "note", False),
]
HEADERS = [c[0] for c in COLUMNS]
TEXT_FIELDS = [
    "principal_name",
    "principal_post",
    "principal_phone",
    "liaison_name",
    "liaison_phone",
    "office_phone",
    "address",
    "note",
]
PHONE_FIELDS = {"principal_phone", "liaison_phone", "office_phone"}
TYPE_BY_LABEL = {str(label): value for value, label in UnitType.choices}
EXAMPLE_ROW = [
    "县财政局",
    UnitType.DEPARTMENT.label,
    "",
    "王某某",
    "党组书记、局长",
    "0731-8888001",
    "李某某",
    "13800000000",
    "0731-8888000",
    "县人民路1号",
    YES,
    "示例行，导入前请删除或改为实际单位",
]


def phone_problem(value: str) -> str | None:
    """Why a phone number cannot be right, or None. Shared by the unit form and the import."""
    if not value:
        return None
    if len(value) > 30:
        return "电话号码不能超过30个字符"
    if not any(ch.isdigit() for ch in value):
        return "电话号码中没有数字"
    return None


class UnitImportError(SheetImportError):
    """The sheet was refused; nothing was saved. `errors` lists every problem found."""


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    names: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


_Row = SheetRow


# --- reading -----------------------------------------------------------------------------------------


def _read_file(file) -> list[_Row]:
    """The data rows of the first sheet (see `xuncha.core.spreadsheets.read_sheet`)."""
    return read_sheet(file, COLUMNS, max_rows=MAX_ROWS, max_size=MAX_FILE_SIZE, error=UnitImportError)


# --- checking ----------------------------------------------------------------------------------------


def _field_limit(fname: str) -> int:
    return Unit._meta.get_field(fname).max_length or 0


def _check_rows(rows: list[_Row], existing: dict[str, str | None]) -> list[ImportProblem]:
    """Every problem of every row, so the user can fix the sheet in one go."""
    problems: list[ImportProblem] = []
    first_row_of: dict[str, int] = {}
    for row in rows:
        name = row.values["name"]
        if name:
            first_row_of.setdefault(name, row.number)
    sheet_names = set(first_row_of)
    type_labels = "、".join(TYPE_BY_LABEL)

    for row in rows:
        v, n = row.values, row.number

        def bad(column: str, message: str, n=n):
            problems.append(ImportProblem(n, message, column))

        name = v["name"]
        if not name:
            bad("单位名称", "单位名称不能为空")
        elif len(name) > _field_limit("name"):
            bad("单位名称", f"单位名称“{name}”超过{_field_limit('name')}个字")
        elif first_row_of[name] != n:
            bad("单位名称", f"单位名称“{name}”与第{first_row_of[name]}行重复")

        label = v["unit_type"]
        if not label:
            bad("单位类型", f"单位类型不能为空，应为：{type_labels}")
        elif label not in TYPE_BY_LABEL and label not in UnitType.values:
            bad("单位类型", f"单位类型“{label}”无法识别，应为：{type_labels}")

        parent = v["parent"]
        if parent:
            if parent == name:
                bad("上级单位", "上级单位不能是本单位")
            elif parent not in sheet_names and parent not in existing:
                bad("上级单位", f"上级单位“{parent}”不存在：请先录入该单位，或把它也写进本表")

        for fname in TEXT_FIELDS:
            limit = _field_limit(fname)
            header = Unit._meta.get_field(fname).verbose_name
            if fname in PHONE_FIELDS:
                problem = phone_problem(v[fname])
                if problem:
                    bad(header, f"{header}“{v[fname]}”有误：{problem}")
                    continue
            if limit and len(v[fname]) > limit:
                bad(header, f"{header}超过{limit}个字")

        if v["is_active"] not in ("", YES, NO):
            bad("是否在用", f"是否在用应填“是”或“否”，不能填“{v['is_active']}”")

    problems += _check_loops(rows, existing)
    return sorted(problems, key=lambda p: p.row or 0)


def _check_loops(rows: list[_Row], existing: dict[str, str | None]) -> list[ImportProblem]:
    """A unit may not end up above itself, counting both the sheet and the units already saved."""
    parent_of = dict(existing)
    for row in rows:
        if row.values["name"]:
            parent_of[row.values["name"]] = row.values["parent"] or None
    problems = []
    for row in rows:
        name = row.values["name"]
        seen = {name}
        up = parent_of.get(name)
        while up:
            if up in seen:
                if up == name:  # the loop runs through this row; rows merely below a loop are left alone
                    problems.append(
                        ImportProblem(
                            row.number,
                            f"“{name}”的上级单位形成循环（经过“{row.values['parent']}”）",
                            "上级单位",
                        )
                    )
                break
            seen.add(up)
            up = parent_of.get(up)
    return problems


def _in_parent_order(rows: list[_Row]) -> list[_Row]:
    """Rows whose parent is in the sheet come after that parent, so the parent exists when saved."""
    by_name = {r.values["name"]: r for r in rows}
    done: set[str] = set()
    ordered: list[_Row] = []

    def visit(row: _Row, path: set[str]):
        name = row.values["name"]
        if name in done or name in path:
            return
        parent = by_name.get(row.values["parent"])
        if parent is not None:
            visit(parent, path | {name})
        done.add(name)
        ordered.append(row)

    for row in rows:
        visit(row, set())
    return ordered


# --- the import --------------------------------------------------------------------------------------


def units_import(*, file, by) -> ImportResult:
    """Create or update units from an .xlsx sheet, matched by name. All rows or none.

    Raises UnitImportError listing every problem (by Excel row number) when any row is wrong."""
    access.check(by, "rounds.import_units", message=ONLY_OFFICE)
    rows = _read_file(file)
    if not rows:
        raise UnitImportError([ImportProblem(None, "表中没有数据：请从第2行起每行填写一个单位")])

    # name -> name of its parent, for every unit already saved (one query)
    existing = dict(Unit.objects.values_list("name", "parent__name"))
    problems = _check_rows(rows, existing)
    if problems:
        raise UnitImportError(problems)

    result = ImportResult()
    units_by_name = {u.name: u for u in Unit.objects.filter(name__in=[r.values["name"] for r in rows])}
    parents_by_name = {
        u.name: u
        for u in Unit.objects.filter(name__in={r.values["parent"] for r in rows if r.values["parent"]})
    }
    with transaction.atomic():
        for row in _in_parent_order(rows):
            v = row.values
            unit = units_by_name.get(v["name"])
            is_new = unit is None
            if is_new:
                unit = Unit(name=v["name"])
            wanted = {
                "unit_type": TYPE_BY_LABEL.get(v["unit_type"], v["unit_type"]),
                "is_active": v["is_active"] != NO,
                **{f: v[f] for f in TEXT_FIELDS},
            }
            parent = None
            if v["parent"]:
                parent = units_by_name.get(v["parent"]) or parents_by_name[v["parent"]]
            changed = is_new or unit.parent_id != (parent.pk if parent else None)
            for fname, value in wanted.items():
                if getattr(unit, fname) != value:
                    setattr(unit, fname, value)
                    changed = True
            unit.parent = parent
            if not changed:
                result.unchanged += 1
                continue
            unit._history_user = by  # simple-history records who imported it, also outside a request
            try:
                unit_save(unit=unit, by=by)
            except DomainError as exc:
                raise UnitImportError([ImportProblem(row.number, exc.full_message())]) from exc
            units_by_name[unit.name] = unit
            if is_new:
                result.created += 1
            else:
                result.updated += 1
            result.names.append(unit.name)
    return result
