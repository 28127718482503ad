"""The meeting pack (会议材料): PDF, Excel and PowerPoint made by the command, read back, and
held to the engine's numbers.

One data folder for the module: the shipped extracts and targets (symlinked, so the sample
is not copied) plus follow-up notes written here. The PDF and the deck are made once each
(their charts take seconds); every test reads them back. All tests run on one xdist worker
so the files are made once.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pptx import Presentation
from pptx.oxml.ns import qn

from campaign import cli, theme
from campaign.access import LOCAL_USER
from campaign.brief import FontMissing, build_pack, file_name, format_of, locate_cjk_font
from campaign.brief.content import kpi_cells, shown_fraction, shown_number
from campaign.formatting import format_date, format_percent, format_value
from campaign.kpi import KpiEngine
from campaign.notes import NotesStore
from campaign.views import domain_label, scope_label

pytestmark = pytest.mark.xdist_group("brief")

ROOT = Path(__file__).resolve().parents[1]
QUERIES = ROOT / "queries"
AS_OF = "2022-09-30"
# A4 landscape in PDF points.
A4_LANDSCAPE = (841.89, 595.28)
CJK = re.compile(r"[\u4e00-\u9fff]")


def brief(*args: str) -> int:
    """``python -m campaign brief ...``."""
    return cli.main(["brief", *args])


def poppler(tool: str) -> str:
    found = shutil.which(tool)
    if found:
        return found
    reason = f"{tool} is not installed (apt-get install poppler-utils)"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI must check the PDF: {reason}")
    pytest.skip(reason)


def run(*command: str) -> str:
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped sample with follow-up notes (a note, its edit, an older month, a district)."""
    folder = tmp_path_factory.mktemp("pack-data")
    (folder / "extracts").symlink_to(ROOT / "data" / "extracts", target_is_directory=True)
    (folder / "targets.csv").symlink_to(ROOT / "data" / "targets.csv")
    store = NotesStore.for_data(folder)
    first = store.add(
        "investment_signed_amount",
        "全市",
        "2022-09",
        reason="两个大项目签约推迟",
        action="旧版本的措施",
        due_date=None,
        author="市投资促进局",
        user=LOCAL_USER,
        now=datetime(2022, 10, 8, 1, 0, tzinfo=UTC),
    )
    store.revise(
        first.id,
        reason="两个大项目签约推迟至第四季度",
        action="十月底前完成集中签约",
        due_date=date(2022, 10, 31),
        author="市投资促进局",
        user=LOCAL_USER,
        now=datetime(2022, 10, 9, 2, 30, tzinfo=UTC),
    )
    store.add(
        "investment_signed_amount",
        "全市",
        "2022-08",
        reason="八月项目储备不足",
        action="开展专题招商",
        due_date="2022-09-30",
        author="招商专班",
        user=LOCAL_USER,
        now=datetime(2022, 9, 5, 1, 0, tzinfo=UTC),
    )
    store.add(
        "talent_high_skill",
        "城阳区",  # another scope: not in the city's pack
        "2022-09",
        reason="城阳区的说明",
        action="城阳区的措施",
        due_date=None,
        author="城阳区人社局",
        user=LOCAL_USER,
    )
    return folder


@pytest.fixture(scope="module")
def engine(data_dir: Path) -> KpiEngine:
    return KpiEngine(data_dir, QUERIES)


@pytest.fixture(scope="module")
def filters(engine: KpiEngine):
    return engine.resolve(as_of=AS_OF)


@pytest.fixture(scope="module")
def pdf_file(data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("pack") / "会议材料.pdf"
    code = brief(
        "--data", str(data_dir), "--queries", str(QUERIES), "--as-of", AS_OF, "--out", str(out)
    )
    assert code == 0
    return out


@pytest.fixture(scope="module")
def all_pdf_pages(pdf_file: Path) -> list[str]:
    text = run(poppler("pdftotext"), "-layout", str(pdf_file), "-")
    return text.split("\f")[:-1]  # pdftotext ends every page with a form feed


def cover_index(pages: list[str]) -> int:
    """The drafted narrative (文字稿) comes first; the pack proper starts at its cover."""
    return next(i for i, p in enumerate(pages) if "攻势调度会 · 会议材料" in p)


@pytest.fixture(scope="module")
def pdf_pages(all_pdf_pages: list[str]) -> list[str]:
    """The pack's pages from the cover on."""
    return all_pdf_pages[cover_index(all_pdf_pages) :]


@pytest.fixture(scope="module")
def pptx_file(data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("pack") / "deck.pptx"
    code = brief(
        "--data", str(data_dir), "--queries", str(QUERIES), "--as-of", AS_OF, "--out", str(out)
    )
    assert code == 0
    return out


@pytest.fixture(scope="module")
def xlsx_file(data_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("pack") / "pack.xlsx"
    code = brief(
        "--data", str(data_dir), "--queries", str(QUERIES), "--as-of", AS_OF, "--out", str(out)
    )
    assert code == 0
    return out


def squeeze(text: str) -> str:
    return re.sub(r"\s+", " ", text)


# ---------------------------------------------------------------- PDF


def test_pdf_is_a4_landscape_after_the_portrait_narrative_with_the_cjk_font_embedded(
    pdf_file, all_pdf_pages
):
    first_pack_page = cover_index(all_pdf_pages) + 1
    assert first_pack_page > 1  # the narrative's page(s) come first
    info = run(poppler("pdfinfo"), "-f", "1", "-l", str(len(all_pdf_pages)), str(pdf_file))
    sizes = [
        (round(float(w), 1), round(float(h), 1))
        for w, h in re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)", info)
    ]
    landscape = (round(A4_LANDSCAPE[0], 1), round(A4_LANDSCAPE[1], 1))
    portrait = landscape[::-1]
    assert sizes == [portrait] * (first_pack_page - 1) + [landscape] * (
        len(sizes) - first_pack_page + 1
    )
    fonts = run(poppler("pdffonts"), str(pdf_file)).splitlines()[2:]
    assert any("NotoSansCJKSC" in line.replace("-", "") for line in fonts), fonts
    for line in fonts:
        # name type encoding emb sub uni: every font embedded, with a Unicode map (extractable)
        embedded, _, unicode_map = line.split()[-5:-2]
        assert (embedded, unicode_map) == ("yes", "yes"), line


def test_pdf_charts_are_vector_graphics_not_pictures(pdf_file):
    listed = run(poppler("pdfimages"), "-list", str(pdf_file)).splitlines()
    assert listed[2:] == []  # only the two header lines: no raster image anywhere


def test_pdf_cover_states_the_as_of_date_and_pace(pdf_pages, filters, engine):
    cover = squeeze(pdf_pages[0])
    assert "攻势调度会" in cover and "会议材料" in cover
    assert "数据截至 2022年9月30日" in cover
    expected = engine.scorecard(filters).expected
    assert f"序时进度 {format_percent(expected)}" in cover
    assert "序时进度 75.0%" in cover  # 9 of 12 months


def test_pdf_summary_shows_every_kpi_with_the_engines_figures(pdf_pages, engine, filters):
    summary = squeeze(pdf_pages[1])
    assert "指标总表" in summary
    for result in engine.scorecard(filters).results:
        cells = kpi_cells(result)
        row = summary[summary.index(result.kpi.name_zh) :]
        figures = [cells[c] for c in ("actual", "target", "completion", "expected", "gap")]
        # The row reads left to right: actual, target, completion, pace, gap, ..., status.
        positions = [row.index(figure) for figure in figures]
        assert positions == sorted(positions), (result.kpi.id, figures)
        assert theme.status_style(result.status).label() in row[: row.index(figures[-1]) + 80]
    # A hand-checked row: 融资金额 324.31亿元 of 421.00亿元 = 77.0%, pace 75.0%, +2.0 points.
    assert "融资金额 324.31亿元 421.00亿元 77.0% 75.0% +2.0个百分点" in summary


def test_pdf_has_a_page_per_domain_with_its_kpis(pdf_pages, engine):
    domains = list(dict.fromkeys(d.domain for d in engine.definitions()))
    domain_pages = pdf_pages[2 : 2 + len(domains)]
    for domain, page in zip(domains, domain_pages, strict=True):
        assert page.strip().startswith(domain_label(domain))
        for definition in engine.definitions():
            if definition.domain == domain:
                assert definition.name_zh in page
                assert "累计进度" in page or "月末水平" in page  # chart titles and axis text
    assert "1月" in domain_pages[0] and "12月" in domain_pages[0]  # chart text is text


def test_pdf_ranking_page_lists_each_district_with_its_score(pdf_pages, engine, filters):
    page = next(p for p in pdf_pages if p.strip().startswith("区市排名"))
    ranking = engine.ranking(filters)
    assert not ranking.empty
    for row in ranking.itertuples(index=False):
        assert re.search(rf"{row.rank}\s+{row.district}\s+{row.score:.1f}", page), row.district


def test_pdf_lists_lagging_kpis_with_their_current_notes(pdf_pages, engine, filters):
    start = next(i for i, p in enumerate(pdf_pages) if "督办说明" in p.split("\n", 1)[0])
    text = squeeze(" ".join(pdf_pages[start:]))
    behind = [r for r in engine.scorecard(filters).results if r.status in ("lagging", "critical")]
    assert behind
    for result in behind:
        assert result.kpi.name_zh in text
    assert "两个大项目签约推迟至第四季度" in text and "十月底前完成集中签约" in text
    assert "2022年10月31日" in text  # due date
    assert "市投资促进局 · 2022年10月9日 10:30" in text  # who and when (China time)
    assert "八月项目储备不足" in text  # an earlier month's note this year
    assert "旧版本的措施" not in text  # the edited version replaced it
    assert "城阳区的说明" not in text  # another scope's note


def test_a_missing_cjk_font_is_a_clear_error_never_empty_boxes(
    monkeypatch, data_dir, tmp_path, capsys
):
    with pytest.raises(FontMissing) as missing:
        locate_cjk_font("No Such Font CJK", known_paths=())
    assert "fonts-noto-cjk" in missing.value.text("zh") and "fonts-noto-cjk" in str(missing.value)
    assert "找不到中文字体" in missing.value.text("zh")

    def no_font(*args, **kwargs):
        raise FontMissing("Noto Sans CJK SC")

    monkeypatch.setattr("campaign.brief.pdf.locate_cjk_font", no_font)
    out = tmp_path / "pack.pdf"
    assert brief("--data", str(data_dir), "--queries", str(QUERIES), "--out", str(out)) == 1
    assert "找不到中文字体「Noto Sans CJK SC」" in capsys.readouterr().err
    assert not out.exists()


def test_the_installed_font_is_noto_sans_cjk():
    font = locate_cjk_font()
    assert font.family == "Noto Sans CJK SC" and font.path.is_file()


# ---------------------------------------------------------------- Excel


def header_row(sheet) -> tuple[int, list[str]]:
    for row in sheet.iter_rows(min_row=1, max_row=10):
        values = [c.value for c in row]
        if values[0] in ("领域", "名次", "月份", "指标", "Domain"):
            return row[0].row, values
    raise AssertionError("no header row")


def test_xlsx_kpi_table_holds_the_engines_numbers_with_the_apps_formats(xlsx_file, engine, filters):
    book = load_workbook(xlsx_file)
    sheet = book["指标总表"]
    header, columns = header_row(sheet)
    results = {r.kpi.id: r for r in engine.scorecard(filters).results}
    rows = {
        row[columns.index("指标编号")].value: row
        for row in sheet.iter_rows(min_row=header + 1)
        if row[0].value
    }
    assert set(rows) == set(results)
    for kpi_id, result in results.items():
        row = {name: cell for name, cell in zip(columns, rows[kpi_id], strict=True)}
        # numbers rounded to the digits shown, so the cell reads as every other surface
        shown = shown_number(result.actual, result.kpi.unit)
        assert row["累计完成"].value == pytest.approx(shown, abs=1e-12)
        assert row["累计完成"].value == pytest.approx(result.actual, abs=0.005)
        target = shown_number(result.target, result.kpi.unit)
        assert row["年度目标"].value == pytest.approx(target, abs=1e-12)
        assert row["完成率"].value == pytest.approx(shown_fraction(result.completion), abs=1e-12)
        assert row["完成率"].value == pytest.approx(result.completion, abs=0.0005)
        assert row["完成率"].number_format == "0.0%"
        assert row["状态"].value == theme.status_style(result.status).tag()
        assert row["累计完成（显示）"].value == format_value(result.actual, result.kpi.unit)
    amount = {name: cell for name, cell in zip(columns, rows["financing_amount"], strict=True)}
    assert amount["累计完成"].number_format == "#,##0.00"  # 324.31亿元: two decimals, as shown
    firms = {name: cell for name, cell in zip(columns, rows["financing_enterprises"], strict=True)}
    assert firms["累计完成"].number_format == "#,##0"  # 12,121家


def test_xlsx_district_table_and_a_sheet_per_kpi_with_its_months(xlsx_file, engine, filters):
    book = load_workbook(xlsx_file)
    districts = book["区市"]
    header, _ = header_row(districts)
    table = [row for row in districts.iter_rows(min_row=header + 1, values_only=True) if row[1]]
    ranking = engine.ranking(filters)
    for row in ranking.itertuples(index=False):
        found = next(r for r in table if r[1] == row.district)
        assert (found[0], found[2]) == (row.rank, pytest.approx(row.score))
    definitions = engine.definitions()
    assert book.sheetnames[3:] == [d.name_zh for d in definitions]
    for definition in definitions:
        monthly = engine.monthly(definition.id, filters)
        sheet = book[definition.name_zh]
        header, _ = header_row(sheet)
        values = [r for r in sheet.iter_rows(min_row=header + 1, values_only=True) if r[0]]
        assert [r[0] for r in values] == [f"2022年{m}月" for m in range(1, 13)]
        for row, expected in zip(values, monthly["cumulative"], strict=True):
            wanted = shown_number(expected, definition.unit)
            assert row[2] == (pytest.approx(wanted, abs=1e-12) if wanted is not None else None)
    notes = book["督办说明"]
    texts = [c for row in notes.iter_rows(values_only=True) for c in row if c]
    assert "两个大项目签约推迟至第四季度" in texts and "旧版本的措施" not in texts


def test_xlsx_in_english_shows_amounts_in_billions(engine, filters, tmp_path):
    pack = build_pack(engine, filters, "en")
    from campaign.brief.workbook import workbook

    sheet = workbook(pack)["KPIs"]
    header, columns = header_row(sheet)
    row = next(r for r in sheet.iter_rows(min_row=header + 1) if r[2].value == "financing_amount")
    cells = dict(zip(columns, row, strict=True))
    result = engine.result("financing_amount", filters)
    assert cells["Unit"].value == "CNY bn"
    assert cells["Year to date"].value == round(result.actual * 0.1, 3)  # 亿元 → bn, as shown
    assert cells["Year to date"].number_format == "#,##0.000"  # CNY 32.431 bn
    assert cells["Year to date (as shown)"].value == "CNY 32.431 bn"
    assert file_name(filters, "en", "xlsx") == "meeting-pack_Whole-city_2022-09-30.xlsx"


# ---------------------------------------------------------------- PowerPoint


def slide_texts(presentation) -> list[str]:
    texts = []
    for slide in presentation.slides:
        parts = []
        for shape in slide.shapes:
            if shape.has_text_frame:
                parts.append(shape.text_frame.text)
            if shape.has_table:
                parts += [cell.text for row in shape.table.rows for cell in row.cells]
        texts.append("\n".join(parts))
    return texts


def test_pptx_has_a_slide_per_domain_with_the_engines_figures(pptx_file, engine, filters):
    deck = Presentation(str(pptx_file))
    texts = slide_texts(deck)
    domains = list(dict.fromkeys(d.domain for d in engine.definitions()))
    assert "攻势调度会" in texts[0] and "数据截至 2022年9月30日" in texts[0]
    domain_slides = texts[2 : 2 + len(domains)]
    results = engine.scorecard(filters).results
    for domain, text in zip(domains, domain_slides, strict=True):
        assert text.startswith(domain_label(domain))
        for result in results:
            if result.kpi.domain == domain:
                cells = kpi_cells(result)
                for column in ("kpi", "actual", "target", "completion", "gap", "status"):
                    assert cells[column] in text, (result.kpi.id, column)
    slides = list(deck.slides)
    for slide in slides[2 : 2 + len(domains)]:
        assert any(shape.shape_type == 13 for shape in slide.shapes)  # a chart picture
    ranking = next(t for t in texts if t.startswith("区市排名"))
    for row in engine.ranking(filters).itertuples(index=False):
        assert scope_label(row.district) in ranking and f"{row.score:.1f}" in ranking
    behind = "\n".join(t for t in texts if t.startswith("滞后和严重滞后指标"))
    assert "十月底前完成集中签约" in behind and "旧版本的措施" not in behind


def test_pptx_sets_an_east_asian_font_on_every_chinese_run(pptx_file):
    deck = Presentation(str(pptx_file))
    chinese_runs = 0
    for slide in deck.slides:
        for run in slide.shapes._spTree.iter(qn("a:r")):
            text = run.findtext(qn("a:t")) or ""
            if not CJK.search(text):
                continue
            chinese_runs += 1
            properties = run.find(qn("a:rPr"))
            assert properties is not None and properties.get("lang") == "zh-CN"
            east_asian = properties.find(qn("a:ea"))
            assert east_asian is not None and east_asian.get("typeface"), text
    assert chinese_runs > 100


# ---------------------------------------------------------------- the command


def test_the_output_format_comes_from_the_suffix(data_dir, tmp_path, capsys):
    assert format_of("a/b/会议材料.PDF") == "pdf"
    out = tmp_path / "pack.odt"
    assert brief("--data", str(data_dir), "--queries", str(QUERIES), "--out", str(out)) == 2
    assert ".pdf、.xlsx、.pptx 或 .docx" in capsys.readouterr().err
    assert not out.exists()


def test_a_bad_district_or_date_is_a_usage_error(data_dir, tmp_path, capsys):
    out = tmp_path / "pack.xlsx"
    common = ("--data", str(data_dir), "--queries", str(QUERIES), "--out", str(out))
    assert brief(*common, "--district", "不存在区") == 2
    assert brief(*common, "--year", "2022", "--as-of", "2021-05-31") == 2
    assert not out.exists()


def test_a_district_pack_shows_that_districts_figures(data_dir, engine, tmp_path):
    out = tmp_path / "城阳.xlsx"
    common = ("--data", str(data_dir), "--queries", str(QUERIES), "--as-of", AS_OF)
    assert brief(*common, "--district", "城阳", "--out", str(out)) == 0
    sheet = load_workbook(out)["指标总表"]
    assert "范围：城阳区" in sheet["A2"].value
    filters = engine.resolve(as_of=AS_OF, district="城阳区")
    result = engine.result("financing_amount", filters)
    header, columns = header_row(sheet)
    row = next(r for r in sheet.iter_rows(min_row=header + 1) if r[2].value == "financing_amount")
    assert row[columns.index("累计完成（显示）")].value == format_value(result.actual, "亿元")
    notes = [c for r in load_workbook(out)["督办说明"].iter_rows(values_only=True) for c in r]
    assert "城阳区的说明" in notes and "两个大项目签约推迟至第四季度" not in notes


def test_dates_in_the_pack_are_the_apps(engine, filters):
    pack = build_pack(engine, filters, "zh", notes=None)
    assert pack.facts()[1] == f"数据截至 {format_date(filters.as_of)}"


def test_pdf_opens_with_the_drafted_narrative_on_portrait_pages(all_pdf_pages, engine, filters):
    from campaign.narrative import draft_narrative

    narrative = draft_narrative(engine, filters, "zh")
    opening = re.sub(r"\s+", "", "".join(all_pdf_pages[: cover_index(all_pdf_pages)]))
    # The running foot of each page (攻势看板 · 全市 · 数据截至… 第 1 / 15 页) may fall mid-paragraph.
    opening = re.sub(r"攻势看板·全市·数据截至\d+年\d+月\d+日第\d+/\d+页", "", opening)
    assert opening.startswith(narrative.title)
    for section in narrative.sections:
        assert section.heading in opening
        for paragraph in section.paragraphs:
            for sentence in paragraph.sentences:
                assert re.sub(r"\s+", "", sentence.text) in opening, sentence.text
