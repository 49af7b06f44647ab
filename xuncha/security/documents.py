"""The security audit log as Excel (openpyxl, written row by row)."""

import io
from urllib.parse import quote

from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
COLUMNS = (
    ("序号", 8),
    ("时间", 20),
    ("事件", 14),
    ("结果", 8),
    ("登录名", 16),
    ("姓名", 12),
    ("地址", 16),
    ("对象", 30),
    ("说明", 50),
    ("客户端", 40),
)


def _clean(value) -> str:
    return ILLEGAL_CHARACTERS_RE.sub("", str(value or ""))


def audit_xlsx(events) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("安全审计日志")
    for i, (_, width) in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    sheet.freeze_panes = "A2"
    head = []
    for title, _ in COLUMNS:
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="1D5FBF")
        head.append(cell)
    sheet.append(head)
    for event in events.iterator(chunk_size=2000):
        sheet.append(
            [
                event.pk,
                timezone.localtime(event.at).strftime("%Y-%m-%d %H:%M:%S"),
                event.get_kind_display(),
                "成功" if event.success else "失败",
                _clean(event.username),
                _clean(event.actor_name),
                event.ip or "",
                _clean(event.target),
                _clean(event.detail),
                _clean(event.user_agent),
            ]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_response(content: bytes, filename: str, ascii_name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = (
        f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
    )
    return response
