"""The meeting pack as a PDF (A4 landscape), laid out in HTML and CSS and set by WeasyPrint.

Why WeasyPrint: it finds the CJK font through fontconfig and embeds a subset of it (CFF
outlines from Debian's ``.ttc`` included; reportlab embeds TrueType only), so Chinese
renders everywhere and the text stays extractable. The charts go in as vector PDF pages,
their text kept as text (:mod:`campaign.brief.pdfcharts`). Pages: the drafted narrative
(文字稿, A4 portrait, set like the .docx: Song-style serif at 16 pt on a 28 pt line,
two-character indent), the cover (as-of date, 序时进度, status counts), a one-page table of
every KPI, a page per domain with its figures and charts, the district ranking, and the
lagging and critical KPIs with their follow-up notes.
"""

from __future__ import annotations

import html
import threading
from functools import partial
from pathlib import Path

from campaign import theme
from campaign.brief import content, drawing
from campaign.brief.content import MeetingPack, PackDomain, PackKpi
from campaign.brief.fonts import FALLBACK_FAMILY, CjkFont, locate_cjk_font
from campaign.brief.pdfcharts import ChartPages
from campaign.brief.render import chart_files, chart_pdf, render_ahead
from campaign.formatting import format_date, format_datetime, format_month
from campaign.views import CHINA_TIME


def _e(text: object) -> str:
    return html.escape(str(text))


def _css_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _page_counter(pack: MeetingPack) -> str:
    """``第 {page} / {pages} 页`` as CSS ``content`` with the page counters in it."""
    template = pack.t("brief.page_of", page="\0page\0", pages="\0pages\0")
    parts = []
    for piece in template.split("\0"):
        if piece in ("page", "pages"):
            parts.append(f"counter({piece})")
        elif piece:
            parts.append(_css_string(piece))
    return " ".join(parts)


# The narrative pages are set in the Song-style serif of Debian's fonts-noto-cjk when it is
# there (as official material is), else in the pack's font.
NARRATIVE_FAMILY = "Noto Serif CJK SC"


def stylesheet(pack: MeetingPack, font: CjkFont) -> str:
    fonts = f'"{font.family}", "{FALLBACK_FAMILY}"'
    narrative_fonts = f'"{NARRATIVE_FAMILY}", {fonts}'
    return f"""
@page {{
  size: A4 landscape;
  margin: 13mm 14mm 15mm 14mm;
  @bottom-left {{ content: {_css_string(pack.footer())}; font: 8pt {fonts};
    color: {theme.MUTED_COLOR}; }}
  @bottom-right {{ content: {_page_counter(pack)}; font: 8pt {fonts};
    color: {theme.MUTED_COLOR}; }}
}}
@page cover {{ @bottom-left {{ content: none; }} @bottom-right {{ content: none; }} }}
@page narrative {{ size: A4 portrait; margin: 30mm 26mm 28mm 28mm; }}
section.narrative {{ page: narrative; break-before: auto; font-family: {narrative_fonts};
  font-size: 16pt; line-height: 28pt; }}
section.narrative + section.cover {{ break-before: page; }}
.narrative h1 {{ font-size: 22pt; line-height: 36pt; text-align: center; margin: 0;
  font-weight: bold; }}
.narrative .dateline {{ text-align: center; margin: 0 0 28pt 0; }}
.narrative h2 {{ font-size: 16pt; margin: 0; font-weight: bold; text-indent: 2em;
  break-after: avoid; }}
.narrative p {{ margin: 0; text-indent: 2em; text-align: justify; }}
.narrative .lead {{ font-weight: bold; }}
.narrative .problem {{ color: {theme.MUTED_COLOR}; }}
html {{ font-family: {fonts}; font-size: 10pt; color: {theme.TEXT_COLOR}; }}
h1 {{ font-size: 17pt; margin: 0 0 3mm 0; }}
h2 {{ font-size: 12pt; margin: 0 0 1.5mm 0; }}
section {{ break-before: page; }}
section.cover {{ page: cover; break-before: auto; padding-top: 38mm; }}
.cover h1 {{ font-size: 30pt; margin-bottom: 4mm; }}
.cover .subtitle {{ font-size: 15pt; color: {theme.MUTED_COLOR}; margin-bottom: 14mm; }}
.cover .fact {{ font-size: 16pt; font-weight: bold; margin: 2mm 0; }}
.counts {{ margin-top: 12mm; }}
.count {{ display: inline-block; margin-right: 6mm; padding: 2mm 5mm; border-left: 3mm solid;
  background: #f6f8fa; font-size: 13pt; }}
.muted {{ color: {theme.MUTED_COLOR}; }}
.small {{ font-size: 8.5pt; }}
table {{ border-collapse: collapse; width: 100%; }}
th, td {{ padding: 1.3mm 2mm; border-bottom: 0.3mm solid {theme.GRID_COLOR}; text-align: left;
  vertical-align: top; }}
th {{ color: {theme.MUTED_COLOR}; font-weight: bold; }}
td.num, th.num {{ text-align: right; white-space: nowrap; }}
.pill {{ display: inline-block; padding: 0.2mm 2.2mm; border-radius: 2mm; font-weight: bold;
  white-space: nowrap; }}
.charts {{ margin-top: 3mm; }}
.c-domain {{ width: 12%; }}
.c-kpi {{ width: 21%; }}
section.summary th, section.summary td {{ padding: 1.1mm 1.6mm; font-size: 9.5pt; }}
.chart {{ display: inline-block; width: 49%; vertical-align: top; margin-bottom: 2mm; }}
.chart.third {{ width: 32.5%; }}
.chart h3 {{ font-size: 9.5pt; margin: 0 0 1mm 0; }}
.chart img {{ width: 100%; }}
.nochart {{ color: {theme.MUTED_COLOR}; margin: 2mm 0; }}
.ranking .left {{ display: inline-block; width: 52%; vertical-align: top; }}
.ranking .right {{ display: inline-block; width: 46%; vertical-align: top; margin-left: 1%; }}
.ranking img {{ width: 100%; }}
tr.mine td {{ font-weight: bold; background: #eef5fb; }}
.lag {{ break-inside: avoid; margin-bottom: 5mm; }}
.lag table {{ margin-top: 1.5mm; }}
.notes td {{ font-size: 9pt; }}
"""


def _pill(status: str, lang: str) -> str:
    style = theme.status_style(status)
    return (
        f'<span class="pill" style="background:{style.color};color:{style.text_color}">'
        f"{_e(style.tag(lang))}</span>"
    )


def _kpi_table(pack: MeetingPack, kpis: list[PackKpi], with_domain: bool) -> str:
    lang = pack.lang
    columns = (["domain"] if with_domain else []) + ["kpi", *content.SUMMARY_COLUMNS]
    numeric = set(content.SUMMARY_COLUMNS) - {"status"}
    head = "".join(
        f'<th class="{"num" if c in numeric else ""}">{_e(pack.t(f"brief.col.{c}"))}</th>'
        for c in columns
    )
    rows = []
    previous_domain = None
    for kpi in kpis:
        cells = content.kpi_cells(kpi.result, lang)
        tds = []
        for column in columns:
            if column == "status":
                tds.append(f"<td>{_pill(kpi.result.status, lang)}</td>")
            elif column == "domain":
                shown = cells["domain"] if kpi.definition.domain != previous_domain else ""
                tds.append(f'<td class="c-domain">{_e(shown)}</td>')
            else:
                css = ' class="num"' if column in numeric else ' class="c-kpi"'
                tds.append(f"<td{css}>{_e(cells[column])}</td>")
        previous_domain = kpi.definition.domain
        rows.append(f"<tr>{''.join(tds)}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _notice(pack: MeetingPack) -> str:
    """The not-reported warning (the page header's words), or nothing."""
    notice = pack.not_reported_notice()
    return f'<p class="notice"><strong>{_e(notice)}</strong></p>' if notice else ""


def _narrative(pack: MeetingPack) -> str:
    """The drafted narrative as the pack's first pages (or why it could not be drafted)."""
    narrative = pack.narrative
    if narrative is None:
        problem = pack.narrative_error.text(pack.lang) if pack.narrative_error else ""
        message = pack.t("narrative.overview.broken", message=problem)
        return f'<section class="narrative"><p class="problem">{_e(message)}</p></section>'
    parts = [f"<h1>{_e(narrative.title)}</h1>", f'<p class="dateline">{_e(narrative.dateline)}</p>']
    for section in narrative.sections:
        parts.append(f"<h2>{_e(section.heading)}</h2>")
        for paragraph in section.paragraphs:
            lead = f'<span class="lead">{_e(paragraph.lead)}</span>' if paragraph.lead else ""
            space = " " if paragraph.lead and pack.lang != "zh" else ""
            parts.append(f"<p>{lead}{space}{_e(paragraph.body)}</p>")
    return f'<section class="narrative">{"".join(parts)}</section>'


def _cover(pack: MeetingPack) -> str:
    counts = "".join(
        f'<span class="count" style="border-left-color:{theme.status_style(s).color}">'
        f"{_e(pack.t('brief.cover.counts', label=theme.status_style(s).tag(pack.lang), n=n))}"
        "</span>"
        for s, n in pack.status_counts().items()
    )
    facts = "".join(f'<div class="fact">{_e(f)}</div>' for f in pack.facts())
    generated = format_datetime(pack.generated_at.astimezone(CHINA_TIME), pack.lang)
    errors = ""
    if pack.errors:
        errors = f'<p class="muted">{_e(pack.t("brief.cover.errors", n=len(pack.errors)))}</p>'
    return (
        '<section class="cover">'
        f"<h1>{_e(pack.t('brief.title'))}</h1>"
        f'<div class="subtitle">{_e(pack.t("brief.subtitle"))}</div>'
        f"{facts}<div class='counts'>{counts}</div>{errors}{_notice(pack)}"
        f'<p class="muted small" style="margin-top:16mm">'
        f"{_e(pack.t('brief.cover.generated', time=generated))}</p>"
        "</section>"
    )


def _summary(pack: MeetingPack) -> str:
    return (
        '<section class="summary">'
        f"<h1>{_e(pack.t('brief.summary.title'))}</h1>"
        f'<p class="muted">{_e(" · ".join(pack.facts()))}</p>{_notice(pack)}'
        f"{_kpi_table(pack, pack.kpis, with_domain=True)}"
        f'<p class="muted small">{_e(pack.t("brief.summary.note"))}</p>'
        "</section>"
    )


def _domain(pack: MeetingPack, domain: PackDomain, font: CjkFont, charts: ChartPages) -> str:
    found = content.domain_charts(pack, domain)
    height = content.chart_height(len(found))
    # Up to four charts two to a row; more three to a row, so the page holds them all.
    css = "chart" if len(found) <= 4 else "chart third"
    files = chart_files(pack)
    size = (content.CHART_WIDTH, height)  # exactly the chart's: laid out before it is drawn
    figures = "".join(
        f'<div class="{css}"><h3>{_e(c.title)}</h3>'
        f"{charts.image(partial(chart_pdf, c.chart, font, *size, files), c.title, size)}"
        "</div>"
        for c in found
    )
    missing = "".join(
        '<p class="nochart">'
        + _e(pack.t("brief.domain.no_monthly", kpi=k.definition.name(pack.lang), scope=pack.scope))
        + "</p>"
        for k in domain.kpis
        if not k.has_months
    )
    return (
        '<section class="domain">'
        f"<h1>{_e(content.domain_title(domain.domain, pack.lang))}</h1>"
        f'<p class="muted">{_e(" · ".join(pack.facts()))}</p>'
        f"{_kpi_table(pack, list(domain.kpis), with_domain=False)}"
        f'<div class="charts">{figures}</div>{missing}'
        "</section>"
    )


def _ranking(pack: MeetingPack, font: CjkFont, charts: ChartPages) -> str:
    title = f"<h1>{_e(pack.t('brief.ranking.title'))}</h1>"
    compared = pack.t("brief.ranking.compared", date=pack.previous_month_end_text())
    figure = content.ranking_chart(pack)  # None: no district ranked
    if figure is None:
        return (
            f'<section class="ranking">{title}<p>{_e(pack.t("brief.ranking.empty"))}</p></section>'
        )
    # Its height follows the number of districts: it is drawn first, and waited for here.
    image = charts.image(
        partial(chart_pdf, figure, font, content.RANKING_WIDTH, None, chart_files(pack)),
        pack.t("brief.ranking.title"),
    )
    columns = ("rank", "district", "score", "previous_rank", "movement", "counted")
    numeric = {"rank", "score", "previous_rank", "counted"}
    head = "".join(
        f'<th class="{"num" if c in numeric else ""}">{_e(pack.t(f"brief.col.{c}"))}</th>'
        for c in columns
    )
    rows = []
    for row in pack.ranking_rows():
        mine = ' class="mine"' if row["district_id"] == pack.filters.district else ""
        tds = "".join(
            f'<td class="{"num" if c in numeric else ""}">{_e(row[c])}</td>' for c in columns
        )
        rows.append(f"<tr{mine}>{tds}</tr>")
    note = pack.t("kpi.rank.note", cap=f"{pack.ranking_cap:g}")
    return (
        f'<section class="ranking">{title}'
        f'<p class="muted">{_e(" · ".join(pack.facts()[1:]))} · {_e(compared)}</p>'
        f'<div class="left">{image}</div>'
        f'<div class="right"><table><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
        f'<p class="muted small">{_e(note)}</p></div>'
        "</section>"
    )


def _notes_table(pack: MeetingPack, kpi: PackKpi) -> str:
    if not kpi.notes:
        return f'<p class="muted">{_e(pack.t("brief.lagging.no_notes"))}</p>'
    columns = ("month", "reason", "action", "due", "author")
    head = "".join(f"<th>{_e(pack.t(f'brief.col.{c}'))}</th>" for c in columns)
    rows = []
    for note in content.notes_sorted(kpi.notes):
        due = format_date(note.due_date, pack.lang) if note.due_date else "—"
        rows.append(
            "<tr>"
            f"<td style='white-space:nowrap'>{_e(format_month(note.month + '-01', pack.lang))}</td>"
            f"<td>{_e(note.reason or '—')}</td><td>{_e(note.action or '—')}</td>"
            f"<td style='white-space:nowrap'>{_e(due)}</td>"
            f"<td>{_e(note.written(pack.lang))}</td>"
            "</tr>"
        )
    return (
        f'<table class="notes"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'
    )


def _behind(pack: MeetingPack) -> str:
    title = f"<h1>{_e(pack.t('brief.lagging.title'))}</h1>"
    behind = pack.behind
    if not behind:
        body = f"<p>{_e(pack.t('brief.lagging.none', scope=pack.scope))}</p>"
        return f'<section class="behind">{title}{body}</section>'
    blocks = []
    for kpi in behind:
        cells = content.kpi_cells(kpi.result, pack.lang)
        line = pack.t(
            "brief.lagging.line",
            completion=cells["completion"],
            expected=cells["expected"],
            gap=cells["gap"],
        )
        owner = pack.t("brief.lagging.owner", owner=kpi.definition.owned_by(pack.lang))
        blocks.append(
            '<div class="lag">'
            f"<h2>{_e(kpi.definition.name(pack.lang))} {_pill(kpi.result.status, pack.lang)}</h2>"
            f"<div>{_e(cells['actual'])} / {_e(cells['target'])} · {_e(line)}</div>"
            f'<div class="muted small">{_e(owner)}</div>'
            f"{_notes_table(pack, kpi)}"
            "</div>"
        )
    return f'<section class="behind">{title}{"".join(blocks)}</section>'


def pack_html(pack: MeetingPack, font: CjkFont, charts: ChartPages) -> str:
    """The whole pack as one HTML document (what WeasyPrint sets), each chart a blank image
    of its size that ``charts`` fills in the written PDF."""
    lang_attr = "zh-CN" if pack.lang == "zh" else "en"
    parts = [
        _narrative(pack),
        _cover(pack),
        _summary(pack),
        *(_domain(pack, d, font, charts) for d in pack.domains),
        _ranking(pack, font, charts),
        _behind(pack),
    ]
    title = f"{pack.t('brief.title')} · {pack.scope} · {format_date(pack.filters.as_of, pack.lang)}"
    return (
        f'<!DOCTYPE html><html lang="{lang_attr}"><head><meta charset="utf-8">'
        f"<title>{_e(title)}</title>"
        f'<meta name="generator" content="campaign.brief">'
        f"<style>{stylesheet(pack, font)}</style></head>"
        f"<body>{''.join(parts)}</body></html>"
    )


def pdf_bytes(pack: MeetingPack, font: CjkFont | None = None) -> bytes:
    """The pack as PDF bytes; raises :class:`~campaign.brief.fonts.FontMissing` first if the
    CJK font is not installed."""
    font = font or locate_cjk_font()
    # WeasyPrint loads (about 0.5 s in a new process) while the helpers draw the charts.
    loading = threading.Thread(target=_load_writer, name="pdf-writer-load")
    loading.start()
    try:
        render_ahead(
            content.iter_pack_charts(pack), font, drawing.PDF, files=chart_files(pack), wait=False
        )
    finally:
        loading.join()
    import weasyprint

    charts = ChartPages()
    document = weasyprint.HTML(string=pack_html(pack, font, charts)).render()
    return charts.write(document)


def _load_writer() -> None:
    import weasyprint  # noqa: F401


def write_pdf(pack: MeetingPack, path: Path, font: CjkFont | None = None) -> None:
    path.write_bytes(pdf_bytes(pack, font))
