"""The rectification plan as a spreadsheet (整改台账): the format the plan service exports and imports.

One row per measure; several rows may share a problem number. A problem without measures gets one row
with just its number and title, for the unit to fill in. The 状态 and 销号时间 columns on the right are
for reading only and are ignored on import. The import reads every row and reports every problem by
Excel row number; `services.plan.plan_import_xlsx` decides and saves (all or nothing).
"""

import re
from dataclasses import dataclass
from datetime import date, datetime

from django.utils import timezone
from openpyxl import load_workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from rectification.models import Measure, MeasureKind
from xuncha.core import xlsx
from xuncha.errors import DomainError

MAX_FILE_SIZE = 5 * 1024 * 1024
MAX_ROWS = 2000
SHEET_TITLE = "整改台账"
IMPORT_FAILED = "整改方案导入失败，未导入任何内容"
CORRUPT = "文件无法读取：不是有效的 Excel（.xlsx）文件，或文件已损坏"

# (header, key, width). The order is the order of the columns.
COLUMNS: list[tuple[str, str, int]] = [
    ("问题序号", "problem_seq", 9),
    ("反馈问题", "problem_title", 30),
    ("措施序号", "measure_seq", 9),
    ("整改措施", "content", 44),
    ("整改目标", "goal", 30),
    ("完成时限", "deadline", 13),
    ("整改类型", "kind", 11),
    ("责任领导", "responsible_leader", 12),
    ("责任党支部（股室）", "responsible_branch", 18),
    ("责任人", "responsible_person", 12),
    ("状态", "status", 10),
    ("销号时间", "closed_at", 13),
]
HEADERS = [c[0] for c in COLUMNS]
KEYS = [c[1] for c in COLUMNS]
# The columns a unit fills in for a measure; a row with none of them is the template's blank row.
MEASURE_KEYS = [
    "content",
    "goal",
    "deadline",
    "kind",
    "responsible_leader",
    "responsible_branch",
    "responsible_person",
]
# Read-only columns, written for information and never read back.
INFO_KEYS = {"status", "closed_at"}
REQUIRED_HEADERS = [h for h, k, _ in COLUMNS if k == "problem_seq" or k in MEASURE_KEYS]
KIND_BY_LABEL = {str(label): value for value, label in MeasureKind.choices}
KIND_LABELS = "、".join(KIND_BY_LABEL)
# The header is looked for in the first rows (the sheet starts with a title row).
HEADER_SEARCH_ROWS = 10


@dataclass
class PlanRow:
    """One data row of the sheet as read: texts, the deadline as read (a date, or the text that is not one)."""

    number: int  # the Excel row number
    values: dict


# --- reading -----------------------------------------------------------------------------------------


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


_DATE_PATTERNS = [
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
    re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
]


def parse_date(value) -> date | None:
    """A date cell, or a text a person typed as a date (2026-08-31, 2026/8/31, 2026年8月31日); else None."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _cell_text(value).split(" ")[0] if isinstance(value, str) else ""
    for pattern in _DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            try:
                return date(*(int(g) for g in match.groups()))
            except ValueError:
                return None
    return None


def _check_file(file) -> None:
    name = (getattr(file, "name", "") or "").lower()
    size = getattr(file, "size", None)
    if not name.endswith(".xlsx"):
        if name.endswith(".xls"):
            raise DomainError(
                IMPORT_FAILED, reasons=["不支持旧版 .xls 文件，请在 Excel 中“另存为” .xlsx 格式后再上传"]
            )
        raise DomainError(
            IMPORT_FAILED, reasons=["请上传 Excel 文件（.xlsx 格式），可先导出整改台账模板填写"]
        )
    if size is not None and size > MAX_FILE_SIZE:
        raise DomainError(IMPORT_FAILED, reasons=[f"文件过大（{size / 1048576:.1f} MB），不能超过 5 MB"])
    if size == 0:
        raise DomainError(IMPORT_FAILED, reasons=["上传的文件是空的"])


def read_plan_rows(file) -> list[PlanRow]:
    """The data rows of the 整改台账 sheet (or the first sheet), skipping blank rows and the template's
    rows that carry only a problem. Whatever a broken upload makes openpyxl raise becomes one clear
    refusal, never a 500."""
    _check_file(file)
    if hasattr(file, "seek"):
        file.seek(0)
    try:
        workbook = load_workbook(file, read_only=True, data_only=True)
    except Exception:
        raise DomainError(IMPORT_FAILED, reasons=[CORRUPT]) from None
    try:
        sheet = workbook[SHEET_TITLE] if SHEET_TITLE in workbook.sheetnames else workbook.worksheets[0]
        return _read_rows(sheet)
    except DomainError:
        raise
    except Exception:
        raise DomainError(IMPORT_FAILED, reasons=[CORRUPT]) from None
    finally:
        workbook.close()


def _read_rows(sheet) -> list[PlanRow]:
    rows_iter = sheet.iter_rows(values_only=True)
    index = None
    number = 0  # the Excel row number of the row last read
    while number < HEADER_SEARCH_ROWS:
        cells = next(rows_iter, None)
        if cells is None:
            break
        number += 1
        headers = [_cell_text(c).rstrip("*＊").strip() for c in cells]
        if all(h in headers for h in REQUIRED_HEADERS):
            index = {h: headers.index(h) for h in HEADERS if h in headers}
            break
    if index is None:
        raise DomainError(
            IMPORT_FAILED,
            reasons=[
                "没有找到表头：表中须有“"
                + "”“".join(REQUIRED_HEADERS)
                + "”等列。请先导出整改台账模板，在模板上填写"
            ],
        )
    rows: list[PlanRow] = []
    for cells in rows_iter:
        number += 1
        values = {}
        for header, key, _width in COLUMNS:
            if key in INFO_KEYS:
                continue
            col = index.get(header)
            raw = cells[col] if col is not None and col < len(cells) else None
            values[key] = raw if key == "deadline" else _cell_text(raw)
        if not any(_cell_text(values[k]) for k in MEASURE_KEYS):
            continue  # a blank row, or the template's row that names only the problem
        if len(rows) >= MAX_ROWS:
            raise DomainError(IMPORT_FAILED, reasons=[f"一次最多导入 {MAX_ROWS} 条整改措施"])
        rows.append(PlanRow(number, values))
    return rows


# --- writing -----------------------------------------------------------------------------------------

_INFO_FILL = PatternFill("solid", fgColor="EEEEEE")
_TITLE_FONT = Font(bold=True, size=16)
_THIN = Side(style="thin", color="BFBFBF")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP = Alignment(wrap_text=True, vertical="top")
_CENTER = Alignment(horizontal="center", vertical="top", wrap_text=True)


def _measure_row(measure: Measure) -> list:
    return [
        measure.problem.seq,
        measure.problem.title,
        measure.seq,
        measure.content,
        measure.goal,
        measure.deadline,
        measure.get_kind_display(),
        measure.responsible_leader,
        measure.responsible_branch,
        measure.responsible_person,
        measure.get_status_display(),
        timezone.localtime(measure.closed_at).date() if measure.closed_at else None,
    ]


def plan_workbook(rect) -> bytes:
    """The ledger of a rectification as an .xlsx: a title row, the header, one row per measure (a blank
    row for a problem without measures), drop-downs for the type, and a sheet explaining how to fill it."""
    workbook = xlsx.new_workbook()
    sheet = xlsx.add_sheet(workbook, SHEET_TITLE, widths=[width for _, _, width in COLUMNS])
    last_col = get_column_letter(len(COLUMNS))
    xlsx.append(sheet, [f"{rect.unit.name}整改台账（{rect.round.short_name}）"])
    sheet.merge_cells(f"A1:{last_col}1")
    sheet["A1"].font = _TITLE_FONT
    sheet["A1"].alignment = Alignment(horizontal="center", vertical="center")
    sheet.row_dimensions[1].height = 30
    xlsx.header_row(sheet, HEADERS)
    for i, (_header, key, _width) in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=2, column=i)
        if key in INFO_KEYS:
            cell.font, cell.fill = Font(bold=True, color="595959"), _INFO_FILL
        cell.border = _BORDER
    sheet.freeze_panes = "A3"

    measures_by_problem: dict[int, list[Measure]] = {}
    for measure in rect.measures.select_related("problem").order_by("problem__seq", "seq"):
        measures_by_problem.setdefault(measure.problem_id, []).append(measure)
    row_number = 2
    for problem in rect.problems.order_by("seq"):
        rows = [_measure_row(m) for m in measures_by_problem.get(problem.pk, [])]
        if not rows:
            rows = [[problem.seq, problem.title] + [None] * (len(COLUMNS) - 2)]
        for values in rows:
            xlsx.append(sheet, values)
            row_number += 1
            for i, (_header, key, _width) in enumerate(COLUMNS, start=1):
                cell = sheet.cell(row=row_number, column=i)
                cell.border = _BORDER
                cell.alignment = _CENTER if key in ("problem_seq", "measure_seq", "kind", "status") else _WRAP
                if key in ("deadline", "closed_at"):
                    cell.number_format = "yyyy-mm-dd"
                if key in INFO_KEYS:
                    cell.fill = _INFO_FILL

    # Room below the rows for more measures: the drop-down and the date format reach there too.
    last_row = max(row_number + 200, 500)
    kinds = DataValidation(type="list", formula1='"' + ",".join(KIND_BY_LABEL) + '"', allow_blank=True)
    kinds.error, kinds.errorTitle = f"整改类型须为{KIND_LABELS}之一", "整改类型"
    kinds.prompt, kinds.promptTitle = f"请选择：{KIND_LABELS}", "整改类型"
    sheet.add_data_validation(kinds)
    kind_col = get_column_letter(KEYS.index("kind") + 1)
    kinds.add(f"{kind_col}3:{kind_col}{last_row}")
    deadline_col = get_column_letter(KEYS.index("deadline") + 1)
    dates = DataValidation(type="date", operator="greaterThan", formula1="1", allow_blank=True)
    dates.error, dates.errorTitle = "请填写日期，例如 2026-08-31", "完成时限"
    sheet.add_data_validation(dates)
    dates.add(f"{deadline_col}3:{deadline_col}{last_row}")
    for r in range(row_number + 1, last_row + 1):
        sheet.cell(row=r, column=KEYS.index("deadline") + 1).number_format = "yyyy-mm-dd"
    sheet.auto_filter.ref = f"A2:{last_col}{max(row_number, 3)}"
    sheet.print_title_rows = "2:2"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True

    _notes_sheet(workbook, rect)
    return xlsx.to_bytes(workbook)


def _notes_sheet(workbook, rect) -> None:
    notes = xlsx.add_sheet(workbook, "说明", widths=[20, 90])
    xlsx.header_row(notes, ["项目", "填写说明"])
    meeting = f"{rect.meeting_date:%Y-%m-%d}" if rect.meeting_date else "反馈会日期"
    lines = [
        ("总体要求", "每行填写一条整改措施。一个问题有多条措施时，可填写多行，这些行的“问题序号”相同。"),
        ("问题序号", "必填，填写反馈意见中问题的序号（数字）。不能填写不存在的序号。"),
        ("反馈问题", "供对照填写，导入时不读取。"),
        ("措施序号", "导入时不读取：同一问题的措施按行的先后顺序重新编号。"),
        ("整改措施、整改目标", "必填。整改措施写明具体做法；整改目标写明要达到的效果。"),
        (
            "完成时限",
            f"必填，日期格式，例如 2026-08-31；不能早于{meeting}，不能晚于整改期限 {rect.deadline:%Y-%m-%d}。",
        ),
        ("整改类型", f"必填，从下拉列表中选择：{KIND_LABELS}。"),
        ("责任领导、责任党支部（股室）、责任人", "必填。"),
        ("状态、销号时间", "灰色列仅供查看，导入时不读取。"),
        (
            "导入规则",
            "导入将用表中的措施替换本单位整改方案中的全部措施。每个反馈问题至少要有一条措施。"
            "任何一行有误时整张表都不会导入，请按页面提示的行号修改后重新上传。",
        ),
        ("限制", f"文件为 .xlsx 格式，不超过 5 MB，每次不超过 {MAX_ROWS} 条措施。"),
    ]
    for item, text in lines:
        xlsx.append(notes, [item, text])
    for row in notes.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = _WRAP
