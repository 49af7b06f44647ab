"""The 问题底稿审批单 of one finding, as a Word file (python-docx), in the layout of GB/T 9704.

A4; the title in 方正小标宋简体 22pt (二号), centred; the body in 仿宋_GB2312 16pt (三号). python-docx's
`font.name` sets only the Latin fonts, so every run also gets `w:eastAsia`, or Word would show the
Chinese in its default font. What users typed goes in as text runs: markup in it stays literal text.
"""

from django.utils import timezone
from docx.enum.table import WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from clues.models import Finding, FindingReview, FindingStatus
from clues.services.findings import step_of
from teams.models import MemberRole, TeamMember
from xuncha.core.docx_style import TITLE_FONT, TITLE_SIZE, add_page_numbers, new_document, to_bytes
from xuncha.core.docx_style import add_run as _run

TABLE_SIZE = Pt(14)  # 四号 in the table, so a long 问题表现 still fits the page's width
TIME_SIZE = Pt(12)  # 小四 for the date and time of a review
# 环节, 意见, 审核人, 时间: 156 mm, the type area of A4. The date “2026-12-04” and the time “09:35” go on
# two lines of their own, so that a narrow column never breaks the date at its hyphens; 34 mm holds the
# date at 12pt even in a font whose digits are wider than 仿宋's half-width ones (10 × 7.6pt, plus the
# cell's margins). A label of six characters (立行立改情况) stays on one line in 34 mm at 14pt.
WIDTHS = (Mm(34), Mm(63), Mm(25), Mm(34))
# The steps still to come, by the finding's status: each gets an empty row to sign on the printed form,
# so that the 巡察办审核 row is there before the office has reviewed.
S = FindingStatus
STEPS = ("副组长审核", "组长审批", "巡察办审核")
PENDING = {
    S.DRAFT: STEPS,
    S.RETURNED: STEPS,
    S.SUBMITTED: STEPS,
    S.DEPUTY_APPROVED: STEPS[1:],
    S.LEADER_APPROVED: STEPS[2:],
    S.APPROVED: (),
}


def _has_deputy(finding: Finding) -> bool:
    return TeamMember.objects.filter(team_id=finding.team_id, role=MemberRole.DEPUTY).exists()


def _cell(cell, text: str, *, bold: bool = False, center: bool = False, size=TABLE_SIZE) -> None:
    paragraph = cell.paragraphs[0]
    if center:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(paragraph, text, size=size, bold=bold)


def _when(cell, moment) -> None:
    """The date on one line, the time under it; Word is told not to wrap the cell (w:noWrap)."""
    paragraph = cell.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(paragraph, f"{moment:%Y-%m-%d}", size=TIME_SIZE).add_break()
    _run(paragraph, f"{moment:%H:%M}", size=TIME_SIZE)
    cell._tc.get_or_add_tcPr().append(OxmlElement("w:noWrap"))


def _label_row(table, label: str, value: str) -> None:
    row = table.add_row()
    _cell(row.cells[0], label, bold=True, center=True)
    merged = row.cells[1].merge(row.cells[3])
    _cell(merged, value)


def _section_row(table, label: str) -> None:
    row = table.add_row()
    merged = row.cells[0].merge(row.cells[3])
    _cell(merged, label, bold=True, center=True)


def _yes_no(value: bool) -> str:
    return "是" if value else "否"


def _opinion(review: FindingReview) -> str:
    if review.action == FindingReview.Action.APPROVE:
        return "同意" + (f"。{review.reason}" if review.reason else "")
    if review.action == FindingReview.Action.RETURN:
        return f"退回：{review.reason}"
    if review.action == FindingReview.Action.REOPEN:
        return f"重新打开：{review.reason}"
    return review.reason or "提交审核"


def _set_widths(table, widths) -> None:
    """Column widths on the grid and on every cell; a merged cell gets the sum of its columns."""
    table.autofit = False
    # The table's own width too: with w:tblW "auto" LibreOffice and WPS shrink the columns to fit.
    tbl_w = table._tbl.tblPr.find(qn("w:tblW"))
    tbl_w.set(qn("w:type"), "dxa")
    tbl_w.set(qn("w:w"), str(int(sum(widths) / 635)))  # EMU → twentieths of a point
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    for row in table.rows:
        col = 0
        for tc in row._tr.tc_lst:
            span = tc.grid_span
            tc.width = sum(widths[col : col + span])
            col += span


def render_finding_approval(finding: Finding, *, evidence, reviews) -> bytes:
    """The approval form as .docx bytes: the finding's facts, its evidence with SHA-256, the review trail."""
    document = new_document()

    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(title, "巡察问题底稿审批单", font=TITLE_FONT, size=TITLE_SIZE)

    sub = document.add_paragraph()
    sub.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(sub, f"{finding.round}　{finding.team.name}")

    table = document.add_table(rows=0, cols=4)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    category = finding.category
    category_text = f"{category.parent.name} / {category.name}" if category.parent_id else category.name
    evidence_text = (
        "\n".join(f"{i}. {e.name}\nSHA-256：{e.sha256}" for i, e in enumerate(evidence, start=1)) or "无"
    )
    nature = f"严重程度：{finding.get_severity_display()}；重点问题：{_yes_no(finding.is_key)}；立行立改：{_yes_no(finding.fixed_on_site)}"
    rows = [
        ("编号", finding.number),
        ("被巡察单位", finding.unit.name),
        ("问题类别", category_text),
        ("问题标题", finding.title),
        ("问题表现", finding.manifestation),
        ("定性依据", finding.basis),
        ("责任人", finding.responsible_persons or "—"),
        ("问题性质", nature),
    ]
    if finding.fixed_on_site:
        rows.append(("立行立改情况", finding.on_site_action))
    rows += [
        ("证据材料", evidence_text),
        ("撰写人", finding.written_by.display_name if finding.written_by_id else "—"),
    ]
    for label, value in rows:
        _label_row(table, label, value)

    _section_row(table, "审核流程")
    head = table.add_row()
    for cell, label in zip(head.cells, ("环节", "意见", "审核人", "时间"), strict=True):
        _cell(cell, label, bold=True, center=True)
    for review in reviews:
        row = table.add_row()
        _cell(row.cells[0], step_of(review.action, review.from_status))
        _cell(row.cells[1], _opinion(review))
        _cell(row.cells[2], review.by.display_name if review.by_id else "—")
        _when(row.cells[3], timezone.localtime(review.at))
    if not reviews:
        row = table.add_row()
        merged = row.cells[0].merge(row.cells[3])
        _cell(merged, "尚未提交审核", center=True)
    pending = PENDING.get(finding.status, ())
    if pending and pending[0] == STEPS[0] and not _has_deputy(finding):
        pending = pending[1:]  # a team without a 副组长 skips that step (clues.services.findings)
    for step in pending:
        row = table.add_row()
        row.height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST
        row.height = Mm(16)  # room to sign by hand
        _cell(row.cells[0], step)
        _cell(row.cells[1], "（待审核）")

    _set_widths(table, WIDTHS)

    footer = document.add_paragraph()
    footer.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _run(
        footer,
        f"状态：{finding.get_status_display()}　打印时间：{timezone.localtime():%Y-%m-%d %H:%M}",
        size=Pt(12),
    )

    add_page_numbers(document)
    return to_bytes(document)
