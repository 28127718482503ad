"""Status at each boundary: completed, ahead, lagging (≤ 10 points behind), critical."""

from __future__ import annotations

import pytest

from campaign.kpi.status import assess

LAGGING_MAX_PP = 10.0


def status(
    actual: float | None, target: float | None, expected: float, direction: str = "up"
) -> str:
    return assess(actual, target, expected, direction, LAGGING_MAX_PP).status


@pytest.mark.parametrize(
    ("actual", "expected", "want"),
    [
        (100, 0.5, "completed"),  # actual = target: completed, whatever the pace
        (120, 0.5, "completed"),
        (99.9, 1.0, "lagging"),  # 99.9% at year end: 0.1 points behind
        (50, 0.5, "ahead"),  # completion 50% = 序时进度 50%: on pace counts as ahead
        (60, 0.5, "ahead"),
        (49.9, 0.5, "lagging"),  # 0.1 points behind
        (40, 0.5, "lagging"),  # exactly 10 points behind: still lagging
        (39.9, 0.5, "critical"),  # 10.1 points behind
        (0, 0.5, "critical"),
    ],
)
def test_status_boundaries_more_is_better(actual: float, expected: float, want: str) -> None:
    assert status(actual, 100, expected) == want


def test_gap_is_completion_minus_expected_in_points() -> None:
    # completion 40 / 100 = 0.4; expected 0.5 → gap −10.0 points
    assessment = assess(40, 100, 0.5, "up", LAGGING_MAX_PP)
    assert assessment.completion == pytest.approx(0.4)
    assert assessment.gap_pp == pytest.approx(-10.0)


@pytest.mark.parametrize(
    ("actual", "expected", "want"),
    [
        (40, 0.5, "ahead"),  # 40% of the ceiling used at half-year: under the pace
        (50, 0.5, "ahead"),  # exactly on pace
        (60, 0.5, "lagging"),  # 10 points over the pace: lagging
        (60.1, 0.5, "critical"),  # 10.1 points over
        (100, 1.0, "completed"),  # at year end (or a level KPI): within the ceiling
        (105, 1.0, "lagging"),  # 5 points over the ceiling
        (111, 1.0, "critical"),
    ],
)
def test_status_boundaries_less_is_better(actual: float, expected: float, want: str) -> None:
    assert status(actual, 100, expected, "down") == want


def test_gap_is_positive_when_better_for_both_directions() -> None:
    # down: completion 0.4 against expected 0.5 → 10 points better than pace
    assert assess(40, 100, 0.5, "down", LAGGING_MAX_PP).gap_pp == pytest.approx(10.0)
    assert assess(60, 100, 0.5, "up", LAGGING_MAX_PP).gap_pp == pytest.approx(10.0)


def test_without_a_target_there_is_no_completion_and_no_error() -> None:
    assessment = assess(40, None, 0.5, "up", LAGGING_MAX_PP)
    assert (assessment.completion, assessment.gap_pp, assessment.status) == (
        None,
        None,
        "no_target",
    )


def test_without_an_actual_the_status_is_no_data() -> None:
    assert status(None, 0.6, 1.0) == "no_data"


def test_threshold_comes_from_the_config() -> None:
    # 15 points behind: critical with 10, lagging with 20
    assert assess(35, 100, 0.5, "up", 10.0).status == "critical"
    assert assess(35, 100, 0.5, "up", 20.0).status == "lagging"
