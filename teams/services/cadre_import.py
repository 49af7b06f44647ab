"""The cadre pool (巡察干部库) from a spreadsheet: a preview, then the import, all or nothing.

A cadre is matched by name and home unit, so a sheet imported again (or the pool exported, edited and
uploaded) updates the same cadres instead of adding copies. The blank template is a document
(`teams.documents.cadres`), in these columns.
"""

from dataclasses import dataclass, field

from django.db import transaction
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from rounds.models import Unit
from xuncha import access
from xuncha.core.spreadsheets import (
    NO,
    YES,
    ImportProblem,
    SheetImportError,
    SheetRow,
    parse_year_month,
    read_sheet,
    unknown_name_message,
)

from ..models import Cadre, Specialty, parse_specialties
from .cadres import ONLY_OFFICE

MAX_FILE_SIZE = 5 * 1024 * 1024
MAX_ROWS = 5000

# (header, key, required). The order is the order of the columns in the template.
COLUMNS: list[tuple[str, str, bool]] = [
    ("姓名", "name", True),
    ("性别", "gender", False),
    ("出生年月", "birth_month", False),
    ("单位", "home_unit", True),
    ("职务", "post", False),
    ("专长", "specialties", False),
    ("可抽调", "is_available", False),
    ("参加过的巡察组", "past_teams_note", False),
    ("联系电话", "phone", False),
    ("备注", "note", False),
]
HEADERS = [c[0] for c in COLUMNS]
TEXT_FIELDS = ["post", "past_teams_note", "phone", "note"]
EXAMPLE_ROW = [
    "张某某",
    "男",
    "1980-05",
    "县纪委监委",
    "第一纪检监察室主任",
    "纪检、法律",
    YES,
    "2023年第一轮第二巡察组组员（县财政局）",
    "13800000000",
    "示例行，导入前请删除或改为实际干部",
]
# The field a column fills, by key: what a preview calls a change.
LABELS = {
    "gender": "性别",
    "birth_month": "出生年月",
    "post": "职务",
    "specialties": "专长",
    "is_available": "可抽调",
    "past_teams_note": "参加过的巡察组",
    "phone": "联系电话",
    "note": "备注",
}


class CadreImportError(SheetImportError):
    """The sheet was refused; nothing was saved. `errors` lists every problem found."""


@dataclass
class PlannedRow:
    """What the import does with one row: 新增, 更新 (with the fields it changes) or 无变化."""

    number: int
    name: str
    unit: str
    action: str
    changes: list[str] = field(default_factory=list)


@dataclass
class CadreImportResult:
    rows: list[PlannedRow] = field(default_factory=list)
    saved: bool = False

    def count(self, action: str) -> int:
        return sum(1 for r in self.rows if r.action == action)

    @property
    def created(self) -> int:
        return self.count(CREATE)

    @property
    def updated(self) -> int:
        return self.count(UPDATE)

    @property
    def unchanged(self) -> int:
        return self.count(SAME)


CREATE, UPDATE, SAME = "新增", "更新", "无变化"


# --- checking ----------------------------------------------------------------------------------------


def _limit(fname: str) -> int:
    return getattr(Cadre._meta.get_field(fname), "max_length", None) or 0


def _clean_rows(rows: list[SheetRow], units: dict[str, Unit]) -> tuple[list[dict], list[ImportProblem]]:
    """Each row as the values a cadre gets, and every problem of every row."""
    problems: list[ImportProblem] = []
    cleaned: list[dict] = []
    first_row_of: dict[tuple[str, str], int] = {}
    allowed = "、".join(Specialty.values)
    for row in rows:
        v, n = row.values, row.number

        def bad(column: str, message: str, n=n):
            problems.append(ImportProblem(n, message, column))

        out = {"number": n}
        name = v["name"]
        if not name:
            bad("姓名", "姓名不能为空")
        elif len(name) > _limit("name"):
            bad("姓名", f"姓名“{name}”超过{_limit('name')}个字")
        out["name"] = name

        unit_name = v["home_unit"]
        unit = units.get(unit_name)
        if not unit_name:
            bad("单位", "单位不能为空")
        elif unit is None:
            bad("单位", unknown_name_message("单位", unit_name, units) + "（单位须先在“被巡察单位”中录入）")
        out["home_unit"] = unit
        out["unit_name"] = unit_name

        if name and unit is not None:
            key = (name, unit.name)
            if key in first_row_of:
                bad("姓名", f"“{name}（{unit.name}）”与第{first_row_of[key]}行重复")
            else:
                first_row_of[key] = n

        gender = v["gender"]
        if gender and gender not in Cadre.Gender.values:
            bad("性别", f"性别应填“男”或“女”，不能填“{gender}”")
        out["gender"] = gender

        birth = None
        if v["birth_month"]:
            birth = parse_year_month(v["birth_month"])
            if birth is None:
                bad("出生年月", f"出生年月“{v['birth_month']}”无法识别，请填写如 1980-05 或 1980年5月")
        out["birth_month"] = birth

        codes, unknown = parse_specialties(v["specialties"])
        if unknown:
            bad("专长", f"专长“{'、'.join(unknown)}”不在可选范围内，应为：{allowed}（可多选，用“、”分隔）")
        out["specialties"] = "、".join(codes)

        available = v["is_available"]
        if available not in ("", YES, NO, "可", "不可"):
            bad("可抽调", f"可抽调应填“是”或“否”，不能填“{available}”")
        out["is_available"] = available not in (NO, "不可")

        for fname in TEXT_FIELDS:
            limit = _limit(fname) if fname != "past_teams_note" else 2000
            if limit and len(v[fname]) > limit:
                bad(LABELS[fname], f"{LABELS[fname]}超过{limit}个字")
            out[fname] = v[fname]
        cleaned.append(out)
    return cleaned, problems


def _existing(units: list[Unit]) -> tuple[dict[tuple[str, int], Cadre], set[tuple[str, int]]]:
    """The saved cadres by (name, home unit), and the pairs that are ambiguous (two of them)."""
    found: dict[tuple[str, int], Cadre] = {}
    twice: set[tuple[str, int]] = set()
    for cadre in Cadre.objects.filter(home_unit__in=units).select_related("home_unit"):
        key = (cadre.name, cadre.home_unit_id)
        if key in found:
            twice.add(key)
        found[key] = cadre
    return found, twice


def _changes(cadre: Cadre, values: dict) -> list[str]:
    return [LABELS[f] for f in LABELS if getattr(cadre, f) != values[f]]


# --- the import --------------------------------------------------------------------------------------


def cadres_import(*, file, by, dry_run: bool = False) -> CadreImportResult:
    """Create or update cadres from an .xlsx sheet, matched by name and home unit. All rows or none.

    With `dry_run` nothing is saved: the result says what each row would do (the preview). Raises
    CadreImportError listing every problem (by Excel row number) when any row is wrong."""
    access.check(by, "teams.import_cadres", message=ONLY_OFFICE)
    rows = read_sheet(file, COLUMNS, max_rows=MAX_ROWS, max_size=MAX_FILE_SIZE, error=CadreImportError)
    if not rows:
        raise CadreImportError([ImportProblem(None, "表中没有数据：请从第2行起每行填写一名干部")])

    units = {u.name: u for u in Unit.objects.all()}
    cleaned, problems = _clean_rows(rows, units)
    existing, twice = _existing([c["home_unit"] for c in cleaned if c["home_unit"] is not None])
    for c in cleaned:
        if c["home_unit"] is not None and (c["name"], c["home_unit"].pk) in twice:
            problems.append(
                ImportProblem(
                    c["number"],
                    f"干部库中有两名“{c['name']}（{c['unit_name']}）”，无法确定更新哪一名，请先在干部库中区分",
                    "姓名",
                )
            )
    if problems:
        raise CadreImportError(problems)

    result = CadreImportResult()
    plan: list[tuple[dict, Cadre | None]] = []
    for c in cleaned:
        cadre = existing.get((c["name"], c["home_unit"].pk))
        values = {f: c[f] for f in LABELS}
        if cadre is None:
            result.rows.append(PlannedRow(c["number"], c["name"], c["unit_name"], CREATE))
        else:
            changes = _changes(cadre, values)
            result.rows.append(
                PlannedRow(c["number"], c["name"], c["unit_name"], UPDATE if changes else SAME, changes)
            )
        plan.append((c, cadre))
    if dry_run:
        return result

    # Written in bulk (with their history rows): a sheet of thousands of cadres saves in seconds. What
    # `cadre_save` guards cannot happen here: the match is by name and home unit, so an import never
    # moves a cadre to another unit (recusal), and it never touches the login account (its uniqueness,
    # the team grants). Access was checked above, for the whole sheet.
    new, changed = [], []
    for (c, cadre), planned in zip(plan, result.rows, strict=True):
        if planned.action == SAME:
            continue
        if cadre is None:
            cadre = Cadre(name=c["name"], home_unit=c["home_unit"])
            new.append(cadre)
        else:
            changed.append(cadre)
        for fname in LABELS:
            setattr(cadre, fname, c[fname])
    with transaction.atomic():
        if new:
            bulk_create_with_history(new, Cadre, batch_size=500, default_user=by)
        if changed:
            bulk_update_with_history(changed, Cadre, list(LABELS), batch_size=500, default_user=by)
    result.saved = True
    return result
