"""The meeting pack as a PowerPoint deck (16:9): cover, all KPIs, one slide per domain,
the district ranking, and the KPIs behind pace with their follow-up notes.

Every run of text names an East Asian typeface (``a:ea``) and is tagged ``zh-CN``, so
PowerPoint and WPS set Chinese in a Chinese font instead of falling back glyph by glyph.
Charts are pictures of the dashboard's own Altair charts (rendered by vl-convert at twice
their pixel size, sharp on a projector).
"""

from __future__ import annotations

import io
import struct
from collections.abc import Sequence

from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.oxml.ns import qn
from pptx.presentation import Presentation as PresentationType
from pptx.slide import Slide
from pptx.text.text import TextFrame, _Run
from pptx.util import Emu, Inches, Pt

from campaign import theme
from campaign.brief import content, drawing
from campaign.brief.content import MeetingPack, PackDomain, PackKpi
from campaign.brief.fonts import CjkFont, locate_cjk_font
from campaign.brief.render import chart_files, chart_png, render_ahead
from campaign.formatting import format_date, format_month

# The typeface a Chinese office's Windows machines all have; PowerPoint falls back to its
# own East Asian default (等线) where it is missing, never to a Latin font.
DECK_FONT = "Microsoft YaHei"
SLIDE_WIDTH = Inches(13.333)
SLIDE_HEIGHT = Inches(7.5)
MARGIN = Inches(0.5)
# Charts are pictures at twice their pixel size: sharp on a projector.
CHART_SCALE = 2.0
CONTENT_WIDTH = SLIDE_WIDTH - 2 * MARGIN
TEXT = theme.TEXT_COLOR.lstrip("#")
MUTED = theme.MUTED_COLOR.lstrip("#")
HEADER_FILL = "EEF1F4"
BEHIND_PER_SLIDE = 4


def style_run(run: _Run, lang: str, size: float, bold: bool = False, color: str = TEXT) -> None:
    """Size, weight, colour and the Latin, East Asian and complex-script typefaces."""
    font = run.font
    font.size = Pt(size)
    font.bold = bold
    font.color.rgb = RGBColor.from_string(color)
    font.name = DECK_FONT  # a:latin
    properties = run._r.get_or_add_rPr()
    properties.set("lang", "zh-CN" if lang == "zh" else "en-US")
    properties.set("altLang", "en-US" if lang == "zh" else "zh-CN")
    previous = properties.find(qn("a:latin"))
    for tag in ("a:ea", "a:cs"):
        element = properties.find(qn(tag))
        if element is None:
            element = properties.makeelement(qn(tag), {})
            previous.addnext(element)  # schema order: latin, ea, cs
        element.set("typeface", DECK_FONT)
        previous = element


def write(
    frame: TextFrame,
    lines: Sequence[str],
    lang: str,
    size: float,
    bold: bool = False,
    color: str = TEXT,
    align: PP_ALIGN | None = None,
) -> None:
    """Replace the frame's text with ``lines``, one paragraph each, styled."""
    frame.word_wrap = True
    for index, line in enumerate(lines):
        paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
        if index == 0:
            for run in list(paragraph.runs):
                paragraph._p.remove(run._r)
        if align is not None:
            paragraph.alignment = align
        run = paragraph.add_run()
        run.text = line
        style_run(run, lang, size, bold, color)


def _text(
    slide: Slide,
    left: int,
    top: int,
    width: int,
    height: int,
    lines: Sequence[str],
    lang: str,
    size: float,
    bold: bool = False,
    color: str = TEXT,
) -> None:
    box = slide.shapes.add_textbox(left, top, width, height)
    write(box.text_frame, lines, lang, size, bold, color)


def _title(slide: Slide, pack: MeetingPack, title: str, facts: bool = True) -> int:
    """The slide's title (and the pack's facts under it); returns where content starts."""
    _text(slide, MARGIN, Inches(0.3), CONTENT_WIDTH, Inches(0.7), [title], pack.lang, 28, True)
    if facts:
        _text(
            slide,
            MARGIN,
            Inches(0.95),
            CONTENT_WIDTH,
            Inches(0.4),
            [" · ".join(pack.facts())],
            pack.lang,
            13,
            color=MUTED,
        )
    return Inches(1.45)


def _fill(cell: object, color: str) -> None:
    cell.fill.solid()  # type: ignore[attr-defined]
    cell.fill.fore_color.rgb = RGBColor.from_string(color)  # type: ignore[attr-defined]


def _table(
    slide: Slide,
    pack: MeetingPack,
    headers: Sequence[str],
    rows: Sequence[Sequence[str]],
    top: int,
    widths: Sequence[float],
    size: float,
    statuses: Sequence[str | None] = (),
    status_column: int | None = None,
    numeric: set[int] | frozenset[int] = frozenset(),
    row_height: float = 0.4,
    left: int = MARGIN,
) -> int:
    """A table with a grey header and status-coloured status cells; returns its bottom."""
    height = Inches(row_height * (len(rows) + 1))
    shape = slide.shapes.add_table(
        len(rows) + 1, len(headers), left, top, Inches(sum(widths)), height
    )
    table = shape.table
    table.first_row = True
    for index, width in enumerate(widths):
        table.columns[index].width = Inches(width)
    for row_index, values in enumerate([headers, *rows]):
        table.rows[row_index].height = Inches(row_height)
        for column, value in enumerate(values):
            cell = table.cell(row_index, column)
            cell.margin_left = cell.margin_right = Inches(0.06)
            cell.margin_top = cell.margin_bottom = Inches(0.02)
            cell.vertical_anchor = MSO_ANCHOR.MIDDLE
            align = PP_ALIGN.RIGHT if column in numeric else PP_ALIGN.LEFT
            header = row_index == 0
            color, fill = (MUTED, HEADER_FILL) if header else (TEXT, "FFFFFF")
            status = statuses[row_index - 1] if not header and statuses else None
            if status is not None and column == status_column:
                style = theme.status_style(status)
                color, fill = style.text_color.lstrip("#"), style.color.lstrip("#")
            _fill(cell, fill)
            write(cell.text_frame, [str(value)], pack.lang, size, header, color, align)
    return top + height


def _png_size(png: bytes) -> tuple[int, int]:
    width, height = struct.unpack(">II", png[16:24])
    return width, height


def _pictures(
    slide: Slide, images: Sequence[bytes], left: int, top: int, width: int, height: int
) -> None:
    """Pictures side by side in the box, each as large as its slot allows, aspect kept."""
    if not images:
        return
    gap = Inches(0.25)
    slot = int((width - gap * (len(images) - 1)) / len(images))
    for index, png in enumerate(images):
        pixels_w, pixels_h = _png_size(png)
        shown_w = slot
        shown_h = int(slot * pixels_h / pixels_w)
        if shown_h > height:
            shown_h = height
            shown_w = int(height * pixels_w / pixels_h)
        x = left + index * (slot + gap) + (slot - shown_w) // 2
        slide.shapes.add_picture(io.BytesIO(png), x, top, Emu(shown_w), Emu(shown_h))


def _kpi_rows(pack: MeetingPack, kpis: Sequence[PackKpi], with_domain: bool) -> list[list[str]]:
    rows = []
    for kpi in kpis:
        cells = content.kpi_cells(kpi.result, pack.lang)
        columns = (["domain"] if with_domain else []) + ["kpi", *content.SUMMARY_COLUMNS]
        rows.append([cells[c] for c in columns])
    return rows


def _kpi_headers(pack: MeetingPack, with_domain: bool) -> list[str]:
    columns = (["domain"] if with_domain else []) + ["kpi", *content.SUMMARY_COLUMNS]
    return [pack.t(f"brief.col.{c}") for c in columns]


_KPI_WIDTHS = [2.15, 1.35, 1.35, 0.9, 0.9, 1.35, 0.85, 1.35, 1.1, 1.0]


def cover_slide(deck: PresentationType, pack: MeetingPack) -> None:
    slide = deck.slides.add_slide(deck.slide_layouts[6])
    lang = pack.lang
    _text(
        slide,
        MARGIN,
        Inches(1.6),
        CONTENT_WIDTH,
        Inches(1),
        [pack.t("brief.title")],
        lang,
        40,
        True,
    )
    _text(
        slide,
        MARGIN,
        Inches(2.6),
        CONTENT_WIDTH,
        Inches(0.6),
        [pack.t("brief.subtitle")],
        lang,
        20,
        color=MUTED,
    )
    _text(slide, MARGIN, Inches(3.5), CONTENT_WIDTH, Inches(1.5), pack.facts(), lang, 22, True)
    width = Inches(2.6)
    for index, (status, n) in enumerate(pack.status_counts().items()):
        style = theme.status_style(status)
        box = slide.shapes.add_textbox(
            MARGIN + index * (width + Inches(0.3)), Inches(5.4), width, Inches(0.7)
        )
        box.fill.solid()
        box.fill.fore_color.rgb = RGBColor.from_string(style.color.lstrip("#"))
        write(
            box.text_frame,
            [pack.t("brief.cover.counts", label=style.tag(lang), n=n)],
            lang,
            18,
            True,
            style.text_color.lstrip("#"),
            PP_ALIGN.CENTER,
        )


def summary_slide(deck: PresentationType, pack: MeetingPack) -> None:
    slide = deck.slides.add_slide(deck.slide_layouts[6])
    top = _title(slide, pack, pack.t("brief.summary.title"))
    kpis = pack.kpis
    numeric = {2, 3, 4, 5, 6, 7, 8, 9}
    notice = pack.not_reported_notice()
    if notice:
        _text(slide, MARGIN, top, CONTENT_WIDTH, Inches(0.5), [notice], pack.lang, 10, True)
        top += Inches(0.5)
    _table(
        slide,
        pack,
        _kpi_headers(pack, True),
        _kpi_rows(pack, kpis, True),
        top,
        [0.95, 1.8, 1.2, 1.2, 0.85, 0.85, 1.25, 0.8, 1.2, 1.1, 1.1],
        10,
        [k.result.status for k in kpis],
        status_column=10,
        numeric=numeric,
        row_height=min(0.36, (5.7 if not notice else 5.2) / (len(kpis) + 1)),
    )


def domain_slide(
    deck: PresentationType, pack: MeetingPack, domain: PackDomain, font: CjkFont
) -> None:
    slide = deck.slides.add_slide(deck.slide_layouts[6])
    top = _title(slide, pack, content.domain_title(domain.domain, pack.lang))
    kpis = list(domain.kpis)
    bottom = _table(
        slide,
        pack,
        _kpi_headers(pack, False),
        _kpi_rows(pack, kpis, False),
        top,
        _KPI_WIDTHS,
        12,
        [k.result.status for k in kpis],
        status_column=9,
        numeric={1, 2, 3, 4, 5, 6, 7, 8},
    )
    found = content.domain_charts(pack, domain)
    if not found:
        return
    area_top = bottom + Inches(0.2)
    area_height = SLIDE_HEIGHT - area_top - Inches(0.25)
    height = content.chart_height(len(found))
    # Two charts side by side; more go into a grid of two columns.
    per_row = min(len(found), 2)
    rows = -(-len(found) // per_row)
    gap = Inches(0.25)
    cell_width = int((CONTENT_WIDTH - gap * (per_row - 1)) / per_row)
    cell_height = int((area_height - gap * (rows - 1)) / rows)
    caption = Inches(0.32)
    for index, chart in enumerate(found):
        left = MARGIN + (index % per_row) * (cell_width + gap)
        cell_top = area_top + (index // per_row) * (cell_height + gap)
        _text(slide, left, cell_top, cell_width, caption, [chart.title], pack.lang, 12, True)
        png = chart_png(
            chart.chart, font, content.CHART_WIDTH, height, CHART_SCALE, chart_files(pack)
        )
        _pictures(slide, [png], left, cell_top + caption, cell_width, cell_height - caption)


def ranking_slide(deck: PresentationType, pack: MeetingPack, font: CjkFont) -> None:
    slide = deck.slides.add_slide(deck.slide_layouts[6])
    top = _title(slide, pack, pack.t("brief.ranking.title"), facts=False)
    _text(
        slide,
        MARGIN,
        Inches(0.95),
        CONTENT_WIDTH,
        Inches(0.4),
        [
            " · ".join(
                [
                    *pack.facts()[1:],
                    pack.t("brief.ranking.compared", date=pack.previous_month_end_text()),
                ]
            )
        ],
        pack.lang,
        13,
        color=MUTED,
    )
    if pack.ranking.empty:
        _text(
            slide,
            MARGIN,
            top,
            CONTENT_WIDTH,
            Inches(1),
            [pack.t("brief.ranking.empty")],
            pack.lang,
            18,
        )
        return
    figure = content.ranking_chart(pack)
    png = chart_png(figure, font, content.RANKING_WIDTH, None, CHART_SCALE, chart_files(pack))  # type: ignore[arg-type]
    _pictures(slide, [png], MARGIN, top, Inches(5.9), SLIDE_HEIGHT - top - Inches(0.3))
    columns = ("rank", "district", "score", "previous_rank", "movement", "counted")
    rows = [[r[c] for c in columns] for r in pack.ranking_rows()]
    _table(
        slide,
        pack,
        [pack.t(f"brief.col.{c}") for c in columns],
        rows,
        top,
        [0.6, 1.5, 0.95, 0.95, 1.35, 0.85],
        12,
        numeric={0, 2, 3, 5},
        row_height=min(0.42, 5.4 / (len(rows) + 1)),
        left=MARGIN + Inches(6.1),
    )


def _note_lines(pack: MeetingPack, kpi: PackKpi) -> list[str]:
    if not kpi.notes:
        return [pack.t("brief.lagging.no_notes")]
    note = content.notes_sorted(kpi.notes)[0]
    due = format_date(note.due_date, pack.lang) if note.due_date else "—"
    month = format_month(note.month + "-01", pack.lang)
    return [
        f"{pack.t('brief.note.month', month=month)} · {note.written(pack.lang)}",
        pack.t("brief.note.field", label=pack.t("brief.col.reason"), value=note.reason or "—"),
        pack.t("brief.note.field", label=pack.t("brief.col.action"), value=note.action or "—")
        + pack.t("brief.note.due", due=due),
    ]


def behind_slides(deck: PresentationType, pack: MeetingPack) -> None:
    behind = pack.behind
    pages = [behind[i : i + BEHIND_PER_SLIDE] for i in range(0, len(behind), BEHIND_PER_SLIDE)]
    for page in pages or [[]]:
        slide = deck.slides.add_slide(deck.slide_layouts[6])
        top = _title(slide, pack, pack.t("brief.lagging.title"))
        if not page:
            _text(
                slide,
                MARGIN,
                top,
                CONTENT_WIDTH,
                Inches(1),
                [pack.t("brief.lagging.none", scope=pack.scope)],
                pack.lang,
                18,
            )
            continue
        block = int((SLIDE_HEIGHT - top - Inches(0.3)) / BEHIND_PER_SLIDE)
        for index, kpi in enumerate(page):
            cells = content.kpi_cells(kpi.result, pack.lang)
            y = top + index * block
            heading = (
                f"{cells['status']}  {kpi.definition.name(pack.lang)} · "
                f"{cells['actual']} / {cells['target']} · "
                + pack.t(
                    "brief.lagging.line",
                    completion=cells["completion"],
                    expected=cells["expected"],
                    gap=cells["gap"],
                )
            )
            style = theme.status_style(kpi.result.status)
            _text(
                slide,
                MARGIN,
                y,
                CONTENT_WIDTH,
                Inches(0.4),
                [heading],
                pack.lang,
                15,
                True,
                style.color.lstrip("#") if kpi.result.status == "critical" else TEXT,
            )
            _text(
                slide,
                MARGIN + Inches(0.3),
                y + Inches(0.42),
                CONTENT_WIDTH - Inches(0.3),
                block - Inches(0.5),
                _note_lines(pack, kpi),
                pack.lang,
                12,
            )


def deck(pack: MeetingPack, font: CjkFont | None = None) -> PresentationType:
    font = font or locate_cjk_font()
    render_ahead(
        content.iter_pack_charts(pack),
        font,
        drawing.png(CHART_SCALE),
        files=chart_files(pack),
        wait=False,
    )
    presentation = Presentation()
    presentation.slide_width = SLIDE_WIDTH
    presentation.slide_height = SLIDE_HEIGHT
    presentation.core_properties.title = f"{pack.t('brief.title')} · {pack.scope}"
    presentation.core_properties.author = "campaign.brief"
    cover_slide(presentation, pack)
    summary_slide(presentation, pack)
    for domain in pack.domains:
        domain_slide(presentation, pack, domain, font)
    ranking_slide(presentation, pack, font)
    behind_slides(presentation, pack)
    return presentation


def pptx_bytes(pack: MeetingPack, font: CjkFont | None = None) -> bytes:
    buffer = io.BytesIO()
    deck(pack, font).save(buffer)
    return buffer.getvalue()
