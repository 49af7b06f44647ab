"""The GB/T 9704 type every Word document of the office uses (python-docx).

python-docx's `font.name` sets only the Latin fonts, so every run also gets `w:eastAsia`, or Word would
show the Chinese in its default font. What users typed goes in as text runs: markup stays literal text.
"""

import io
import re

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from .numerals import cn_date  # noqa: F401  re-exported: the documents date their text with it

TITLE_FONT = "方正小标宋简体"  # 标题：小标宋
BODY_FONT = "仿宋_GB2312"  # 正文：仿宋
HEI_FONT = "黑体"  # 一级标题“一、”
KAI_FONT = "楷体_GB2312"  # 二级标题“（一）”
TITLE_SIZE = Pt(22)  # 二号
BODY_SIZE = Pt(16)  # 三号
PAGE_NUMBER_SIZE = Pt(14)  # 四号

# Characters XML 1.0 cannot carry (control characters other than tab and line breaks).
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_text(value) -> str:
    return _NOT_XML.sub("", str(value or ""))


def set_font(font, element, name: str, size) -> None:
    font.name = name
    font.size = size
    rfonts = element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        rfonts.set(qn(attr), name)


def add_run(paragraph, text, *, font: str = BODY_FONT, size=BODY_SIZE, bold: bool = False, color=None):
    run = paragraph.add_run(xml_text(text))
    set_font(run.font, run._element, font, size)
    run.bold = bold
    if color is not None:
        run.font.color.rgb = color
    return run


# --- page, paragraphs and the document as bytes ----------------------------------------------------


def paragraph(document, text="", *, align=None, indent: bool = False, font=BODY_FONT, size=BODY_SIZE, **kw):
    paragraph = document.add_paragraph()
    fmt = paragraph.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(28) if size == BODY_SIZE else Pt(max(size.pt + 8, 20))
    fmt.space_before = fmt.space_after = Pt(0)
    if indent:
        fmt.first_line_indent = Pt(size.pt * 2)
    if align is not None:
        paragraph.alignment = align
    if text:
        add_run(paragraph, text, font=font, size=size, **kw)
    return paragraph


def red_rule(paragraph) -> None:
    """The red separator line under the issuing office's mark (版头分隔线), as a paragraph border."""
    ppr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "12"), ("w:space", "4"), ("w:color", "C00000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    ppr.append(borders)


def new_document(*, landscape: bool = False) -> Document:
    document = Document()
    section = document.sections[0]
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Mm(297), Mm(210)
        section.top_margin, section.bottom_margin = Mm(28), Mm(26)
        section.left_margin, section.right_margin = Mm(17), Mm(17)
    else:
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(37), Mm(35)
        section.left_margin, section.right_margin = Mm(28), Mm(26)
    normal = document.styles["Normal"]
    set_font(normal.font, normal.element, BODY_FONT, BODY_SIZE)
    return document


def to_bytes(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def add_page_numbers(document, *, font: str = BODY_FONT, size=PAGE_NUMBER_SIZE) -> None:
    """Page numbers at the foot of every page, “— 1 —” style (GB/T 9704: 4号 半角 with dashes)."""
    for section in document.sections:
        footer = section.footer.paragraphs[0]
        footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
        add_run(footer, "— ", font=font, size=size)
        run = add_run(footer, "", font=font, size=size)
        for tag, text in (("begin", None), (None, "PAGE"), ("end", None)):
            if tag:
                element = OxmlElement("w:fldChar")
                element.set(qn("w:fldCharType"), tag)
            else:
                element = OxmlElement("w:instrText")
                element.set(qn("xml:space"), "preserve")
                element.text = text
            run._r.append(element)
        add_run(footer, " —", font=font, size=size)
