"""Checks a Word file must pass to print right on the office's own PCs (issue 14 §4), for the tests of
every app that renders one: the fonts it names are declared with the fallbacks Windows and WPS ship, its
pages are numbered, and a paragraph is kept with the one after it.

They read the file's XML (word/document.xml, the font table, the styles, the footers), so they hold
whatever python-docx's object model shows or hides."""

import io
import re
import zipfile

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}
# What a stock Windows (and WPS) installation has: a document may name these without a fallback.
SHIPPED = {"仿宋", "楷体", "宋体", "黑体", "FangSong", "KaiTi", "SimSun", "SimHei"}
# The GB/T 9704 faces and the face each must fall back to.
EXPECTED_FALLBACK = {"仿宋_GB2312": "仿宋", "楷体_GB2312": "楷体", "方正小标宋简体": "宋体"}


def _parts(content: bytes) -> dict[str, etree._Element]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {
            name: etree.fromstring(archive.read(name))
            for name in archive.namelist()
            if name.startswith("word/") and name.endswith(".xml")
        }


def east_asian_fonts(content: bytes) -> set[str]:
    """Every East Asian font the document's text, styles, headers and footers name."""
    names = set()
    for name, root in _parts(content).items():
        if name == "word/fontTable.xml":
            continue
        names |= {v for v in root.xpath("//w:rFonts/@w:eastAsia", namespaces=NS)}
    return names


def font_table(content: bytes) -> dict[str, dict]:
    """name → {"alt": [alternative names], "charset": …, "panose": …} from word/fontTable.xml."""
    root = _parts(content)["word/fontTable.xml"]
    table = {}
    for font in root.findall(f"{{{W}}}font"):
        alt = font.find(f"{{{W}}}altName")
        charset = font.find(f"{{{W}}}charset")
        panose = font.find(f"{{{W}}}panose1")
        table[font.get(f"{{{W}}}name")] = {
            "alt": [a.strip() for a in alt.get(f"{{{W}}}val").split(",") if a.strip()]
            if alt is not None
            else [],
            "charset": charset.get(f"{{{W}}}val") if charset is not None else None,
            "panose": panose.get(f"{{{W}}}val") if panose is not None else None,
        }
    return table


def assert_fonts_fall_back(content: bytes) -> set[str]:
    """Every East Asian font named is one Windows ships, or is declared in the font table with such a
    fallback first (仿宋_GB2312 → 仿宋, 楷体_GB2312 → 楷体, 方正小标宋简体 → 宋体) and the GB2312 character
    set; the document defaults are the body font in zh-CN, not the template theme's Japanese font."""
    used = east_asian_fonts(content)
    assert used, "no East Asian font named at all"
    table = font_table(content)
    for name in used:
        if name in SHIPPED:
            continue
        assert name in table, f"{name} is not declared in the font table"
        alt = table[name]["alt"]
        assert alt and alt[0] in SHIPPED, f"{name} has no fallback Windows/WPS ship: {alt}"
        if name in EXPECTED_FALLBACK:
            assert alt[0] == EXPECTED_FALLBACK[name], (name, alt)
        assert table[name]["charset"] == "86", f"{name} is not declared as GB2312 (charset 86)"
    styles = _parts(content)["word/styles.xml"]
    defaults = styles.xpath("//w:docDefaults/w:rPrDefault/w:rPr", namespaces=NS)[0]
    assert defaults.xpath("w:rFonts/@w:eastAsia", namespaces=NS) == ["仿宋_GB2312"]
    assert not defaults.xpath("w:rFonts/@w:eastAsiaTheme", namespaces=NS)
    assert defaults.xpath("w:lang/@w:eastAsia", namespaces=NS) == ["zh-CN"]
    return used


def assert_page_numbers(content: bytes) -> None:
    """A PAGE field in the footer of every section."""
    parts = _parts(content)
    document = parts["word/document.xml"]
    sections = document.xpath("//w:sectPr", namespaces=NS)
    assert sections
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        rels = archive.read("word/_rels/document.xml.rels").decode()
    targets = dict(re.findall(r'Id="([^"]+)"[^>]*Target="([^"]+)"', rels))
    targets |= {k: v for v, k in re.findall(r'Target="([^"]+)"[^>]*Id="([^"]+)"', rels)}
    for section in sections:
        refs = section.xpath("w:footerReference/@r:id", namespaces={**NS, "r": _R})
        assert refs, "a section without a footer"
        footers = [parts["word/" + targets[ref]] for ref in refs]
        instructions = "".join("".join(f.xpath("//w:instrText/text()", namespaces=NS)) for f in footers)
        assert "PAGE" in instructions, "no PAGE field in the footer"


_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
