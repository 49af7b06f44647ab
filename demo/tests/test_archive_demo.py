"""The committed example workbook of past rounds is the one `demo/archive.py` describes."""

from datetime import date, datetime

from openpyxl import load_workbook

from archive import layout as L
from demo.archive import FIXTURE, SHEETS


def _value(v):
    return v.date() if isinstance(v, datetime) else v


def test_the_fixture_holds_the_demo_sheets():
    wb = load_workbook(FIXTURE, data_only=True)
    assert L.NOTES in wb.sheetnames
    for sheet, rows in SHEETS.items():
        found = [[_value(v) for v in row] for row in wb[sheet].iter_rows(min_row=2, values_only=True)]
        width = len(L.SHEETS[sheet])
        expected = [[(None if v == "" else v) for v in row] + [None] * (width - len(row)) for row in rows]
        assert found == expected, sheet
    assert all(date(2017, 1, 1) < r[3] < r[4] < date(2022, 1, 1) for r in SHEETS[L.ROUNDS])
