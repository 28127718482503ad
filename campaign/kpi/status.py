"""Completion, gap to 序时进度 and status (完成 / 超序时 / 滞后 / 严重滞后) of one figure.

For ``direction = up`` (more is better):

- ``completed`` when actual ≥ target;
- otherwise ``ahead`` when completion ≥ expected (序时进度);
- ``lagging`` when completion is below expected by at most ``lagging_max_pp`` points
  (10 by default, ``queries/kpi_config.toml``), boundary included;
- ``critical`` below that.

For ``direction = down`` (less is better; the target is a ceiling) the rule is mirrored:
``ahead`` when completion ≤ expected, ``lagging`` when above it by at most the threshold,
``critical`` beyond; ``completed`` when actual ≤ target once the comparison is with the full
target (a level KPI, or a total at year end) — a ceiling on a total cannot be "met" before
the year is over.

``gap_pp`` is signed so that positive is better: (completion − expected) × 100 for up,
(expected − completion) × 100 for down.  Without a target: ``no_target`` and no completion;
without an actual (a rate with no denominator, a stock with no value): ``no_data``.
"""

from __future__ import annotations

from dataclasses import dataclass

from campaign.model import Status

# Float noise must not move a figure across a boundary: 0.4 vs 0.5 is exactly 10 points.
_EPSILON_PP = 1e-9


@dataclass(frozen=True)
class Assessment:
    """Completion (a fraction), gap in percentage points and status of one figure."""

    completion: float | None
    gap_pp: float | None
    status: Status


def assess(
    actual: float | None,
    target: float | None,
    expected: float,
    direction: str,
    lagging_max_pp: float,
) -> Assessment:
    """Compare an actual figure with its target and 序时进度 ``expected`` (a fraction)."""
    if target is None:
        return Assessment(None, None, "no_target")
    if actual is None:
        return Assessment(None, None, "no_data")
    up = direction != "down"
    if target <= 0:
        # No meaningful completion; the target is met or it is not.
        met = actual >= target if up else actual <= target
        return Assessment(None, None, "completed" if met else "critical")
    completion = actual / target
    gap_pp = (completion - expected) * 100 if up else (expected - completion) * 100
    if up and actual >= target:
        status: Status = "completed"
    elif not up and actual <= target and expected >= 1:
        status = "completed"
    elif gap_pp >= -_EPSILON_PP:
        status = "ahead"
    elif gap_pp >= -lagging_max_pp - _EPSILON_PP:
        status = "lagging"
    else:
        status = "critical"
    return Assessment(completion, gap_pp, status)
