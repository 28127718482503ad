"""One KPI for one scope at one as-of date: the figures of a :class:`KpiResult`.

- actual: the KPI from 1 January to the as-of day, inclusive (facts are dated by day; a
  monthly query's figure is dated on its month's last day).
- expected: 序时进度 at the as-of date (the KPI's seasonal plan if ``pacing.csv`` gives one);
  1 for ``rate`` and ``latest`` KPIs, whose target is a level compared in full.
- last_year / yoy (同比): the same KPI and scope from 1 January to the same day one year
  earlier (29 February → 28 February); None when the data has no facts of this KPI in that
  period or its extracts do not cover last year (a year not covered is missing, not zero);
  yoy = actual ÷ last_year − 1, a relative change for every aggregation (also for rates:
  40% after 32% is +25%); None when last year is missing or 0.
- not reported yet: when the KPI's extracts (the tables its query reads) end before the
  as-of date, the figure stops at their last reported day and the status is
  ``not_reported``: no gap, no status, no 同比, no projection — a month not reported is no
  data, not zero.  A year before the extracts begin has no figure at all.
- projection (year-end at the current pace): actual ÷ expected for totals — with a seasonal
  plan that is the plan's share, so a slow first quarter that was planned is not punished.
  ``count_distinct`` uses the same linear pace (an upper bound: repeat customers make distinct
  counts grow more slowly than totals).  For levels the projection is the current level.
- needed_per_month: (target − actual) ÷ calendar months left in the year; None when the
  target is met, there is none, the KPI is a level, less is better, or the year is over.
"""

from __future__ import annotations

from datetime import date

from campaign.kpi.facts import KpiFacts, PeriodCounts
from campaign.kpi.pacing import Pacing, months_remaining
from campaign.kpi.status import assess
from campaign.model import KpiDefinition, KpiResult


def same_day_last_year(day: date) -> date:
    """The same day one year earlier; 29 February → 28 February."""
    try:
        return day.replace(year=day.year - 1)
    except ValueError:
        return day.replace(year=day.year - 1, day=28)


# (first reported day, last reported day) of a KPI's extracts.
ReportedSpan = tuple[date, date]


def reported_span_of(
    tables: tuple[str, ...], kind_spans: dict[str, tuple[date, date]]
) -> ReportedSpan | None:
    """What a KPI's extracts cover: from 1 January of the year the latest-starting kind
    begins in, to the last day of the earliest-ending kind's newest month; None when the
    query reads no extract kind (then nothing is marked as not reported)."""
    known = [kind_spans[table] for table in tables if table in kind_spans]
    if not known:
        return None
    first = max(first for first, _ in known)
    return date(first.year, 1, 1), min(last for _, last in known)


def expected_for(definition: KpiDefinition, pacing: Pacing, year: int, as_of: date) -> float:
    """序时进度 of a KPI: its plan's share at ``as_of``, or 1 for level KPIs."""
    if definition.is_level:
        return 1.0
    return pacing.expected_share(definition.id, year, as_of)


def build_result(
    definition: KpiDefinition,
    scope: str,
    facts: KpiFacts,
    target: float | None,
    year: int,
    as_of: date,
    pacing: Pacing,
    lagging_max_pp: float,
    reported: ReportedSpan | None = None,
    extra: PeriodCounts | None = None,
) -> KpiResult:
    """Every figure of one KPI for one scope (全市 or a district) at ``as_of`` in ``year``.

    ``reported``: what the KPI's extracts cover (see :func:`reported_span_of`); ``extra``:
    distinct counts to an as-of day inside a month (``facts.run_distinct_periods``).
    """
    as_of = min(as_of, date(year, 12, 31))
    expected = expected_for(definition, pacing, year, as_of)
    # None also when the extracts begin after the as-of date (nothing reported by then)
    reported_through = reported[1] if reported and reported[0] <= as_of else None
    if reported is not None and (reported[0] > as_of or reported[1] < as_of):
        # Not reported to the as-of date: the figure so far, nothing judged on it.
        actual = None
        if reported[0] <= as_of and reported[1] >= date(year, 1, 1):
            actual = facts.year_to_date(scope, year, reported[1], extra)
        completion = None
        if actual is not None and target is not None and target > 0:
            completion = actual / target
        return KpiResult(
            kpi=definition,
            scope=scope,
            actual=actual,
            target=target,
            completion=completion,
            expected=expected,
            gap_pp=None,
            status="not_reported",
            last_year=None,
            yoy=None,
            projection=None,
            needed_per_month=None,
            reported_through=reported_through,
        )
    actual = facts.year_to_date(scope, year, as_of, extra)
    assessment = assess(actual, target, expected, definition.direction, lagging_max_pp)
    last_year_day = same_day_last_year(as_of)
    last_year_covered = reported is None or reported[0] <= date(year - 1, 1, 1)
    last_year = (
        facts.year_to_date(scope, year - 1, last_year_day, extra)
        if last_year_covered and facts.has_facts(year - 1, last_year_day, extra)
        else None
    )
    yoy = actual / last_year - 1 if actual is not None and last_year else None
    if actual is None:
        projection = None
    elif definition.is_level:
        projection = actual
    else:
        projection = actual / expected if expected > 0 else None
    needed_per_month = None
    remaining = months_remaining(year, as_of)
    if (
        target is not None
        and actual is not None
        and not definition.is_level
        and definition.direction == "up"
        and actual < target
        and remaining > 0
    ):
        needed_per_month = (target - actual) / remaining
    return KpiResult(
        kpi=definition,
        scope=scope,
        actual=actual,
        target=target,
        completion=assessment.completion,
        expected=expected,
        gap_pp=assessment.gap_pp,
        status=assessment.status,
        last_year=last_year,
        yoy=yoy,
        projection=projection,
        needed_per_month=needed_per_month,
        reported_through=reported_through,
    )
