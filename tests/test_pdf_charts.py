"""The PDF pack's charts as vector PDF pages put into the laid-out pages
(campaign.brief.pdfcharts): each lands exactly where, and at the size, WeasyPrint would have
drawn the chart's SVG itself, its text kept as text in the CJK font; a chart without a place
is an error, never a missing chart."""

from __future__ import annotations

import base64
import io
import re
import shutil
import subprocess
from functools import partial
from pathlib import Path

import pikepdf
import pytest
import vl_convert
from PIL import Image, ImageChops

from campaign import theme
from campaign.brief import content, drawing, render
from campaign.brief.pdfcharts import ChartNotPlaced, ChartPages

pytestmark = pytest.mark.xdist_group("chart-drawing")


@pytest.fixture(scope="module")
def jobs(city_pack):
    """The city pack's charts: (chart, width, height)."""
    return content.pack_charts(city_pack)


@pytest.fixture(scope="module")
def charts(jobs, font):
    """Two of the pack's charts (a domain's and the ranking) as (svg, title)."""
    return [
        (render.chart_svg(chart, font, width, height), title)
        for (chart, width, height), title in ((jobs[1], "a domain's"), (jobs[0], "ranking"))
    ]


def poppler(name: str) -> str:
    found = shutil.which(name)
    assert found, f"{name} (poppler-utils) is needed"
    return found


def words(pdf: bytes, tmp_path: Path, name: str) -> list[tuple[str, float, float, float, float]]:
    """Each word of page 1 with its box (xMin, yMin, xMax, yMax), in points."""
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(pdf)
    found = subprocess.run(
        [poppler("pdftotext"), "-bbox", "-f", "1", "-l", "1", str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return [
        (html_text, float(x0), float(y0), float(x1), float(y1))
        for x0, y0, x1, y1, html_text in re.findall(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>',
            found,
        )
    ]


def raster(pdf: bytes) -> Image.Image:
    """Page 1 in grey at 150 dpi."""
    found = subprocess.run(
        [poppler("pdftoppm"), "-r", "150", "-f", "1", "-l", "1", "-gray", "-"],
        input=pdf,
        capture_output=True,
        check=True,
    ).stdout
    return Image.open(io.BytesIO(found))


PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"><style>
@page {{ size: A4 landscape; margin: 13mm 14mm 15mm 14mm; }}
html {{ font-family: "Noto Sans CJK SC"; font-size: 10pt; }}
.chart {{ display: inline-block; width: 49%; vertical-align: top; }}
.chart img {{ width: 100%; }}
</style></head><body><h1>标题</h1><p>一段文字</p>{figures}</body></html>"""


def test_each_chart_lands_where_and_as_large_as_weasyprint_draws_its_svg(charts, font, tmp_path):
    import weasyprint

    pages = ChartPages()
    placed_html = PAGE.format(
        figures="".join(
            f'<div class="chart">'
            f"{pages.image(partial(drawing.svg_pdf, svg, font, theme.FONT_STACK), title)}</div>"
            for svg, title in charts
        )
    )
    placed = pages.write(weasyprint.HTML(string=placed_html).render())
    drawn_html = PAGE.format(
        figures="".join(
            '<div class="chart"><img src="data:image/svg+xml;base64,'
            f'{base64.b64encode(svg.encode()).decode()}"></div>'
            for svg, _ in charts
        )
    )
    drawn = weasyprint.HTML(string=drawn_html).write_pdf()
    # (in the order of their text and place: the two PDFs draw them in other orders)
    placed_words = sorted(words(placed, tmp_path, "placed"), key=lambda w: (w[0], w[2], w[1]))
    drawn_words = sorted(words(drawn, tmp_path, "drawn"), key=lambda w: (w[0], w[2], w[1]))
    assert len(placed_words) > 40  # the page's text and both charts' labels and legends
    assert [w[0] for w in placed_words] == [w[0] for w in drawn_words]
    for here, there in zip(placed_words, drawn_words, strict=True):
        # The same word, across at the same place to a hundredth of a point (each writer
        # gives a word's box the height of its own font's metrics: compared below).
        assert abs(here[1] - there[1]) < 0.01 and abs(here[3] - there[3]) < 0.01, (here, there)
    # The same page, pixel for pixel at 150 dpi: a chart placed a sixth of a point too low
    # changes some 600 pixels.
    placed_image, drawn_image = raster(placed), raster(drawn)
    ink = sum(drawn_image.histogram()[:128])
    differing = sum(ImageChops.difference(placed_image, drawn_image).histogram()[64:])
    assert ink > 10_000 and differing < ink / 200, (differing, ink)


def test_a_chart_page_keeps_its_text_and_names_the_real_font(charts, font, tmp_path):
    svg, _ = charts[0]
    page = drawing.svg_pdf(svg, font, theme.FONT_STACK)
    assert page.startswith(b"%PDF-")
    full = vl_convert.svg_to_pdf(svg)  # the full font: the same words at the same places
    assert words(page, tmp_path, "copy") == words(full, tmp_path, "full")
    (tmp_path / "page.pdf").write_bytes(page)
    fonts = subprocess.run(
        [poppler("pdffonts"), str(tmp_path / "page.pdf")], capture_output=True, text=True
    ).stdout.splitlines()[2:]
    assert fonts and all("NotoSansCJK" in line.split()[0] for line in fonts), fonts


def test_a_chart_without_a_place_is_an_error_not_a_missing_chart(charts, font):
    import weasyprint

    pages = ChartPages()
    svg, title = charts[0]
    image = pages.image(partial(drawing.svg_pdf, svg, font, theme.FONT_STACK), title)
    hidden = PAGE.format(figures=f'<div style="display: none">{image}</div>')
    with pytest.raises(ChartNotPlaced):
        pages.write(weasyprint.HTML(string=hidden).render())


def test_a_pdf_without_charts_is_weasyprints_own():
    import weasyprint

    document = weasyprint.HTML(string=PAGE.format(figures="")).render()
    assert ChartPages().write(document)[:5] == b"%PDF-"


def test_a_chart_given_width_and_height_is_drawn_exactly_that_size(jobs, font):
    """What lets the PDF be laid out before its charts are drawn."""
    sized = [(chart, width, height) for chart, width, height in jobs if height is not None]
    assert len(sized) == len(jobs) - 1  # all but the ranking
    for chart, width, height in sized:
        with pikepdf.open(io.BytesIO(render.chart_pdf(chart, font, width, height))) as page:
            assert [float(v) for v in page.pages[0].mediabox] == [0, 0, width, height]


def test_a_chart_of_known_size_is_asked_for_only_when_the_pages_are_written(charts, font):
    import weasyprint

    svg, title = charts[0]
    asked: list[str] = []

    def chart_page() -> bytes:
        asked.append(title)
        return drawing.svg_pdf(svg, font, theme.FONT_STACK)

    pages = ChartPages()
    size = re.match(r'<svg [^>]*width="(\d+)" height="(\d+)"', svg)
    assert size is not None
    width, height = int(size.group(1)), int(size.group(2))
    html = PAGE.format(
        figures=f'<div class="chart">{pages.image(chart_page, title, (width, height))}</div>'
    )
    document = weasyprint.HTML(string=html).render()
    assert asked == []
    assert pages.write(document)[:5] == b"%PDF-" and asked == [title]


def test_a_chart_drawn_at_another_size_is_fitted_into_its_place_with_a_warning(
    charts, font, caplog
):
    import weasyprint

    svg, title = charts[0]
    pages = ChartPages()
    image = pages.image(partial(drawing.svg_pdf, svg, font, theme.FONT_STACK), title, (300, 100))
    document = weasyprint.HTML(string=PAGE.format(figures=image)).render()
    assert pages.write(document)[:5] == b"%PDF-"
    assert "not 300x100" in caplog.text
