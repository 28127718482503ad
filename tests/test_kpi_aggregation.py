"""Aggregation is right for every filter: sum, count_distinct, rate and latest.

Each case is small enough to compute by hand; the arithmetic is in the comments.  The
shipped query files are used where one fits, so these tests check them too.
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from campaign.kpi import KpiEngine
from campaign.kpi.testing import build_database, kpi_file
from campaign.model import Filters

SHIPPED = Path(__file__).resolve().parents[1] / "queries"


def engine_with(
    tmp_path: Path, rows: dict, shipped: tuple[str, ...] = (), **custom: str
) -> KpiEngine:
    """An engine over ``rows`` with some shipped KPI files and custom ones (id → sql)."""
    queries = tmp_path / "queries"
    queries.mkdir()
    for kpi_id in shipped:
        shutil.copy(SHIPPED / f"{kpi_id}.sql", queries)
    for kpi_id, spec in custom.items():
        aggregation, sql = spec.split(":", 1)
        kpi_file(queries, kpi_id, sql, aggregation=aggregation)
    database = build_database(tmp_path / "campaign.duckdb", rows)
    return KpiEngine.for_database(database, queries, workers=1)


def actual(
    engine: KpiEngine, kpi_id: str, as_of: date, district: str | None = None
) -> float | None:
    result = engine.result(kpi_id, Filters(as_of.year, as_of, district))
    assert result is not None, engine.errors()
    return result.actual


def financing(day: str, district: str, enterprise: str, amount_wan: float) -> dict:
    return {
        "date": date.fromisoformat(day),
        "district": district,
        "enterprise": enterprise,
        "amount_wan": amount_wan,
    }


# An enterprise served in two districts and two months.
FINANCING = [
    financing("2024-01-10", "市南区", "甲公司", 10_000),  # 1 亿元
    financing("2024-02-05", "市南区", "甲公司", 20_000),  # 2 亿元, 甲 again
    financing("2024-02-20", "市北区", "甲公司", 5_000),  # 0.5 亿元, 甲 in a second district
    financing("2024-02-21", "市南区", "乙公司", 1_000),  # 0.1 亿元
    financing("2024-03-03", "市北区", "丙公司", 9_000),  # after the as-of date below
    financing("2023-02-01", "市南区", "丁公司", 4_000),  # last year: 0.4 亿元
]
END_FEB = date(2024, 2, 29)


def test_sum_adds_up_months_and_districts_up_to_the_as_of_date(tmp_path: Path) -> None:
    engine = engine_with(tmp_path, {"financing": FINANCING}, shipped=("financing_amount",))
    # 市南区: 1 + 2 + 0.1 = 3.1 亿元; 市北区: 0.5 (March's 0.9 is after the as-of date)
    assert actual(engine, "financing_amount", END_FEB, "市南区") == pytest.approx(3.1)
    assert actual(engine, "financing_amount", END_FEB, "市北区") == pytest.approx(0.5)
    # 全市 = 3.1 + 0.5 = 3.6
    assert actual(engine, "financing_amount", END_FEB) == pytest.approx(3.6)
    # a district with nothing reported has a real zero, not a missing figure
    assert actual(engine, "financing_amount", END_FEB, "莱西市") == 0.0
    # as of the end of March, 丙's 0.9 counts: 3.6 + 0.9 = 4.5
    assert actual(engine, "financing_amount", date(2024, 3, 31)) == pytest.approx(4.5)


def test_count_distinct_counts_an_enterprise_once_per_period(tmp_path: Path) -> None:
    engine = engine_with(tmp_path, {"financing": FINANCING}, shipped=("financing_enterprises",))
    # 市南区 to February: 甲 (January and February: once) and 乙 → 2
    assert actual(engine, "financing_enterprises", END_FEB, "市南区") == 2
    # 市北区 to February: 甲 → 1
    assert actual(engine, "financing_enterprises", END_FEB, "市北区") == 1
    # 全市: 甲 and 乙 → 2, less than the districts' 2 + 1 = 3
    assert actual(engine, "financing_enterprises", END_FEB) == 2
    # to January only: 甲 → 1
    assert actual(engine, "financing_enterprises", date(2024, 1, 31)) == 1


def test_count_distinct_months_count_within_the_month_and_cumulate_within_the_year(
    tmp_path: Path,
) -> None:
    engine = engine_with(tmp_path, {"financing": FINANCING}, shipped=("financing_enterprises",))
    monthly = engine.monthly("financing_enterprises", Filters(2024, END_FEB))
    # January: 甲 → 1; February: 甲, 乙 → 2 that month; cumulative 甲, 乙 → 2 (not 1 + 2 = 3)
    assert list(monthly["value"][:2]) == [1, 2]
    assert list(monthly["cumulative"][:2]) == [1, 2]
    assert monthly["value"][2:].isna().all()  # after the as-of month: nothing yet


# Mediation cases with unequal denominators.
def case(number: int, district: str, status: str, day: str = "2024-03-10") -> dict:
    return {
        "case_id": f"FL-{number}",
        "date": date.fromisoformat(day),
        "district": district,
        "kind": "调解",
        "status": status,
    }


MEDIATION = [
    case(1, "市南区", "调解成功"),  # 市南区: 1 of 1
    *(case(10 + i, "市北区", "调解成功" if i < 3 else "调解失败") for i in range(9)),  # 3 of 9
    {
        "case_id": "FL-99",
        "date": date(2024, 3, 11),
        "district": "市北区",
        "kind": "法律咨询",
        "status": "已办结",
    },  # a consultation: not a mediation case
]


def test_rate_divides_sums_never_averages_ratios(tmp_path: Path) -> None:
    engine = engine_with(tmp_path, {"mediation": MEDIATION}, shipped=("mediation_success_rate",))
    as_of = date(2024, 3, 31)
    assert actual(engine, "mediation_success_rate", as_of, "市南区") == pytest.approx(1.0)
    assert actual(engine, "mediation_success_rate", as_of, "市北区") == pytest.approx(3 / 9)
    # 全市 = (1 + 3) / (1 + 9) = 0.4, not the average of 100% and 33.3% (66.7%)
    assert actual(engine, "mediation_success_rate", as_of) == pytest.approx(0.4)
    # a district without cases has no rate at all
    result = engine.result("mediation_success_rate", Filters(2024, as_of, "莱西市"))
    assert (
        result is not None and result.actual is None and result.status in ("no_data", "no_target")
    )


def test_rate_year_to_date_pools_the_months(tmp_path: Path) -> None:
    rows = [
        case(1, "市南区", "调解成功", "2024-01-05"),  # January: 1 of 1
        *(case(10 + i, "市南区", "调解失败", "2024-02-05") for i in range(3)),
    ]  # Feb: 0 of 3
    engine = engine_with(tmp_path, {"mediation": rows}, shipped=("mediation_success_rate",))
    # (1 + 0) / (1 + 3) = 0.25, not the mean of 100% and 0% (50%)
    assert actual(engine, "mediation_success_rate", date(2024, 2, 29)) == pytest.approx(0.25)


def chamber(number: int, district: str, founded: str, party: bool, status: str = "正常") -> dict:
    return {
        "chamber_id": f"SH{number}",
        "name": f"商会{number}",
        "kind": "行业商会",
        "district": district,
        "founded_date": date.fromisoformat(founded),
        "registered": True,
        "party_org": party,
        "status": status,
    }


CHAMBERS = [
    chamber(1, "市南区", "2020-01-01", True),
    chamber(2, "市南区", "2024-03-10", False),  # new in March 2024, no party organisation
    chamber(3, "市北区", "2019-05-01", True),
    chamber(4, "市北区", "2024-08-01", True),  # after the as-of date
    chamber(5, "市北区", "2018-01-01", False, status="已清理"),  # cleaned up: never counted
]


def test_latest_is_the_level_at_the_as_of_month_not_a_sum(tmp_path: Path) -> None:
    engine = engine_with(tmp_path, {"chambers": CHAMBERS}, shipped=("chambers_party_coverage",))
    mid_year = date(2024, 6, 30)
    # 市南区 at June: chambers 1 and 2 active, 1 with a party organisation → 1/2
    assert actual(engine, "chambers_party_coverage", mid_year, "市南区") == pytest.approx(0.5)
    # 市北区 at June: chamber 3 only (4 is founded in August, 5 was cleaned up) → 1/1
    assert actual(engine, "chambers_party_coverage", mid_year, "市北区") == pytest.approx(1.0)
    # 全市 = (1 + 1) / (2 + 1) = 2/3, neither the mean of the shares (75%) nor a sum of months
    assert actual(engine, "chambers_party_coverage", mid_year) == pytest.approx(2 / 3)
    # at February, before chamber 2: 市南区 1/1
    assert actual(engine, "chambers_party_coverage", date(2024, 2, 29), "市南区") == 1.0
    result = engine.result("chambers_party_coverage", Filters(2024, mid_year, "市南区"))
    assert result is not None
    # 同比: June 2023 市南区 was 1/1; 0.5 / 1 − 1 = −50%
    assert result.last_year == 1.0 and result.yoy == pytest.approx(-0.5)
    assert result.expected == 1.0  # a level: compared with the full target, never paced


STOCK_SQL = """
SELECT date_trunc('month', date) AS month, district, max(participants) AS value
FROM events GROUP BY ALL
"""


def event(day: str, district: str, participants: int) -> dict:
    return {
        "date": date.fromisoformat(day),
        "district": district,
        "type": "其他",
        "participants": participants,
    }


def test_latest_value_takes_the_last_month_with_data_and_sums_districts_for_the_city(
    tmp_path: Path,
) -> None:
    rows = [
        event("2024-01-15", "市南区", 5),
        event("2024-03-15", "市南区", 7),
        event("2024-03-15", "市北区", 4),
        event("2024-07-15", "市南区", 99),
    ]
    engine = engine_with(tmp_path, {"events": rows}, members=f"latest:{STOCK_SQL}")
    # as of May: the last month with data is March (not January + March = 12)
    assert actual(engine, "members", date(2024, 5, 31), "市南区") == 7
    # 全市 stock at March: 7 + 4 = 11
    assert actual(engine, "members", date(2024, 5, 31)) == 11
    # before any data in the year: no level
    assert actual(engine, "members", date(2024, 1, 1), "市北区") is None


def test_facts_without_a_district_count_for_the_city_only(tmp_path: Path) -> None:
    sql = "SELECT DATE '2024-01-01' AS month, NULL::VARCHAR AS district, 2.0 AS value"
    engine = engine_with(tmp_path, {}, orphan=f"sum:{sql}")
    assert actual(engine, "orphan", date(2024, 1, 31)) == 2.0
    assert actual(engine, "orphan", date(2024, 1, 31), "市南区") == 0.0


def test_count_distinct_facts_outside_any_district_count_for_the_city_only(tmp_path: Path) -> None:
    sql = """
    SELECT * FROM (VALUES
        (DATE '2024-01-01', '市南区', '甲'),
        (DATE '2024-01-01', NULL, '乙'),       -- no district
        (DATE '2024-02-01', '某开发区', '丙'),  -- not a district of the city
        (DATE '2024-02-01', '某开发区', '甲'),  -- 甲 again, elsewhere
        (DATE '2024-02-01', '市北区', NULL)     -- no entity: not counted anywhere
    ) AS t(month, district, entity)
    """
    engine = engine_with(tmp_path, {}, firms=f"count_distinct:{sql}")
    # 全市: 甲, 乙, 丙 → 3; 市南区: 甲 → 1; 市北区: nobody → 0
    assert actual(engine, "firms", END_FEB) == 3
    assert actual(engine, "firms", END_FEB, "市南区") == 1
    assert actual(engine, "firms", END_FEB, "市北区") == 0
    monthly = engine.monthly("firms", Filters(2024, END_FEB))
    # January: 甲, 乙 → 2; February: 丙, 甲 → 2; to February: 3 (甲 once)
    assert list(monthly["value"][:2]) == [2, 2]
    assert list(monthly["cumulative"][:2]) == [2, 3]
