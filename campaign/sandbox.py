"""Every path that runs user-written SQL runs it here: the SQL lab, the KPI preview, and the
KPI engine itself (dashboard, ``check``, the meeting pack).

What the sandbox promises (README, "SQL sandboxes and resource caps"):

- **Locked connections** (:func:`open_locked`): an in-memory DuckDB that attaches the built
  database read-only, then turns off file-system and network access, extension loading and
  installation, community extensions, and locks its configuration, with a memory limit and
  a spill folder.  ``read_text('/etc/passwd')``, ``glob('/etc/*')``, ``COPY ... TO``,
  ``ATTACH``, ``INSTALL``, ``LOAD`` and ``SET`` all fail inside DuckDB itself.  (The file
  is attached to an in-memory database instead of opened directly because DuckDB shares
  one instance per file in a process and refuses a second configuration of it: the
  loader's own connections must stay as they are.)
- **Only the user's rows** (:func:`scope_database`): the lab and a district-limited user's
  KPI preview read a copy of the database that holds the seven kinds' tables only (no
  ``_rows_*``, ``_issues``, ``_files``, ``_meta``), and for a district-limited user only
  their district's rows.  A copy rather than filtered views: a view needs the full
  database attached, and any attached catalog can be named in a query.
- **Resource caps** (:func:`run_in_worker`): lab queries and KPI previews run in one child
  process per dashboard process whose address space is capped (``RLIMIT_AS``).  DuckDB's
  ``memory_limit`` does not hold: ``repeat('x', 3000000000)`` allocates outside its buffer
  manager (measured: 5.8 GB resident and 30 s before an interrupt took effect, with
  ``memory_limit = '1GB'``), and a pre-check of the SQL cannot list every function that
  builds large values.  Under the cap the same allocation fails at once with DuckDB's
  "Out of Memory" error and the worker lives on; a worker that stops answering is killed
  after the time limit and a new one started.  The dashboard process itself never holds
  more than the capped result.  Lab queries share that one worker (one budget for every
  session of the process, one query at a time; the others wait their turn).
- **Time**: 10 s of wall time per lab query, fetching included (a timer interrupts the
  query; the parent kills the worker when even that is not heeded).
- **Result size**: at most ``row_cap`` rows, cells cut to :data:`CELL_CHAR_CAP` characters
  inside DuckDB, and at most :data:`RESULT_BYTE_CAP` bytes in all (the result says which
  cap applied).
- **Error texts** never quote data: :func:`safe_message` removes the quoted values DuckDB
  puts in conversion and input errors.
"""

from __future__ import annotations

import hashlib
import os
import re
import resource
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, TypeVar

import duckdb
import pandas as pd

from campaign.contracts import KINDS
from campaign.i18n import t

DEFAULT_TIMEOUT_SECONDS = 10.0
DEFAULT_ROW_CAP = 5_000
# A text cell longer than this is cut (inside DuckDB, before it is fetched), marked with "…".
CELL_CHAR_CAP = 2_000
# The whole result (UTF-8 text of its cells, 16 bytes for any other cell) at most this.
RESULT_BYTE_CAP = 16 * 2**20
# The lab worker's address space.  Resident memory is always below the address space, so
# the worker stays under 2 GB whatever a query does; DuckDB and pandas reserve about 1.1 GB
# of it when loaded, the rest is what queries can use.
WORKER_ADDRESS_SPACE_BYTES = 1_900 * 2**20
# DuckDB's own accounting inside the worker (it spills joins and aggregates beyond it).
LAB_MEMORY_LIMIT = "400MB"
LAB_THREADS = 2
# The KPI engine runs the saved KPI files in the dashboard process (not in the worker: the
# dashboard's figures must not wait behind an analyst's query); its DuckDB limit.  The
# distinct counts at scale 100 (11 M rows) take the dashboard process to about 1.1 GB, so
# 2 GB keeps them in memory while bounding what DuckDB's buffer manager may hold.
ENGINE_MEMORY_LIMIT = "2GB"
# How long the parent waits beyond a query's own limit before it kills the worker.
KILL_GRACE_SECONDS = 3.0
# How long a lab query waits for the worker while another session's query runs.
QUEUE_SECONDS = 30.0
# A KPI preview runs every KPI query of the draft's folder; the whole preview at most this.
PREVIEW_TIMEOUT_SECONDS = 120.0
# Making a user's scope copy of a new database (once per database version and scope).
SCOPE_BUILD_SECONDS = 300.0
SPILL_FOLDER = "duckdb-spill"
SCOPE_FOLDER = "lab"

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
    "SET allow_unsigned_extensions = false",
)
# Column types fetched as they are; anything else (lists, structs, maps, blobs, JSON, ...) is
# fetched as text and cut like text.
_PLAIN_TYPE = re.compile(
    r"^(BOOLEAN|TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT"
    r"|UHUGEINT|FLOAT|DOUBLE|DECIMAL\(\d+,\s*\d+\)|DATE|TIME|TIMESTAMP.*|INTERVAL|UUID"
    r"|TIME WITH TIME ZONE)$"
)
_CUT_MARK = "…"


class QueryError(Exception):
    """A query DuckDB refused or failed; ``line`` and ``column`` are 1-based when known.

    DuckDB's own message is shown as DuckDB wrote it, less any quoted value
    (:func:`safe_message`); the sandbox's own refusals carry a catalog key so they read in
    the page's language.
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

    def __reduce__(self) -> tuple[Any, ...]:
        # Raised in the worker, re-raised in the dashboard: keep every field.
        return (
            _rebuild_error,
            (type(self), self.message, self.line, self.column, self.key, self.params),
        )


def _rebuild_error(
    kind: type[QueryError],
    message: str,
    line: int | None,
    column: int | None,
    key: str | None,
    params: dict[str, object],
) -> QueryError:
    return kind(message, line, column, key, **params)


class QueryInterrupted(QueryError):
    """The query ran longer than its time limit and was stopped."""


class QueryRefused(QueryError):
    """The statement is not a single read-only query, or it needed too much memory."""


def _refusal(kind: type[QueryError], key: str, **params: object) -> QueryError:
    return kind(t(key, "en", **params), key=key, **params)


@dataclass(frozen=True)
class QueryResult:
    frame: pd.DataFrame
    truncated: bool  # more rows than shown (the row cap or the byte cap)
    seconds: float
    cells_cut: bool = False  # some text cells were cut to CELL_CHAR_CAP characters
    bytes_capped: bool = False  # rows stopped at RESULT_BYTE_CAP


# ---------------------------------------------------------------------- locked connections


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def open_locked(
    database: Path, memory_limit: str = ENGINE_MEMORY_LIMIT, threads: int | None = None
) -> duckdb.DuckDBPyConnection:
    """A locked-down connection with ``database`` attached read-only as ``data``.

    Cursors of it do not inherit ``USE data``: take them with :func:`locked_cursor`.
    """
    con = duckdb.connect(":memory:")
    try:
        con.execute("SET enable_progress_bar = false")  # before the lock freezes it
        con.execute(f"ATTACH {_quote(str(database))} AS data (READ_ONLY)")
        con.execute("USE data")
        spill = Path(database).parent / SPILL_FOLDER
        con.execute(f"SET temp_directory = {_quote(str(spill))}")
        con.execute("SET max_temp_directory_size = '4GB'")
        con.execute(f"SET memory_limit = {_quote(memory_limit)}")
        if threads is not None:
            con.execute(f"SET threads = {int(threads)}")
        for statement in _LOCKDOWN:
            con.execute(statement)
        con.execute("SET lock_configuration = true")
    except BaseException:
        con.close()
        raise
    return con


def locked_cursor(con: duckdb.DuckDBPyConnection) -> duckdb.DuckDBPyConnection:
    """A cursor of a :func:`open_locked` connection, reading the attached database."""
    cursor = con.cursor()
    cursor.execute("USE data")
    return cursor


# ---------------------------------------------------------------------- error texts

# Errors that quote only the query's own text or names, never a value from the data.
_SAFE_ERRORS = (
    "Parser Error",
    "Binder Error",
    "Catalog Error",
    "Permission Error",
    "INTERRUPT Error",
    "Out of Memory Error",
)
_QUOTED = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"")
MESSAGE_CHAR_CAP = 600


def safe_message(message: str) -> str:
    """DuckDB's message without any value it quotes from the data.

    Conversion and input errors quote the value that failed (``Could not convert string
    'TOPSECRET' to DOUBLE``): every quoted span of such a message becomes '…', and what
    follows an ``Input:`` excerpt goes.  Parser, binder and catalog errors quote only the
    query's own text and are kept.  At most :data:`MESSAGE_CHAR_CAP` characters.
    """
    message = message.strip()
    if not message.startswith(_SAFE_ERRORS):
        head, _, tail = message.partition("\n")
        head = re.sub(r"\bInput:.*$", "Input: …", head)
        head = _QUOTED.sub("'…'", head)
        # The rest is DuckDB's "LINE n:" excerpt of the query (the user's own text).
        message = head + ("\n" + tail if tail.lstrip().startswith("LINE") else "")
    if len(message) > MESSAGE_CHAR_CAP:
        message = message[:MESSAGE_CHAR_CAP] + _CUT_MARK
    return message


def _position(message: str) -> tuple[int | None, int | None]:
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


# ---------------------------------------------------------------------- the user's rows


def scope_database(source: Path, district: str | None) -> Path:
    """A copy of ``source`` with the seven kinds' tables only, and for ``district`` only its
    rows; made once per version of ``source`` (beside it, in ``lab/``), reused after.

    Old versions' copies are removed when a new one is made.
    """
    source = Path(source)
    stat = source.stat()
    version = hashlib.sha256(
        f"{source.resolve()}:{stat.st_ino}:{stat.st_size}:{stat.st_mtime_ns}".encode()
    ).hexdigest()[:16]
    scope = "all" if district is None else hashlib.sha256(district.encode()).hexdigest()[:12]
    folder = source.parent / SCOPE_FOLDER
    target = folder / f"{version}-{scope}.duckdb"
    if target.exists():
        return target
    folder.mkdir(exist_ok=True)
    building = folder / f".{target.stem}-{os.getpid()}-{threading.get_ident()}.duckdb"
    building.unlink(missing_ok=True)
    try:
        with duckdb.connect(str(building)) as con:
            con.execute("SET enable_progress_bar = false")
            con.execute(f"SET memory_limit = {_quote(LAB_MEMORY_LIMIT)}")
            con.execute(f"ATTACH {_quote(str(source))} AS source (READ_ONLY)")
            present = {
                row[0]
                for row in con.execute(
                    "SELECT table_name FROM information_schema.tables "
                    "WHERE table_catalog = 'source'"
                ).fetchall()
            }
            for kind in KINDS:
                if kind.id not in present:
                    continue
                where = "" if district is None else " WHERE district = ?"
                con.execute(
                    f'CREATE TABLE main."{kind.id}" AS SELECT * FROM source."{kind.id}"{where}',
                    [] if district is None else [district],
                )
            con.execute("DETACH source")
            con.execute("CHECKPOINT")
        os.replace(building, target)
    finally:
        building.unlink(missing_ok=True)
        Path(f"{building}.wal").unlink(missing_ok=True)
    _remove_other_versions(folder, version)
    return target


def _remove_other_versions(folder: Path, version: str) -> None:
    """Remove the copies of older versions (a reader keeps its open file until it closes it),
    and half-built copies left by a builder that died. A copy another process or thread is
    building now (``.<version>-…``, any version) is not touched: removing it made that
    builder's final rename fail."""
    stale_before = time.time() - 2 * SCOPE_BUILD_SECONDS
    for old in folder.glob("*.duckdb*"):
        try:
            if old.name.startswith("."):
                if old.stat().st_mtime < stale_before:
                    old.unlink(missing_ok=True)
            elif not old.name.startswith(version):
                old.unlink(missing_ok=True)
        except FileNotFoundError:
            continue  # another process cleaned it first


# ---------------------------------------------------------------------- the capped worker

_T = TypeVar("_T")


def serve_worker() -> None:
    """The worker's loop (``python -c "from campaign.sandbox import serve_worker; ..."``):
    cap the address space, then run each (function, args) received on stdin and send back
    ("ok", result) or ("error", exception) on stdout."""
    resource.setrlimit(resource.RLIMIT_AS, (WORKER_ADDRESS_SPACE_BYTES, WORKER_ADDRESS_SPACE_BYTES))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    os.nice(5)  # the dashboard's own figures come first
    requests = Connection(os.dup(0), writable=False)
    replies = Connection(os.dup(1), readable=False)
    os.dup2(2, 1)  # a stray print must not corrupt the replies
    while True:
        try:
            function, args = requests.recv()
        except EOFError:
            return  # the dashboard closed the pipe or exited
        try:
            reply: tuple[str, object] = ("ok", function(*args))
        except BaseException as exc:  # sent back and raised there
            reply = ("error", exc)
        try:
            replies.send(reply)
        except Exception as exc:  # an unpicklable result or exception
            replies.send(("error", RuntimeError(f"{type(exc).__name__}: {exc}")))


class _Worker:
    """One capped child process, started on first use, replaced when it dies or hangs.

    A plain ``python -c`` child, not ``multiprocessing``: spawn re-runs the parent's
    ``__main__`` in the child, and under Streamlit that is the page script being run.
    """

    def __init__(self) -> None:
        self._turn = threading.BoundedSemaphore(1)
        self._process: subprocess.Popen[bytes] | None = None
        self._requests: Connection | None = None
        self._replies: Connection | None = None

    def _start(self) -> None:
        root = str(Path(__file__).resolve().parents[1])
        path = os.environ.get("PYTHONPATH")
        env = {**os.environ, "PYTHONPATH": root + (os.pathsep + path if path else "")}
        self._process = subprocess.Popen(
            [sys.executable, "-c", "from campaign.sandbox import serve_worker; serve_worker()"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
            close_fds=True,
        )
        assert self._process.stdin is not None and self._process.stdout is not None
        self._requests = Connection(os.dup(self._process.stdin.fileno()), readable=False)
        self._replies = Connection(os.dup(self._process.stdout.fileno()), writable=False)
        self._process.stdin.close()
        self._process.stdout.close()

    def _discard(self) -> None:
        process, self._process = self._process, None
        for connection in (self._requests, self._replies):
            if connection is not None:
                connection.close()
        self._requests = self._replies = None
        if process is not None:
            process.kill()
            process.wait()

    def pids(self) -> list[int]:
        process = self._process
        return [process.pid] if process is not None and process.poll() is None else []

    def run(self, timeout: float, function: Callable[..., _T], *args: object) -> _T:
        if not self._turn.acquire(timeout=QUEUE_SECONDS):
            raise _refusal(QueryRefused, "lab.busy", seconds=f"{QUEUE_SECONDS:g}")
        try:
            if self._process is None or self._process.poll() is not None:
                self._discard()
                self._start()
            assert self._requests is not None and self._replies is not None
            try:
                self._requests.send((function, args))
                if not self._replies.poll(timeout + KILL_GRACE_SECONDS):
                    self._discard()
                    raise _refusal(QueryInterrupted, "lab.interrupted", seconds=f"{timeout:g}")
                status, value = self._replies.recv()
            except (EOFError, OSError):
                self._discard()
                raise _refusal(QueryRefused, "lab.worker_died") from None
            except BaseException:
                # Whatever stopped us between the request and its reply: a reply left in
                # the pipe would answer the next request, so the worker goes.
                self._discard()
                raise
        finally:
            self._turn.release()
        if status == "error":
            raise value  # type: ignore[misc]
        return value  # type: ignore[return-value]

    def stop(self) -> None:
        with self._turn:
            self._discard()


_worker = _Worker()


def run_in_worker(timeout: float, function: Callable[..., _T], *args: object) -> _T:
    """``function(*args)`` in the capped worker; QueryInterrupted after ``timeout`` seconds
    (plus a grace), QueryRefused when the worker died.  ``function`` must be importable."""
    return _worker.run(timeout, function, *args)


def worker_pids() -> list[int]:
    """The worker's process id, if it runs (for tests and the memory benchmark)."""
    return _worker.pids()


def stop_worker() -> None:
    _worker.stop()


# ---------------------------------------------------------------------- the lab


def prepare_scope(database: Path, district: str | None) -> Path:
    """The user's scope copy of ``database`` (:func:`scope_database`), made in the worker.

    Made in a call of its own, with its own time limit, so a new database's first copy
    (seconds on a large one) does not count against the user's first query.
    """
    return run_in_worker(SCOPE_BUILD_SECONDS, scope_database, Path(database), district)


def table_columns(database: Path, district: str | None = None) -> dict[str, list[tuple[str, str]]]:
    """The tables the lab shows the user, and their (column, type)."""
    scoped = prepare_scope(database, district)
    return run_in_worker(DEFAULT_TIMEOUT_SECONDS, _table_columns, str(scoped))


def _table_columns(scoped: str) -> dict[str, list[tuple[str, str]]]:
    con = open_locked(Path(scoped), LAB_MEMORY_LIMIT, LAB_THREADS)
    try:
        rows = con.execute(
            """SELECT table_name, column_name, data_type FROM information_schema.columns
            WHERE table_catalog = 'data' AND table_schema = 'main'
            ORDER BY table_name, ordinal_position"""
        ).fetchall()
    finally:
        con.close()
    tables: dict[str, list[tuple[str, str]]] = {}
    for table, column, data_type in rows:
        tables.setdefault(table, []).append((column, data_type))
    return tables


def check_statement(sql: str) -> duckdb.Statement:
    """The single read-only statement of ``sql``; QueryError or QueryRefused otherwise."""
    try:
        statements = duckdb.extract_statements(sql)
    except duckdb.Error as exc:
        message = safe_message(str(exc))
        raise QueryError(message, *_position(message)) from None
    if len(statements) != 1:
        raise _refusal(QueryRefused, "lab.one_statement")
    if statements[0].type not in _READ_STATEMENTS:
        raise _refusal(QueryRefused, "lab.read_only", statement=statements[0].type.name)
    return statements[0]


def run_query(
    database: Path,
    sql: str,
    timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS,
    row_cap: int = DEFAULT_ROW_CAP,
    district: str | None = None,
) -> QueryResult:
    """Run one read-only statement over the rows ``district`` may see (None: every
    district), in the capped worker; raise QueryError and its kinds."""
    check_statement(sql)
    scoped = prepare_scope(database, district)
    return run_in_worker(timeout_seconds, _run_query, str(scoped), sql, timeout_seconds, row_cap)


def _strip_semicolon(sql: str) -> str:
    from campaign.kpi.facts import strip_trailing_semicolon

    return strip_trailing_semicolon(sql)


def _capped_select(sql: str, described: list[tuple[str, str]], row_cap: int) -> str:
    """The user's SELECT wrapped so DuckDB cuts long cells and stops after row_cap + 1 rows.

    Columns are taken by position (``#n``), so duplicate names work; the names are kept.
    """
    parts = []
    for number, (name, type_name) in enumerate(described, start=1):
        alias = '"' + name.replace('"', '""') + '"'
        if _PLAIN_TYPE.match(type_name):
            parts.append(f"#{number} AS {alias}")
            continue
        text = f"CAST(#{number} AS VARCHAR)"
        parts.append(
            f"CASE WHEN length({text}) > {CELL_CHAR_CAP} "
            f"THEN left({text}, {CELL_CHAR_CAP}) || '{_CUT_MARK}' ELSE {text} END AS {alias}"
        )
    body = _strip_semicolon(sql)
    # The newline before ")" keeps a trailing "-- comment" from swallowing it.
    return f"SELECT {', '.join(parts)} FROM (\n{body}\n) LIMIT {row_cap + 1}"


def _cell_bytes(value: object) -> int:
    return len(value.encode("utf-8")) if isinstance(value, str) else 16


def _run_query(scoped: str, sql: str, timeout_seconds: float, row_cap: int) -> QueryResult:
    """In the worker: the query on the user's scope copy, under the time and size caps."""
    started = time.perf_counter()
    statement = check_statement(sql)
    con = open_locked(Path(scoped), LAB_MEMORY_LIMIT, LAB_THREADS)
    timed_out = threading.Event()

    def stop() -> None:
        timed_out.set()
        con.interrupt()

    # The limit counts from the start of the work, fetching included.
    timer = threading.Timer(max(0.0, timeout_seconds - (time.perf_counter() - started)), stop)
    timer.daemon = True
    timer.start()
    rows: list[tuple[object, ...]] = []
    bytes_capped = False
    wrapped = statement.type != duckdb.StatementType.EXPLAIN
    try:
        if not wrapped:
            result = con.execute(sql)
        else:
            probe = con.execute(f"SELECT * FROM (\n{_strip_semicolon(sql)}\n) LIMIT 0")
            described = [(d[0], str(d[1])) for d in probe.description or []]
            result = con.execute(_capped_select(sql, described, row_cap))
        columns = [d[0] for d in result.description or []]
        size = 0
        while len(rows) <= row_cap:
            chunk = result.fetchmany(256)
            if not chunk:
                break
            for row in chunk:
                size += sum(_cell_bytes(v) for v in row)
                if size > RESULT_BYTE_CAP:
                    bytes_capped = True
                    break
                rows.append(row)
            if bytes_capped or timed_out.is_set():
                break
        if timed_out.is_set():
            raise _refusal(QueryInterrupted, "lab.interrupted", seconds=f"{timeout_seconds:g}")
    except duckdb.OutOfMemoryException:
        raise _refusal(QueryRefused, "lab.memory") from None
    except MemoryError:
        rows = []
        raise _refusal(QueryRefused, "lab.memory") from None
    except duckdb.Error as exc:
        if timed_out.is_set():
            raise _refusal(
                QueryInterrupted, "lab.interrupted", seconds=f"{timeout_seconds:g}"
            ) from None
        message = safe_message(str(exc))
        line, column = _position(message)
        if line is not None and wrapped:
            # The user's text starts on the wrapper's line 2: report the user's line.
            line = max(1, min(line - 1, sql.count("\n") + 1))
            message = re.sub(r"LINE \d+:", f"LINE {line}:", message, count=1)
        raise QueryError(message, line, column) from None
    finally:
        timer.cancel()
        con.close()
    truncated = len(rows) > row_cap or bytes_capped
    rows = rows[:row_cap]
    cut = any(
        isinstance(v, str) and len(v) == CELL_CHAR_CAP + 1 and v.endswith(_CUT_MARK)
        for row in rows
        for v in row
    )
    frame = pd.DataFrame(rows, columns=columns)
    return QueryResult(frame, truncated, time.perf_counter() - started, cut, bytes_capped)
