"""What the pages lay out, computed from the engine's results: labels, cards, tables.

Pages stay thin: they ask the engine, pass the answer through these functions and put the
returned text, HTML and frames on screen. Everything here is plain Python and pandas (no
Streamlit), takes a language and returns display-ready values, so it is unit-tested
directly. The little HTML built here is escaped; styles are classes defined in
:data:`PAGE_CSS` plus the status colours from :mod:`campaign.theme`.
"""

from __future__ import annotations

import html
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone

import pandas as pd

from campaign import theme
from campaign.contracts import CITY, KINDS, KINDS_BY_ID
from campaign.formatting import (
    DASH,
    format_date,
    format_datetime,
    format_month,
    format_percent,
    format_pp,
    format_signed_percent,
    format_value,
    is_missing,
    kpi_figures,
    not_reported_notice,
)
from campaign.i18n import CATALOG, t
from campaign.model import DOMAINS, KpiDefinition, KpiError, KpiResult, Scorecard

# China has no daylight saving time: UTC+8 all year.
CHINA_TIME = timezone(timedelta(hours=8))

# Worst first: the order a table of results is sorted in.
STATUS_SEVERITY: dict[str, int] = {
    "critical": 0,
    "lagging": 1,
    "ahead": 2,
    "completed": 3,
    "no_target": 4,
    "no_data": 5,
    "not_reported": 6,
}
# The statuses that are behind 序时进度 (the narrative's problems, the pack's 滞后 pages).
BEHIND: tuple[str, ...] = ("critical", "lagging")


_ASCII_PUNCTUATION = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")


def markdown_literal(text: str) -> str:
    """Text someone typed (a note, a KPI's description or owner), shown by ``st.markdown``
    exactly as typed: no link, image, HTML, emphasis or heading can come out of it.

    Every ASCII punctuation character is backslash-escaped (CommonMark allows that for all of
    them), which also breaks GitHub-style bare links (``https\\://``, ``www\\.``, ``a\\@b``);
    a line break stays a line break.  The one escaping function of the app.
    """
    escaped = "".join(f"\\{c}" if c in _ASCII_PUNCTUATION else c for c in text)
    return escaped.replace("\r\n", "\n").replace("\n", "  \n")


def definition_markdown(definition: KpiDefinition, lang: str = "zh") -> str:
    """The KPI's description, owner and query file as Markdown lines (their text escaped)."""
    fields = (
        ("ui.kpi.description", definition.described(lang)),
        ("ui.kpi.owner", definition.owned_by(lang)),
        ("ui.kpi.file", definition.path.name),
    )
    return "  \n".join(
        t("ui.kpi.field", lang, label=t(key, lang), value=markdown_literal(value))
        for key, value in fields
    )


def scope_label(scope: str | None, lang: str = "zh") -> str:
    """A district (or 全市) in the reader's language: 西海岸新区 → West Coast New Area."""
    name = scope or CITY
    key = f"ui.scope.{name}"
    return t(key, lang) if key in CATALOG else name


def domain_label(domain: str, lang: str = "zh") -> str:
    key = f"ui.domain.{domain}"
    return t(key, lang) if key in CATALOG else domain


def kind_label(kind_id: str | None, lang: str = "zh") -> str:
    kind = KINDS_BY_ID.get(kind_id or "")
    if kind is None:
        return t("ui.data.unknown_kind", lang)
    return kind.name_en if lang == "en" else kind.name_zh


def column_label(kind_id: str | None, column: str | None, lang: str = "zh") -> str:
    """A contract column as the reader knows it: its Chinese header, or its English name."""
    if not column:
        return ""
    kind = KINDS_BY_ID.get(kind_id or "")
    if kind is not None and lang == "zh":
        try:
            return kind.column(column).header_zh
        except KeyError:
            return column
    return column


def district_labels(districts: Iterable[str], lang: str = "zh") -> dict[str, str]:
    """``{district: label}`` in the given order (charts sort their axes by it)."""
    return {d: scope_label(d, lang) for d in districts}


# ---------------------------------------------------------------- header


@dataclass(frozen=True)
class Header:
    """The lines every page shows above its content."""

    facts: tuple[str, ...]  # as-of date, 序时进度, scope
    freshness: str
    excluded_rows: int
    excluded_text: str | None
    build_error: str | None
    # KPIs whose extracts stop before the as-of date (formatting.not_reported_notice)
    not_reported: str | None = None


def header(
    scorecard: Scorecard,
    built_at: datetime | None,
    newest_month: date | None,
    excluded_rows: int,
    build_error: str | None,
    lang: str = "zh",
) -> Header:
    """数据截至 2022年9月30日 · 序时进度 75.0% · 范围 全市, freshness, exclusion warning."""
    filters = scorecard.filters
    facts = (
        t("ui.header.as_of", lang, date=format_date(filters.as_of, lang)),
        t("ui.header.expected", lang, value=format_percent(scorecard.expected, lang)),
        t("ui.header.scope", lang, scope=scope_label(filters.district, lang)),
    )
    built = DASH
    if built_at is not None:
        aware = built_at if built_at.tzinfo else built_at.replace(tzinfo=UTC)
        built = format_datetime(aware.astimezone(CHINA_TIME), lang)
    freshness = t("ui.header.freshness", lang, built=built, month=format_month(newest_month, lang))
    excluded = t("ui.header.excluded", lang, rows=f"{excluded_rows:,}") if excluded_rows else None
    return Header(
        facts,
        freshness,
        excluded_rows,
        excluded,
        build_error,
        not_reported_notice(scorecard.results, lang),
    )


def newest_month(last_reported: pd.DataFrame) -> date | None:
    """The newest month any district reported anything for (the data's freshness)."""
    if last_reported.empty:
        return None
    newest = pd.to_datetime(last_reported["last_month"]).max()
    return None if is_missing(newest) else newest.date()


# ---------------------------------------------------------------- overview


@dataclass(frozen=True)
class Card:
    """One KPI's card on the overview."""

    kpi_id: str
    name: str
    domain: str
    status: str
    html: str


@dataclass(frozen=True)
class CardGroup:
    domain: str
    title: str
    cards: tuple[Card, ...]
    errors: tuple[KpiError, ...]


def status_counts(results: Iterable[KpiResult]) -> dict[str, int]:
    """How many KPIs are in each of the four rated statuses (others are not counted)."""
    counted = Counter(r.status for r in results)
    return {status: counted.get(status, 0) for status in theme.RATED_STATUSES}


def status_count_html(status: str, count: int, lang: str = "zh") -> str:
    style = theme.status_style(status)
    return (
        f'<div class="kc-count" style="border-left-color:{style.color}">'
        f'<div class="kc-count-label">{html.escape(style.tag(lang))}</div>'
        f'<div class="kc-count-n">{html.escape(t("ui.overview.count", lang, n=count))}</div>'
        "</div>"
    )


def status_pill(status: str, lang: str = "zh") -> str:
    style = theme.status_style(status)
    return (
        f'<span class="kc-pill" style="background:{style.color};color:{style.text_color}">'
        f"{html.escape(style.tag(lang))}</span>"
    )


def card_html(result: KpiResult, expected: float | None, lang: str = "zh") -> str:
    """The body of a KPI card: status, value, target, progress bar with 序时进度, figures."""
    unit = result.kpi.unit
    style = theme.status_style(result.status)
    marker = result.expected if result.expected is not None else expected
    target = (
        t("ui.card.target", lang, value=format_value(result.target, unit, lang))
        if result.target is not None
        else t("ui.card.no_target", lang)
    )
    value = html.escape(format_value(result.actual, unit, lang))
    parts = [
        '<div class="kc">',
        f'<div class="kc-head"><span class="kc-value">{value}</span>'
        f"{status_pill(result.status, lang)}</div>",
        f'<div class="kc-target">{html.escape(target)}</div>',
    ]
    if result.completion is not None:
        fill = max(0.0, min(result.completion, 1.0)) * 100
        alt_text = t(
            "ui.card.progress_alt",
            lang,
            completion=format_percent(result.completion, lang),
            expected=format_percent(marker, lang),
        )
        bar = [
            f'<div class="kc-bar" role="img" aria-label="{html.escape(alt_text)}">',
            f'<div class="kc-fill" style="width:{fill:.1f}%;background:{style.color}"></div>',
        ]
        if marker is not None:
            left = max(0.0, min(marker, 1.0)) * 100
            bar.append(f'<div class="kc-marker" style="left:{left:.1f}%"></div>')
        bar.append("</div>")
        parts.extend(bar)
    figures = []
    if result.completion is not None:
        figures.append(t("ui.card.completion", lang, value=format_percent(result.completion, lang)))
        if marker is not None:
            figures.append(t("ui.card.expected", lang, value=format_percent(marker, lang)))
    if result.gap_pp is not None:
        figures.append(t("ui.card.gap", lang, value=format_pp(result.gap_pp, lang)))
    if result.yoy is not None:
        figures.append(t("ui.card.yoy", lang, value=format_signed_percent(result.yoy, lang)))
    if figures:
        spans = "".join(f"<span>{html.escape(f)}</span>" for f in figures)
        parts.append(f'<div class="kc-figures">{spans}</div>')
    parts.append("</div>")
    return "".join(parts)


def card_groups(
    scorecard: Scorecard, definitions: Sequence[KpiDefinition], lang: str = "zh"
) -> list[CardGroup]:
    """The cards grouped by domain (领域) in the campaign's order, broken KPIs as errors.

    A broken KPI whose definition is known sits in its domain; one whose header is broken
    (so its domain is unknown) goes into a leading group without a title.
    """
    domain_of = {d.id: d.domain for d in definitions}
    cards: dict[str, list[Card]] = {}
    errors: dict[str, list[KpiError]] = {}
    for result in scorecard.results:
        card = Card(
            result.kpi.id,
            result.kpi.name(lang),
            result.kpi.domain,
            result.status,
            card_html(result, scorecard.expected, lang),
        )
        cards.setdefault(result.kpi.domain, []).append(card)
    for error in scorecard.errors:
        errors.setdefault(domain_of.get(error.kpi_id, ""), []).append(error)
    order = ["", *DOMAINS, *sorted((set(cards) | set(errors)) - set(DOMAINS) - {""})]
    groups = []
    for domain in order:
        if domain in cards or domain in errors:
            title = domain_label(domain, lang) if domain else ""
            groups.append(
                CardGroup(
                    domain, title, tuple(cards.get(domain, ())), tuple(errors.get(domain, ()))
                )
            )
    return groups


def error_card_html(error: KpiError, name: str | None, lang: str = "zh") -> str:
    """A broken KPI's card: which KPI, which file (and line), and that the others are fine."""
    pill = html.escape(t("ui.card.error_title", lang))
    body = html.escape(t("ui.card.error_body", lang, file=error.where()))
    return (
        '<div class="kc kc-error">'
        f'<span class="kc-pill kc-pill-error">✖ {pill}</span>'
        f'<div class="kc-error-name">{html.escape(name or error.kpi_id)}</div>'
        f'<div class="kc-target">{body}</div>'
        "</div>"
    )


# ---------------------------------------------------------------- KPI detail


def results_frame(results: Iterable[KpiResult], lang: str = "zh") -> pd.DataFrame:
    """KPI results as rows of display text, worst first (status, then the widest gap).

    Columns (translated): district, status, completion, gap, actual, target, YoY.
    """
    rows = []
    for r in results:
        shown = kpi_figures(r, lang)  # the text every surface shows
        rows.append(
            {
                "_severity": STATUS_SEVERITY.get(r.status, 9),
                "_gap": r.gap_pp if r.gap_pp is not None else float("inf"),
                t("ui.col.district", lang): scope_label(r.scope, lang),
                t("ui.col.status", lang): theme.status_style(r.status).tag(lang),
                t("ui.col.completion", lang): shown["completion"],
                t("ui.col.gap", lang): shown["gap"],
                t("ui.col.actual", lang): shown["actual"],
                t("ui.col.target", lang): shown["target"],
                t("ui.col.yoy", lang): shown["yoy"],
                "_status": r.status,
            }
        )
    frame = pd.DataFrame(rows)
    if frame.empty:
        return frame
    frame = frame.sort_values(["_severity", "_gap"], kind="stable").reset_index(drop=True)
    return frame


def results_table_html(frame: pd.DataFrame) -> str:
    """An HTML table of :func:`results_frame`, the status cell in its colour."""
    shown = [c for c in frame.columns if not c.startswith("_")]
    head = "".join(f"<th>{html.escape(c)}</th>" for c in shown)
    body = []
    for _, row in frame.iterrows():
        cells = []
        for column in shown:
            text = html.escape(str(row[column]))
            if column == shown[1]:  # the status column
                style = theme.status_style(row["_status"])
                cells.append(
                    f'<td><span class="kc-pill" style="background:{style.color};'
                    f'color:{style.text_color}">{text}</span></td>'
                )
            else:
                cells.append(f"<td>{text}</td>")
        body.append(f"<tr>{''.join(cells)}</tr>")
    return f'<table class="kt"><thead><tr>{head}</tr></thead><tbody>{"".join(body)}</tbody></table>'


@dataclass(frozen=True)
class Figure:
    label: str
    value: str


def detail_figures(result: KpiResult, lang: str = "zh") -> list[Figure]:
    """The headline figures of one KPI for one scope."""
    shown = kpi_figures(result, lang)  # the text every surface shows
    actual_label = "ui.kpi.level_actual" if result.kpi.is_level else "ui.kpi.actual"
    figures = [
        Figure(t(actual_label, lang), shown["actual"]),
        Figure(t("ui.kpi.target", lang), shown["target"]),
        Figure(t("ui.kpi.completion", lang), shown["completion"]),
        Figure(t("ui.kpi.gap", lang), shown["gap"]),
        Figure(t("ui.kpi.yoy", lang), shown["yoy"]),
    ]
    if not result.kpi.is_level:
        figures.append(Figure(t("ui.kpi.projection", lang), shown["projection"]))
        if result.needed_per_month is not None:
            figures.append(Figure(t("ui.kpi.needed", lang), shown["needed"]))
    return figures


def figures_html(figures: Sequence[Figure]) -> str:
    """The headline figures side by side, wrapping on narrow screens (never truncated)."""
    items = "".join(
        f'<div class="kf"><div class="kf-label">{html.escape(f.label)}</div>'
        f'<div class="kf-value">{html.escape(f.value)}</div></div>'
        for f in figures
    )
    return f'<div class="kf-row">{items}</div>'


def code_html(text: str) -> str:
    """Read-only source text (a KPI's SQL, an error message) in a monospace block.

    Plain HTML rather than ``st.code``: that pulls a 1.5 MB syntax highlighter into the
    browser, which would cost the detail page about half a second on first load.
    """
    return f'<pre class="kcode">{html.escape(text)}</pre>'


def has_figures(monthly: pd.DataFrame | None) -> bool:
    """Whether a KPI's months hold anything to draw: a non-zero value this year or last.

    The engine reports a month without rows as 0, so a chart of nothing but zeros would be
    an empty chart; the page explains instead.
    """
    if monthly is None or monthly.empty:
        return False
    columns = [c for c in ("value", "last_year_value") if c in monthly.columns]
    values = monthly[columns].to_numpy(dtype="float64", na_value=float("nan"))
    return bool(((values != 0) & ~pd.isna(values)).any())


def kpi_options(definitions: Sequence[KpiDefinition], lang: str = "zh") -> dict[str, str]:
    """``{kpi_id: "领域 · 名称"}`` for the KPI chooser, in display order."""
    return {d.id: f"{domain_label(d.domain, lang)} · {d.name(lang)}" for d in definitions}


# ---------------------------------------------------------------- districts


def profile_frame(results: Iterable[KpiResult], lang: str = "zh") -> pd.DataFrame:
    """One scope's KPIs for :func:`campaign.charts.profile_chart`."""
    rows = [
        {"kpi": r.kpi.name(lang), "completion": r.completion, "status": r.status} for r in results
    ]
    return pd.DataFrame(rows, columns=["kpi", "completion", "status"])


def movement_text(movement: object, lang: str = "zh") -> str:
    if is_missing(movement):
        return t("ui.movement.new", lang)
    steps = int(movement)  # type: ignore[call-overload]
    if steps > 0:
        return t("ui.movement.up", lang, n=steps)
    if steps < 0:
        return t("ui.movement.down", lang, n=-steps)
    return t("ui.movement.same", lang)


# ---------------------------------------------------------------- data status


def planning_frame(warnings: Iterable[object], lang: str = "zh") -> pd.DataFrame:
    """The planning files' warnings (``targets.csv`` missing or rows skipped, ``pacing.csv``)
    as a table: where (file and line) and the reason."""
    rows = [(w.where(), w.text(lang)) for w in warnings]  # type: ignore[attr-defined]
    columns = [t("ui.data.planning_col_where", lang), t("ui.data.planning_col_reason", lang)]
    return pd.DataFrame(rows, columns=columns)


def kind_summary(files: Iterable[object], lang: str = "zh") -> pd.DataFrame:
    """Rows loaded and excluded per extract kind (every kind listed, unrecognised files last)."""
    totals: dict[str | None, list[int]] = {k.id: [0, 0, 0, 0, 0, 0] for k in KINDS}
    for report in files:
        row = totals.setdefault(report.kind, [0, 0, 0, 0, 0, 0])  # type: ignore[attr-defined]
        row[0] += 1
        row[1] += report.rows_total  # type: ignore[attr-defined]
        row[2] += report.rows_loaded  # type: ignore[attr-defined]
        row[3] += report.rows_excluded  # type: ignore[attr-defined]
        row[4] += len(report.errors)  # type: ignore[attr-defined]
        row[5] += len(report.warnings)  # type: ignore[attr-defined]
    columns = [
        t(f"ui.col.{c}", lang)
        for c in (
            "kind",
            "files",
            "rows_total",
            "rows_loaded",
            "rows_excluded",
            "errors",
            "warnings",
        )
    ]
    rows = [
        [kind_label(kind, lang), *(f"{n:,}" for n in numbers)] for kind, numbers in totals.items()
    ]
    return pd.DataFrame(rows, columns=columns)


def table_html(frame: pd.DataFrame, numeric_from: int = 1) -> str:
    """A plain HTML table of display strings; columns from ``numeric_from`` align right."""
    head = "".join(
        f"<th{' class=kt-num' if i >= numeric_from else ''}>{html.escape(str(c))}</th>"
        for i, c in enumerate(frame.columns)
    )
    body = "".join(
        "<tr>"
        + "".join(
            f"<td{' class=kt-num' if i >= numeric_from else ''}>{html.escape(str(v))}</td>"
            for i, v in enumerate(row)
        )
        + "</tr>"
        for row in frame.itertuples(index=False)
    )
    return f'<table class="kt"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def reporting_grid(
    last_reported: pd.DataFrame, as_of: date, districts: Sequence[str], lang: str = "zh"
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Districts × kinds: the last month reported, and each cell's state.

    A cell is "ok" when the district has reported the as-of month (or later), "late" when
    its last month is earlier, "missing" when it never reported that kind. Returns the
    display text and the states, both indexed by the district label with kind labels as
    columns.
    """
    due = date(as_of.year, as_of.month, 1)
    texts: dict[str, dict[str, str]] = {}
    states: dict[str, dict[str, str]] = {}
    frame = last_reported.copy()
    frame["last_month"] = pd.to_datetime(frame["last_month"])
    lookup = {(row.kind, row.district): row.last_month for row in frame.itertuples(index=False)}
    for kind in KINDS:
        column = kind_label(kind.id, lang)
        texts[column], states[column] = {}, {}
        for district in districts:
            label = scope_label(district, lang)
            last = lookup.get((kind.id, district))
            if is_missing(last):
                texts[column][label], states[column][label] = t("ui.data.never", lang), "missing"
            elif last.date() < due:
                texts[column][label] = f"▼ {format_month(last, lang)}"
                states[column][label] = "late"
            else:
                texts[column][label], states[column][label] = format_month(last, lang), "ok"
    index = [scope_label(d, lang) for d in districts]
    return pd.DataFrame(texts, index=index), pd.DataFrame(states, index=index)


_STATE_STYLE = {
    "ok": "",
    "late": f"background:{theme.STATUS_STYLES['lagging'].color};color:#000000",
    "missing": f"background:{theme.STATUS_STYLES['critical'].color};color:#000000",
}


def grid_html(texts: pd.DataFrame, states: pd.DataFrame, corner: str) -> str:
    """An HTML table of :func:`reporting_grid`; late and missing cells highlighted."""
    head = f"<th>{html.escape(corner)}</th>" + "".join(
        f"<th>{html.escape(str(c))}</th>" for c in texts.columns
    )
    body = []
    for label in texts.index:
        cells = [f"<th>{html.escape(str(label))}</th>"]
        for column in texts.columns:
            style = _STATE_STYLE.get(states.at[label, column], "")
            attr = f' style="{style}"' if style else ""
            cells.append(f"<td{attr}>{html.escape(str(texts.at[label, column]))}</td>")
        body.append(f"<tr>{''.join(cells)}</tr>")
    return (
        f'<table class="kt kt-grid"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table>"
    )


def issues_frame(files: Iterable[object], severity: str, lang: str = "zh") -> pd.DataFrame:
    """Validation issues of one severity (error, warning, note) with file, line, column,
    value and reason."""
    rows = []
    for report in files:
        issues = report.issues(severity)  # type: ignore[attr-defined]
        for issue in issues:
            rows.append(
                {
                    t("ui.col.file", lang): issue.path,
                    t("ui.col.line", lang): (
                        str(issue.line) if issue.line is not None else t("ui.data.whole_file", lang)
                    ),
                    t("ui.col.column", lang): column_label(report.kind, issue.column, lang),  # type: ignore[attr-defined]
                    t("ui.col.value", lang): issue.value or "",
                    t("ui.col.reason", lang): issue.reason_en if lang == "en" else issue.reason_zh,
                }
            )
    columns = [t(f"ui.col.{c}", lang) for c in ("file", "line", "column", "value", "reason")]
    return pd.DataFrame(rows, columns=columns)


PAGE_CSS = f"""
<style>
[data-testid="stMainBlockContainer"] {{ padding-top: 4.5rem; padding-bottom: 2rem; }}
/* A card's title is a page link: let a long KPI name wrap instead of being cut off. */
[data-testid="stPageLink-NavLink"] span, [data-testid="stPageLink-NavLink"] p {{
  white-space: normal; overflow: visible; text-overflow: clip; }}
[data-testid="stPageLink-NavLink"] p {{ font-size: 17px; }}
.kc, .kt, .kh-facts, .kh-fresh, .kc-count, .kf-row {{ font-family: {theme.FONT_STACK}; }}
.kc {{ display: flex; flex-direction: column; gap: 4px; }}
.kc-pill {{ display: inline-block; padding: 1px 10px; border-radius: 12px;
  font-size: 15px; font-weight: 600; white-space: nowrap; }}
.kc-error .kc-pill {{ align-self: flex-start; }}
.kc-pill-error {{ background: #ffffff; color: {theme.STATUS_STYLES["critical"].color};
  border: 2px solid {theme.STATUS_STYLES["critical"].color}; }}
.kc-head {{ display: flex; flex-wrap: wrap; align-items: center; justify-content: space-between;
  gap: 2px 8px; }}
.kc-value {{ font-size: 30px; font-weight: 700; line-height: 1.2; color: {theme.TEXT_COLOR}; }}
.kc-target {{ font-size: 15px; color: {theme.MUTED_COLOR}; }}
.kc-error-name {{ font-size: 20px; font-weight: 700; }}
.kc-bar {{ position: relative; height: 14px; background: {theme.GRID_COLOR}; border-radius: 7px;
  margin: 8px 0 4px 0; overflow: visible; }}
.kc-fill {{ position: absolute; left: 0; top: 0; bottom: 0; border-radius: 7px; }}
.kc-marker {{ position: absolute; top: -5px; bottom: -5px; width: 3px; margin-left: -1px;
  background: {theme.TEXT_COLOR}; }}
.kc-figures {{ display: flex; flex-wrap: wrap; gap: 2px 14px; font-size: 15px;
  color: {theme.TEXT_COLOR}; }}
.kc-count {{ border-left: 8px solid; padding: 4px 12px; background: #f6f8fa; border-radius: 4px; }}
.kc-count-label {{ font-size: 16px; }}
.kc-count-n {{ font-size: 28px; font-weight: 700; }}
.kt {{ border-collapse: collapse; width: 100%; font-size: 15px; }}
.kt th, .kt td {{ padding: 5px 10px; border-bottom: 1px solid {theme.GRID_COLOR};
  text-align: left; white-space: nowrap; }}
.kt .kt-num {{ text-align: right; font-variant-numeric: tabular-nums; }}
.kt thead th {{ color: {theme.MUTED_COLOR}; font-weight: 600; }}
.kt-grid td {{ text-align: center; }}
.kf-row {{ display: flex; flex-wrap: wrap; gap: 8px 36px; margin: 4px 0 8px 0; }}
.kf-label {{ font-size: 15px; color: {theme.MUTED_COLOR}; }}
.kf-value {{ font-size: 26px; font-weight: 700; color: {theme.TEXT_COLOR}; white-space: nowrap; }}
.kcode {{ font-family: "Noto Sans Mono CJK SC", "DejaVu Sans Mono", monospace; font-size: 14px;
  background: #f6f8fa; border: 1px solid {theme.GRID_COLOR}; border-radius: 6px;
  padding: 12px 14px; white-space: pre-wrap; overflow-wrap: anywhere; color: {theme.TEXT_COLOR}; }}
.kh-facts {{ display: flex; flex-wrap: wrap; gap: 4px 24px; font-size: 18px; font-weight: 600; }}
.kh-fresh {{ font-size: 14px; color: {theme.MUTED_COLOR}; }}
</style>
"""
