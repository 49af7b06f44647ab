"""The blank sheet of the account import: headers, one example row, a drop-down of roles, instructions."""

from openpyxl.worksheet.datavalidation import DataValidation

from xuncha.core.xlsx import add_sheet, append, header_row, new_workbook, set_widths, to_bytes

from ..services.account_import import EXAMPLE_ROW, HEADERS, MAX_ROWS, ROLE_CHOICES

WIDTHS = [12, 16, 24, 18, 20, 16]


def accounts_import_template() -> bytes:
    workbook = new_workbook()
    sheet = add_sheet(workbook, "人员账号", headers=HEADERS, widths=WIDTHS)
    append(sheet, EXAMPLE_ROW)
    for column in ("B", "F"):
        for row in range(2, MAX_ROWS + 2):
            sheet[f"{column}{row}"].number_format = "@"  # text: a mobile number stays as typed
    roles = DataValidation(type="list", formula1='"' + ",".join(ROLE_CHOICES) + '"', allow_blank=False)
    roles.error, roles.errorTitle = "请从列表中选择角色", "角色有误"
    sheet.add_data_validation(roles)
    roles.add(f"D2:D{MAX_ROWS + 1}")
    notes = workbook.create_sheet("填写说明")
    set_widths(notes, [12, 90])
    header_row(notes, ["列", "说明"])
    for row in (
        ["姓名", "必填。"],
        ["手机", "必填。同一手机号码只能开通一个账号；未填登录名时以手机号码作为登录名。"],
        [
            "单位",
            "必填。填单位全称，须已在“被巡察单位”名录中（纪委监委、组织部、信访局等受理单位也在其中）。",
        ],
        [
            "角色",
            "必填。可选："
            + "、".join(ROLE_CHOICES)
            + "。一个单位只能有一名主要负责人、一名联络员；已有的请在账号页“移交”。",
        ],
        ["职务", "选填。"],
        ["登录名", "选填。英文字母、数字和 @ . + - _；不填则为手机号码。"],
        [],
        ["注意", "第2行为示例，导入前请删除。任何一行有误时整张表都不会导入，请按提示修改后重新上传。"],
        ["密码", "导入成功后可下载“账号开通通知单”，其中的初始密码只出现一次，系统不保存明文。"],
    ):
        append(notes, row)
    return to_bytes(workbook)
