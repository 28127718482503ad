"""The DuckDB database built from a data folder's extracts.

``load_dataset(data_dir)`` is the one way in.  It fingerprints the extracts by content and
reuses the last build when nothing changed; otherwise it builds a new database file beside
the old one and switches a pointer file to it with an atomic rename, so readers (in this
process or another) never see a half-built database.  A failed build leaves the last good
database serving and says why in ``Dataset.build_error``.

Layout under ``<data_dir>/.build/``: ``campaign-<fingerprint>.duckdb`` files, ``current``
(the name of the one in use), ``hashes.json`` (content hashes by size and mtime, so
unchanged files are not read again) and ``build.lock`` (one builder at a time).
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import pandas as pd

from campaign.contracts import DISTRICTS, KINDS, kind_for_filename
from campaign.reader import EXTRACT_SUFFIXES
from campaign.validation import (
    FileReport,
    Issue,
    check_kind,
    create_kind_view,
    install_helpers,
    stage_file,
)

BUILD_DIR_NAME = ".build"
# Source files whose meaning shapes the database: a change to them forces a rebuild.
_BUILD_SOURCES = ("contracts.py", "reader.py", "validation.py", "storage.py")


@dataclass(frozen=True)
class Dataset:
    """A built database and what its build found in the extracts."""

    data_dir: Path
    database_path: Path
    fingerprint: str
    built_at: datetime
    files: tuple[FileReport, ...]
    build_error: str | None = None

    def connect(self) -> duckdb.DuckDBPyConnection:
        """A new read-only connection (DuckDB connections are not shared across threads)."""
        return duckdb.connect(str(self.database_path), read_only=True)

    @property
    def error_count(self) -> int:
        return sum(len(f.errors) for f in self.files)

    @property
    def warning_count(self) -> int:
        return sum(len(f.warnings) for f in self.files)

    @property
    def rows_excluded(self) -> int:
        return sum(f.rows_excluded for f in self.files)


def extract_paths(data_dir: Path) -> list[Path]:
    """The extract files of a data folder, in name order (Excel's ``~$`` lock files skipped)."""
    return [path for path, _, _ in _scan_extracts(data_dir)]


def _scan_extracts(data_dir: Path) -> list[tuple[Path, int, int]]:
    """The extract files with their size and mtime, in name order: one ``stat`` per file."""
    found: list[tuple[Path, int, int]] = []
    try:
        with os.scandir(data_dir / "extracts") as entries:
            for entry in entries:
                name = entry.name
                if (
                    name.startswith((".", "~$"))
                    or os.path.splitext(name)[1].lower() not in EXTRACT_SUFFIXES
                    or not entry.is_file()
                ):
                    continue
                stat = entry.stat()
                found.append((Path(entry.path), stat.st_size, stat.st_mtime_ns))
    except (FileNotFoundError, NotADirectoryError):
        return []
    found.sort(key=lambda item: item[0].name)
    return found


def _code_version() -> str:
    digest = hashlib.sha256()
    here = Path(__file__).parent
    for name in _BUILD_SOURCES:
        digest.update((here / name).read_bytes())
    return digest.hexdigest()[:16]


_CODE_VERSION = _code_version()


def _file_hash(path: Path) -> str:
    digest = hashlib.blake2b(digest_size=16)
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 22):
            digest.update(chunk)
    return digest.hexdigest()


def _content_fingerprint(data_dir: Path, paths: list[Path], build_dir: Path) -> str:
    """A hash of every extract's name and content (and of the ingestion code)."""
    cache_path = build_dir / "hashes.json"
    try:
        cache = json.loads(cache_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        cache = {}
    fresh: dict[str, list[object]] = {}
    digest = hashlib.sha256(_CODE_VERSION.encode())
    for path in paths:
        rel = path.relative_to(data_dir).as_posix()
        stat = path.stat()
        known = cache.get(rel)
        if known and known[0] == stat.st_size and known[1] == stat.st_mtime_ns:
            content = str(known[2])
        else:
            content = _file_hash(path)
        fresh[rel] = [stat.st_size, stat.st_mtime_ns, content]
        digest.update(f"{rel}\0{content}\n".encode())
    if fresh != cache:
        _atomic_write(cache_path, json.dumps(fresh, ensure_ascii=False, indent=0))
    return digest.hexdigest()[:32]


def _atomic_write(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


@contextmanager
def _build_lock(build_dir: Path) -> Iterator[None]:
    with (build_dir / "build.lock").open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _current_database(build_dir: Path) -> Path | None:
    try:
        name = (build_dir / "current").read_text(encoding="utf-8").strip()
    except OSError:
        return None
    path = build_dir / name
    return path if name and path.exists() else None


def _stored_fingerprint(database: Path) -> str | None:
    try:
        with duckdb.connect(str(database), read_only=True) as con:
            row = con.execute("SELECT fingerprint FROM _meta").fetchone()
    except duckdb.Error:
        return None
    return row[0] if row else None


_locks: dict[Path, threading.Lock] = {}
_locks_guard = threading.Lock()
_datasets: dict[Path, tuple[object, Dataset]] = {}


def _lock_for(data_dir: Path) -> threading.Lock:
    with _locks_guard:
        return _locks.setdefault(data_dir, threading.Lock())


def load_dataset(data_dir: Path | str, build_dir: Path | None = None) -> Dataset:
    """The database for ``data_dir``, rebuilt first if any extract's content changed.

    Cheap when nothing changed (one ``stat`` per extract), so pages may call it on every run.
    """
    data_dir = Path(data_dir).resolve()
    build_dir = (build_dir or data_dir / BUILD_DIR_NAME).resolve()
    scanned = _scan_extracts(data_dir)
    signature = tuple((path.name, size, mtime) for path, size, mtime in scanned)
    with _lock_for(data_dir):
        cached = _datasets.get(data_dir)
        if cached and cached[0] == signature and cached[1].database_path.exists():
            return cached[1]
        dataset = _load_or_build(data_dir, build_dir, [path for path, _, _ in scanned])
        _datasets[data_dir] = (signature, dataset)
        return dataset


def _load_or_build(data_dir: Path, build_dir: Path, paths: list[Path]) -> Dataset:
    build_dir.mkdir(parents=True, exist_ok=True)
    with _build_lock(build_dir):
        fingerprint = _content_fingerprint(data_dir, paths, build_dir)
        current = _current_database(build_dir)
        if current is not None and _stored_fingerprint(current) == fingerprint:
            return _read_dataset(data_dir, current)
        target = build_dir / f"campaign-{fingerprint}.duckdb"
        tmp = build_dir / f".building-{os.getpid()}-{threading.get_ident()}.duckdb"
        try:
            tmp.unlink(missing_ok=True)
            build_database(data_dir, paths, tmp, fingerprint)
            os.replace(tmp, target)
            _atomic_write(build_dir / "current", target.name)
        except Exception as exc:  # a failed build must never take the last good one down
            tmp.unlink(missing_ok=True)
            Path(f"{tmp}.wal").unlink(missing_ok=True)
            detail = f"{type(exc).__name__}: {exc}"
            if current is None:
                current = build_dir / "campaign-empty.duckdb"
                if not current.exists():
                    build_database(data_dir, [], current, "empty")
            return _read_dataset(data_dir, current, build_error=detail)
        for old in build_dir.glob("campaign-*.duckdb"):
            if old != target:
                old.unlink(missing_ok=True)  # open readers keep their file until they close
        return _read_dataset(data_dir, target)


def _read_dataset(data_dir: Path, database: Path, build_error: str | None = None) -> Dataset:
    with duckdb.connect(str(database), read_only=True) as con:
        fingerprint, built_at = con.execute("SELECT fingerprint, built_at FROM _meta").fetchone()
        files = con.execute(
            "SELECT path, kind, encoding, rows_total, rows_loaded FROM _files ORDER BY path"
        ).fetchall()
        issues = con.execute(
            """SELECT path, line, column_name, value, reason_zh, reason_en, severity
            FROM _issues ORDER BY path, line NULLS FIRST, rowid"""
        ).fetchall()
    by_path: dict[str, FileReport] = {
        path: FileReport(path, kind, encoding, rows_total, rows_loaded)
        for path, kind, encoding, rows_total, rows_loaded in files
    }
    for row in issues:
        issue = Issue(*row)
        report = by_path[issue.path]
        (report.errors if issue.severity == "error" else report.warnings).append(issue)
    return Dataset(
        data_dir=data_dir,
        database_path=database,
        fingerprint=fingerprint,
        built_at=built_at.replace(tzinfo=UTC) if built_at.tzinfo is None else built_at,
        files=tuple(by_path.values()),
        build_error=build_error,
    )


def build_database(
    data_dir: Path, paths: list[Path], out: Path, fingerprint: str
) -> list[FileReport]:
    """Validate ``paths`` and write every kind's valid rows, the file reports and the issues
    into a new DuckDB file ``out``."""
    started = time.perf_counter()
    reports: dict[str, FileReport] = {}
    headers: dict[str, dict[str, str]] = {}
    with duckdb.connect(str(out)) as con:
        con.execute("SET enable_progress_bar = false")  # no bar on the server's stderr
        install_helpers(con)
        rows_tables: dict[str, dict[str, str]] = {kind.id: {} for kind in KINDS}
        for index, path in enumerate(paths):
            rel = path.relative_to(data_dir).as_posix()
            kind = kind_for_filename(path.name)
            report = FileReport(rel, kind.id if kind else None)
            reports[rel] = report
            if kind is None:
                report.add("error", "validation.unknown_kind")
                continue
            table, headers[rel] = stage_file(con, kind, path, report, index)
            if table is not None:
                rows_tables[kind.id][rel] = table
        for kind in KINDS:
            create_kind_view(con, kind, rows_tables[kind.id])
            check_kind(con, kind, reports, headers, rows_tables[kind.id])
            for source_file, loaded in con.execute(
                f'SELECT source_file, count(*) FROM "{kind.id}" GROUP BY 1'
            ).fetchall():
                reports[source_file].rows_loaded = loaded
        _write_reports(con, list(reports.values()))
        con.execute(
            "CREATE TABLE _meta AS SELECT ? AS fingerprint, CAST(? AS TIMESTAMP) AS built_at, "
            "? AS build_seconds",
            [fingerprint, datetime.now(UTC).replace(tzinfo=None), time.perf_counter() - started],
        )
    return list(reports.values())


def _write_reports(con: duckdb.DuckDBPyConnection, reports: list[FileReport]) -> None:
    files = pd.DataFrame(
        [
            (
                r.path,
                r.kind,
                r.encoding,
                r.rows_total,
                r.rows_loaded,
                r.rows_excluded,
                len(r.errors),
                len(r.warnings),
            )
            for r in reports
        ],
        columns=[
            "path",
            "kind",
            "encoding",
            "rows_total",
            "rows_loaded",
            "rows_excluded",
            "error_count",
            "warning_count",
        ],
    )
    issues = pd.DataFrame(
        [
            (i.path, r.kind, i.severity, i.line, i.column, i.value, i.reason_zh, i.reason_en)
            for r in reports
            for i in (*r.errors, *r.warnings)
        ],
        columns=[
            "path",
            "kind",
            "severity",
            "line",
            "column_name",
            "value",
            "reason_zh",
            "reason_en",
        ],
    )
    con.execute(
        """CREATE TABLE _files (path VARCHAR, kind VARCHAR, encoding VARCHAR, rows_total BIGINT,
        rows_loaded BIGINT, rows_excluded BIGINT, error_count BIGINT, warning_count BIGINT)"""
    )
    con.execute(
        """CREATE TABLE _issues (path VARCHAR, kind VARCHAR, severity VARCHAR, line BIGINT,
        column_name VARCHAR, value VARCHAR, reason_zh VARCHAR, reason_en VARCHAR)"""
    )
    if len(files):
        con.register("files_frame", files)
        con.execute("INSERT INTO _files SELECT * FROM files_frame")
    if len(issues):
        issues["line"] = issues["line"].astype("Int64")
        con.register("issues_frame", issues)
        con.execute(
            "INSERT INTO _issues SELECT * FROM issues_frame ORDER BY path, line NULLS FIRST"
        )


def _last_month_sql(kind_id: str, period_column: str) -> str:
    """The newest month with facts of one kind, per district."""
    return f"""SELECT '{kind_id}' AS kind, district,
        CAST(date_trunc('month', max("{period_column}")) AS DATE) AS last_month
        FROM "{kind_id}" GROUP BY district"""


def reported_span(con: duckdb.DuckDBPyConnection) -> dict[str, tuple[date, date]]:
    """Each kind's first and last reported day over all districts: the 1st of its first
    month with facts and the last day of its newest (a month is reported once any district
    sent a fact dated in it).  Kinds without a table or without facts are left out.

    The KPI engine uses it so that months a kind has not reported yet are "no data",
    never zero; the data-status page's ``last_reported`` is the same month per district.
    """
    present = {name.lower() for (name,) in con.execute("SHOW TABLES").fetchall()}
    parts = [
        f"SELECT '{kind.id}' AS kind, "
        f"CAST(date_trunc('month', min(\"{kind.period_column}\")) AS DATE), "
        f'CAST(last_day(max("{kind.period_column}")) AS DATE) '
        f'FROM "{kind.id}"'
        for kind in KINDS
        if kind.id in present
    ]
    if not parts:
        return {}
    rows = con.execute(" UNION ALL ".join(parts)).fetchall()
    return {kind: (first, last) for kind, first, last in rows if first is not None}


def last_reported(dataset: Dataset) -> pd.DataFrame:
    """The last month each district reported for each kind: columns kind, district, last_month.

    A district that never reported a kind has a row with last_month NaT, so the data-status
    page can show missing submissions, not just late ones.
    """
    parts = []
    with dataset.connect() as con:
        for kind in KINDS:
            parts.append(_last_month_sql(kind.id, kind.period_column))
        reported = con.execute(" UNION ALL ".join(parts)).df()
    grid = pd.MultiIndex.from_product(
        [[k.id for k in KINDS], DISTRICTS], names=["kind", "district"]
    )
    frame = reported.set_index(["kind", "district"]).reindex(grid).reset_index()
    frame["last_month"] = pd.to_datetime(frame["last_month"])
    return frame
