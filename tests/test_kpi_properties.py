"""Properties over random small data: the engine agrees with a brute-force count in Python."""

from __future__ import annotations

import shutil
import tempfile
from datetime import date
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from campaign.kpi import KpiEngine
from campaign.kpi.facts import month_end
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
@given(
    rows=rows,
    month=st.integers(min_value=1, max_value=12),
    day=st.integers(min_value=1, max_value=28),
)
def test_sums_and_distinct_counts_match_brute_force(rows: list, month: int, day: int) -> None:
    """Facts count up to the as-of day (last year up to the same day); months after the
    newest reported month are not reported: the figure stops there, no 同比."""
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
        as_of = date(2024, month, day)
        newest = max((r[0] for r in rows), default=None)
        reported_to = month_end(newest) if newest else None
        not_reported = reported_to is not None and reported_to < as_of
        through = reported_to if not_reported else as_of
        for district in (None, *DISTRICTS):
            chosen = [
                r
                for r in rows
                if date(2024, 1, 1) <= r[0] <= through and district in (None, r[1])  # type: ignore[operator]
            ]
            filters = Filters(2024, as_of, district)
            amount = engine.result("financing_amount", filters)
            firms = engine.result("financing_enterprises", filters)
            assert amount is not None and firms is not None
            assert (amount.status == "not_reported") is not_reported
            if newest is not None and newest < date(2024, 1, 1):
                # nothing of 2024 is reported: no figure at all, not zero
                assert amount.actual is None and firms.actual is None
                continue
            # sum: every amount once, in 亿元
            assert abs(amount.actual - sum(r[3] for r in chosen) / 10_000) < 1e-9  # type: ignore[operator]
            # count_distinct: each firm once, whatever its days and districts
            assert firms.actual == len({r[2] for r in chosen})
            # 同比 base: 2023 to the same day; missing when 2023 has no facts at all then,
            # when the extracts do not cover 2023, or when 2024 is not reported to the day
            same_day = date(2023, month, day)
            last_year = [r for r in rows if date(2023, 1, 1) <= r[0] <= same_day]
            if not last_year or not_reported:
                assert firms.last_year is None and amount.yoy is None
            else:
                assert firms.last_year == len({r[2] for r in last_year if district in (None, r[1])})
    finally:
        shutil.rmtree(folder, ignore_errors=True)
