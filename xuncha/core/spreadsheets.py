"""What every Excel import shares: reading an uploaded .xlsx into rows by header, the row-level problems
an all-or-nothing import reports, the closest known names for a misspelt one, and the uploads kept
between a preview (dry run) and its confirmation.

An import (`rounds.services.unit_import`, `teams.services.cadre_import`) declares its columns as
`(header, key, required)`, reads the sheet with `read_sheet`, checks every row and raises its own
subclass of `SheetImportError` with every problem, so the user fixes the sheet in one go.
"""

import difflib
import hashlib
import re
import time
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from django.conf import settings
from openpyxl import load_workbook

from xuncha.errors import DomainError

YES, NO = "是", "否"
CORRUPT = "文件无法读取：不是有效的 Excel（.xlsx）文件，或文件已损坏"


@dataclass(frozen=True)
class ImportProblem:
    row: int | None  # the Excel row number; None for a problem of the whole file
    message: str
    column: str = ""

    def __str__(self) -> str:
        return f"第{self.row}行：{self.message}" if self.row else self.message


class SheetImportError(DomainError):
    """The sheet was refused; nothing was saved. `errors` lists every problem found."""

    refused = "导入失败，未保存任何数据"  # what a subclass says was not done

    def __init__(self, errors: list[ImportProblem]):
        self.errors = sorted(errors, key=lambda p: p.row or 0)
        super().__init__(self.refused, reasons=[str(e) for e in self.errors])


@dataclass
class SheetRow:
    number: int  # the Excel row number
    values: dict  # column key -> the cell as text


def cell_text(value) -> str:
    """A cell as the text a person typed: 13800000000 stays 13800000000, not 1.38e10."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return YES if value else NO
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def check_xlsx_file(file, *, max_size: int, error=SheetImportError) -> None:
    """Refuse what is not an .xlsx of a sensible size before opening it."""
    name = getattr(file, "name", "") or ""
    size = getattr(file, "size", None)
    if name and not name.lower().endswith(".xlsx"):
        if name.lower().endswith(".xls"):
            raise error(
                [ImportProblem(None, "不支持旧版 .xls 文件，请在 Excel 中“另存为” .xlsx 格式后再上传")]
            )
        raise error([ImportProblem(None, "请上传 Excel 文件（.xlsx 格式），可先下载导入模板")])
    if size is not None and size > max_size:
        limit = max_size // (1024 * 1024)
        raise error([ImportProblem(None, f"文件过大（{size / 1024 / 1024:.1f} MB），不能超过 {limit} MB")])
    if size == 0:
        raise error([ImportProblem(None, "上传的文件是空的")])


def read_sheet(
    file,
    columns: list[tuple[str, str, bool]],
    *,
    max_rows: int,
    max_size: int,
    error=SheetImportError,
) -> list[SheetRow]:
    """The non-blank data rows of the first sheet, each as {column key: text}. The header row is
    matched by name (a trailing * is allowed), so the columns may come in any order. Whatever a broken
    upload makes openpyxl raise (bad zip, malformed XML, odd cell types) becomes one friendly error."""
    check_xlsx_file(file, max_size=max_size, error=error)
    if hasattr(file, "seek"):
        file.seek(0)
    try:
        workbook = load_workbook(file, read_only=True, data_only=True)
    except Exception:
        raise error([ImportProblem(None, CORRUPT)]) from None
    try:
        return _read_rows(workbook.worksheets[0], columns, max_rows=max_rows, error=error)
    except SheetImportError:
        raise
    except Exception:
        raise error([ImportProblem(None, CORRUPT)]) from None
    finally:
        workbook.close()


def _read_rows(sheet, columns, *, max_rows: int, error) -> list[SheetRow]:
    headers_all = [c[0] for c in columns]
    rows_iter = sheet.iter_rows(values_only=True)
    header = next(rows_iter, None)
    headers = [cell_text(h).rstrip("*＊").strip() for h in (header or [])]
    missing = [h for h, _, required in columns if required and h not in headers]
    if missing:
        raise error(
            [
                ImportProblem(
                    1,
                    f"第1行须为表头，缺少“{'”“'.join(missing)}”列。请使用导入模板，表头依次为：{'、'.join(headers_all)}",
                )
            ]
        )
    index = {h: headers.index(h) for h in headers_all if h in headers}
    rows: list[SheetRow] = []
    for number, cells in enumerate(rows_iter, start=2):
        texts = {
            key: cell_text(cells[index[h]]) if h in index and index[h] < len(cells) else ""
            for h, key, _ in columns
        }
        if not any(texts.values()):
            continue  # a blank line
        if len(rows) >= max_rows:
            raise error([ImportProblem(None, f"一次最多导入 {max_rows} 行，请分批导入")])
        rows.append(SheetRow(number, texts))
    return rows


def closest_names(name: str, known, *, n: int = 3) -> list[str]:
    """The known names nearest to a misspelt one: those containing it or contained in it first, then
    difflib's closest."""
    known = list(known)
    near = [k for k in known if name and (name in k or k in name)]
    near += [k for k in difflib.get_close_matches(name, known, n=n, cutoff=0.4) if k not in near]
    return near[:n]


def unknown_name_message(kind: str, name: str, known) -> str:
    """'单位“县财正局”不存在，是否为：县财政局、县政府办？' — a row error offering the closest names."""
    near = closest_names(name, known)
    text = f"{kind}“{name}”不存在"
    if near:
        return text + "，是否为：" + "、".join(near) + "？"
    return text + "，请先录入该" + kind


_MONTH = re.compile(r"^\s*(\d{4})\s*(?:[-./年]\s*(\d{1,2})\s*(?:[-./月]\s*(?:\d{1,2}\s*日?)?)?|(\d{2}))\s*$")


def parse_year_month(text: str) -> date | None:
    """出生年月 as typed: 1980-05, 1980.5, 1980/05, 1980年5月, 198005 or a full date; the first day of
    the month, or None when it cannot be read."""
    match = _MONTH.match(text or "")
    if not match:
        return None
    year = int(match.group(1))
    month = int(match.group(2) or match.group(3) or 0)
    if not 1 <= month <= 12 or not 1900 <= year <= 2100:
        return None
    return date(year, month, 1)


# --- the upload between a preview and its confirmation ------------------------------------------------

STAGING_HOURS = 12


def _staging_dir(user) -> Path:
    base = Path(getattr(settings, "IMPORT_STAGING_DIR", settings.VAR_DIR / "import-staging"))
    return base / str(user.pk)


def stage_upload(*, user, content: bytes, suffix: str = ".xlsx") -> str:
    """Keep an upload the user has previewed, until he confirms it; returns its token (the SHA-256).
    Only the same user can take it back. Older staged files of every user are removed on the way."""
    token = hashlib.sha256(content).hexdigest()
    folder = _staging_dir(user)
    folder.mkdir(parents=True, exist_ok=True)
    _sweep(folder.parent)
    (folder / f"{token}{suffix}").write_bytes(content)
    return token


def staged_upload(*, user, token: str, suffix: str = ".xlsx") -> bytes | None:
    """The staged upload of this user with this token, or None (expired, never staged, tampered)."""
    if not re.fullmatch(r"[0-9a-f]{64}", token or ""):
        return None
    path = _staging_dir(user) / f"{token}{suffix}"
    try:
        content = path.read_bytes()
    except OSError:
        return None
    if hashlib.sha256(content).hexdigest() != token:
        return None
    return content


def unstage_upload(*, user, token: str, suffix: str = ".xlsx") -> None:
    if re.fullmatch(r"[0-9a-f]{64}", token or ""):
        (_staging_dir(user) / f"{token}{suffix}").unlink(missing_ok=True)


def _sweep(base: Path) -> None:
    cutoff = time.time() - STAGING_HOURS * 3600
    for path in base.glob("*/*"):
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
        except OSError:
            pass
