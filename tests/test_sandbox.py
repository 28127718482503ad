"""The SQL lab sandbox refuses every way out and stops what runs too long."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from campaign.sandbox import (
    SCOPE_BUILD_SECONDS,
    QueryError,
    QueryInterrupted,
    QueryRefused,
    run_query,
    scope_database,
    table_columns,
)
from campaign.storage import load_dataset

HEADER = "日期,区市,企业名称,金额（万元）"


@pytest.fixture(scope="module")
def database(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("lab")
    (folder / "extracts").mkdir()
    body = "\n".join(f"2021-0{m}-01,城阳区,企业{m},{m * 10}" for m in range(1, 10))
    (folder / "extracts" / "financing_2021.csv").write_text(f"{HEADER}\n{body}\n", "utf-8")
    return load_dataset(folder).database_path


def test_a_read_query_returns_its_rows(database):
    result = run_query(database, "SELECT sum(amount_wan) AS total FROM financing")
    # 10 + 20 + ... + 90 = 450
    assert result.frame.to_dict("records") == [{"total": 450.0}]
    assert not result.truncated


def test_the_row_cap_applies_and_says_so(database):
    result = run_query(database, "SELECT * FROM financing", row_cap=4)
    assert len(result.frame) == 4 and result.truncated


def test_tables_and_columns_are_listed(database):
    tables = table_columns(database)
    assert ("amount_wan", "DOUBLE") in tables["financing"]
    assert {"orders", "talent", "mediation", "investment", "chambers", "events"} <= set(tables)


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT * FROM read_csv('/etc/passwd')",
        "SELECT * FROM read_text('/etc/passwd')",
        "SELECT * FROM '/etc/passwd'",
    ],
)
def test_files_cannot_be_read(database, sql):
    with pytest.raises(QueryError) as refused:
        run_query(database, sql)
    assert "passwd" in refused.value.message or "does not exist" in refused.value.message


@pytest.mark.parametrize(
    "sql, statement",
    [
        ("COPY financing TO '/tmp/leak.csv'", "COPY"),
        ("ATTACH '/tmp/other.duckdb' AS other", "ATTACH"),
        ("INSTALL httpfs", "LOAD"),
        ("LOAD httpfs", "LOAD"),
        ("SET enable_external_access = true", "SET"),
        ("EXPORT DATABASE '/tmp/export'", "EXPORT"),
        ("CREATE TABLE stolen AS SELECT 1", "CREATE"),
        ("DELETE FROM financing", "DELETE"),
    ],
)
def test_anything_but_a_read_is_refused(database, sql, statement):
    with pytest.raises(QueryRefused) as refused:
        run_query(database, sql)
    assert statement in refused.value.text("en")
    assert "只允许只读查询" in refused.value.text("zh")
    assert not Path("/tmp/leak.csv").exists()


def test_the_lockdown_holds_even_inside_a_select(database):
    # A select cannot reach the configuration: the lock is DuckDB's, not only our parser's.
    with pytest.raises(QueryError):
        run_query(database, "SELECT * FROM read_csv('/etc/passwd') UNION ALL SELECT 1")


def test_two_statements_are_refused(database):
    with pytest.raises(QueryRefused) as refused:
        run_query(database, "SELECT 1; SELECT 2")
    assert refused.value.text("zh") == "只能执行一条查询语句"


def test_errors_carry_line_and_column(database):
    with pytest.raises(QueryError) as failed:
        run_query(database, "SELECT\n  no_such_column\nFROM financing")
    assert (failed.value.line, failed.value.column) == (2, 3)
    assert "no_such_column" in failed.value.message


def test_a_query_that_runs_forever_is_interrupted(database):
    started = time.perf_counter()
    with pytest.raises(QueryInterrupted) as stopped:
        run_query(database, "SELECT count(*) FROM range(1000000000000) a", timeout_seconds=0.5)
    assert time.perf_counter() - started < 5
    assert "0.5" in stopped.value.text("zh")


def test_a_copy_another_builder_is_making_is_left_alone(database):
    """Two processes building the same copy at once: the first to finish removed the
    other's half-built file, whose rename then failed (a CI failure of the lab page)."""
    folder = scope_database(database, None).parent
    other_builder = folder / f".{'0' * 16}-all-999999-1.duckdb"
    other_builder.write_bytes(b"half built")
    try:
        scope_database(database, "城阳区")
        assert other_builder.exists()
    finally:
        other_builder.unlink(missing_ok=True)


def test_old_versions_and_abandoned_half_built_copies_are_removed(database):
    folder = scope_database(database, None).parent
    old_version = folder / f"{'0' * 16}-all.duckdb"
    old_version.write_bytes(b"old")
    abandoned = folder / f".{'0' * 16}-all-999999-2.duckdb"
    abandoned.write_bytes(b"died while building")
    long_ago = time.time() - 3 * SCOPE_BUILD_SECONDS
    os.utime(abandoned, (long_ago, long_ago))
    scope_database(database, "莱西市")
    assert not old_version.exists() and not abandoned.exists()
    copies = scope_database(database, None), scope_database(database, "莱西市")
    assert all(copy.exists() for copy in copies)
