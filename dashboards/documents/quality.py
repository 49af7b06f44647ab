"""The ranking of the quality evaluation (巡察质量考评) as an Excel workbook, the table as the page shows it."""

from django.utils import timezone
from openpyxl.styles import Alignment, Font, PatternFill

from dashboards.models import QualitySettings
from dashboards.selectors import quality
from xuncha.core import xlsx
from xuncha.core.xlsx import Percent


def _num(value):
    """A number for Excel (the writer keeps a Decimal numeric, with its format), or "—" when there is none."""
    if value is None:
        return "—"
    return value


def _pct(value):
    """A rate given in percent (33.3): a number cell shown as 33.3%, not 33.3 under a “（%）” header."""
    if value is None:
        return "—"
    return Percent(value)


EXPORT_COLUMNS = [
    ("排名", 6, lambda r: r.rank if r.rank is not None else "—"),
    ("轮次", 10, lambda r: r.round.short_name),
    ("巡察组", 13, lambda r: r.team.name),
    ("组长", 9, lambda r: r.leader_name or "—"),
    ("被巡察单位数", 8, lambda r: r.unit_count),
    ("审定问题数", 8, lambda r: r.findings_approved),
    ("平均每单位问题数", 10, lambda r: _num(r.findings_per_unit)),
    ("线索数", 7, lambda r: r.leads_total),
    ("移交线索数", 8, lambda r: r.leads_transferred),
    ("线索移交率", 10, lambda r: _pct(r.transfer_rate)),
    ("移交后立案数", 8, lambda r: r.transferred_cases),
    ("移交立案率", 10, lambda r: _pct(r.case_rate)),
    ("问题底稿数", 8, lambda r: r.findings_total),
    ("被退回底稿数", 8, lambda r: r.findings_returned),
    ("底稿退回率", 10, lambda r: _pct(r.return_rate)),
    ("整改措施数", 8, lambda r: r.measures_total),
    ("已完成措施数", 8, lambda r: r.measures_done),
    ("整改完成率", 10, lambda r: _pct(r.completion_rate)),
    ("领导小组评分", 9, lambda r: _num(r.leadership_score)),
    ("巡察办评分", 9, lambda r: _num(r.office_score)),
    ("被巡察单位评分（均分）", 11, lambda r: _num(r.unit_score)),
    ("已评分单位数", 8, lambda r: r.units_scored),
    ("综合得分", 9, lambda r: _num(r.total)),
    (
        "评分状态",
        10,
        lambda r: "评分齐全" if r.complete else ("未评分" if not r.has_scores else "评分未齐（暂算）"),
    ),
    ("约谈提示", 10, lambda r: "建议约谈" if r.talk else ""),
]


def ranking_workbook(rows: list[quality.TeamQuality], *, title: str, settings: QualitySettings) -> bytes:
    book = xlsx.new_workbook()
    sheet = xlsx.add_sheet(book, "巡察质量考评", widths=[w for _, w, _ in EXPORT_COLUMNS])
    width = len(EXPORT_COLUMNS)
    xlsx.set_cell(sheet, 1, 1, title, font=Font(bold=True, size=14))
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    note = (
        f"权重：领导小组{settings.leadership_weight.normalize():f}%、巡察办{settings.office_weight.normalize():f}%、"
        f"被巡察单位{settings.unit_weight.normalize():f}%；约谈线{settings.talk_threshold.normalize():f}分。"
        "评分未齐的巡察组按已有评分的权重折算（暂算），不参与排名。"
        f"导出日期：{timezone.localdate():%Y-%m-%d}"
    )
    xlsx.set_cell(sheet, 2, 1, note, alignment=Alignment(wrap_text=True))
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)
    sheet.row_dimensions[2].height = 30
    for col, (header, _, _) in enumerate(EXPORT_COLUMNS, start=1):
        xlsx.set_cell(
            sheet, 3, col, header, font=xlsx.HEAD_FONT, fill=xlsx.HEAD_FILL, alignment=xlsx.HEAD_ALIGNMENT
        )
    sheet.row_dimensions[3].height = 45
    talk_fill = PatternFill("solid", fgColor="FDECEA")
    for i, row in enumerate(rows, start=4):
        for col, (_, _, value) in enumerate(EXPORT_COLUMNS, start=1):
            xlsx.set_cell(sheet, i, col, value(row), fill=talk_fill if row.talk else None)
    sheet.freeze_panes = "D4"
    return xlsx.to_bytes(book)
