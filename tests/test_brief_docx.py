"""The narrative as a Word document: made by ``campaign brief --out x.docx``, opened with
python-docx and held to the official-material layout and to the narrative's text, then
converted to PDF by LibreOffice headless (as a reader without the Windows fonts would see it)
and checked for Chinese text set in a font that has it.

LibreOffice takes seconds: one conversion for the module, with its own HOME and profile.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Pt
from lxml import etree

from campaign import cli
from campaign.brief import build_pack, pack_bytes
from campaign.brief.content import kpi_cells
from campaign.kpi import KpiEngine
from campaign.narrative import draft_narrative

pytestmark = pytest.mark.xdist_group("brief_docx")

ROOT = Path(__file__).resolve().parents[1]
QUERIES = ROOT / "queries"
AS_OF = "2022-09-30"
HAN = re.compile(r"[\u4e00-\u9fff]")


def need(tool: str, package: str) -> str:
    found = shutil.which(tool)
    if found:
        return found
    reason = f"{tool} is not installed (apt-get install {package})"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI must check the .docx: {reason}")
    pytest.skip(reason)


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("docx-data")
    (folder / "extracts").symlink_to(ROOT / "data" / "extracts", target_is_directory=True)
    (folder / "targets.csv").symlink_to(ROOT / "data" / "targets.csv")
    return folder


@pytest.fixture(scope="module")
def engine(data_dir: Path) -> KpiEngine:
    return KpiEngine(data_dir, QUERIES)


@pytest.fixture(scope="module")
def filters(engine: KpiEngine):
    return engine.resolve(as_of=AS_OF)


@pytest.fixture(scope="module")
def docx_file(data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("docx") / "会议材料.docx"
    code = cli.main(
        [
            "brief",
            "--data",
            str(data_dir),
            "--queries",
            str(QUERIES),
            "--as-of",
            AS_OF,
            "--out",
            str(out),
        ]
    )
    assert code == 0
    return out


@pytest.fixture(scope="module")
def document(docx_file: Path):
    return Document(str(docx_file))


def east_asian_font(run) -> str | None:
    fonts = run._r.rPr.find(qn("w:rFonts"))
    return None if fonts is None else fonts.get(qn("w:eastAsia"))


def body_paragraphs(document) -> list:
    """The narrative's paragraphs (the annex table's cells are not body paragraphs)."""
    return [p for p in document.paragraphs if p.text.strip()]


def test_the_docx_holds_the_narrative_paragraph_by_paragraph(document, engine, filters):
    narrative = draft_narrative(engine, filters, "zh")
    expected = [narrative.title, narrative.dateline]
    for section in narrative.sections:
        expected.append(section.heading)
        expected += [p.text for p in section.paragraphs]
    shown = [p.text for p in body_paragraphs(document)]
    assert shown[: len(expected)] == expected
    assert shown[len(expected)] == "附表：指标完成情况"  # then the annex
    headings = [s.heading for s in narrative.sections]
    assert [h[:2] for h in headings] == ["一、", "二、", "三、", "四、", "五、"]


def test_the_page_is_a4_portrait_with_official_margins(document):
    first = document.sections[0]

    def mm(*lengths) -> tuple[int, ...]:  # stored in twips: compare to the millimetre
        return tuple(round(length.mm) for length in lengths)

    assert first.orientation == WD_ORIENT.PORTRAIT
    assert mm(first.page_width, first.page_height) == (210, 297)
    assert mm(first.top_margin, first.bottom_margin) == (37, 35)
    assert mm(first.left_margin, first.right_margin) == (28, 26)
    annex = document.sections[-1]
    assert annex.orientation == WD_ORIENT.LANDSCAPE
    assert mm(annex.page_width, annex.page_height) == (297, 210)


def test_title_headings_and_body_use_the_official_fonts_and_sizes(document, engine, filters):
    narrative = draft_narrative(engine, filters, "zh")
    paragraphs = {p.text: p for p in body_paragraphs(document)}
    title = paragraphs[narrative.title]
    assert east_asian_font(title.runs[0]) == "方正小标宋简体"
    assert title.runs[0].font.size == Pt(22)  # 二号
    heading = paragraphs[narrative.sections[0].heading]
    assert east_asian_font(heading.runs[0]) == "黑体"
    domain = paragraphs[narrative.section("kpis").paragraphs[0].text]
    lead, body = domain.runs
    assert lead.text == "（一）资金。" and east_asian_font(lead) == "楷体_GB2312"
    for paragraph in (heading, domain):
        layout = paragraph.paragraph_format
        assert layout.line_spacing_rule == WD_LINE_SPACING.EXACTLY
        assert layout.line_spacing == Pt(28)
        assert layout.first_line_indent == Pt(32)  # two characters of 16 pt
        indent = paragraph._p.pPr.find(qn("w:ind"))
        assert indent.get(qn("w:firstLineChars")) == "200"  # two characters, for Word and WPS
    assert east_asian_font(body) == "仿宋_GB2312"
    assert body.font.size == Pt(16)  # 三号
    fonts = body._r.rPr.find(qn("w:rFonts"))
    assert fonts.get(qn("w:ascii")) == fonts.get(qn("w:hAnsi")) == "Times New Roman"


def test_the_font_table_gives_each_chinese_font_fallbacks(docx_file, document):
    part = next(
        p for p in document.part.package.iter_parts() if p.partname == "/word/fontTable.xml"
    )
    table = etree.fromstring(part.blob)
    alternates = {
        font.get(qn("w:name")): font.find(qn("w:altName")).get(qn("w:val")).split(",")
        for font in table.findall(qn("w:font"))
        if font.find(qn("w:altName")) is not None
    }
    assert alternates["仿宋_GB2312"][:2] == ["仿宋", "FangSong"]
    assert "Noto Serif CJK SC" in alternates["仿宋_GB2312"]
    assert "Noto Serif CJK SC" in alternates["方正小标宋简体"]
    assert "Noto Sans CJK SC" in alternates["黑体"]
    charsets = {
        f.get(qn("w:name")): f.find(qn("w:charset")).get(qn("w:val"))
        for f in table.findall(qn("w:font"))
        if f.find(qn("w:charset")) is not None
    }
    assert charsets["仿宋_GB2312"] == "86"  # GB2312


def test_every_page_is_numbered_in_the_footer(document):
    footer = document.sections[0].footer._element
    fields = footer.findall(".//" + qn("w:fldSimple"))
    assert [f.get(qn("w:instr")) for f in fields] == ["PAGE"]
    # "— " + the page number field + " —" (python-docx's text leaves the field out)
    assert document.sections[0].footer.paragraphs[0].text == "—  —"
    assert fields[0].getparent().index(fields[0]) > 0


def test_the_annex_table_shows_every_kpi_with_the_dashboards_figures(document, engine, filters):
    table = document.tables[0]
    header = [c.text for c in table.rows[0].cells]
    assert header[:4] == ["领域", "指标", "累计完成", "年度目标"]
    results = engine.scorecard(filters).results
    assert len(table.rows) == len(results) + 1
    for row, result in zip(table.rows[1:], results, strict=True):
        cells = kpi_cells(result)
        texts = [c.text for c in row.cells]
        assert texts[1] == result.kpi.name_zh
        assert texts[2:7] == [
            cells["actual"],
            cells["target"],
            cells["completion"],
            cells["expected"],
            cells["gap"],
        ]
    # A hand-checked row: 融资金额 324.31亿元 of 421.00亿元 = 77.0%, pace 75.0%, +2.0 points.
    first = [c.text for c in table.rows[1].cells]
    assert first[:7] == [
        "资金",
        "融资金额",
        "324.31亿元",
        "421.00亿元",
        "77.0%",
        "75.0%",
        "+2.0个百分点",
    ]


def test_an_english_docx_is_in_english(engine, filters):
    pack = build_pack(engine, filters, "en", notes=None)
    document = Document(io.BytesIO(pack_bytes(pack, "docx")))
    texts = [p.text for p in body_paragraphs(document)]
    assert texts[0] == "Private-economy campaign: progress report · Whole city"
    assert texts[2] == "1. Overall"
    assert "Annex: all KPIs" in texts
    assert not any(HAN.search(t) for t in texts)
    assert document.tables[0].rows[1].cells[2].text == "CNY 32.431 bn"


# ---------------------------------------------------------------- LibreOffice


@pytest.fixture(scope="module")
def converted(docx_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The .docx as LibreOffice prints it (headless; its own HOME and profile)."""
    soffice = need("soffice", "libreoffice-writer-nogui")
    home = tmp_path_factory.mktemp("lo-home")
    out = tmp_path_factory.mktemp("lo-out")
    source = out / "narrative.docx"  # an ASCII name: the conversion names its output after it
    shutil.copy(docx_file, source)
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={home.as_uri()}/profile",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out),
            str(source),
        ],
        env={**os.environ, "HOME": str(home)},
        capture_output=True,
        timeout=180,
        check=True,
    )
    pdf = out / "narrative.pdf"
    assert pdf.is_file()
    return pdf


def test_libreoffice_sets_every_chinese_character_in_a_font_that_has_it(converted, engine, filters):
    pdffonts = need("pdffonts", "poppler-utils")
    pdftotext = need("pdftotext", "poppler-utils")
    fonts = subprocess.run(
        [pdffonts, str(converted)], capture_output=True, text=True, check=True
    ).stdout.splitlines()[2:]
    assert fonts
    assert any("CJK" in line.split()[0] for line in fonts), fonts
    for line in fonts:
        embedded, _, unicode_map = line.split()[-5:-2]
        assert (embedded, unicode_map) == ("yes", "yes"), line  # embedded, text extractable
    text = subprocess.run(
        [pdftotext, str(converted), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "\ufffd" not in text  # no replacement character: no glyph was lost
    flat = re.sub(r"—\d+—", "", squeeze(text))  # a page's foot may fall inside a paragraph
    narrative = draft_narrative(engine, filters, "zh")
    for block in [narrative.title, *(p.text for s in narrative.sections for p in s.paragraphs)]:
        assert squeeze(block) in flat, block
    assert "324.31亿元" in flat  # the annex table too


def test_libreoffice_prints_a4_portrait_pages_numbered_from_one(converted):
    pdfinfo = need("pdfinfo", "poppler-utils")
    pdftotext = need("pdftotext", "poppler-utils")
    info = subprocess.run(
        [pdfinfo, "-f", "1", "-l", "1", str(converted)], capture_output=True, text=True, check=True
    ).stdout
    width, height = map(float, re.search(r"Page\s+1 size:\s+([\d.]+) x ([\d.]+)", info).groups())
    assert (round(width), round(height)) == (595, 842)  # A4 portrait in points
    pages = subprocess.run(
        [pdftotext, str(converted), "-"], capture_output=True, text=True, check=True
    ).stdout.split("\f")[:-1]
    assert len(pages) >= 2
    for number, page in enumerate(pages, start=1):
        assert re.search(rf"—\s*{number}\s*—", page), number
