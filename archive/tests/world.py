"""A small county for the archive tests, and workbooks built in code."""

import io
from datetime import date

from openpyxl import Workbook

from archive import layout as L
from clues.models import Category
from clues.tests.factories import CategoryFactory
from rounds.models import UnitType
from rounds.tests.factories import TermFactory, UnitFactory
from teams.tests.factories import CadreFactory


def _category(name: str):
    found = Category.objects.filter(name=name, is_active=True).first()
    if found is None:
        area = Category.objects.filter(name="聚焦群众身边腐败问题和不正之风", parent=None).first() or CategoryFactory(
            name="聚焦群众身边腐败问题和不正之风"
        )
        found = CategoryFactory(name=name, parent=area)
    return found


class World:
    def __init__(self):
        self.term = TermFactory(name="第十五届县委", start_date=date(2022, 1, 1), end_date=date(2026, 12, 31))
        self.finance = UnitFactory(name="县财政局")
        self.education = UnitFactory(name="县教育局")
        self.water = UnitFactory(name="县水利局")
        self.town = UnitFactory(name="城关镇", unit_type=UnitType.TOWNSHIP)
        self.village = UnitFactory(name="城关镇东村", unit_type=UnitType.VILLAGE, parent=self.town)
        self.jiwei = UnitFactory(name="县纪委监委")
        self.cadres = {n: CadreFactory(name=n, home_unit=self.jiwei) for n in ("张三", "李四", "王五", "赵六", "孙七")}
        # The migration seeds the taxonomy ("三个聚焦"); a flushed database (a browser test) has none.
        self.money = _category("依法廉洁用权、侵害群众利益")
        self.eight = _category("中央八项规定精神")


def sheets_two_rounds() -> dict:
    """Round 1 (regular: 县财政局, 县教育局) and round 2 (回头看 of round 1: 县财政局)."""
    return {
        L.ROUNDS: [
            ["第十五届县委", 1, "常规巡察", "2022-03-01", "2022-05-31", "", ""],
            ["第十五届县委", 2, "回头看", "2023-03-01", "2023-05-31", "", 1],
        ],
        L.TEAMS: [
            [1, "第一巡察组", "张三", "李四", "王五"],
            [1, "第二巡察组", "赵六", "", "孙七"],
            [2, "第一巡察组", "赵六", "", "张三、李四"],
        ],
        L.UNITS: [
            [1, "第一巡察组", "县财政局", "常规"],
            [1, "第二巡察组", "县教育局", "常规"],
            [2, "第一巡察组", "县财政局", "回头看"],
        ],
        L.PROBLEMS: [
            [1, "县财政局", 1, "政府采购程序不规范", "依法廉洁用权、侵害群众利益", "限期整改"],
            [1, "县财政局", 2, "违规发放津贴补贴", "中央八项规定精神", "立行立改"],
            [1, "县教育局", 1, "公务接待超标准", "中央八项规定精神", "限期整改"],
            [2, "县财政局", 1, "政府采购问题整改不彻底", "依法廉洁用权、侵害群众利益", "限期整改"],
        ],
        L.MEASURES: [
            [1, "县财政局", 1, "修订政府采购内控制度", "王某", "2022-09-30", "已销号", "2022-09-20"],
            [1, "县财政局", 1, "开展采购领域专项检查", "王某", "2022-12-31", "长期坚持", ""],
            [1, "县财政局", 2, "清退违规发放的津贴", "李某", "2022-06-30", "已销号", "2022-06-15"],
            [1, "县教育局", 1, "修订公务接待管理办法", "赵某", "2022-10-31", "已销号", "2022-10-10"],
            [2, "县财政局", 1, "建立采购台账定期核查机制", "王某", "2023-09-30", "未销号", ""],
        ],
        L.OUTCOMES: [
            [1, "县财政局", 2, 1, 1, 1, 0, 0],
        ],
    }


def workbook_bytes(sheets: dict) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    for sheet, columns in L.SHEETS.items():
        if sheet not in sheets and sheet == L.OUTCOMES:
            continue
        ws = wb.create_sheet(sheet)
        ws.append([h for h, _ in columns])
        for row in sheets.get(sheet, []):
            ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def upload(content: bytes, name: str = "历史轮次.xlsx"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
