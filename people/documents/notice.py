"""账号开通通知单: per unit, each new account's login name and one-time initial password (Word).

Rendered on the download from the entries kept in the creator's session (`services.handoff`), sent
and never stored."""

from itertools import groupby

from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.shared import Mm, Pt

from xuncha.core.docx_style import (
    HEI_FONT,
    TITLE_FONT,
    TITLE_SIZE,
    add_page_numbers,
    add_run,
    cn_date,
    new_document,
    paragraph,
    to_bytes,
)

COLUMNS = ["序号", "姓名", "职务", "角色", "登录名", "初始密码"]
WIDTHS = [Mm(12), Mm(22), Mm(30), Mm(34), Mm(30), Mm(28)]
CELL_SIZE = Pt(12)
NOTE_SIZE = Pt(14)


def _cell(cell, text, *, bold=False, center=False):
    p = cell.paragraphs[0]
    if center:
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    add_run(p, text, size=CELL_SIZE, bold=bold)


def render_notice(entries: list[dict], *, login_url: str, today) -> bytes:
    """One page (or more) per unit, in the order of the units' names."""
    document = new_document()
    units = sorted(entries, key=lambda e: e.get("unit") or "")
    first = True
    for unit, rows in groupby(units, key=lambda e: e.get("unit") or ""):
        rows = list(rows)
        if not first:
            document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        first = False
        paragraph(
            document, "账号开通通知单", align=WD_ALIGN_PARAGRAPH.CENTER, font=TITLE_FONT, size=TITLE_SIZE
        )
        paragraph(document, "")
        paragraph(document, f"{unit or '各有关人员'}：")
        paragraph(
            document,
            f"已为你单位下列人员开通巡察通账号。请通知本人于收到后尽快登录（{login_url}），"
            "首次登录须修改初始密码。初始密码仅在本通知单中出现一次，请妥善交本人，不得转交他人或留存。",
            indent=True,
        )
        table = document.add_table(rows=1, cols=len(COLUMNS))
        table.style = "Table Grid"
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        for cell, label in zip(table.rows[0].cells, COLUMNS, strict=True):
            _cell(cell, label, bold=True, center=True)
        for index, entry in enumerate(rows, start=1):
            cells = table.add_row().cells
            values = [
                index,
                entry["name"],
                entry.get("post", ""),
                entry.get("role", ""),
                entry["username"],
                entry["password"],
            ]
            for cell, value in zip(cells, values, strict=True):
                _cell(cell, value, center=cell is cells[0])
        table.autofit = False
        for row in table.rows:
            for cell, width in zip(row.cells, WIDTHS, strict=True):
                cell.width = width
        paragraph(document, "")
        notes = paragraph(document, "", size=NOTE_SIZE)
        add_run(notes, "注意事项：", font=HEI_FONT, size=NOTE_SIZE)
        for line in (
            "1．登录名和初始密码请本人妥善保管，首次登录后立即修改密码；新密码不少于8位，含大写字母、"
            "小写字母、数字、符号中的三类。",
            "2．连续输错密码将被锁定，请联系巡察办或系统管理员解锁；遗失密码请联系重置，重置后原密码失效。",
            "3．本通知单不留底，交付本人后请销毁。",
        ):
            paragraph(document, line, size=NOTE_SIZE)
        paragraph(document, "")
        paragraph(document, "县委巡察工作领导小组办公室", align=WD_ALIGN_PARAGRAPH.RIGHT)
        paragraph(document, cn_date(today), align=WD_ALIGN_PARAGRAPH.RIGHT)
    add_page_numbers(document)
    return to_bytes(document)
