"""Timing the import of past rounds (历史轮次录入) on a 5,000-row workbook generated from the database.

`bench/measure.py archive` (called by `make bench` at the largest volume) and, to time it by hand against
any database (DATABASE_URL), `python bench/archive.py [rows]`. Everything written — a throw-away term, the
stored upload's record, the imported rounds — is rolled back; only the stored file stays in MEDIA_ROOT.

The workbook: two rounds of a new term, ten teams each (three cadres a team), as many units per round as
the registry has (up to 150), and the rest of the rows split between 反馈问题 and 整改措施 (one measure a
problem, the last ones without), so that the sheets hold `rows` data rows together.
"""

import io
import os
import sys
import time
from datetime import date
from pathlib import Path

ARCHIVE_ROWS = 5000


def setup_django() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xuncha.settings")
    import django

    django.setup()


def workbook(rows: int = ARCHIVE_ROWS) -> tuple[bytes, str]:
    """A workbook of `rows` data rows over the units, cadres and categories of the database, and the
    name of the term it needs (created by the caller)."""
    from openpyxl import Workbook

    from archive import layout as L
    from clues.models import Category
    from rounds.models import Unit
    from teams.models import Cadre

    term = "基准测试历史届"
    units = list(Unit.objects.order_by("pk").values_list("name", flat=True)[:150])
    cadres = list(Cadre.objects.order_by("pk"))
    names = {}
    for c in cadres:
        names[c.name] = names.get(c.name, 0) + 1
    labels = [c.name if names[c.name] == 1 else f"{c.name}（{c.home_unit.name}）" for c in cadres][:30]
    categories = list(
        Category.objects.filter(is_active=True, parent__isnull=False, scheme="三个聚焦").values_list("name", flat=True)
    )
    n_teams = min(10, len(labels) // 3)
    sheets = {s: [] for s in L.SHEETS}
    for r in (1, 2):
        sheets[L.ROUNDS].append([term, r, "常规巡察", date(2000 + r, 3, 1), date(2000 + r, 6, 30), "", ""])
        for t in range(1, n_teams + 1):
            leader, deputy, member = labels[3 * (t - 1): 3 * t]
            sheets[L.TEAMS].append([r, f"第{t}巡察组", leader, deputy, member])
        for i, unit in enumerate(units):
            sheets[L.UNITS].append([r, f"第{i % n_teams + 1}巡察组", unit, "常规"])
    left = rows - sum(len(v) for v in sheets.values())
    n_problems = (left + 1) // 2
    n_measures = left - n_problems
    slots = [(r, u) for r in (1, 2) for u in units]
    for k in range(n_problems):
        r, unit = slots[k % len(slots)]
        seq = k // len(slots) + 1
        sheets[L.PROBLEMS].append(
            [r, unit, seq, f"基准测试问题{k}：资金管理不规范", categories[k % len(categories)], "限期整改"]
        )
        if k < n_measures:
            closed = k % 3 != 0
            sheets[L.MEASURES].append(
                [r, unit, seq, f"基准测试措施{k}", "责任人", date(2000 + r, 12, 31), "已销号" if closed else "未销号",
                 date(2000 + r, 11, 30) if closed else None]
            )  # fmt: skip
    wb = Workbook()
    wb.remove(wb.active)
    for sheet, columns in L.SHEETS.items():
        ws = wb.create_sheet(sheet)
        ws.append([h for h, _ in columns])
        for row in sheets[sheet]:
            ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue(), term


def run_import(rows: int = ARCHIVE_ROWS) -> dict:
    """Dry run (upload) and import of the workbook, each timed; everything rolled back."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import transaction

    from archive.services.imports import archive_confirm, archive_upload
    from rounds.models import ArchiveImportStatus, Term

    content, term_name = workbook(rows)
    out = {"rows": rows, "bytes": len(content)}
    with transaction.atomic():
        Term.objects.create(name=term_name, start_date=date(2000, 1, 1), end_date=date(2004, 12, 31))
        upload = SimpleUploadedFile("bench.xlsx", content)
        t0 = time.perf_counter()
        record = archive_upload(file=upload, by=None)
        out["dry_run_seconds"] = time.perf_counter() - t0
        assert record.status == ArchiveImportStatus.CHECKED, record.summary.get("errors", [])[:5]
        t0 = time.perf_counter()
        record = archive_confirm(record=record, token=record.token, by=None)
        out["import_seconds"] = time.perf_counter() - t0
        out["created"] = {sheet: c["created"] for sheet, c in record.summary["tally"].items()}
        transaction.set_rollback(True)
    return out


if __name__ == "__main__":
    setup_django()
    print(run_import(int(sys.argv[1]) if len(sys.argv) > 1 else ARCHIVE_ROWS))
