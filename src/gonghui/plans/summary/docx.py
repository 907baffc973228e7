"""The summary as a Word document, laid out as Chinese official documents usually are (GB/T 9704): A4, title
in 小标宋 (二号, bold, centred), body in 仿宋_GB2312 三号 with a first-line indent of two characters, part
headings (一、) in 黑体, sub-headings (（一）) in 楷体, tables with borders and a header row, the node's name and
the date at the end (落款), page numbers at the foot.

Word picks a run's Chinese font from `w:eastAsia` on `w:rFonts`; python-docx's `font.name` sets only the
Latin ones, so the East Asian font is set on the XML here, and the theme font attributes that would override it
are removed. Fonts missing on a computer (方正小标宋简体, 仿宋_GB2312 and 楷体_GB2312 are usual on government
machines, not elsewhere) get an `altName` in the font table, which Word and WPS use instead (宋体, 仿宋, 楷体).
"""

from __future__ import annotations

import datetime
import io
import re

from django.utils import timezone
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Pt, RGBColor

from ..contrib import Period
from ..models import Summary
from . import draft

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEADING_FONT = "黑体"
SUBHEADING_FONT = "楷体_GB2312"
LATIN_FONT = "Times New Roman"
# fonts a computer may lack → what Word and WPS use in their place
ALTERNATES = {TITLE_FONT: "宋体", BODY_FONT: "仿宋", SUBHEADING_FONT: "楷体"}
TITLE_SIZE = Pt(22)   # 二号
BODY_SIZE = Pt(16)    # 三号
TABLE_SIZE = Pt(12)   # 小四
LINE = Pt(28)         # the usual fixed line pitch of a 三号 document
# characters XML 1.0 does not allow (lxml refuses them: "All strings must be XML compatible")
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_BREAKS = (re.compile("[\x0b\x0c]"), "\n")
_BREAKS_IN_LINE = (re.compile(r"\s*[\x0b\x0c\r\n]+\s*"), " ")


def xml_text(text, *, breaks: bool = True) -> str:
    """Text a .docx can hold: a vertical tab or form feed (what Word's line and page breaks paste as) becomes a
    line break (a space where no break belongs: `breaks=False`), the other characters XML 1.0 does not allow
    are dropped."""
    text = str(text if text is not None else "")
    breaking = _BREAKS if breaks else _BREAKS_IN_LINE
    return _NOT_XML.sub("", breaking[0].sub(breaking[1], text))


def set_fonts(element, east_asia: str, latin: str = LATIN_FONT) -> None:
    """Set the fonts of a run or a style (its rPr), East Asian included, without theme overrides."""
    rpr = element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attribute in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attribute), None)
    fonts.set(qn("w:ascii"), latin)
    fonts.set(qn("w:hAnsi"), latin)
    fonts.set(qn("w:cs"), latin)
    fonts.set(qn("w:eastAsia"), east_asia)


def _style(document, name: str, *, east_asia: str, size, bold: bool = False, indent: bool = True,
           align=None, outline: int | None = None):
    style = document.styles[name]
    set_fonts(style.element, east_asia)
    font = style.font
    font.size = size
    font.bold = bold
    font.italic = False
    font.color.rgb = RGBColor(0, 0, 0)
    fmt = style.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = LINE
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    fmt.keep_with_next = outline is not None
    if align is not None:
        fmt.alignment = align
    ppr = style.element.get_or_add_pPr()
    if indent:
        fmt.first_line_indent = Pt(size.pt * 2)
        ind = ppr.find(qn("w:ind"))
        ind.set(qn("w:firstLineChars"), "200")  # two characters whatever the font size
    else:
        fmt.first_line_indent = Pt(0)
    return style


def _font_table(document) -> None:
    """altName entries for the fonts a computer may lack."""
    part = next(rel.target_part for rel in document.part.rels.values() if rel.reltype.endswith("/fontTable"))
    root = parse_xml(part.blob)
    for name, alternate in ALTERNATES.items():
        root.append(parse_xml(
            f'<w:font {nsdecls("w")} w:name="{name}"><w:altName w:val="{alternate}"/><w:charset w:val="86"/>'
            f'<w:family w:val="modern"/><w:pitch w:val="fixed"/></w:font>'))
    from lxml import etree

    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _page_number_footer(section) -> None:
    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.first_line_indent = Pt(0)
    for text, field in (("— ", False), ("PAGE", True), (" —", False)):
        if field:
            simple = OxmlElement("w:fldSimple")
            simple.set(qn("w:instr"), "PAGE")
            run = OxmlElement("w:r")
            text_element = OxmlElement("w:t")
            text_element.text = "1"
            run.append(text_element)
            simple.append(run)
            paragraph._p.append(simple)
        else:
            run = paragraph.add_run(text)
            run.font.size = Pt(14)


def _new_document(title: str):
    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    normal = _style(document, "Normal", east_asia=BODY_FONT, size=BODY_SIZE, align=WD_ALIGN_PARAGRAPH.JUSTIFY)
    lang = normal.element.get_or_add_rPr()
    lang_element = OxmlElement("w:lang")
    lang_element.set(qn("w:val"), "en-US")
    lang_element.set(qn("w:eastAsia"), "zh-CN")
    lang.append(lang_element)
    _style(document, "Title", east_asia=TITLE_FONT, size=TITLE_SIZE, bold=True, indent=False,
           align=WD_ALIGN_PARAGRAPH.CENTER, outline=0)
    title_style = document.styles["Title"]
    title_style.paragraph_format.line_spacing = Pt(36)
    title_style.paragraph_format.space_after = Pt(28)
    # the template's Title has a bottom border: a document title has none
    border = title_style.element.get_or_add_pPr().find(qn("w:pBdr"))
    if border is not None:
        border.getparent().remove(border)
    _style(document, "Heading 1", east_asia=HEADING_FONT, size=BODY_SIZE, outline=1)
    _style(document, "Heading 2", east_asia=SUBHEADING_FONT, size=BODY_SIZE, outline=2)
    _font_table(document)
    _page_number_footer(section)
    document.core_properties.title = xml_text(title, breaks=False)
    document.core_properties.language = "zh-CN"
    return document


def _paragraph(document, text: str, style: str | None = None):
    paragraph = document.add_paragraph(style=style)
    paragraph.add_run(xml_text(text, breaks=style is None))
    return paragraph


def _cell_text(cell, text: str, *, bold: bool = False) -> None:
    paragraph = cell.paragraphs[0]
    fmt = paragraph.paragraph_format
    fmt.first_line_indent = Pt(0)
    ind = paragraph._p.get_or_add_pPr().find(qn("w:ind"))
    ind.set(qn("w:firstLineChars"), "0")
    fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
    fmt.alignment = WD_ALIGN_PARAGRAPH.CENTER if bold else WD_ALIGN_PARAGRAPH.LEFT
    run = paragraph.add_run(xml_text(text))
    run.font.size = TABLE_SIZE
    run.bold = bold
    set_fonts(run._r, HEADING_FONT if bold else BODY_FONT)


def _table(document, table: dict) -> None:
    columns = [str(c) for c in table.get("columns") or []]
    rows = table.get("rows") or []
    if not columns:
        return
    if table.get("caption"):
        caption = _paragraph(document, str(table["caption"]))
        caption.alignment = WD_ALIGN_PARAGRAPH.CENTER
        caption.paragraph_format.first_line_indent = Pt(0)
        caption._p.get_or_add_pPr().find(qn("w:ind")).set(qn("w:firstLineChars"), "0")
        caption.paragraph_format.keep_with_next = True
        for run in caption.runs:
            run.bold = True
            run.font.size = Pt(14)
    grid = document.add_table(rows=1 + len(rows), cols=len(columns))
    grid.style = document.styles["Table Grid"]
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    header = grid.rows[0]
    header_pr = header._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    header_pr.append(repeat)  # the header row repeats on each page
    for cell, text in zip(header.cells, columns, strict=True):
        _cell_text(cell, text, bold=True)
    for row, values in zip(grid.rows[1:], rows, strict=True):
        values = [str(v) for v in values][:len(columns)]
        values += [""] * (len(columns) - len(values))
        for cell, text in zip(row.cells, values, strict=True):
            _cell_text(cell, text)
    document.add_paragraph()  # a line between the table and what follows


def write_docx(*, title: str, sections: list[dict], signature: str, on: datetime.date) -> bytes:
    document = _new_document(title)
    _paragraph(document, title, "Title")
    # a section the officer cleared is not printed, and the numbers of the others close up (一、二、…, （一）（二）…)
    for section in draft.printable(draft.numbered(sections)):
        heading = str(section.get("heading") or "").strip()
        level = draft.level_of(section)
        if heading:
            _paragraph(document, heading, "Heading 1" if level == 1 else "Heading 2")
        for text in section.get("paragraphs") or []:
            _paragraph(document, str(text))
        for table in section.get("tables") or []:
            _table(document, table)
    document.add_paragraph()
    for text in (xml_text(signature, breaks=False), f"{on.year}年{on.month}月{on.day}日"):
        closing = _paragraph(document, text)
        closing.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        closing.paragraph_format.first_line_indent = Pt(0)
        closing._p.get_or_add_pPr().find(qn("w:ind")).set(qn("w:firstLineChars"), "0")
        closing.paragraph_format.right_indent = Pt(BODY_SIZE.pt * 2)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def summary_docx(summary: Summary, *, on: datetime.date | None = None) -> bytes:
    return write_docx(title=str(summary), sections=summary.sections or [], signature=summary.node.name,
                      on=on or timezone.localdate())


def draft_docx(node, period: Period, *, today: datetime.date | None = None) -> bytes:
    """A node's period drafted from the records and written at once, for a node with no stored summary."""
    today = today or timezone.localdate()
    return write_docx(title=draft.title_for(node, period), sections=draft.draft_sections(node, period, today=today),
                      signature=node.name, on=today)
