"""The 移交函 (transfer letter) and 移交清单 (transfer list) of a batch, as Word files (python-docx).

Laid out after GB/T 9704: A4, margins 37/35/28/26 mm; the issuing office's mark in red 小标宋; the
title in 方正小标宋简体 22pt (二号); the body in 仿宋_GB2312 16pt (三号) with a two-character first-line
indent and a fixed 28-point line; dates in Arabic numerals. The list is an attachment in landscape.
python-docx's `font.name` sets only the Latin fonts, so every run also gets `w:eastAsia`.

Neither document names a reporter: what goes in are the lead's number, unit, the person reported on,
the summary and the disposition. What users typed goes in as text runs, so markup stays literal text.

Both kinds are registered with `xuncha.core.documents` at import; `clues.tasks` imports this module.
"""

from datetime import date

from django.utils import timezone
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from clues.models import TransferBatch
from clues.services.transfers import KIND_LETTER, KIND_LIST
from xuncha.core import documents
from xuncha.core.docx_style import (
    BODY_FONT,
    BODY_SIZE,
    HEI_FONT,
    TITLE_FONT,
    TITLE_SIZE,
    cn_date,
    keep_with_next,
)
from xuncha.core.docx_style import add_page_numbers as _add_page_numbers
from xuncha.core.docx_style import add_run as _run
from xuncha.core.docx_style import new_document as _new_document
from xuncha.core.docx_style import paragraph as _paragraph
from xuncha.core.docx_style import red_rule as _red_rule
from xuncha.core.docx_style import to_bytes as _bytes
from xuncha.core.models import GeneratedDocument

ISSUER = "县委巡察工作领导小组办公室"
TABLE_SIZE = Pt(12)
RED = RGBColor(0xC0, 0x00, 0x00)
LIST_COLUMNS = ("序号", "线索编号", "被巡察单位", "被反映人及职务", "问题摘要", "处置建议")
LIST_WIDTHS = (Mm(14), Mm(44), Mm(42), Mm(44), Mm(88), Mm(30))  # 262 mm: landscape A4 less the margins


def _load(document: GeneratedDocument) -> tuple[TransferBatch, list]:
    batch = TransferBatch.objects.select_related("receiver", "round__term").get(pk=document.object_id)
    items = list(
        batch.items.select_related("lead__team__round", "lead__unit").order_by(
            "lead__unit__name", "lead__serial", "pk"
        )
    )
    return batch, items


def _sent_on(batch: TransferBatch) -> date:
    return timezone.localdate(batch.sent_at) if batch.sent_at else timezone.localdate()


def _subject(lead) -> str:
    if not lead.subject_name:
        return lead.subject_post or "—"
    return f"{lead.subject_name}（{lead.subject_post}）" if lead.subject_post else lead.subject_name


# --- 移交函 ------------------------------------------------------------------------------------------


def render_letter(batch: TransferBatch, items: list) -> bytes:
    document = _new_document()
    mark = _paragraph(document, align=WD_ALIGN_PARAGRAPH.CENTER, size=Pt(26))
    _run(mark, ISSUER, font=TITLE_FONT, size=Pt(26), color=RED)
    number = _paragraph(document, batch.number, align=WD_ALIGN_PARAGRAPH.CENTER)
    _red_rule(number)
    _paragraph(document)

    _paragraph(
        document, "关于移交问题线索的函", align=WD_ALIGN_PARAGRAPH.CENTER, font=TITLE_FONT, size=TITLE_SIZE
    )
    _paragraph(document)
    _paragraph(document, f"{batch.receiver.name}：")

    units = {item.lead.unit_id for item in items}
    principals = sum(1 for item in items if item.lead.subject_is_principal)
    deadline = cn_date(batch.deadline) if batch.deadline else f"收到本函之日起{batch.deadline_days}日内"
    principal_text = f"，其中反映单位主要负责人的{principals}件" if principals else ""
    _paragraph(
        document,
        f"根据县委巡察工作安排，{batch.round}期间，县委巡察组在巡察中收到、发现了反映有关单位和人员的问题线索。"
        f"经{ISSUER}研究，现将其中{len(items)}件问题线索移交你单位办理，涉及被巡察单位{len(units)}个"
        f"{principal_text}，具体见附件《问题线索移交清单》。",
        indent=True,
    )
    last = _paragraph(
        document,
        f"请按照“优先办理、快查快结”的要求，依规依纪依法处置，并于{deadline}前将办理情况"
        f"（初核、谈话函询、立案、暂存、了结等办理结果，以及处理人员的四种形态和处理方式）书面反馈{ISSUER}。"
        "办理过程中请严格落实保密要求。",
        indent=True,
    )
    if batch.note:
        for line in batch.note.splitlines():
            if line.strip():
                last = _paragraph(document, line.strip(), indent=True)
    # The last paragraph, the attachment line and the signature stay on one page: a letter never ends
    # with the signature and the date alone on a page.
    kept = [last, _paragraph(document), _paragraph(document, "附件：问题线索移交清单", indent=True)]
    kept += [_paragraph(document), _paragraph(document)]
    signature = _paragraph(document, ISSUER, align=WD_ALIGN_PARAGRAPH.RIGHT)
    signature.paragraph_format.right_indent = Pt(BODY_SIZE.pt * 2)
    keep_with_next([*kept, signature])
    dated = _paragraph(document, cn_date(_sent_on(batch)), align=WD_ALIGN_PARAGRAPH.RIGHT)
    dated.paragraph_format.right_indent = Pt(BODY_SIZE.pt * 4)
    _add_page_numbers(document)
    return _bytes(document)


# --- 移交清单 ----------------------------------------------------------------------------------------


def _cell(cell, text, *, bold: bool = False, center: bool = False) -> None:
    paragraph = cell.paragraphs[0]
    if center:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(paragraph, text, font=HEI_FONT if bold else BODY_FONT, size=TABLE_SIZE)


def _repeat_header(row) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    tr_pr.append(header)


def render_list(batch: TransferBatch, items: list) -> bytes:
    document = _new_document(landscape=True)
    attachment = _paragraph(document)
    _run(attachment, "附件", font=HEI_FONT)
    _paragraph(
        document, "问题线索移交清单", align=WD_ALIGN_PARAGRAPH.CENTER, font=TITLE_FONT, size=TITLE_SIZE
    )
    _paragraph(
        document,
        f"{batch.number}　接收单位：{batch.receiver.name}　移交日期：{cn_date(_sent_on(batch))}",
        align=WD_ALIGN_PARAGRAPH.CENTER,
        size=Pt(14),
    )
    table = document.add_table(rows=1, cols=len(LIST_COLUMNS))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, label in zip(table.rows[0].cells, LIST_COLUMNS, strict=True):
        _cell(cell, label, bold=True, center=True)
    _repeat_header(table.rows[0])
    for index, item in enumerate(items, start=1):
        lead = item.lead
        cells = table.add_row().cells
        _cell(cells[0], index, center=True)
        _cell(cells[1], lead.number)
        _cell(cells[2], lead.unit.name)
        _cell(cells[3], _subject(lead))
        _cell(cells[4], lead.summary)
        _cell(cells[5], lead.get_disposition_display(), center=True)
    table.autofit = False
    for column, width in zip(table.columns, LIST_WIDTHS, strict=True):
        column.width = width
    for row in table.rows:
        for cell, width in zip(row.cells, LIST_WIDTHS, strict=True):
            cell.width = width
    _paragraph(document, f"共{len(items)}件。", size=Pt(14))
    _add_page_numbers(document)
    return _bytes(document)


# --- registration -----------------------------------------------------------------------------------


def render_letter_document(document: GeneratedDocument) -> bytes:
    return render_letter(*_load(document))


def render_list_document(document: GeneratedDocument) -> bytes:
    return render_list(*_load(document))


# Whoever may see the batch may see its letter and list (the default view_action).
# Generated when the office sends the batch (clues.services.transfers.batch_send: "send").
documents.register(KIND_LETTER, label="移交函", render=render_letter_document, generate_action="send")
documents.register(KIND_LIST, label="移交清单", render=render_list_document, generate_action="send")
