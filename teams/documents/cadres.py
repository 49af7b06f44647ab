"""The cadre pool as a spreadsheet: the blank import template (in the import's columns)."""

from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from xuncha.core.spreadsheets import NO, YES
from xuncha.core.xlsx import add_sheet, append, header_row, new_workbook, set_widths, to_bytes

from ..models import Cadre, Specialty
from ..services.cadre_import import EXAMPLE_ROW, HEADERS, MAX_ROWS

_WIDTHS = [12, 8, 12, 24, 22, 20, 10, 40, 16, 30]


def _add_choices(sheet, last_row: int) -> None:
    """Drop-down lists for the gender and the availability, so a typed value is always one we know."""
    for header, values in (("性别", Cadre.Gender.values), ("可抽调", [YES, NO])):
        col = get_column_letter(HEADERS.index(header) + 1)
        choice = DataValidation(type="list", formula1='"' + ",".join(values) + '"', allow_blank=True)
        choice.error, choice.errorTitle = f"请从下拉列表中选择{header}", header
        sheet.add_data_validation(choice)
        choice.add(f"{col}2:{col}{last_row}")


def cadres_import_template() -> bytes:
    """The blank sheet to fill in: headers, one example row, drop-downs and a sheet of instructions."""
    workbook = new_workbook()
    sheet = add_sheet(workbook, "巡察干部库", headers=HEADERS, widths=_WIDTHS)
    append(sheet, EXAMPLE_ROW)
    _add_choices(sheet, 1000)
    notes = workbook.create_sheet("填写说明")
    set_widths(notes, [16, 80])
    header_row(notes, ["列", "说明"])
    explanations = {
        "姓名": "必填。按“姓名＋单位”匹配：干部库中已有同单位同名干部则更新，否则新增。同一表内不能重复。",
        "性别": "选填。填“男”或“女”。",
        "出生年月": "选填。如 1980-05、1980.05、1980年5月，或日期格式。",
        "单位": "必填。干部所在单位的全称，须已在“被巡察单位”中录入（写错时会提示最接近的单位名称）。",
        "专长": "选填，可多选，用“、”分隔。可选："
        + "、".join(Specialty.values)
        + "（写“纪检监察”“组织人事”“财务审计”等也能识别）。",
        "可抽调": "填“是”或“否”，不填视为“是”。不可抽调的干部不能加入巡察组。",
        "参加过的巡察组": "选填。在本系统之外参加过的巡察组，如“2023年第一轮第二巡察组组员（县财政局）”，多条用“；”分隔。",
    }
    for header in HEADERS:
        append(notes, [header, explanations.get(header, "选填。")])
    append(notes, [])
    append(
        notes,
        [
            "注意",
            "第2行为示例，导入前请删除或改为实际干部。上传后先预览将新增、更新哪些干部，确认后才保存；"
            "任何一行有误时整张表都不会导入，请按提示修改后重新上传。",
        ],
    )
    append(notes, ["限制", f"文件不超过 5 MB，每次不超过 {MAX_ROWS} 行。"])
    return to_bytes(workbook)
