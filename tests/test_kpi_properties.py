"""Properties over random small data: the engine agrees with a brute-force count in Python."""

from __future__ import annotations

import shutil
import tempfile
from datetime import date
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from campaign.kpi import KpiEngine
from campaign.kpi.testing import build_database
from campaign.model import Filters

SHIPPED = Path(__file__).resolve().parents[1] / "queries"
DISTRICTS = ("市南区", "市北区", "市直")

rows = st.lists(
    st.tuples(
        st.dates(min_value=date(2023, 1, 1), max_value=date(2024, 12, 31)),
        st.sampled_from(DISTRICTS),
        st.sampled_from(["甲", "乙", "丙", "丁"]),
        st.integers(min_value=0, max_value=50_000),
    ),
    max_size=40,
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=rows, month=st.integers(min_value=1, max_value=12))
def test_sums_and_distinct_counts_match_brute_force(rows: list, month: int) -> None:
    folder = Path(tempfile.mkdtemp(prefix="kpi-prop-"))
    try:
        (folder / "queries").mkdir()
        for kpi_id in ("financing_amount", "financing_enterprises"):
            shutil.copy(SHIPPED / f"{kpi_id}.sql", folder / "queries")
        build_database(
            folder / "db.duckdb",
            {
                "financing": [
                    {"date": d, "district": district, "enterprise": firm, "amount_wan": amount}
                    for d, district, firm, amount in rows
                ]
            },
        )
        engine = KpiEngine.for_database(folder / "db.duckdb", folder / "queries", workers=1)
        as_of = date(2024, month, 28)
        for district in (None, *DISTRICTS):
            chosen = [
                r
                for r in rows
                if date(2024, 1, 1) <= r[0]
                and (r[0].year, r[0].month) <= (2024, month)
                and district in (None, r[1])
            ]
            filters = Filters(2024, as_of, district)
            amount = engine.result("financing_amount", filters)
            firms = engine.result("financing_enterprises", filters)
            assert amount is not None and firms is not None
            # sum: every amount once, in 亿元
            assert abs(amount.actual - sum(r[3] for r in chosen) / 10_000) < 1e-9  # type: ignore[operator]
            # count_distinct: each firm once, whatever its months and districts
            assert firms.actual == len({r[2] for r in chosen})
            # 同比 base: the same months of 2023; missing when 2023 has no facts at all then
            last_year = [r for r in rows if r[0].year == 2023 and r[0].month <= month]
            if not last_year:
                assert firms.last_year is None
            else:
                assert firms.last_year == len({r[2] for r in last_year if district in (None, r[1])})
    finally:
        shutil.rmtree(folder, ignore_errors=True)
