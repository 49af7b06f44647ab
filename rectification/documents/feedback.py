"""巡察报告 (the team's report to the leadership group) and 反馈意见 (the feedback opinions for the unit),
each as Word (python-docx, GB/T 9704) and as PDF (WeasyPrint).

Both documents are built from one outline (`report_outline`, `feedback_outline`): title, addressee,
opening paragraphs, the problems grouped by taxonomy area (“一、” in 黑体, “（一）” in 楷体), the demands
and the deadline, the signature and the date. The Word file and the PDF are drawn from the same outline,
so they say the same thing.

The 巡察报告 is internal (the office, the leadership, the team): it names each finding's basis (定性依据),
the persons responsible and its working-paper number. The 反馈意见 is what the unit reads: the problems as
the office worded them, nothing of the findings, the leads or the persons. Registered with
`xuncha.core.documents` at import; `rectification.tasks` imports this module.
"""

import re
from dataclasses import dataclass, field

from django.utils import timezone
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt, RGBColor

from rectification.models import Rectification
from rectification.services.feedback import (  # noqa: F401  the kinds are named here too
    FEEDBACK_KINDS,
    KIND_FEEDBACK_DOCX,
    KIND_FEEDBACK_PDF,
    KIND_REPORT_DOCX,
    KIND_REPORT_PDF,
    KINDS,
    REPORT_KINDS,
    demands_with_three_doubles,
    feedback_title,
    group_by_area,
    report_title,
)
from xuncha.core import documents
from xuncha.core.docx_style import (
    BODY_FONT,
    BODY_SIZE,
    HEI_FONT,
    KAI_FONT,
    TITLE_FONT,
    TITLE_SIZE,
    add_page_numbers,
    add_run,
    cn_date,
    new_document,
    paragraph,
    red_rule,
    to_bytes,
)
from xuncha.core.models import GeneratedDocument
from xuncha.core.numerals import cn_number
from xuncha.core.pdf import render_pdf

OFFICE = "县委巡察工作领导小组办公室"
LEADING_GROUP = "县委巡察工作领导小组"
RED = RGBColor(0xC0, 0x00, 0x00)
REPORT_MARK = "内部资料　注意保密"


# --- the outline both formats are drawn from --------------------------------------------------------


@dataclass
class Item:
    heading: str  # “（一）…” in 楷体
    paragraphs: list[str] = field(default_factory=list)


@dataclass
class Section:
    heading: str  # “一、…” in 黑体
    items: list[Item] = field(default_factory=list)
    paragraphs: list[str] = field(default_factory=list)


@dataclass
class Outline:
    title: str
    addressee: str
    opening: list[str]
    sections: list[Section]
    closing: str  # the last paragraph (the deadline), kept on one page with the signature
    signature: list[str]
    date: str
    issuer: str = ""  # the red issuing office's mark above the title (版头)
    mark: str = ""  # a line above the title, e.g. 内部资料


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


# A demand that carries its own number: 一、 1. 1、 （一） (1)
_NUMBERED = re.compile(
    r"^(?:[一二三四五六七八九十]+、|[0-9０-９]+[.．、]|[（(][一二三四五六七八九十0-9０-９]+[)）])"
)


def _demands(rect: Rectification) -> list[str]:
    lines = demands_with_three_doubles(rect.demands)
    if any(_NUMBERED.match(line) for line in lines):
        return lines
    return [f"{i}．{line}" for i, line in enumerate(lines, start=1)]


def _onsite(rect: Rectification) -> str:
    a = rect.assignment
    if a.onsite_start and a.onsite_end:
        return f"于{cn_date(a.onsite_start)}至{cn_date(a.onsite_end)}"
    if a.onsite_start:
        return f"自{cn_date(a.onsite_start)}起"
    return ""


def _kind(rect: Rectification) -> str:
    round = rect.round
    label = round.get_kind_display()
    return f"{round.theme}{label}" if round.theme else label


def _problems(rect: Rectification):
    return group_by_area(rect.problems.select_related("category", "finding__round", "finding__team"))


def _problem_paragraphs(problem, *, internal: bool) -> list[str]:
    paragraphs = _lines(problem.description)
    finding = problem.finding if internal else None
    if finding is not None:
        paragraphs.append(f"底稿编号：{finding.number}。")
        if finding.basis:
            paragraphs.append(f"定性依据：{finding.basis}")
        if finding.responsible_persons:
            paragraphs.append(f"责任人：{finding.responsible_persons}。")
        if finding.fixed_on_site:
            action = f"：{finding.on_site_action}" if finding.on_site_action else "。"
            paragraphs.append(f"立行立改：巡察期间已立行立改{action}")
    elif problem.fixed_on_site:
        paragraphs.append("该问题巡察期间已立行立改，请巩固整改成果，防止反弹。")
    return paragraphs


def _problem_sections(rect: Rectification, *, internal: bool) -> list[Section]:
    sections = []
    for area in _problems(rect):
        section = Section(heading=area.heading)
        for j, problem in enumerate(area.items, start=1):
            section.items.append(
                Item(
                    heading=f"（{cn_number(j)}）{problem.title}",
                    paragraphs=_problem_paragraphs(problem, internal=internal),
                )
            )
        sections.append(section)
    return sections


def _deadline_line(rect: Rectification) -> str:
    return (
        f"请于{cn_date(rect.deadline)}前完成整改，整改情况报告经主要负责人签字背书后报送{OFFICE}，"
        "同时报送县纪委监委、县委组织部。"
    )


def _count(rect: Rectification, sections: list[Section]) -> str:
    total = sum(len(s.items) for s in sections)
    fixed = rect.problems.filter(fixed_on_site=True).count()
    return f"共发现问题{total}个" + (f"，其中巡察期间已立行立改{fixed}个" if fixed else "")


def report_outline(rect: Rectification) -> Outline:
    team = f"县委{rect.team.name}"
    sections = _problem_sections(rect, internal=True)
    opening = [
        f"根据县委巡察工作统一部署，{rect.round}期间，{team}{_onsite(rect)}对{rect.unit.name}党组织开展了{_kind(rect)}。"
        f"巡察组通过听取汇报、个别谈话、受理信访、查阅资料、调研走访等方式深入了解情况，{_count(rect, sections)}。"
        "现将巡察情况报告如下。",
        *_lines(rect.report_summary),
    ]
    if sections:
        opening.append("巡察发现的主要问题如下。")
    demands = Section(heading=f"{cn_number(len(sections) + 1)}、整改意见和要求", paragraphs=_demands(rect))
    return Outline(
        mark=REPORT_MARK,
        title=report_title(rect.unit.name),
        addressee=f"{LEADING_GROUP}：",
        opening=opening,
        sections=[*sections, demands],
        closing=_deadline_line(rect),
        signature=[team],
        date=cn_date(timezone.localdate()),
    )


def feedback_outline(rect: Rectification) -> Outline:
    team = f"县委{rect.team.name}"
    sections = _problem_sections(rect, internal=False)
    intro = _lines(rect.feedback_intro) or [
        f"根据县委巡察工作统一部署，{rect.round}期间，{team}{_onsite(rect)}对{rect.unit.name}党组织开展了{_kind(rect)}，"
        f"{_count(rect, sections)}。经{LEADING_GROUP}研究，现将巡察发现的主要问题和整改要求反馈如下。"
    ]
    demands = Section(heading=f"{cn_number(len(sections) + 1)}、整改要求", paragraphs=_demands(rect))
    return Outline(
        issuer=OFFICE,
        title=feedback_title(rect.unit.name),
        addressee=f"{rect.unit.name}党组织：",
        opening=intro,
        sections=[*sections, demands],
        closing=_deadline_line(rect),
        signature=[team, OFFICE],
        date=cn_date(rect.meeting_date or timezone.localdate()),
    )


# --- Word -------------------------------------------------------------------------------------------


def outline_docx(outline: Outline) -> bytes:
    document = new_document()
    if outline.issuer:
        mark = paragraph(document, align=WD_ALIGN_PARAGRAPH.CENTER, size=Pt(26))
        add_run(mark, outline.issuer, font=TITLE_FONT, size=Pt(26), color=RED)
        red_rule(mark)
        paragraph(document)
    if outline.mark:
        paragraph(document, outline.mark, align=WD_ALIGN_PARAGRAPH.LEFT, font=HEI_FONT)
        paragraph(document)
    paragraph(document, outline.title, align=WD_ALIGN_PARAGRAPH.CENTER, font=TITLE_FONT, size=TITLE_SIZE)
    paragraph(document)
    paragraph(document, outline.addressee)
    for text in outline.opening:
        paragraph(document, text, indent=True)
    for section in outline.sections:
        paragraph(document, section.heading, indent=True, font=HEI_FONT)
        for item in section.items:
            paragraph(document, item.heading, indent=True, font=KAI_FONT)
            for text in item.paragraphs:
                paragraph(document, text, indent=True)
        for text in section.paragraphs:
            paragraph(document, text, indent=True)
    # The last paragraph, the signature and the date stay on one page (no signature page alone).
    closing = [paragraph(document, outline.closing, indent=True), paragraph(document), paragraph(document)]
    for line in outline.signature:
        signed = paragraph(document, line, align=WD_ALIGN_PARAGRAPH.RIGHT)
        signed.paragraph_format.right_indent = Pt(BODY_SIZE.pt * 2)
        closing.append(signed)
    dated = paragraph(document, outline.date, align=WD_ALIGN_PARAGRAPH.RIGHT, font=BODY_FONT)
    dated.paragraph_format.right_indent = Pt(BODY_SIZE.pt * 3)
    for kept in closing:
        kept.paragraph_format.keep_with_next = True
    add_page_numbers(document)
    return to_bytes(document)


# --- PDF --------------------------------------------------------------------------------------------


def outline_pdf(template: str, outline: Outline) -> bytes:
    return render_pdf(template, {"doc": outline})


# --- registration -----------------------------------------------------------------------------------


def _rect(document: GeneratedDocument) -> Rectification:
    return Rectification.objects.select_related("round__term", "unit", "team", "assignment").get(
        pk=document.object_id
    )


def render_report_docx(document: GeneratedDocument) -> bytes:
    return outline_docx(report_outline(_rect(document)))


def render_report_pdf(document: GeneratedDocument) -> bytes:
    return outline_pdf("rectification/pdf/inspection_report.html", report_outline(_rect(document)))


def render_feedback_docx(document: GeneratedDocument) -> bytes:
    return outline_docx(feedback_outline(_rect(document)))


def render_feedback_pdf(document: GeneratedDocument) -> bytes:
    return outline_pdf("rectification/pdf/feedback.html", feedback_outline(_rect(document)))


# Who may see a document of each kind: the team's report is the office's, the leadership's and the team's,
# never the unit's or the supervisors'; the feedback opinions are whoever sees the rectification's, the
# unit's once the meeting is held (rules in xuncha.access.rules.rectification).
VIEW_ACTION = {
    **{kind: "view_report_docs" for kind in REPORT_KINDS},
    **{kind: "view_feedback_docs" for kind in FEEDBACK_KINDS},
}


# All four are asked for by the office (services.feedback.feedback_render: "edit_feedback").
documents.register(
    KIND_REPORT_DOCX,
    label="巡察报告（Word）",
    render=render_report_docx,
    view_action="view_report_docs",
    generate_action="edit_feedback",
)
documents.register(
    KIND_REPORT_PDF,
    label="巡察报告（PDF）",
    render=render_report_pdf,
    view_action="view_report_docs",
    generate_action="edit_feedback",
    fmt="pdf",
)
documents.register(
    KIND_FEEDBACK_DOCX,
    label="反馈意见（Word）",
    render=render_feedback_docx,
    view_action="view_feedback_docs",
    generate_action="edit_feedback",
)
documents.register(
    KIND_FEEDBACK_PDF,
    label="反馈意见（PDF）",
    render=render_feedback_pdf,
    view_action="view_feedback_docs",
    generate_action="edit_feedback",
    fmt="pdf",
)
