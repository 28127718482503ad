"""区市排名: each district against its own target and 序时进度, capped, weighted, ranked."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from campaign.kpi import KpiEngine
from campaign.kpi.ranking import competition_ranks, pace_ratio
from campaign.kpi.testing import build_database, kpi_file, targets_csv
from campaign.model import Filters, KpiDefinition, KpiResult

CONFIG = """
[ranking]
cap = 1.5
exclude = ["市直"]
[ranking.weights]
a = 2.0
b = 1.0
"""
END_JUNE = Filters(2024, date(2024, 6, 30))


def sql(kind: str) -> str:
    return f"""
SELECT date_trunc('month', date) AS month, district, sum(participants) AS value
FROM events WHERE type = '{kind}' GROUP BY ALL
"""


def event(day: str, district: str, kind: str, count: int) -> dict:
    return {
        "date": date.fromisoformat(day),
        "district": district,
        "type": kind,
        "participants": count,
    }


@pytest.fixture
def engine(tmp_path: Path) -> KpiEngine:
    # KPI a counts 座谈会 participants, KPI b 培训讲座 participants.
    rows = [
        event("2024-01-10", "市南区", "座谈会", 5),
        event("2024-06-10", "市北区", "座谈会", 10),
        event("2024-01-10", "李沧区", "座谈会", 2),
        event("2024-01-10", "市直", "座谈会", 10),
        event("2024-01-10", "市南区", "培训讲座", 1),
        event("2024-01-10", "市北区", "培训讲座", 1),
        event("2024-01-10", "李沧区", "培训讲座", 8),
    ]
    build_database(tmp_path / "campaign.duckdb", {"events": rows})
    queries = tmp_path / "queries"
    kpi_file(queries, "a", sql("座谈会"), unit="人次", domain="活动培训")
    kpi_file(queries, "b", sql("培训讲座"), unit="人次", domain="活动培训")
    (queries / "kpi_config.toml").write_text(CONFIG, encoding="utf-8")
    targets_csv(
        tmp_path / "targets.csv",
        [("a", 2024, d, 10) for d in ("市南区", "市北区", "李沧区", "市直")]
        + [("b", 2024, d, 4) for d in ("市南区", "市北区")],  # 李沧区 has no target for b
    )
    return KpiEngine.for_database(tmp_path / "campaign.duckdb", queries, workers=1)


def test_composite_score_is_a_capped_weighted_mean_of_pace_ratios(engine: KpiEngine) -> None:
    ranking = engine.ranking(END_JUNE).set_index("district")
    # 序时进度 at June 30 = 0.5. Pace ratio = completion / 0.5, capped at 1.5.
    # 市南区: a 5/10 → 1.0;  b 1/4 → 0.5.           (2 × 1.0 + 1 × 0.5) / 3 = 0.8333
    # 市北区: a 10/10 → 2.0, capped 1.5; b → 0.5.    (2 × 1.5 + 1 × 0.5) / 3 = 1.1667
    # 李沧区: a 2/10 → 0.4; b has no target.          (2 × 0.4) / 2 = 0.4
    assert ranking.loc["市南区", "score"] == pytest.approx(100 * 2.5 / 3)
    assert ranking.loc["市北区", "score"] == pytest.approx(100 * 3.5 / 3)
    assert ranking.loc["李沧区", "score"] == pytest.approx(40)
    assert dict(ranking["rank"]) == {"市北区": 1, "市南区": 2, "李沧区": 3}
    assert dict(ranking["kpis_counted"]) == {"市北区": 2, "市南区": 2, "李沧区": 1}


def test_city_departments_and_districts_without_targets_are_not_ranked(engine: KpiEngine) -> None:
    districts = set(engine.ranking(END_JUNE)["district"])
    assert "市直" not in districts  # excluded in the config
    assert "莱西市" not in districts  # no target at all: nothing to score


def test_movement_against_the_previous_month_end(engine: KpiEngine) -> None:
    ranking = engine.ranking(END_JUNE).set_index("district")
    # At May 31 (序时进度 5/12): 市北区 had nothing for a yet.
    # 市南区: a 0.5 / (5/12) = 1.2; b 0.25 / (5/12) = 0.6 → (2.4 + 0.6) / 3 = 1.0   → 1st
    # 市北区: a 0;                  b 0.6              → 0.6 / 3 = 0.2          → 3rd
    # 李沧区: a 0.2 / (5/12) = 0.48                    → 0.48                   → 2nd
    assert ranking.loc["市南区", "previous_score"] == pytest.approx(100)
    assert dict(ranking["previous_rank"]) == {"市北区": 3, "市南区": 1, "李沧区": 2}
    # movement = previous rank − rank: 市北区 3 → 1 is +2
    assert dict(ranking["movement"]) == {"市北区": 2, "市南区": -1, "李沧区": -1}


def test_rank_on_each_kpi(engine: KpiEngine) -> None:
    by_kpi = engine.ranking_by_kpi(END_JUNE)
    ranks = {(row.district, row.kpi_id): row.rank for row in by_kpi.itertuples()}
    # a: pace ratios 2.0 (uncapped), 1.0, 0.4
    assert (ranks[("市北区", "a")], ranks[("市南区", "a")], ranks[("李沧区", "a")]) == (1, 2, 3)
    # b: 市南区 and 市北区 tie at 0.5; 李沧区 has no target, so no rank
    assert ranks[("市南区", "b")] == ranks[("市北区", "b")] == 1
    assert pd.isna(ranks[("李沧区", "b")])


def test_ties_share_the_best_rank() -> None:
    assert competition_ranks({"a": 1.0, "b": 1.0, "c": 0.5, "d": None}) == {
        "a": 1,
        "b": 1,
        "c": 3,
        "d": None,
    }


def result(
    completion: float, expected: float, direction: str = "up", level: bool = False
) -> KpiResult:
    definition = KpiDefinition(
        "k", "k", "k", "资金", "%", "rate" if level else "sum", direction, "", "", Path("k.sql"), ""
    )
    return KpiResult(
        definition,
        "市南区",
        completion,
        1.0,
        completion,
        expected,
        None,
        "ahead",
        None,
        None,
        None,
        None,
    )


def test_pace_ratio_for_levels_and_for_less_is_better() -> None:
    # a rate: 0.45 against a 0.5 target is completion 0.9, compared with 1 (never paced)
    assert pace_ratio(result(0.9, 1.0, level=True), cap=1.5) == pytest.approx(0.9)
    # less is better: 40% of the ceiling used at half-year → 0.5 / 0.4 = 1.25
    assert pace_ratio(result(0.4, 0.5, direction="down"), cap=1.5) == pytest.approx(1.25)
