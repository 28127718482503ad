"""What a meeting pack (会议材料) says, gathered once from the engine for every format.

:func:`build_pack` asks the engine for the scorecard, each KPI's months, the ranking and the
status matrix, and the notes store for the follow-up notes; the PDF, Excel and PowerPoint
writers only lay this out. Every figure a writer shows as text comes from
:mod:`campaign.formatting` through the helpers here, and every chart from
:mod:`campaign.charts`, so the pack shows exactly what the dashboard shows.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import altair as alt
import pandas as pd

from campaign import charts, theme
from campaign.formatting import (
    display_scale,
    format_date,
    format_percent,
    format_value,
    is_missing,
    kpi_figures,
    not_reported_notice,
    round_half_up,
    unit_label,
)
from campaign.i18n import t
from campaign.kpi import KpiEngine
from campaign.kpi.engine import previous_month_end
from campaign.model import DOMAINS, Filters, KpiDefinition, KpiError, KpiResult, Scorecard
from campaign.narrative import Narrative, TemplateError, draft_narrative
from campaign.notes import Note, NotesStore, month_key
from campaign.views import (
    BEHIND,
    STATUS_SEVERITY,
    domain_label,
    movement_text,
    scope_label,
)

# The columns of the KPI tables in the PDF and the deck, in order.
SUMMARY_COLUMNS: tuple[str, ...] = (
    "actual",
    "target",
    "completion",
    "expected",
    "gap",
    "yoy",
    "projection",
    "needed",
    "status",
)


@dataclass(frozen=True)
class PackKpi:
    """One KPI of the pack: its result for the pack's scope, its months, its notes."""

    result: KpiResult
    monthly: pd.DataFrame
    notes: tuple[Note, ...] = ()

    @property
    def definition(self) -> KpiDefinition:
        return self.result.kpi

    @property
    def has_months(self) -> bool:
        return not self.monthly.empty and not self.monthly["value"].isna().all()


@dataclass(frozen=True)
class PackDomain:
    domain: str
    kpis: tuple[PackKpi, ...]


@dataclass(frozen=True)
class MeetingPack:
    """Everything the pack shows, for one filter and one language."""

    lang: str
    filters: Filters
    scorecard: Scorecard
    domains: tuple[PackDomain, ...]
    ranking: pd.DataFrame
    status_matrix: pd.DataFrame
    ranking_cap: float
    generated_at: datetime
    errors: tuple[KpiError, ...] = field(default=())
    # The drafted narrative (文字稿: the .docx and the PDF's first pages); None, with the
    # reason, when the wording file (queries/narrative.toml) is unusable.
    narrative: Narrative | None = None
    narrative_error: TemplateError | None = None
    # Where drawn charts are kept between processes (beside the built database), or None.
    chart_folder: Path | None = None
    # Each domain's charts, built once per pack (building Altair charts is not free).
    _domain_charts: dict[str, list[PackChart]] = field(
        default_factory=dict, compare=False, repr=False
    )

    @property
    def kpis(self) -> list[PackKpi]:
        return [k for d in self.domains for k in d.kpis]

    @property
    def behind(self) -> list[PackKpi]:
        """The lagging and critical KPIs, worst first (critical, then the widest gap)."""
        found = [k for k in self.kpis if k.result.status in BEHIND]
        return sorted(
            found,
            key=lambda k: (
                STATUS_SEVERITY[k.result.status],
                k.result.gap_pp if k.result.gap_pp is not None else 0.0,
            ),
        )

    @property
    def scope(self) -> str:
        return scope_label(self.filters.district, self.lang)

    def t(self, key: str, **params: object) -> str:
        return t(key, self.lang, **params)

    def status_counts(self) -> dict[str, int]:
        counts = {s: 0 for s in theme.RATED_STATUSES}
        for result in self.scorecard.results:
            if result.status in counts:
                counts[result.status] += 1
        return counts

    def facts(self) -> list[str]:
        """Scope, as-of date and 序时进度, as the cover and the slides state them."""
        return [
            self.t("brief.cover.scope", scope=self.scope),
            self.t("brief.cover.as_of", date=format_date(self.filters.as_of, self.lang)),
            self.t("brief.cover.expected", value=format_percent(self.scorecard.expected)),
        ]

    def not_reported_notice(self) -> str | None:
        """The warning when KPIs are not reported to the as-of date (as the header says it)."""
        return not_reported_notice(self.scorecard.results, self.lang)

    def footer(self) -> str:
        return self.t(
            "brief.footer", scope=self.scope, date=format_date(self.filters.as_of, self.lang)
        )

    def previous_month_end_text(self) -> str:
        return format_date(previous_month_end(self.filters.as_of), self.lang)

    def ranking_rows(self) -> list[dict[str, str]]:
        """The ranking as display text (rank, district, score, last month, change, counted)."""
        rows = []
        for row in self.ranking.itertuples(index=False):
            rows.append(
                {
                    "district_id": row.district,
                    "rank": _int_text(row.rank),
                    "district": scope_label(row.district, self.lang),
                    "score": f"{row.score:.1f}",
                    "previous_rank": _int_text(row.previous_rank),
                    "movement": movement_text(row.movement, self.lang),
                    "counted": str(int(row.kpis_counted)),
                }
            )
        return rows


def _int_text(value: object) -> str:
    return "—" if is_missing(value) else str(int(value))  # type: ignore[call-overload]


def build_pack(
    engine: KpiEngine,
    filters: Filters,
    lang: str = "zh",
    notes: NotesStore | None = None,
    now: datetime | None = None,
) -> MeetingPack:
    """Gather the pack for ``filters`` (scope = 全市 or ``filters.district``) in ``lang``.

    ``notes`` defaults to the store beside the engine's data folder; the notes shown are the
    current ones for each KPI × the pack's scope, from January to the as-of month.
    """
    if notes is None and engine.data_dir is not None:
        notes = NotesStore.for_data(engine.data_dir)
    scorecard = engine.scorecard(filters)
    by_thread: dict[str, list[Note]] = {}
    if notes is not None and notes.path.exists():
        for note in notes.current(
            scope=filters.scope, year=filters.year, up_to=month_key(filters.as_of)
        ):
            by_thread.setdefault(note.kpi_id, []).append(note)
    kpis = [
        PackKpi(r, engine.monthly(r.kpi.id, filters), tuple(by_thread.get(r.kpi.id, ())))
        for r in scorecard.results
    ]
    domains = []
    seen = [d for d in DOMAINS if any(k.definition.domain == d for k in kpis)]
    seen += sorted({k.definition.domain for k in kpis} - set(DOMAINS))
    for domain in seen:
        domains.append(PackDomain(domain, tuple(k for k in kpis if k.definition.domain == domain)))
    narrative, narrative_error = None, None
    try:
        narrative = draft_narrative(engine, filters, lang, notes=notes)
    except TemplateError as problem:
        narrative_error = problem
    return MeetingPack(
        lang=lang,
        filters=filters,
        scorecard=scorecard,
        domains=tuple(domains),
        ranking=engine.ranking(filters),
        status_matrix=engine.status_matrix(filters),
        ranking_cap=engine.config().ranking_cap,
        generated_at=(now or datetime.now(UTC)),
        errors=tuple(scorecard.errors),
        narrative=narrative,
        narrative_error=narrative_error,
        chart_folder=_chart_folder(engine),
    )


def _chart_folder(engine: KpiEngine) -> Path | None:
    """``charts/`` beside the database the figures come from (the data folder's ``.build``,
    or the private build of a read-only folder); None for an engine without a database
    file."""
    database = getattr(engine.database(), "database_path", None)
    return Path(database).parent / "charts" if database is not None else None


# ---------------------------------------------------------------- display text


def kpi_cells(result: KpiResult, lang: str = "zh") -> dict[str, str]:
    """One KPI's figures as every surface writes them (``formatting.kpi_figures``), with the
    domain, the name and the status tag (symbol and word)."""
    return {
        **kpi_figures(result, lang),
        "domain": domain_label(result.kpi.domain, lang),
        "kpi": result.kpi.name(lang),
        "status": theme.status_style(result.status).tag(lang),
    }


def domain_title(domain: str, lang: str = "zh") -> str:
    return t("brief.domain.title", lang, domain=domain_label(domain, lang))


_FIGURE = re.compile(r"−?[\d,]+(?:\.(\d+))?")


def display_decimals(value: float | None, unit: str, lang: str = "zh") -> int:
    """How many decimals :func:`format_value` shows for ``value`` (Excel uses the same)."""
    if is_missing(value):
        return 0
    text = format_value(value, unit, lang)
    found = _FIGURE.search(text)
    return len(found.group(1) or "") if found else 0


def display_number(value: float | None, unit: str, lang: str = "zh") -> float | None:
    """``value`` in the unit the dashboard shows it in (a fraction stays a fraction for %)."""
    if is_missing(value):
        return None
    number = float(value)  # type: ignore[arg-type]
    return number if unit == "%" else number * display_scale(unit, lang)


def shown_number(value: float | None, unit: str, lang: str = "zh") -> float | None:
    """``value`` as :func:`display_number`, rounded to the digits the text shows (a fraction
    for "%": 1.0625 → 1.063), so a spreadsheet cell reads exactly like the text."""
    number = display_number(value, unit, lang)
    if number is None:
        return None
    if unit == "%":
        return round_half_up(number * 100, 1) / 100
    return round_half_up(number, display_decimals(value, unit, lang))


def shown_fraction(value: float | None, decimals: int = 1) -> float | None:
    """A percentage figure (completion, 序时进度, 同比) rounded as shown: 1.0625 → 1.063."""
    return None if is_missing(value) else round_half_up(float(value) * 100, decimals) / 100  # type: ignore[arg-type]


def shown_points(value: float | None) -> float | None:
    """A gap in percentage points rounded as shown: 31.25 → 31.3."""
    return None if is_missing(value) else round_half_up(float(value), 1)  # type: ignore[arg-type]


def display_unit(unit: str, lang: str = "zh") -> str:
    return "%" if unit == "%" else unit_label(unit, lang)


# ---------------------------------------------------------------- charts


@dataclass(frozen=True)
class PackChart:
    """A chart of the pack: its title and the dashboard's Altair chart."""

    title: str
    chart: alt.TopLevelMixin


def kpi_charts(kpi: PackKpi, year: int, lang: str, with_monthly: bool) -> list[PackChart]:
    """The KPI detail page's charts for one KPI (the cumulative one; the monthly one too)."""
    if not kpi.has_months:
        return []
    definition = kpi.definition
    name = definition.name(lang)
    key = "brief.domain.chart_level" if definition.is_level else "brief.domain.chart_cumulative"
    found = [
        PackChart(
            t(key, lang, kpi=name),
            charts.cumulative_chart(kpi.monthly, definition.unit, lang, definition.is_level),
        )
    ]
    if with_monthly:
        found.append(
            PackChart(
                t("brief.domain.chart_monthly", lang, kpi=name),
                charts.monthly_chart(kpi.monthly, definition.unit, year, lang),
            )
        )
    return found


def domain_charts(pack: MeetingPack, domain: PackDomain) -> list[PackChart]:
    """A domain's charts: each KPI's progress; a one-KPI domain adds its monthly chart."""
    kept = pack._domain_charts.get(domain.domain)
    if kept is not None:
        return kept
    alone = len(domain.kpis) == 1
    found: list[PackChart] = []
    for kpi in domain.kpis:
        found += kpi_charts(kpi, pack.filters.year, pack.lang, with_monthly=alone)
    pack._domain_charts[domain.domain] = found
    return found


# Chart sizes in px, the same for the PDF and the deck (so one rendering serves both).
CHART_WIDTH = 560
RANKING_WIDTH = 520


def chart_height(charts_on_page: int) -> int:
    """One row of up to two charts, or two rows for more."""
    return 360 if charts_on_page <= 2 else 190


def ranking_chart(pack: MeetingPack) -> alt.TopLevelMixin | None:
    if pack.ranking.empty:
        return None
    labels = {d: scope_label(d, pack.lang) for d in pack.ranking["district"]}
    return charts.ranking_chart(pack.ranking, labels, pack.lang)


def iter_pack_charts(pack: MeetingPack) -> Iterator[tuple[alt.TopLevelMixin, int, int | None]]:
    """Every chart the pack draws, at the size the PDF and the deck draw it: (chart, width,
    height), each built when asked for. The writers hand them to ``render.render_ahead``,
    which sends each to be drawn as soon as it is built.

    The ranking comes first: its height follows the number of districts, so the PDF's layout
    waits for it, while the others are exactly the width and height given."""
    ranking = ranking_chart(pack)
    if ranking is not None:
        yield ranking, RANKING_WIDTH, None
    for domain in pack.domains:
        found = domain_charts(pack, domain)
        height = chart_height(len(found))
        for chart in found:
            yield chart.chart, CHART_WIDTH, height


def pack_charts(pack: MeetingPack) -> list[tuple[alt.TopLevelMixin, int, int | None]]:
    """:func:`iter_pack_charts`, all built."""
    return list(iter_pack_charts(pack))


def notes_sorted(notes: Sequence[Note]) -> list[Note]:
    """Newest month first, then newest written first (the store's order, kept explicit)."""
    return sorted(notes, key=lambda n: (n.month, n.created_at, n.id), reverse=True)
