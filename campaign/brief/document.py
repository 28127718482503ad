"""The meeting narrative as a Word document (.docx), laid out as Chinese official material.

The layout follows the habits of 党政机关公文 (GB/T 9704): A4 portrait, margins 37/35/28/26 mm;
the title in 方正小标宋 at 二号 (22 pt), centred; headings 一、二、 in 黑体 and the domain leads
（一）（二） in 楷体; the body in 仿宋 at 三号 (16 pt) with an exact 28 pt line spacing and a
first-line indent of two characters; page numbers "— 1 —" at the foot; the KPI table appended
on a landscape page.

Fonts: every run names its East Asian font (``w:eastAsia``) and a Latin one (Times New
Roman, as official material sets digits and letters), and the document's font table gives
each Chinese font alternates (``w:altName``, a comma-separated list Word and WPS try in order)
and the GB2312 character set, so a machine without 仿宋_GB2312 uses 仿宋 / FangSong, and one
with neither (LibreOffice on Linux) the Noto CJK font, never a font without Chinese glyphs.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.section import Section as DocxSection
from docx.shared import Length, Mm, Pt
from docx.table import _Cell
from docx.text.paragraph import Paragraph as DocxParagraph
from docx.text.run import Run
from lxml import etree

from campaign.brief import content
from campaign.brief.content import MeetingPack
from campaign.narrative import Narrative


@dataclass(frozen=True)
class OfficeFont:
    """A font of official material and the names to try when it is not installed."""

    name: str
    alternates: tuple[str, ...]
    family: str = "roman"  # the font table's w:family (roman = serif, swiss = sans)


LATIN = "Times New Roman"
TITLE_FONT = OfficeFont(
    "方正小标宋简体",
    ("方正小标宋_GBK", "华文中宋", "STZhongsong", "宋体", "SimSun", "Noto Serif CJK SC"),
)
BODY_FONT = OfficeFont(
    "仿宋_GB2312", ("仿宋", "FangSong", "STFangsong", "Noto Serif CJK SC", "Noto Sans CJK SC")
)
HEADING_FONT = OfficeFont("黑体", ("SimHei", "STHeiti", "Noto Sans CJK SC"), "swiss")
LEAD_FONT = OfficeFont("楷体_GB2312", ("楷体", "KaiTi", "STKaiti", "Noto Serif CJK SC"))
PAGE_NUMBER_FONT = OfficeFont("宋体", ("SimSun", "Noto Serif CJK SC"))
FONTS = (TITLE_FONT, BODY_FONT, HEADING_FONT, LEAD_FONT, PAGE_NUMBER_FONT)

# 字号 in points: 二号 22, 三号 16, 四号 14, 五号 10.5.
TITLE_SIZE = Pt(22)
BODY_SIZE = Pt(16)
PAGE_NUMBER_SIZE = Pt(14)
TABLE_SIZE = Pt(10.5)
LINE_SPACING = Pt(28)
TITLE_LINE_SPACING = Pt(36)


def _set_fonts(run_properties: etree._Element, font: OfficeFont) -> None:
    """``<w:rFonts>`` naming ``font`` for East Asian text and Times New Roman for the rest."""
    fonts = run_properties.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        run_properties.insert(0, fonts)
    for attribute in list(fonts.attrib):
        if attribute.endswith("Theme"):  # a theme font would win over the names below
            del fonts.attrib[attribute]
    fonts.set(qn("w:ascii"), LATIN)
    fonts.set(qn("w:hAnsi"), LATIN)
    fonts.set(qn("w:cs"), LATIN)
    fonts.set(qn("w:eastAsia"), font.name)
    fonts.set(qn("w:hint"), "eastAsia")


def _run(
    paragraph: DocxParagraph, text: str, font: OfficeFont, size: Length, bold: bool = False
) -> Run:
    run = paragraph.add_run(text)
    run.font.size = size
    run.font.bold = bold
    _set_fonts(run._r.get_or_add_rPr(), font)
    return run


def _lines(paragraph: DocxParagraph, spacing: Length = LINE_SPACING) -> None:
    layout = paragraph.paragraph_format
    layout.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    layout.line_spacing = spacing
    layout.space_before = Pt(0)
    layout.space_after = Pt(0)


def _indent_two_characters(paragraph: DocxParagraph) -> None:
    """首行缩进两字: ``firstLineChars=200`` (Word, WPS) with 32 pt for readers without it."""
    paragraph.paragraph_format.first_line_indent = BODY_SIZE * 2
    indent = paragraph._p.get_or_add_pPr().find(qn("w:ind"))
    indent.set(qn("w:firstLineChars"), "200")


def _font_table(document: DocxDocument) -> None:
    """Add the Chinese fonts to ``word/fontTable.xml`` with their alternates and GB2312."""
    part = next(
        p for p in document.part.package.iter_parts() if p.partname == "/word/fontTable.xml"
    )
    table = etree.fromstring(part.blob)
    for font in FONTS:
        for old in table.findall(qn("w:font")):
            if old.get(qn("w:name")) == font.name:
                table.remove(old)
        element = etree.SubElement(table, qn("w:font"))
        element.set(qn("w:name"), font.name)
        for tag, value in (
            ("w:altName", ",".join(font.alternates)),
            ("w:charset", "86"),  # GB2312
            ("w:family", font.family),
            ("w:pitch", "variable"),
        ):
            child = etree.SubElement(element, qn(tag))
            child.set(qn("w:val"), value)
    part._blob = etree.tostring(table, xml_declaration=True, encoding="UTF-8", standalone=True)


def _defaults(document: DocxDocument, lang: str) -> None:
    """Normal style: 仿宋 三号, Chinese as the East Asian language."""
    normal = document.styles["Normal"]
    normal.font.size = BODY_SIZE
    properties = normal.element.get_or_add_rPr()
    _set_fonts(properties, BODY_FONT)
    language = properties.find(qn("w:lang"))
    if language is None:
        language = OxmlElement("w:lang")
        properties.append(language)
    language.set(qn("w:val"), "zh-CN" if lang == "zh" else "en-GB")
    language.set(qn("w:eastAsia"), "zh-CN")


def _page_number(section: DocxSection) -> None:
    """``— 1 —`` centred in the footer (a PAGE field, so every page counts itself)."""
    footer = section.footer
    paragraph = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(paragraph, "— ", PAGE_NUMBER_FONT, PAGE_NUMBER_SIZE)
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    properties = OxmlElement("w:rPr")
    size = OxmlElement("w:sz")
    size.set(qn("w:val"), str(int(PAGE_NUMBER_SIZE.pt * 2)))
    properties.append(size)
    _set_fonts(properties, PAGE_NUMBER_FONT)
    run.append(properties)
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)
    _run(paragraph, " —", PAGE_NUMBER_FONT, PAGE_NUMBER_SIZE)


def _a4(section: DocxSection, landscape: bool = False) -> None:
    """A4 with the margins of official material (上37 下35 左28 右26 mm)."""
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = Mm(297), Mm(210)
        section.top_margin = section.bottom_margin = Mm(25)
        section.left_margin = section.right_margin = Mm(25)
    else:
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(37), Mm(35)
        section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.footer_distance = Mm(20)


def write_narrative(document: DocxDocument, narrative: Narrative) -> None:
    """Title, dateline, and each section's heading and paragraphs."""
    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _lines(title, TITLE_LINE_SPACING)
    _run(title, narrative.title, TITLE_FONT, TITLE_SIZE)
    dateline = document.add_paragraph()
    dateline.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _lines(dateline)
    _run(dateline, narrative.dateline, LEAD_FONT, BODY_SIZE)
    _lines(document.add_paragraph())  # a blank line under the title block
    for section in narrative.sections:
        heading = document.add_paragraph()
        _lines(heading)
        _indent_two_characters(heading)
        heading.paragraph_format.keep_with_next = True
        _run(heading, section.heading, HEADING_FONT, BODY_SIZE)
        for paragraph in section.paragraphs:
            body = document.add_paragraph()
            body.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
            _lines(body)
            _indent_two_characters(body)
            if paragraph.lead:
                lead = paragraph.lead + ("" if narrative.lang == "zh" else " ")
                _run(body, lead, LEAD_FONT, BODY_SIZE)
            _run(body, paragraph.body, BODY_FONT, BODY_SIZE)


TABLE_COLUMNS: tuple[str, ...] = ("domain", "kpi", *content.SUMMARY_COLUMNS)
# Column widths in mm on the landscape page (247 mm of text width).
_WIDTHS = {"domain": 22, "kpi": 44, "gap": 30, "status": 22}
_OTHER_WIDTH = 21


def _cell_text(cell: _Cell, text: str, bold: bool, right: bool) -> None:
    paragraph = cell.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT if right else WD_ALIGN_PARAGRAPH.LEFT
    layout = paragraph.paragraph_format
    layout.space_before = layout.space_after = Pt(0)
    layout.line_spacing = 1.0
    _run(paragraph, text, BODY_FONT, TABLE_SIZE, bold=bold)


def write_kpi_table(document: DocxDocument, pack: MeetingPack) -> None:
    """The annex: every KPI with the pack's (the dashboard's) figures, on a landscape page."""
    section = document.add_section(WD_SECTION.NEW_PAGE)
    _a4(section, landscape=True)
    heading = document.add_paragraph()
    _lines(heading)
    _run(heading, pack.t("narrative.docx.appendix"), HEADING_FONT, BODY_SIZE)
    kpis = pack.kpis
    if not kpis:
        paragraph = document.add_paragraph()
        _run(paragraph, pack.t("narrative.docx.no_kpis"), BODY_FONT, BODY_SIZE)
        return
    numeric = set(content.SUMMARY_COLUMNS) - {"status"}
    table = document.add_table(rows=1, cols=len(TABLE_COLUMNS))
    table.style = document.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    header = table.rows[0]
    # Repeat the header row on every page of the table.
    header_properties = header._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    header_properties.append(repeat)
    for cell, column in zip(header.cells, TABLE_COLUMNS, strict=True):
        _cell_text(cell, pack.t(f"brief.col.{column}"), bold=True, right=column in numeric)
    previous_domain = None
    for kpi in kpis:
        cells = content.kpi_cells(kpi.result, pack.lang)
        if kpi.definition.domain == previous_domain:
            cells["domain"] = ""
        previous_domain = kpi.definition.domain
        row = table.add_row()
        for cell, column in zip(row.cells, TABLE_COLUMNS, strict=True):
            _cell_text(cell, cells[column], bold=False, right=column in numeric)
    table.autofit = False
    for index, column in enumerate(TABLE_COLUMNS):
        width = Mm(_WIDTHS.get(column, _OTHER_WIDTH))
        table.columns[index].width = width  # the grid (LibreOffice reads this)
        for row in table.rows:  # and each cell (Word reads these)
            row.cells[index].width = width
    note = document.add_paragraph()
    note.paragraph_format.space_before = Pt(6)
    _run(note, pack.t("narrative.docx.appendix_note"), BODY_FONT, TABLE_SIZE)


def narrative_document(pack: MeetingPack) -> DocxDocument:
    """The Word document of ``pack``: its narrative, then the KPI table.

    Raises the pack's :class:`~campaign.narrative.TemplateError` when its wording file was
    unusable (there is no narrative to lay out).
    """
    if pack.narrative is None:
        raise pack.narrative_error or ValueError("the pack has no narrative")
    document = Document()
    _defaults(document, pack.lang)
    _font_table(document)
    section = document.sections[0]
    _a4(section)
    _page_number(section)
    # The template starts with no paragraph; the narrative is the first content.
    write_narrative(document, pack.narrative)
    write_kpi_table(document, pack)
    properties = document.core_properties
    properties.title = pack.narrative.title
    properties.subject = pack.narrative.dateline
    properties.language = "zh-CN" if pack.lang == "zh" else "en-GB"
    properties.author = pack.t("brief.title")
    return document


def docx_bytes(pack: MeetingPack) -> bytes:
    """The pack's narrative document as .docx bytes."""
    buffer = io.BytesIO()
    narrative_document(pack).save(buffer)
    return buffer.getvalue()
