"""A term's coverage (全覆盖) as a spreadsheet."""

from django.utils import timezone

from xuncha.core.xlsx import add_sheet, append, new_workbook, to_bytes


def _period(a) -> str:
    if a.onsite_start and a.onsite_end:
        return f"{a.onsite_start:%Y-%m-%d} 至 {a.onsite_end:%Y-%m-%d}"
    return "进驻时间未定"


def coverage_export_workbook(*, term, rows) -> bytes:
    """The coverage list of a term: rows of (unit, inspected assignments, planned assignments)."""
    headers = ["单位名称", "单位类型", "上级单位", "巡察情况", "巡察轮次", "巡察组", "进驻时间"]
    workbook = new_workbook()
    sheet = add_sheet(workbook, "全覆盖情况", headers=headers, widths=[28, 12, 24, 10, 24, 14, 26])
    for unit, done, planned in rows:
        shown = done or planned
        status = "已巡察" if done else "已安排" if planned else "未巡察"
        append(
            sheet,
            [
                unit.name,
                unit.get_unit_type_display(),
                unit.parent.name if unit.parent_id else "",
                status,
                "；".join(f"{a.round.short_name}（{a.round.get_status_display()}）" for a in shown),
                "；".join(a.team.name for a in shown),
                "；".join(_period(a) for a in shown),
            ]
        )
    append(sheet, [])
    append(
        sheet,
        [
            f"{term.name}（{term.start_date:%Y-%m-%d} 至 {term.end_date:%Y-%m-%d}），导出于 {timezone.localdate():%Y-%m-%d}"
        ]
    )
    return to_bytes(workbook)
