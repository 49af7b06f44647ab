"""The one Excel (.xlsx) writer every export uses.

A value's Python type decides its cell, never its text: every `str` is written as a string cell
(data_type "s"), so a name a user typed that starts with = + - @ (or a tab or CR) is shown as typed and
never evaluated as a formula (CSV/formula injection); control characters Excel refuses are dropped.
Numbers (int, float, Decimal) stay numbers with a number format (a count "0", a fraction "0.0#"),
`Percent(33.3)` is the number 0.333 shown as 33.3%, dates and datetimes are dates with a date format:
Excel sums and sorts them, and never shows the green "number stored as text" flag. Headers are styled in one place (`header_row`).

    book = new_workbook()
    sheet = add_sheet(book, "被巡察单位", headers=[...], widths=[...])
    append(sheet, [unit.name, unit.count, Percent(12.5), unit.created_on])
    return xlsx_response(to_bytes(book), "被巡察单位.xlsx")

Large lists use `new_workbook(write_only=True)`: the same `append` writes them row by row.
"""

import datetime
import io
import tempfile
from decimal import Decimal
from urllib.parse import quote

from django.http import FileResponse, HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

HEAD_FONT = Font(bold=True, color="FFFFFF")
HEAD_FILL = PatternFill("solid", fgColor="1D5FBF")
HEAD_ALIGNMENT = Alignment(horizontal="center", vertical="center", wrap_text=True)
TITLE_FONT = Font(bold=True, size=13)
WRAP = Alignment(wrap_text=True, vertical="top")

DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
PERCENT_FORMAT = "0.0%"
DECIMAL_FORMAT = "0.0#"
COUNT_FORMAT = "0"

__all__ = [
    "XLSX",
    "HEAD_FONT",
    "HEAD_FILL",
    "TITLE_FONT",
    "WRAP",
    "Percent",
    "new_workbook",
    "add_sheet",
    "header_row",
    "append",
    "cell",
    "set_cell",
    "to_bytes",
    "xlsx_response",
    "xlsx_file_response",
]


class Percent:
    """A percentage given in percent (33.3 for 33.3 %): a number cell formatted as a percentage, and
    "33.3%" where it is shown as text (a page, a PDF)."""

    __slots__ = ("value",)

    def __init__(self, value):
        self.value = value

    def __str__(self) -> str:
        return f"{self.value}%"

    def __eq__(self, other) -> bool:
        return isinstance(other, Percent) and other.value == self.value

    def __hash__(self) -> int:
        return hash(("percent", self.value))

    def __repr__(self) -> str:
        return f"Percent({self.value!r})"


def _prepared(value):
    """(value to store, number format or None, is text)."""
    if value is None:
        return None, None, False
    if isinstance(value, bool):
        return value, None, False
    if isinstance(value, Percent):
        number = None if value.value is None else float(value.value) / 100
        return number, PERCENT_FORMAT, False
    if isinstance(value, Decimal):
        return float(value), (COUNT_FORMAT if value == value.to_integral_value() else DECIMAL_FORMAT), False
    if isinstance(value, int):
        return value, COUNT_FORMAT, False
    if isinstance(value, float):
        return value, (COUNT_FORMAT if value.is_integer() else DECIMAL_FORMAT), False
    if isinstance(value, datetime.datetime):
        if timezone.is_aware(value):
            value = timezone.make_naive(timezone.localtime(value))
        return value, DATETIME_FORMAT, False
    if isinstance(value, datetime.date):
        return value, DATE_FORMAT, False
    return ILLEGAL_CHARACTERS_RE.sub("", str(value)), None, True


def cell(sheet, value, *, font=None, fill=None, alignment=None, number_format=None):
    """One cell for `append`: text stays text (data_type "s"), numbers and dates keep their type."""
    stored, fmt, text = _prepared(value)
    made = (
        WriteOnlyCell(sheet, value=stored)
        if isinstance(sheet, WriteOnlyWorksheet)
        else Cell(sheet, value=stored)
    )
    if text:
        made.data_type = "s"  # never a formula, whatever the text starts with
    if number_format or fmt:
        made.number_format = number_format or fmt
    if font is not None:
        made.font = font
    if fill is not None:
        made.fill = fill
    if alignment is not None:
        made.alignment = alignment
    return made


def append(sheet, values, **style) -> None:
    """Append one row of values (see `cell`); `style` (font, fill, alignment) applies to each cell."""
    sheet.append([cell(sheet, v, **style) for v in values])


def set_cell(sheet, row: int, column: int, value, **style):
    """Write one value at a position of a normal worksheet, with the same typing as `cell`."""
    stored, fmt, text = _prepared(value)
    target = sheet.cell(row=row, column=column)
    target.value = stored
    if text:
        target.data_type = "s"
    if fmt or style.get("number_format"):
        target.number_format = style.get("number_format") or fmt
    for name in ("font", "fill", "alignment"):
        if style.get(name) is not None:
            setattr(target, name, style[name])
    return target


def header_row(sheet, headers, *, font=HEAD_FONT, fill=HEAD_FILL, alignment=HEAD_ALIGNMENT) -> None:
    """The header row: white bold text on the project's blue."""
    append(sheet, headers, font=font, fill=fill, alignment=alignment)


def set_widths(sheet, widths) -> None:
    for i, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width


def new_workbook(*, write_only: bool = False) -> Workbook:
    """An empty workbook (no default sheet): add sheets with `add_sheet`."""
    workbook = Workbook(write_only=write_only)
    if not write_only:
        workbook.remove(workbook.active)
    return workbook


def add_sheet(
    workbook: Workbook, title: str, *, headers=None, widths=None, caption: str = "", freeze: str = ""
):
    """A sheet: an optional caption row in bold, the styled header row, column widths, frozen panes
    below the header (or at `freeze`)."""
    sheet = workbook.create_sheet(title=title[:31])
    if widths:
        set_widths(sheet, widths)
    if caption:
        append(sheet, [caption], font=TITLE_FONT)
    if headers:
        header_row(sheet, headers)
        sheet.freeze_panes = freeze or ("A3" if caption else "A2")
    elif freeze:
        sheet.freeze_panes = freeze
    return sheet


def to_bytes(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def content_disposition(filename: str, ascii_name: str) -> str:
    # RFC 5987: a Chinese file name survives in every browser the office uses.
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"


def xlsx_response(content: bytes, filename: str, ascii_name: str = "export.xlsx") -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = content_disposition(filename, ascii_name)
    return response


def xlsx_file_response(workbook: Workbook, filename: str) -> FileResponse:
    """A large (write-only) workbook sent from a temporary file rather than memory."""
    out = tempfile.TemporaryFile()
    workbook.save(out)
    out.seek(0)
    return FileResponse(out, as_attachment=True, filename=filename, content_type=XLSX)
