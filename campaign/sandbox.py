"""The SQL lab's sandbox: read-only queries over the extract tables, nothing else.

Each query gets a fresh in-memory DuckDB that attaches the built database read-only, then
turns off file-system and network access, extension loading and installation, and locks its
configuration, so ``read_csv('/etc/passwd')``, ``COPY ... TO``, ``ATTACH``, ``INSTALL``,
``LOAD`` and ``SET`` all fail inside DuckDB itself.  Only a single SELECT-like statement is
accepted.  A timer interrupts a query that runs too long (:class:`QueryInterrupted`), and at
most ``row_cap`` rows come back (``truncated`` says when more were there).
"""

from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from campaign.i18n import t

DEFAULT_TIMEOUT_SECONDS = 10.0
DEFAULT_ROW_CAP = 5_000
# Statements that only read.  EXPLAIN is allowed: analysts use it to see a plan.
_READ_STATEMENTS = {
    duckdb.StatementType.SELECT,
    duckdb.StatementType.EXPLAIN,
}
_LOCKDOWN = (
    "SET enable_external_access = false",
    "SET autoinstall_known_extensions = false",
    "SET autoload_known_extensions = false",
    "SET allow_community_extensions = false",
    "SET memory_limit = '2GB'",
    "SET lock_configuration = true",
)


class QueryError(Exception):
    """A query DuckDB refused or failed; ``line`` and ``column`` are 1-based when known.

    DuckDB's own message is shown as DuckDB wrote it; the sandbox's own refusals carry a
    catalog key so they read in the page's language.
    """

    def __init__(
        self,
        message: str,
        line: int | None = None,
        column: int | None = None,
        key: str | None = None,
        **params: object,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column
        self.key = key
        self.params = params

    def text(self, lang: str = "zh") -> str:
        return t(self.key, lang, **self.params) if self.key else self.message


class QueryInterrupted(QueryError):
    """The query ran longer than its time limit and was stopped."""


class QueryRefused(QueryError):
    """The statement is not a single read-only query."""


@dataclass(frozen=True)
class QueryResult:
    frame: pd.DataFrame
    truncated: bool
    seconds: float


def table_columns(database: Path) -> dict[str, list[tuple[str, str]]]:
    """The tables of the database and their (column, type), for the list beside the editor."""
    with _sandbox(database) as con:
        rows = con.execute(
            """SELECT table_name, column_name, data_type FROM information_schema.columns
            WHERE table_catalog = 'data' AND table_schema = 'main'
            ORDER BY table_name, ordinal_position"""
        ).fetchall()
    tables: dict[str, list[tuple[str, str]]] = {}
    for table, column, data_type in rows:
        tables.setdefault(table, []).append((column, data_type))
    return tables


class _sandbox:
    """A locked-down connection with the database attached read-only as ``data``."""

    def __init__(self, database: Path) -> None:
        self.database = database

    def __enter__(self) -> duckdb.DuckDBPyConnection:
        self.con = duckdb.connect(":memory:")
        self.con.execute("SET enable_progress_bar = false")  # before the lockdown freezes it
        path = str(self.database).replace("'", "''")
        self.con.execute(f"ATTACH '{path}' AS data (READ_ONLY)")
        self.con.execute("USE data")
        for statement in _LOCKDOWN:
            self.con.execute(statement)
        return self.con

    def __exit__(self, *exc: object) -> None:
        self.con.close()


def _position(message: str, sql: str) -> tuple[int | None, int | None]:
    """Line and column of a DuckDB error, from its "LINE n:" excerpt and caret."""
    match = re.search(r"LINE (\d+):", message)
    if not match:
        return None, None
    line = int(match.group(1))
    lines = message.splitlines()
    for i, text in enumerate(lines):
        if text.startswith(f"LINE {line}:") and i + 1 < len(lines) and "^" in lines[i + 1]:
            # The excerpt is prefixed with "LINE n: "; the caret points under it.
            prefix = len(f"LINE {line}: ")
            column = lines[i + 1].index("^") - prefix + 1
            return line, column if column > 0 else None
    return line, None


def run_query(
    database: Path,
    sql: str,
    timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS,
    row_cap: int = DEFAULT_ROW_CAP,
) -> QueryResult:
    """Run one read-only statement in the sandbox; raise QueryError and its kinds."""
    try:
        statements = duckdb.extract_statements(sql)
    except duckdb.Error as exc:
        message = str(exc)
        raise QueryError(message, *_position(message, sql)) from None
    if len(statements) != 1:
        raise QueryRefused(t("lab.one_statement", "en"), key="lab.one_statement")
    if statements[0].type not in _READ_STATEMENTS:
        name = statements[0].type.name
        raise QueryRefused(
            t("lab.read_only", "en", statement=name), key="lab.read_only", statement=name
        )
    started = time.perf_counter()
    with _sandbox(database) as con:
        timed_out = threading.Event()

        def stop() -> None:
            timed_out.set()
            con.interrupt()

        timer = threading.Timer(timeout_seconds, stop)
        timer.start()
        try:
            result = con.execute(sql)
            columns = [d[0] for d in result.description or []]
            rows = result.fetchmany(row_cap + 1)  # the rest is discarded with the connection
        except duckdb.Error as exc:
            if timed_out.is_set():
                seconds = f"{timeout_seconds:g}"
                raise QueryInterrupted(
                    t("lab.interrupted", "en", seconds=seconds),
                    key="lab.interrupted",
                    seconds=seconds,
                ) from None
            message = str(exc)
            raise QueryError(message, *_position(message, sql)) from None
        finally:
            timer.cancel()
    truncated = len(rows) > row_cap
    frame = pd.DataFrame(rows[:row_cap], columns=columns)
    return QueryResult(frame, truncated, time.perf_counter() - started)
