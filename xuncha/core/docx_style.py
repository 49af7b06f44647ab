"""The GB/T 9704 type every Word document of the office uses (python-docx).

python-docx's `font.name` sets only the Latin fonts, so every run also gets `w:eastAsia`, or Word would
show the Chinese in its default font. What users typed goes in as text runs: markup stays literal text.
"""

import re

from docx.oxml.ns import qn
from docx.shared import Pt

TITLE_FONT = "方正小标宋简体"  # 标题：小标宋
BODY_FONT = "仿宋_GB2312"  # 正文：仿宋
HEI_FONT = "黑体"  # 一级标题“一、”
KAI_FONT = "楷体_GB2312"  # 二级标题“（一）”
TITLE_SIZE = Pt(22)  # 二号
BODY_SIZE = Pt(16)  # 三号

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
