"""序时进度: monthly by default (end of June = 6/12), or a seasonal plan from pacing.csv."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from campaign.kpi.pacing import Pacing, elapsed_share, load_pacing, months_remaining


def test_default_pacing_is_monthly() -> None:
    assert elapsed_share(2024, date(2024, 6, 30)) == pytest.approx(6 / 12)
    assert elapsed_share(2024, date(2024, 1, 31)) == pytest.approx(1 / 12)
    assert elapsed_share(2024, date(2024, 12, 31)) == 1.0


def test_within_a_month_the_share_grows_by_day() -> None:
    # 15 June: 5/12 for January–May plus half of June's 1/12 → 5.5/12
    assert elapsed_share(2024, date(2024, 6, 15)) == pytest.approx(5.5 / 12)


def test_outside_the_year() -> None:
    assert elapsed_share(2024, date(2023, 12, 31)) == 0.0
    assert elapsed_share(2024, date(2025, 3, 31)) == 1.0


def test_months_remaining() -> None:
    assert months_remaining(2024, date(2024, 6, 30)) == pytest.approx(6)
    assert months_remaining(2024, date(2024, 12, 31)) == 0


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_text(text, encoding=encoding)
    return path


def test_a_seasonal_plan_replaces_the_even_one(tmp_path: Path) -> None:
    # A quarterly plan: 10% by March, 40% by June, 70% by September, all by December.
    rows = "\n".join(
        f"financing_amount,{m},{s}" for m, s in ((3, 0.1), (6, 0.4), (9, 0.7), (12, 1))
    )
    pacing = load_pacing(write(tmp_path / "pacing.csv", f"kpi_id,month,cumulative_share\n{rows}\n"))
    assert pacing.warnings == ()
    assert pacing.expected_share("financing_amount", 2024, date(2024, 6, 30)) == pytest.approx(0.4)
    # months left out are interpolated: April = 0.1 + (0.4 − 0.1) / 3 = 0.2
    assert pacing.month_end_share("financing_amount", 4) == pytest.approx(0.2)
    # other KPIs keep the even plan
    assert pacing.expected_share("orders_amount", 2024, date(2024, 6, 30)) == pytest.approx(0.5)


def test_star_applies_to_every_kpi_and_a_kpi_plan_wins(tmp_path: Path) -> None:
    text = (
        "指标编号,月份,累计占比\n*,6,30%\n*,12,100%\nevents_sessions,6,0.6\nevents_sessions,12,1\n"
    )
    pacing = load_pacing(write(tmp_path / "pacing.csv", text, encoding="gb18030"))
    assert pacing.expected_share("orders_amount", 2024, date(2024, 6, 30)) == pytest.approx(0.3)
    assert pacing.expected_share("events_sessions", 2024, date(2024, 6, 30)) == pytest.approx(0.6)


@pytest.mark.parametrize(
    "rows",
    [
        "x,6,0.7\nx,9,0.5\nx,12,1",  # decreases
        "x,6,0.5\nx,12,0.9",  # does not reach 1
        "x,6,1.5\nx,12,1",  # outside 0–1
    ],
)
def test_an_unusable_plan_is_ignored_with_a_warning(tmp_path: Path, rows: str) -> None:
    pacing = load_pacing(write(tmp_path / "pacing.csv", f"kpi_id,month,cumulative_share\n{rows}\n"))
    assert len(pacing.warnings) == 1 and pacing.warnings[0].line == 2
    assert pacing.expected_share("x", 2024, date(2024, 6, 30)) == pytest.approx(0.5)


def test_a_bad_month_names_its_line(tmp_path: Path) -> None:
    text = "kpi_id,month,cumulative_share\nx,13,0.5\nx,12,1\n"
    pacing = load_pacing(write(tmp_path / "pacing.csv", text))
    assert [w.line for w in pacing.warnings] == [2]


def test_no_file_means_the_even_plan(tmp_path: Path) -> None:
    assert load_pacing(tmp_path / "pacing.csv") == Pacing()
