"""The unit registry as a spreadsheet: the export (in the import's columns) and the blank template."""

from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from xuncha.core.xlsx import add_sheet, append, header_row, new_workbook, set_widths, to_bytes

from ..models import Unit
from ..services.unit_import import EXAMPLE_ROW, HEADERS, MAX_ROWS, NO, TYPE_BY_LABEL, YES

_WIDTHS = [28, 12, 24, 12, 18, 16, 12, 16, 16, 30, 10, 30]


def _add_choices(sheet, last_row: int):
    """Drop-down lists for the type and the active flag, so a typed label is always one we know."""
    type_col = get_column_letter(HEADERS.index("单位类型") + 1)
    active_col = get_column_letter(HEADERS.index("是否在用") + 1)
    types = DataValidation(type="list", formula1='"' + ",".join(TYPE_BY_LABEL) + '"', allow_blank=False)
    types.error, types.errorTitle = "请从下拉列表中选择单位类型", "单位类型"
    active = DataValidation(type="list", formula1=f'"{YES},{NO}"', allow_blank=True)
    sheet.add_data_validation(types)
    sheet.add_data_validation(active)
    types.add(f"{type_col}2:{type_col}{last_row}")
    active.add(f"{active_col}2:{active_col}{last_row}")


def _unit_row(unit: Unit) -> list[str]:
    return [
        unit.name,
        unit.get_unit_type_display(),
        unit.parent.name if unit.parent_id else "",
        unit.principal_name,
        unit.principal_post,
        unit.principal_phone,
        unit.liaison_name,
        unit.liaison_phone,
        unit.office_phone,
        unit.address,
        YES if unit.is_active else NO,
        unit.note,
    ]


def units_export_workbook(queryset) -> bytes:
    """The units as an .xlsx in the import's columns. Parents are written before their children."""
    workbook = new_workbook()
    sheet = add_sheet(workbook, "被巡察单位", headers=HEADERS, widths=_WIDTHS)
    units = list(queryset.select_related("parent"))
    for unit in units:
        append(sheet, _unit_row(unit))
    _add_choices(sheet, max(len(units) + 1, 1000))
    return to_bytes(workbook)


def units_import_template() -> bytes:
    """The blank sheet to fill in: headers, one example row, drop-downs and a sheet of instructions."""
    workbook = new_workbook()
    sheet = add_sheet(workbook, "被巡察单位", headers=HEADERS, widths=_WIDTHS)
    append(sheet, EXAMPLE_ROW)
    _add_choices(sheet, 1000)
    notes = workbook.create_sheet("填写说明")
    set_widths(notes, [16, 80])
    header_row(notes, ["列", "说明"])
    explanations = {
        "单位名称": "必填。按名称匹配：已有同名单位则更新，否则新增。同一表内不能重复。",
        "单位类型": "必填。可选：" + "、".join(TYPE_BY_LABEL) + "。",
        "上级单位": "选填。填上级单位的全称，须已在系统中，或在本表中（顺序不限）。",
        "主要负责人电话": "选填。不超过30个字符，须包含数字。联络员电话、办公电话同。",
        "是否在用": "填“是”或“否”，不填视为“是”。停用的单位不计入全覆盖。",
    }
    for header in HEADERS:
        append(notes, [header, explanations.get(header, "选填。")])
    append(notes, [])
    append(
        notes,
        [
            "注意",
            "第2行为示例，导入前请删除或改为实际单位。任何一行有误时整张表都不会导入，请按提示修改后重新上传。",
        ]
    )
    append(notes, ["限制", f"文件不超过 5 MB，每次不超过 {MAX_ROWS} 行。"])
    return to_bytes(workbook)
