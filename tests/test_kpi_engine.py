"""The engine: targets and pacing in the figures, 同比, broken queries, live edits, caching."""

from __future__ import annotations

import threading
import time
from datetime import date
from pathlib import Path

import duckdb
import pytest

from campaign.kpi import KpiEngine
from campaign.kpi.database import DatabaseFile
from campaign.kpi.testing import build_database, kpi_file, targets_csv
from campaign.model import Filters

AMOUNT_SQL = """
SELECT date_trunc('month', date) AS month, district, sum(amount_wan) / 10000 AS value
FROM financing
GROUP BY ALL
"""
END_JUNE = Filters(2024, date(2024, 6, 30))


def financing(day: str, district: str, yi: float) -> dict:
    """A financing row of ``yi`` 亿元."""
    return {
        "date": date.fromisoformat(day),
        "district": district,
        "enterprise": "某公司",
        "amount_wan": yi * 10_000,
    }


class Counting:
    """A database provider that counts the connections the engine opens."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.fingerprint = "v1"
        self.connections = 0
        self._lock = threading.Lock()

    def __call__(self) -> Counting:
        return self

    @property
    def database_path(self) -> Path:
        # The engine opens its (locked) connection from the file's path.
        with self._lock:
            self.connections += 1
        return self.path

    def connect(self) -> duckdb.DuckDBPyConnection:
        return DatabaseFile(self.path, self.fingerprint).connect()


# A row of 0 亿元 from 市直 in June: the financing extracts are reported to the end of June.
REPORTED_TO_JUNE = financing("2024-06-28", "市直", 0)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    # 2024: 市南区 1 亿元 in March and 3 in May; 市北区 nothing; the extracts reach June
    # (市直 sent a row of 0 on June 28). 2023: none.
    build_database(
        tmp_path / "campaign.duckdb",
        {
            "financing": [
                financing("2024-03-10", "市南区", 1),
                financing("2024-05-10", "市南区", 3),
                REPORTED_TO_JUNE,
            ]
        },
    )
    kpi_file(tmp_path / "queries", "sales", AMOUNT_SQL)
    targets_csv(
        tmp_path / "targets.csv", [("sales", 2024, "市南区", 10), ("sales", 2024, "市北区", 6)]
    )
    return tmp_path


def engine(folder: Path, **options: object) -> KpiEngine:
    return KpiEngine.for_database(
        folder / "campaign.duckdb", folder / "queries", workers=1, **options
    )


def test_figures_against_target_and_monthly_pacing(folder: Path) -> None:
    result = engine(folder).result("sales", Filters(2024, date(2024, 6, 30), "市南区"))
    assert result is not None
    # actual 1 + 3 = 4 of 10 → completion 0.4; 序时进度 at June 30 = 6/12 = 0.5
    assert (result.actual, result.target) == (4, 10)
    assert result.completion == pytest.approx(0.4)
    assert result.expected == pytest.approx(0.5)
    # gap (0.4 − 0.5) × 100 = −10 points: exactly the lagging limit
    assert result.gap_pp == pytest.approx(-10)
    assert result.status == "lagging"
    # year-end at this pace: 4 / 0.5 = 8; still needed: (10 − 4) / 6 months = 1 a month
    assert result.projection == pytest.approx(8)
    assert result.needed_per_month == pytest.approx(1)


def test_seasonal_pacing_from_pacing_csv(folder: Path) -> None:
    (folder / "pacing.csv").write_text(
        "kpi_id,month,cumulative_share\nsales,6,0.4\nsales,12,1\n", encoding="utf-8"
    )
    result = engine(folder).result("sales", Filters(2024, date(2024, 6, 30), "市南区"))
    assert result is not None
    # the plan expects 40% by June: completion 0.4 is on pace
    assert result.expected == pytest.approx(0.4)
    assert result.status == "ahead"
    # year-end at this pace: 4 / 0.4 = 10
    assert result.projection == pytest.approx(10)


def test_city_target_summed_from_districts(folder: Path) -> None:
    result = engine(folder).result("sales", END_JUNE)
    assert result is not None
    # 全市 target = 10 + 6 = 16; completion 4 / 16 = 0.25
    assert result.target == 16 and result.completion == pytest.approx(0.25)
    assert result.status == "critical"  # 25 points behind 50%


def test_a_kpi_without_a_target_has_no_completion_and_no_error(folder: Path) -> None:
    (folder / "targets.csv").unlink()
    kpi_engine = engine(folder)
    result = kpi_engine.result("sales", END_JUNE)
    assert result is not None
    assert (result.target, result.completion, result.status) == (None, None, "no_target")
    assert result.needed_per_month is None
    assert kpi_engine.errors(END_JUNE) == []


def test_yoy_is_missing_when_last_year_has_no_data(folder: Path) -> None:
    result = engine(folder).result("sales", Filters(2024, date(2024, 6, 30), "市南区"))
    assert result is not None and result.last_year is None and result.yoy is None


def test_yoy_compares_with_the_same_period_last_year(folder: Path) -> None:
    build_database(
        folder / "campaign.duckdb",
        {
            "financing": [
                financing("2024-03-10", "市南区", 1),
                financing("2024-05-10", "市南区", 3),
                financing("2023-02-01", "市南区", 2),  # in Jan–Jun 2023
                financing("2023-09-01", "市南区", 50),  # after the same date last year
                financing("2023-04-01", "市北区", 1),
                REPORTED_TO_JUNE,
            ]
        },
    )
    kpi_engine = engine(folder)
    result = kpi_engine.result("sales", Filters(2024, date(2024, 6, 30), "市南区"))
    assert result is not None
    # last year to June 30, 2023: 2; yoy = 4 / 2 − 1 = +100%
    assert result.last_year == 2 and result.yoy == pytest.approx(1.0)
    # 市北区 reported last year but nothing this year: last year 1, this year 0 → −100%
    north = kpi_engine.result("sales", Filters(2024, date(2024, 6, 30), "市北区"))
    assert north is not None and north.yoy == pytest.approx(-1.0)


def test_monthly_frame(folder: Path) -> None:
    monthly = engine(folder).monthly("sales", Filters(2024, date(2024, 6, 30), "市南区"))
    assert list(monthly.columns) == [
        "month",
        "value",
        "cumulative",
        "target_cumulative",
        "last_year_value",
        "last_year_cumulative",
        "projection",
        "expected",
    ]
    assert len(monthly) == 12
    assert list(monthly["value"][:6]) == [0, 0, 1, 0, 3, 0]
    assert list(monthly["cumulative"][:6]) == [0, 0, 1, 1, 4, 4]
    assert monthly["cumulative"][6:].isna().all()
    # the pacing line: 10 × m/12; March = 2.5
    assert monthly["target_cumulative"][2] == pytest.approx(2.5)
    # projection from June on, reaching 8 in December (4 / 0.5)
    assert monthly["projection"][:5].isna().all()
    assert monthly["projection"][5] == pytest.approx(4)
    assert monthly["projection"][11] == pytest.approx(8)
    assert monthly["last_year_value"].isna().all()  # no 2023 data


BROKEN = {
    # line 10 is the SELECT; the misspelt FROM is on line 13
    "syntax": (
        "SELECT\n  date_trunc('month', date) AS month,\n  district, 1 AS value\nFROMM financing",
        13,
    ),
    # the referenced column does not exist: line 12
    "unknown_column": (
        "SELECT\n  date AS month,\n  district, sum(amount) AS value\nFROM financing\nGROUP BY ALL",
        12,
    ),
    # no `value` column: reported at the query's first line
    "no_value": ("SELECT date AS month, district, amount_wan AS amount FROM financing", 10),
    # value is text: reported where `AS value` is written
    "text_value": (
        "SELECT\n  date AS month,\n  district AS value,\n  district\nFROM financing",
        12,
    ),
    # a table that does not exist
    "no_table": ("SELECT date AS month, district, 1 AS value FROM loans", 10),
}


def test_a_broken_query_affects_only_its_own_kpi(folder: Path) -> None:
    for kpi_id, (sql, _) in BROKEN.items():
        kpi_file(folder / "queries", kpi_id, sql)
    card = engine(folder).scorecard(END_JUNE)
    assert [r.kpi.id for r in card.results] == ["sales"]
    assert card.results[0].actual == 4
    lines = {e.kpi_id: e.line for e in card.errors}
    assert lines == {kpi_id: line for kpi_id, (_, line) in BROKEN.items()}
    for error in card.errors:
        assert error.path.name == f"{error.kpi_id}.sql"
    messages = {e.kpi_id: e.message_en for e in card.errors}
    assert "FROMM" in messages["syntax"] and "LINE 13:" in messages["syntax"]
    assert "value" in messages["no_value"]
    assert "VARCHAR" in messages["text_value"]
    assert "loans" in messages["no_table"]


def test_editing_a_file_changes_the_kpi_on_the_next_call(folder: Path) -> None:
    kpi_engine = engine(folder)
    assert kpi_engine.result("sales", END_JUNE).actual == 4  # type: ignore[union-attr]
    # the analyst switches the unit to 万元 (the file's size changes, so does its signature)
    kpi_file(folder / "queries", "sales", AMOUNT_SQL.replace("/ 10000", "/ 1"), unit="万元")
    assert kpi_engine.result("sales", END_JUNE).actual == 40_000  # type: ignore[union-attr]
    # and breaks it: only reported, the next call does not raise
    kpi_file(folder / "queries", "sales", "SELECT nonsense(")
    assert kpi_engine.result("sales", END_JUNE) is None
    assert [e.kpi_id for e in kpi_engine.errors(END_JUNE)] == ["sales"]


def test_a_busy_server_looks_at_the_files_at_most_every_recheck_seconds(folder: Path) -> None:
    kpi_engine = engine(folder, recheck_seconds=3600)
    assert kpi_engine.result("sales", END_JUNE).actual == 4  # type: ignore[union-attr]
    kpi_file(folder / "queries", "sales", AMOUNT_SQL.replace("/ 10000", "/ 1"), unit="万元")
    targets_csv(folder / "targets.csv", [("sales", 2024, "全市", 8)])
    # Within the window the engine has not looked again: the same figures.
    again = kpi_engine.result("sales", END_JUNE)
    assert (again.actual, again.target) == (4, 16)  # type: ignore[union-attr]
    # What this process changed itself is seen at once after recheck().
    kpi_engine.recheck()
    now = kpi_engine.result("sales", END_JUNE)
    assert (now.actual, now.target) == (40_000, 8)  # type: ignore[union-attr]
    # A short window runs out on its own.
    quick = engine(folder, recheck_seconds=0.05)
    assert quick.result("sales", END_JUNE).actual == 40_000  # type: ignore[union-attr]
    kpi_file(folder / "queries", "sales", AMOUNT_SQL)
    time.sleep(0.1)
    assert quick.result("sales", END_JUNE).actual == 4  # type: ignore[union-attr]


def test_an_unchanged_repeat_is_served_from_the_cache(folder: Path) -> None:
    provider = Counting(folder / "campaign.duckdb")
    kpi_engine = KpiEngine(
        None, folder / "queries", database=provider, targets_path=folder / "targets.csv", workers=1
    )
    first = kpi_engine.scorecard(END_JUNE)
    opened = provider.connections
    assert kpi_engine.scorecard(END_JUNE) == first
    # other districts and as-of months of the same year reuse the facts: no new query
    kpi_engine.scorecard(Filters(2024, date(2024, 3, 31), "市北区"))
    kpi_engine.ranking(END_JUNE)
    assert provider.connections == opened
    # new targets change the figures without re-running the query
    targets_csv(folder / "targets.csv", [("sales", 2024, "全市", 8)])
    assert kpi_engine.scorecard(END_JUNE).results[0].completion == pytest.approx(0.5)
    assert provider.connections == opened
    # new data (a new fingerprint) does re-run it
    provider.fingerprint = "v2"
    kpi_engine.scorecard(END_JUNE)
    assert provider.connections == opened + 1


def test_concurrent_sessions_share_one_computation(folder: Path) -> None:
    provider = Counting(folder / "campaign.duckdb")
    kpi_engine = KpiEngine(
        None, folder / "queries", database=provider, targets_path=folder / "targets.csv"
    )
    cards: list[object] = []
    barrier = threading.Barrier(8)

    def session(district: str | None) -> None:
        barrier.wait()
        cards.append(kpi_engine.scorecard(Filters(2024, date(2024, 6, 30), district)).results[0])
        kpi_engine.ranking(END_JUNE)

    threads = [threading.Thread(target=session, args=(d,)) for d in [None, "市南区"] * 4]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(cards) == 8
    assert provider.connections == 1  # the eight sessions waited for one query run


def test_default_as_of_is_the_end_of_the_last_complete_month(folder: Path) -> None:
    # data reaches 2024-06-28
    assert engine(folder, today=lambda: date(2024, 8, 1)).default_filters() == Filters(
        2024, date(2024, 6, 30)
    )
    # in June itself, June is not complete yet: May is the last complete month with data
    assert engine(folder, today=lambda: date(2024, 6, 20)).default_filters().as_of == date(
        2024, 5, 31
    )


def test_resolve(folder: Path) -> None:
    kpi_engine = engine(folder, today=lambda: date(2024, 8, 1))
    assert kpi_engine.resolve() == Filters(2024, date(2024, 6, 30))
    assert kpi_engine.resolve(district="黄岛") == Filters(2024, date(2024, 6, 30), "西海岸新区")
    assert kpi_engine.resolve(district="全市").district is None
    assert kpi_engine.resolve(year=2023) == Filters(
        2023, date(2023, 12, 31)
    )  # a past year: all of it
    assert kpi_engine.resolve(year=2023, as_of=date(2024, 3, 31)).as_of == date(2023, 12, 31)
    assert kpi_engine.resolve(as_of="2024-02-29") == Filters(2024, date(2024, 2, 29))
    with pytest.raises(ValueError, match="district"):
        kpi_engine.resolve(district="火星区")
    with pytest.raises(ValueError):
        kpi_engine.resolve(year=2025, as_of=date(2024, 12, 31))


def test_a_runaway_query_is_stopped_and_reported(folder: Path) -> None:
    (folder / "queries" / "kpi_config.toml").write_text(
        "[engine]\nquery_timeout_seconds = 1\n", encoding="utf-8"
    )
    # a cross join of 10¹⁰ rows: far longer than the limit
    kpi_file(
        folder / "queries",
        "runaway",
        "SELECT DATE '2024-01-01' AS month, '市南区' AS district, sum(a.range * b.range) AS value\n"
        "FROM range(100000) AS a, range(100000) AS b",
    )
    card = engine(folder).scorecard(END_JUNE)
    assert [r.kpi.id for r in card.results] == ["sales"]
    (error,) = card.errors
    assert error.kpi_id == "runaway" and "took too long" in error.message_en


def test_facts_kept_on_disk_spare_a_new_process_the_queries(folder: Path) -> None:
    provider = Counting(folder / "campaign.duckdb")

    def new_engine() -> KpiEngine:
        return KpiEngine(
            None,
            folder / "queries",
            database=provider,
            targets_path=folder / "targets.csv",
            facts_dir=folder / "facts",
            workers=1,
        )

    first = new_engine().scorecard(END_JUNE)
    assert provider.connections == 1
    # a new engine (a restart) over the same data and files: no query runs
    assert new_engine().scorecard(END_JUNE) == first
    assert provider.connections == 1
    # an edited file is new text: its facts are computed again
    kpi_file(folder / "queries", "sales", AMOUNT_SQL.replace("/ 10000", "/ 1"), unit="万元")
    assert new_engine().scorecard(END_JUNE).results[0].actual == 40_000
    assert provider.connections == 2
    # so is new data (another fingerprint); the other database's files are removed
    provider.fingerprint = "v2"
    new_engine().scorecard(END_JUNE)
    assert provider.connections == 3
    # the new database's facts and its extracts' reported span
    assert len(list((folder / "facts").glob("*.json"))) == 2


def test_a_stopped_query_is_tried_again_on_the_next_call(folder: Path) -> None:
    config = folder / "queries" / "kpi_config.toml"
    config.write_text("[engine]\nquery_timeout_seconds = 0.05\n", encoding="utf-8")
    kpi_file(
        folder / "queries",
        "slow",
        "SELECT DATE '2024-01-01' AS month, '市南区' AS district, count(*) AS value\n"
        "FROM range(6000) AS a, range(5000) AS b WHERE (a.range + b.range) % 7 = 0",
    )
    kpi_engine = engine(folder)
    # (on a busy machine the small query may be stopped too: that only helps the point)
    assert "slow" in [e.kpi_id for e in kpi_engine.errors(END_JUNE)]
    # more time allowed (the file itself is unchanged): the next call runs it again
    config.write_text("[engine]\nquery_timeout_seconds = 60\n", encoding="utf-8")
    assert kpi_engine.errors(END_JUNE) == []
    assert kpi_engine.result("slow", Filters(2024, date(2024, 6, 30), "市南区")).actual > 0  # type: ignore[union-attr]
