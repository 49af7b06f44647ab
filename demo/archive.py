"""The example workbook of past rounds (历史轮次录入): two rounds of the demo county's previous term.

Not loaded by `seed_demo`. `manage.py seed_archive_demo` creates the previous term (第十四届县委) if need
be and imports `demo/fixtures/archive_demo.xlsx` as the office; `--write` regenerates the file from
`SHEETS` below. The dates (2019–2020) lie inside the previous term for a demo seeded in 2025–2028. Only
cadres with fixed names (the team accounts' 刘振华, 赵静, 黄磊) are used, so the file matches any seed.
"""

from datetime import date
from io import BytesIO
from pathlib import Path

from openpyxl import load_workbook

from archive import layout as L
from archive.documents.workbook import template_workbook
from archive.services.imports import archive_import_file
from rounds.models import Term
from rounds.services.rounds import term_save

from . import data as D

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "archive_demo.xlsx"
PREVIOUS_TERM = "第十四届县委"

CLEAN = "依法廉洁用权、侵害群众利益"
EIGHT = "中央八项规定精神"
SLACK = "形式主义、官僚主义"
PARTY = "党组织建设"
CADRES = "新时代党的组织路线和选人用人"

SHEETS = {
    L.ROUNDS: [
        [PREVIOUS_TERM, 1, "常规巡察", date(2019, 3, 11), date(2019, 5, 31), "", ""],
        [PREVIOUS_TERM, 2, "回头看", date(2020, 9, 7), date(2020, 10, 30), "", 1],
    ],
    L.TEAMS: [
        [1, "第一巡察组", "刘振华", "", "赵静"],
        [1, "第二巡察组", "黄磊", "", ""],
        [2, "第一巡察组", "黄磊", "", "刘振华、赵静"],
    ],
    L.UNITS: [
        [1, "第一巡察组", "县教育局", "常规"],
        [1, "第一巡察组", "县民政局", "常规"],
        [1, "第二巡察组", "县住建局", "常规"],
        [1, "第二巡察组", "县水利局", "常规"],
        [2, "第一巡察组", "县教育局", "回头看"],
        [2, "第一巡察组", "县住建局", "回头看"],
    ],
    L.PROBLEMS: [
        [1, "县教育局", 1, "营养改善计划资金管理不规范，部分学校食堂账目不清", CLEAN, "限期整改"],
        [1, "县教育局", 2, "违规发放监考补贴", EIGHT, "立行立改"],
        [1, "县教育局", 3, "基层党支部“三会一课”记录不全", PARTY, "限期整改"],
        [1, "县民政局", 1, "低保对象动态管理不到位，存在应退未退", CLEAN, "限期整改"],
        [1, "县民政局", 2, "干部选拔任用程序履行不严格", CADRES, "限期整改"],
        [1, "县住建局", 1, "农村危房改造补助资金审核把关不严", CLEAN, "限期整改"],
        [1, "县住建局", 2, "文山会海问题突出，基层负担重", SLACK, "立行立改"],
        [1, "县水利局", 1, "水利工程项目验收不及时", CLEAN, "限期整改"],
        [2, "县教育局", 1, "营养改善计划资金管理问题整改不彻底，个别学校仍未建立台账", CLEAN, "限期整改"],
        [2, "县住建局", 1, "危房改造补助资金整改后仍有重复申领", CLEAN, "限期整改"],
    ],
    L.MEASURES: [
        [1, "县教育局", 1, "制定学校食堂财务管理办法，逐校清理账目", "教育局计财股", date(2019, 9, 30), "已销号", date(2019, 9, 20)],
        [1, "县教育局", 1, "每学期开展一次营养餐资金专项检查", "教育局计财股", date(2019, 12, 31), "长期坚持", None],
        [1, "县教育局", 2, "清退违规发放的监考补贴", "教育局办公室", date(2019, 6, 30), "已销号", date(2019, 6, 18)],
        [1, "县教育局", 3, "补齐支部会议记录，开展组织生活专项检查", "教育局机关党委", date(2019, 8, 31), "已销号", date(2019, 8, 26)],
        [1, "县民政局", 1, "开展低保对象全面复核，清退不符合条件对象", "民政局社会救助股", date(2019, 10, 31), "已销号", date(2019, 10, 25)],
        [1, "县民政局", 2, "修订干部选拔任用工作规程", "民政局人事股", date(2019, 9, 30), "已销号", date(2019, 9, 12)],
        [1, "县住建局", 1, "对2017年以来危房改造补助逐户复核", "住建局村镇股", date(2019, 11, 30), "已销号", date(2019, 11, 28)],
        [1, "县住建局", 2, "精简会议文件，建立发文审核制度", "住建局办公室", date(2019, 6, 30), "已销号", date(2019, 6, 20)],
        [1, "县水利局", 1, "完成3个水利工程项目竣工验收", "水利局建管股", date(2019, 12, 31), "已销号", date(2019, 12, 20)],
        [2, "县教育局", 1, "全县学校食堂统一建立营养餐资金台账", "教育局计财股", date(2021, 3, 31), "已销号", date(2021, 3, 15)],
        [2, "县住建局", 1, "建立危房改造补助信息比对机制", "住建局村镇股", date(2021, 6, 30), "未销号", None],
    ],
    L.OUTCOMES: [
        [1, "县教育局", 2, 1, 1, 1, 0, 0],
        [1, "县住建局", 3, 1, 2, 0, 1, 0],
        [2, "县住建局", 1, 1, 0, 0, 0, 1],
    ],
}  # fmt: skip


def write_fixture(path: Path = FIXTURE) -> Path:
    """The example workbook, in the template's layout (with its 说明 sheet)."""
    wb = load_workbook(BytesIO(template_workbook()))
    for sheet, rows in SHEETS.items():
        ws = wb[sheet]
        ws.delete_rows(2, ws.max_row)
        for row in rows:
            ws.append(row)
            for cell in ws[ws.max_row]:
                if isinstance(cell.value, date):
                    cell.number_format = "yyyy-mm-dd"
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def previous_term(*, by) -> Term:
    """第十四届县委, the five years before the demo's current term (created if missing)."""
    found = Term.objects.filter(name=PREVIOUS_TERM).first()
    if found is not None:
        return found
    current = Term.objects.get(name=D.TERM_NAME)
    start = current.start_date.replace(year=current.start_date.year - 5)
    end = _day_before(current.start_date)
    return term_save(term=Term(name=PREVIOUS_TERM, start_date=start, end_date=end, is_current=False), by=by)


def _day_before(day: date) -> date:
    return date.fromordinal(day.toordinal() - 1)


def import_demo_archive(*, by):
    previous_term(by=by)
    return archive_import_file(path=FIXTURE, by=by)


