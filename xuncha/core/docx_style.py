"""The GB/T 9704 type every Word document of the office uses (python-docx).

python-docx's `font.name` sets only the Latin fonts, so every run also gets `w:eastAsia`, or Word would
show the Chinese in its default font. What users typed goes in as text runs: markup stays literal text.

Fonts on a PC without them. The GB/T 9704 faces (仿宋_GB2312, 楷体_GB2312, 方正小标宋简体) are missing on a
stock Windows or WPS install, which ship 仿宋, 楷体, 宋体 and 黑体 instead. A run can name one East Asian
font only (`w:rFonts w:eastAsia`), so the fallback is declared where Word and WPS look for it when a font
is missing: the document's font table (word/fontTable.xml). Each face gets `w:altName` (the alternative
names, comma-separated, tried in order: 仿宋_GB2312 → 仿宋, FangSong), the PANOSE numbers and the GB2312
character set (`w:charset` 86) and code-page signature of the face it stands for, so that an application
which matches by PANOSE/charset rather than by name also lands on 仿宋 (not on 宋体 or a Latin font).
The theme's Japanese East Asian font (python-docx's default template) is replaced in the document defaults,
and the East Asian language is zh-CN, so that punctuation and empty paragraphs also use 仿宋.
"""

import io
import re

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from lxml import etree

from .numerals import cn_date  # noqa: F401  re-exported: the documents date their text with it

TITLE_FONT = "方正小标宋简体"  # 标题：小标宋
BODY_FONT = "仿宋_GB2312"  # 正文：仿宋
HEI_FONT = "黑体"  # 一级标题“一、”
KAI_FONT = "楷体_GB2312"  # 二级标题“（一）”
TITLE_SIZE = Pt(22)  # 二号
BODY_SIZE = Pt(16)  # 三号
PAGE_NUMBER_SIZE = Pt(14)  # 四号

# name → (alternative names Word/WPS try when it is missing, PANOSE-1, w:family, w:pitch, code pages).
# The alternatives are the faces Windows and WPS ship (仿宋, 楷体, 宋体, 黑体); the PANOSE and signature are
# those of the GB2312 faces as Word itself writes them in a document's font table.
_GB2312_SIG = {"w:usb0": "00000001", "w:usb1": "080E0000", "w:usb2": "00000010", "w:usb3": "00000000",
               "w:csb0": "00040000", "w:csb1": "00000000"}  # fmt: skip
_SIMPLIFIED_SIG = {"w:usb0": "800002BF", "w:usb1": "38CF7CFA", "w:usb2": "00000016", "w:usb3": "00000000",
                   "w:csb0": "00040001", "w:csb1": "00000000"}  # fmt: skip
FONT_FALLBACKS = {
    BODY_FONT: ("仿宋,FangSong", "02010609030101010101", "modern", "fixed", _GB2312_SIG),
    KAI_FONT: ("楷体,KaiTi", "02010609030101010101", "modern", "fixed", _GB2312_SIG),
    TITLE_FONT: ("宋体,SimSun", "02000000000000000000", "auto", "variable", _GB2312_SIG),
    HEI_FONT: ("SimHei", "02010609060101010101", "modern", "fixed", _SIMPLIFIED_SIG),
    "仿宋": ("FangSong", "02010609060101010101", "modern", "fixed", _SIMPLIFIED_SIG),
    "楷体": ("KaiTi", "02010609060101010101", "modern", "fixed", _SIMPLIFIED_SIG),
    "宋体": ("SimSun", "02010600030101010101", "auto", "variable", _SIMPLIFIED_SIG),
}

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
    # Characters both Latin and Chinese (“” ‘’ — …) are drawn in the East Asian font, full width.
    rfonts.set(qn("w:hint"), "eastAsia")


def quoted(text) -> str:
    """“text”, its own double quotation marks turned single (‘’ inside “”, as Chinese writing nests them)."""
    inner = xml_text(text).replace("“", "‘").replace("”", "’")
    inner = re.sub(r'"([^"]*)"', r"‘\1’", inner)  # straight quotes typed in pairs
    return f"“{inner}”"


def keep_with_next(paragraphs) -> None:
    """Each paragraph on the page of the one after it: a signature block never starts a page alone."""
    for item in paragraphs:
        item.paragraph_format.keep_with_next = True


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
    declare_fonts(document)
    return document


def _set_default_fonts(document, name: str) -> None:
    """The document defaults: the body font (not the theme's Japanese East Asian font), language zh-CN."""
    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is None:
        return
    rpr = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
    if rpr is None:
        return
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0, rfonts)
    for attr in list(rfonts.attrib):
        del rfonts.attrib[attr]
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        rfonts.set(qn(attr), name)
    rfonts.set(qn("w:hint"), "eastAsia")
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")


def _font_table(document):
    for rel in document.part.rels.values():
        if rel.reltype.endswith("/fontTable"):
            return rel.target_part
    return None


def declare_fonts(document) -> None:
    """Declare the GB/T 9704 faces in the font table with the fallbacks Windows/WPS ship (see the module's
    docstring), and make the body font the document's default."""
    _set_default_fonts(document, BODY_FONT)
    part = _font_table(document)
    if part is None:
        return
    fonts = parse_xml(part.blob)
    for element in fonts.findall(qn("w:font")):
        if element.get(qn("w:name")) in FONT_FALLBACKS:
            fonts.remove(element)
    for name, (alt, panose, family, pitch, sig) in FONT_FALLBACKS.items():
        font = OxmlElement("w:font")
        font.set(qn("w:name"), name)
        for tag, value in (("w:altName", alt), ("w:panose1", panose), ("w:charset", "86"),
                           ("w:family", family), ("w:pitch", pitch)):  # fmt: skip
            child = OxmlElement(tag)
            child.set(qn("w:val"), value)
            font.append(child)
        signature = OxmlElement("w:sig")
        for key, value in sig.items():
            signature.set(qn(key), value)
        font.append(signature)
        fonts.append(font)
    part._blob = etree.tostring(fonts, xml_declaration=True, encoding="UTF-8", standalone=True)


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
