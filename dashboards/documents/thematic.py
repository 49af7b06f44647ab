"""专题报告: the draft report on common and recurring problems the office sends the county committee.

Drawn from `dashboards.selectors.common_problems.analyse` for a scope (a term or one round) and a threshold, laid out
after GB/T 9704 with `xuncha.core.docx_style`: the title in 小标宋 22pt, the body in 仿宋 16pt, “一、” in
黑体, “（一）” in 楷体, page numbers at the foot. The sections: an overview with the counts; 一、共性问题
(per category: units, share, findings, the units affected and examples); 二、反复出现的问题; 三、整改后又
反弹的问题; then 四、原因分析 and 五、意见建议（完善制度、促进改革）, each a highlighted note and ruled
lines where the office writes its own analysis; the office's signature and the date.

The document's subject is the Term or the Round. `GeneratedDocument` has no field for parameters, so the
threshold travels in the document's title (“…专题报告（标准：3个单位或30%）”) and is read back when it
renders. Registered with `xuncha.core.documents` at import; `dashboards.tasks` imports this module.
"""

import re

from django.utils import timezone
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt

from dashboards.selectors.common_problems import Analysis, Scope, Threshold, analyse
from rounds.models import Round, Term
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
    quoted,
    to_bytes,
)
from xuncha.core.models import GeneratedDocument
from xuncha.core.numerals import cn_number

KIND = "thematic_report"
LABEL = "共性问题专题报告"
OFFICE = "县委巡察工作领导小组办公室"
MARK = "内部资料　注意保密"
ADDRESSEE = "县委："
CAUSES_NOTE = (
    "（由巡察办结合实际分析填写：可从思想认识、制度机制、监督管理、整改落实等方面，"
    "分析上述问题多发、反复出现和整改后又反弹的深层次原因。）"
)
PROPOSALS_NOTE = (
    "（由巡察办结合实际提出意见建议：针对上述共性问题和反弹问题，提出完善制度、促进改革的具体建议，"
    "明确建议牵头单位、配合单位和完成时限。）"
)
WRITING_LINES = 6
TITLE_LINE = 20  # characters of 22pt on a line of the A4 type area
MAX_QUOTED = 2  # finding titles quoted per earlier/later round in sections 二 and 三

_THRESHOLD_IN_TITLE = re.compile(r"（标准：(\d+)个单位(?:或(\d+)%)?）$")


# --- title and threshold ----------------------------------------------------------------------------


def report_title(scope: Scope) -> str:
    """“关于第十五届县委巡察发现共性问题的专题报告”."""
    return f"关于{scope.label}发现共性问题的专题报告"


def document_title(scope: Scope, threshold: Threshold) -> str:
    """The title of the document row: the report's title and the threshold it was asked with."""
    rule = f"{threshold.min_units}个单位"
    if threshold.min_share is not None:
        rule += f"或{threshold.min_share}%"
    return f"{report_title(scope)}（标准：{rule}）"


def threshold_from_title(title: str) -> Threshold:
    match = _THRESHOLD_IN_TITLE.search(title or "")
    if not match:
        return Threshold()
    share = match.group(2)
    return Threshold(min_units=max(1, int(match.group(1))), min_share=int(share) if share else None)


def scope_of(subject) -> Scope:
    if isinstance(subject, Round):
        return Scope(term=subject.term, round=subject)
    return Scope(term=subject)


# --- wording ----------------------------------------------------------------------------------------


def _percent(value) -> str:
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _aspect(name: str) -> str:
    """“中央八项规定精神” → “中央八项规定精神方面的问题”; a name already ending in 方面 keeps it."""
    return f"{name}的问题" if name.endswith("方面") else f"{name}方面的问题"


def _round_name(round: Round, scope: Scope) -> str:
    """“第三轮巡察” within the scope's term, the full name for a round of another term."""
    return f"{round.short_name}巡察" if round.term_id == scope.term.pk else str(round)


def _quoted(findings, limit: int = MAX_QUOTED) -> str:
    titles = []
    for finding in findings:
        if finding.title not in titles:
            titles.append(finding.title)
    listed = "、".join(quoted(t) for t in titles[:limit])
    return listed + ("等问题" if len(titles) > limit else "问题")


def overview(analysis: Analysis) -> list[str]:
    scope = analysis.scope
    first = (
        f"根据县委巡察工作部署，{scope.label}共巡察{analysis.inspected_units}个单位（党组织），"
        f"审定巡察发现问题{analysis.findings_total}个，涉及{analysis.units_with_findings}个单位。"
        f"为深入查找共性和系统性问题，{OFFICE}对巡察发现的问题逐类进行了梳理分析。"
    )
    a = analysis
    clauses = [
        f"梳理出共性问题{len(a.common_categories)}类，涉及{a.common_units}个单位"
        if a.common_categories
        else "未发现共性问题",
        f"同一单位此前巡察已发现、后续巡察再次发现的同类问题{len(a.recurring)}个，涉及{a.recurring_units}个单位"
        if a.recurring
        else "未发现同一单位同类问题在后续巡察中再次发现的情况",
        f"整改完成后问题又反弹的单位{a.rebound_units}个"
        if a.rebounds
        else "未发现整改完成后问题又反弹的情况",
    ]
    second = (
        f"按照同类问题在{a.threshold.label}中发现即列为共性问题的标准，"
        + "；".join(clauses)
        + "。现将有关情况报告如下。"
    )
    return [first, second]


def common_section(analysis: Analysis) -> tuple[list[str], list[tuple[str, list[str]]]]:
    """(opening paragraphs, [(“（一）…” heading, paragraphs)])."""
    if not analysis.common_categories and not analysis.common_areas:
        return [f"按上述标准，{analysis.scope.label}未发现共性问题。"], []
    opening = []
    if analysis.common_areas:
        parts = [
            f"{_aspect(a.name)}在{a.units}个单位发现，占被巡察单位的{_percent(a.share)}%，共{a.findings}个"
            for a in analysis.common_areas
        ]
        opening.append("从问题领域看，" + "；".join(parts) + "。")
    if analysis.common_categories:
        opening.append("从具体问题看，主要有以下共性问题。")
    items = []
    for index, problem in enumerate(analysis.common_categories, start=1):
        paragraphs = [
            f"在{problem.units}个单位发现，占被巡察单位的{_percent(problem.share)}%，共{problem.findings}个问题。"
            f"涉及单位：{'、'.join(problem.unit_names)}。"
        ]
        if problem.examples:
            examples = "；".join(f"{f.unit.name}{quoted(f.title)}" for f in problem.examples)
            paragraphs.append(f"典型问题如：{examples}。")
        items.append((f"（{cn_number(index)}）{_aspect(problem.name)}", paragraphs))
    return opening, items


def recurring_section(analysis: Analysis) -> list[str]:
    if not analysis.recurring:
        return ["经梳理，未发现同一单位同类问题在后续巡察中再次发现的情况。"]
    scope = analysis.scope
    paragraphs = [
        f"同一单位此前巡察已发现、后续巡察再次发现的同类问题{len(analysis.recurring)}个，"
        f"涉及{analysis.recurring_units}个单位。"
    ]
    for index, r in enumerate(analysis.recurring, start=1):
        earlier = "、".join(_round_name(round, scope) for round in r.earlier_rounds)
        paragraphs.append(
            f"{index}．{r.unit.name}：{_aspect(r.category.name)}。{earlier}发现{_quoted(r.earlier_findings)}，"
            f"{_round_name(r.later_round, scope)}再次发现{_quoted(r.later_findings)}。"
        )
    return paragraphs


def rebound_section(analysis: Analysis) -> list[str]:
    if not analysis.rebounds:
        return ["经梳理，未发现整改完成后问题又反弹的情况。"]
    scope = analysis.scope
    paragraphs = [f"整改完成或整改措施销号后问题又反弹的单位{analysis.rebound_units}个。"]
    for index, rebound in enumerate(analysis.rebounds, start=1):
        rect = rebound.rectification
        parts = []
        for came_back in rebound.came_back:
            fed_back = "、".join(quoted(p.title) for p in came_back.problems)
            later_rounds = []
            for finding in came_back.findings:
                name = _round_name(finding.round, scope)
                if name not in later_rounds:
                    later_rounds.append(name)
            parts.append(
                f"反馈的{fed_back}问题整改完成后，{'、'.join(later_rounds)}再次发现{_quoted(came_back.findings)}"
            )
        for measure in rebound.reopened:
            content = measure.content.strip().splitlines()[0] if measure.content.strip() else measure.goal
            if len(content) > 40:
                content = content[:40] + "…"
            parts.append(f"整改措施{quoted(content)}销号后反弹重开{measure.reopen_count}次")
        paragraphs.append(
            f"{index}．{rebound.unit.name}（{_round_name(rect.round, scope)}反馈问题整改，"
            f"目前{rect.get_status_display()}）：{'；'.join(parts)}。"
        )
    return paragraphs


# --- Word -------------------------------------------------------------------------------------------


def _heading(document, text: str, *, font: str = HEI_FONT):
    """“一、” in 黑体 or “（一）” in 楷体, kept on the page of what follows it."""
    heading = paragraph(document, text, indent=True, font=font)
    heading.paragraph_format.keep_with_next = True
    return heading


def _title(document, title: str) -> None:
    """The title, broken before “发现…” when it is longer than one line (about 20 characters at 22pt)."""
    head = paragraph(document, align=WD_ALIGN_PARAGRAPH.CENTER, size=TITLE_SIZE)
    cut = title.find("发现共性问题")
    if len(title) > TITLE_LINE and cut > 0:
        add_run(head, title[:cut], font=TITLE_FONT, size=TITLE_SIZE).add_break()
        add_run(head, title[cut:], font=TITLE_FONT, size=TITLE_SIZE)
    else:
        add_run(head, title, font=TITLE_FONT, size=TITLE_SIZE)


def _note(document, text: str):
    """The office's note where it writes: highlighted, so that nobody sends the draft with it."""
    note = paragraph(document, indent=True)
    run = add_run(note, text, font=KAI_FONT)
    run.font.highlight_color = WD_COLOR_INDEX.YELLOW
    return note


def _writing_lines(document, count: int = WRITING_LINES) -> list:
    """Ruled empty lines for the office's own text. Word draws one border around paragraphs with the same
    borders, so each line is the group's `between` border, and the last one its `bottom`."""
    lines = []
    for _ in range(count):
        line = paragraph(document, indent=True)
        borders = OxmlElement("w:pBdr")
        for edge in ("w:bottom", "w:between"):
            rule = OxmlElement(edge)
            for key, value in (("w:val", "dotted"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "808080")):
                rule.set(qn(key), value)
            borders.append(rule)
        line._p.get_or_add_pPr().append(borders)
        lines.append(line)
    return lines


def render_thematic(analysis: Analysis, *, dated) -> bytes:
    document = new_document()
    paragraph(document, MARK, font=HEI_FONT)
    paragraph(document)
    _title(document, report_title(analysis.scope))
    paragraph(document)
    paragraph(document, ADDRESSEE)
    for text in overview(analysis):
        paragraph(document, text, indent=True)

    _heading(document, "一、共性问题")
    opening, items = common_section(analysis)
    for text in opening:
        paragraph(document, text, indent=True)
    for heading, texts in items:
        _heading(document, heading, font=KAI_FONT)
        for text in texts:
            paragraph(document, text, indent=True)

    _heading(document, "二、反复出现的问题")
    for text in recurring_section(analysis):
        paragraph(document, text, indent=True)

    _heading(document, "三、整改后又反弹的问题")
    for text in rebound_section(analysis):
        paragraph(document, text, indent=True)

    _heading(document, "四、原因分析")
    _note(document, CAUSES_NOTE).paragraph_format.keep_with_next = True
    _writing_lines(document)

    # The last section, the signature and the date stay on one page: never a signature page alone.
    kept = [_heading(document, "五、意见建议（完善制度、促进改革）"), _note(document, PROPOSALS_NOTE)]
    kept += _writing_lines(document)
    kept += [paragraph(document), paragraph(document)]
    signed = paragraph(document, OFFICE, align=WD_ALIGN_PARAGRAPH.RIGHT)
    signed.paragraph_format.right_indent = Pt(BODY_SIZE.pt * 2)
    kept.append(signed)
    for item in kept:
        item.paragraph_format.keep_with_next = True
    day = paragraph(document, cn_date(dated), align=WD_ALIGN_PARAGRAPH.RIGHT, font=BODY_FONT)
    day.paragraph_format.right_indent = Pt(BODY_SIZE.pt * 3)
    add_page_numbers(document)
    return to_bytes(document)


# --- registration -----------------------------------------------------------------------------------


def _subject(document: GeneratedDocument):
    model = document.content_type.model_class()
    if model is Round:
        return Round.objects.select_related("term").get(pk=document.object_id)
    return Term.objects.get(pk=document.object_id)


def render_thematic_document(document: GeneratedDocument) -> bytes:
    analysis = analyse(scope_of(_subject(document)), threshold_from_title(document.title))
    return render_thematic(analysis, dated=timezone.localdate(document.created_at))


def reports_of(scope: Scope) -> list[GeneratedDocument]:
    """The 专题报告 asked for a scope, newest first."""
    return list(documents.documents_of(scope.subject).filter(kind=KIND))


# A report of a term or a round is for whom may read the 专题报告 (xuncha.access.rules.dashboards).
documents.register(
    KIND,
    label=LABEL,
    render=render_thematic_document,
    view_action="view_thematic",
    generate_page="dashboards.thematic_report",
)
