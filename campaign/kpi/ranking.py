"""区市排名: a composite score per district that lets large and small districts compete.

Each district is measured against its own target and its own 序时进度, never in absolute
figures:

- pace ratio on a KPI = completion ÷ expected (1 = exactly on pace).  For level KPIs
  (rate, latest) expected is 1, so the ratio is the completion.  For less-is-better KPIs it
  is inverted: expected ÷ completion.  When expected is 0 (a seasonal plan that expects
  nothing yet) the ratio is 1 if nothing is done, the cap if something is.
- capped at ``ranking.cap`` (1.5 by default) so one runaway KPI cannot dominate;
- score = Σ weight × capped ratio ÷ Σ weight, over the KPIs for which the district has a
  target and a figure (a rate with no cases at all is left out rather than counted as 0;
  a total with nothing reported counts as 0).  Weights per KPI in ``kpi_config.toml``.
- rank 1 = best score; equal scores share the best rank (1, 2, 2, 4); districts with no
  scorable KPI have no score and no rank.  市直 (city departments, not a district) is left
  out by default (``ranking.exclude``).
- each district's rank on each KPI orders the uncapped pace ratios the same way.
"""

from __future__ import annotations

from dataclasses import dataclass

from campaign.kpi.config import KpiConfig
from campaign.model import KpiResult

# Scores closer than this are equal (float noise must not split a tie).
_TIE = 1e-9


@dataclass(frozen=True)
class KpiPace:
    """One district on one KPI: its pace ratio, capped contribution and weight."""

    district: str
    kpi_id: str
    completion: float | None
    expected: float | None
    pace_ratio: float | None
    capped: float | None
    weight: float


def pace_ratio(result: KpiResult, cap: float) -> float | None:
    """Completion relative to 序时进度 (direction-adjusted); None when not scorable."""
    if result.target is None or result.actual is None or result.not_reported:
        return None  # not reported yet: left out, like a rate with nothing to measure
    completion = result.completion
    expected = result.expected if result.expected is not None else 1.0
    if completion is None:  # target ≤ 0: met or not
        return cap if result.status == "completed" else 0.0
    if result.kpi.direction == "down":
        if completion <= 0:
            return cap
        return expected / completion
    if expected <= 0:
        return 1.0 if completion <= 0 else cap
    return completion / expected


def competition_ranks(values: dict[str, float | None]) -> dict[str, int | None]:
    """Rank keys by value, highest first; ties share the best rank (1, 2, 2, 4)."""
    scored = sorted(((v, k) for k, v in values.items() if v is not None), key=lambda p: -p[0])
    ranks: dict[str, int | None] = {k: None for k, v in values.items() if v is None}
    previous: float | None = None
    rank = 0
    for position, (value, key) in enumerate(scored, start=1):
        if previous is None or value < previous - _TIE:
            rank, previous = position, value
        ranks[key] = rank
    return ranks


def district_paces(
    results_by_kpi: dict[str, list[KpiResult]], districts: list[str], config: KpiConfig
) -> list[KpiPace]:
    """Every ranked district's pace on every KPI (``results_by_kpi``: KPI id → per-district)."""
    paces: list[KpiPace] = []
    ranked = set(districts)
    for kpi_id, results in results_by_kpi.items():
        weight = config.weight(kpi_id)
        for result in results:
            if result.scope not in ranked:
                continue
            ratio = pace_ratio(result, config.ranking_cap)
            paces.append(
                KpiPace(
                    district=result.scope,
                    kpi_id=kpi_id,
                    completion=result.completion,
                    expected=result.expected,
                    pace_ratio=ratio,
                    capped=None if ratio is None else min(config.ranking_cap, ratio),
                    weight=weight,
                )
            )
    return paces


def scores(paces: list[KpiPace], districts: list[str]) -> dict[str, tuple[float | None, int]]:
    """Composite score and number of KPIs counted per district."""
    weighted: dict[str, float] = dict.fromkeys(districts, 0.0)
    weights: dict[str, float] = dict.fromkeys(districts, 0.0)
    counted: dict[str, int] = dict.fromkeys(districts, 0)
    for pace in paces:
        if pace.capped is None or pace.weight <= 0 or pace.district not in weighted:
            continue
        weighted[pace.district] += pace.weight * pace.capped
        weights[pace.district] += pace.weight
        counted[pace.district] += 1
    return {
        d: (weighted[d] / weights[d] if weights[d] > 0 else None, counted[d]) for d in districts
    }
