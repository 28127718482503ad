"""The DuckDB database built from a data folder's extracts.

``load_dataset(data_dir)`` is the one way in.  It fingerprints the extracts by content and
reuses the last build when nothing changed; otherwise it builds a new database file beside
the old one and switches a pointer file to it with an atomic rename, so readers (in this
process or another) never see a half-built database.  A failed build leaves the last good
database serving and says why in ``Dataset.build_error``.

Layout under ``<data_dir>/.build/``: ``campaign-<fingerprint>.duckdb`` files, each with its
``.sha256`` (the file's checksum when it was built), ``current`` (the name of the one in
use), ``hashes.json`` (content hashes by size and mtime, so unchanged files are not read
again) and ``build.lock`` (one builder at a time).

What goes wrong on a real server, and what happens then (each logged on ``campaign.storage``):

- the database file is damaged (a disk error, a copy cut short, bytes overwritten, the file
  truncated): its checksum no longer matches, checked once per process and again whenever
  the file changes; it is rebuilt from the extracts, which are the truth;
- a build was killed (``SIGKILL``, a power cut): its ``.building-*`` files are removed by
  the next builder (builds happen only under ``build.lock``, so any left there is dead);
- the data folder cannot be written (permissions, a read-only mount): the last good build
  is served read-only and ``Dataset.read_only`` says why; when there is none, the database is
  built in a private folder under the system's temp folder instead.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import logging
import os
import tempfile
import threading
import time
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb
import pandas as pd

from campaign.contracts import (
    DISTRICTS,
    INGEST_CONFIG_FILENAME,
    KINDS,
    KINDS_BY_ID,
    kind_for_filename,
    load_district_aliases,
)
from campaign.crosscheck import check_amount_history, refuse_duplicate_files
from campaign.reader import (
    EXTRACT_SUFFIXES,
    IGNORED_NAMES,
    UnreadableFile,
    open_extract,
    open_workbook_by_sheet,
)
from campaign.validation import (
    FileReport,
    Issue,
    add_notes,
    check_kind,
    create_kind_view,
    header_guide,
    install_helpers,
    stage_file,
)

log = logging.getLogger("campaign.storage")

BUILD_DIR_NAME = ".build"
CHECKSUM_SUFFIX = ".sha256"
# Files a builder writes before renaming them into place; any found under the lock is dead.
_LEFTOVER_PATTERNS = (".building-*", ".*.tmp")
# Source files whose meaning shapes the database: a change to them forces a rebuild.
_BUILD_SOURCES = (
    "contracts.py",
    "reader.py",
    "table_layout.py",
    "workbooks.py",
    "validation.py",
    "crosscheck.py",
    "storage.py",
)


@dataclass(frozen=True)
class Dataset:
    """A built database and what its build found in the extracts."""

    data_dir: Path
    database_path: Path
    fingerprint: str
    built_at: datetime
    files: tuple[FileReport, ...]
    build_error: str | None = None
    # Why the data folder's build folder cannot be written (None when it can): the database
    # is then served read-only, and new extracts are not loaded until that is fixed.
    read_only: str | None = None
    # The database file's inode, size and mtime when it was read: a rebuild of the same
    # content (a damaged file replaced) has the same fingerprint but not the same file.
    file_id: tuple[int, int, int] | None = None

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
    def note_count(self) -> int:
        return sum(len(f.notes) for f in self.files)

    @property
    def rows_excluded(self) -> int:
        return sum(f.rows_excluded for f in self.files)


def extract_paths(data_dir: Path) -> list[Path]:
    """Everything in a data folder's ``extracts/``, in name order: the extracts and what will
    be reported as not read (other formats, subfolders); hidden files, Excel's ``~$`` lock
    files and Windows' own files are passed over."""
    return [path for path, _, _ in _scan_extracts(data_dir)]


def _scan_extracts(data_dir: Path) -> list[tuple[Path, int, int]]:
    """The entries of ``extracts/`` with their size and mtime, in name order: one ``stat``
    per entry."""
    found: list[tuple[Path, int, int]] = []
    try:
        with os.scandir(data_dir / "extracts") as entries:
            for entry in entries:
                name = entry.name
                if name.startswith((".", "~$")) or name.lower() in IGNORED_NAMES:
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
    settings = data_dir / INGEST_CONFIG_FILENAME  # how extracts are read (district aliases)
    if settings.exists():
        digest.update(b"settings\0" + settings.read_bytes())
    for path in paths:
        rel = path.relative_to(data_dir).as_posix()
        stat = path.stat()
        known = cache.get(rel)
        if known and known[0] == stat.st_size and known[1] == stat.st_mtime_ns:
            content = str(known[2])
        elif path.is_dir():
            content = "folder"  # reported as not read, whatever it holds
        else:
            content = _file_hash(path)
        fresh[rel] = [stat.st_size, stat.st_mtime_ns, content]
        digest.update(f"{rel}\0{content}\n".encode())
    if fresh != cache:
        try:
            _atomic_write(cache_path, json.dumps(fresh, ensure_ascii=False, indent=0))
        except OSError:  # a read-only folder: the hashes are computed again next time
            pass
    return digest.hexdigest()[:32]


def _atomic_write(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def _checksum_path(database: Path) -> Path:
    return database.with_name(database.name + CHECKSUM_SUFFIX)


def _file_checksum(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 22):
            digest.update(chunk)
    return digest.hexdigest()


def _file_stamp(path: Path) -> tuple[int, int, int] | None:
    """Inode, size and mtime: any rewrite, truncation or write in place changes one."""
    try:
        stat = path.stat()
    except OSError:
        return None
    return (stat.st_ino, stat.st_size, stat.st_mtime_ns)


_intact_stamps: dict[Path, tuple[int, int, int]] = {}
_intact_guard = threading.Lock()


def database_intact(database: Path) -> bool:
    """Whether ``database`` is byte for byte the file that was built (its ``.sha256``).

    Reads the whole file once per process and again only when its inode, size or mtime
    changes (12 ms for the 9.7 MB sample database here, about 1.3 s per GB).  A missing
    checksum counts as damaged.
    """
    stamp = _file_stamp(database)
    if stamp is None:
        return False
    with _intact_guard:
        if _intact_stamps.get(database) == stamp:
            return True
    try:
        expected = _checksum_path(database).read_text(encoding="ascii").strip()
        actual = _file_checksum(database)
    except OSError as exc:
        log.warning("database %s cannot be checked (%s): treated as damaged", database, exc)
        return False
    if actual != expected:
        log.warning(
            "database %s is damaged (sha256 %s…, built as %s…; %d bytes): rebuilding it "
            "from the extracts",
            database,
            actual[:12],
            expected[:12],
            stamp[1],
        )
        return False
    with _intact_guard:
        _intact_stamps[database] = stamp
    return True


def _remove_leftovers(build_dir: Path) -> None:
    """Remove what killed builds left behind (called holding ``build.lock``)."""
    removed = []
    for pattern in _LEFTOVER_PATTERNS:
        for leftover in build_dir.glob(pattern):
            if leftover.is_file():
                leftover.unlink(missing_ok=True)
                removed.append(leftover.name)
    if removed:
        log.warning(
            "removed %d file(s) an interrupted build left in %s: %s",
            len(removed),
            build_dir,
            ", ".join(sorted(removed)),
        )


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
# data folder → (extracts' signature, its dataset, the database file's stamp when loaded)
_datasets: dict[Path, tuple[object, Dataset, tuple[int, int, int] | None]] = {}


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
    try:
        settings = (data_dir / INGEST_CONFIG_FILENAME).stat()
        signature += ((INGEST_CONFIG_FILENAME, settings.st_size, settings.st_mtime_ns),)
    except OSError:
        pass
    with _lock_for(data_dir):
        cached = _datasets.get(data_dir)
        if cached and cached[0] == signature and _file_stamp(cached[1].database_path) == cached[2]:
            return cached[1]
        dataset = _load_or_build(data_dir, build_dir, [path for path, _, _ in scanned])
        _datasets[data_dir] = (signature, dataset, _file_stamp(dataset.database_path))
        return dataset


def _load_or_build(data_dir: Path, build_dir: Path, paths: list[Path]) -> Dataset:
    try:
        build_dir.mkdir(parents=True, exist_ok=True)
        handle = (build_dir / "build.lock").open("a")
    except OSError as exc:  # EACCES, EROFS: nobody can build here
        return _read_only(data_dir, build_dir, paths, exc)
    with handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            return _load_or_build_locked(data_dir, build_dir, paths)
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _load_or_build_locked(data_dir: Path, build_dir: Path, paths: list[Path]) -> Dataset:
    _remove_leftovers(build_dir)
    fingerprint = _content_fingerprint(data_dir, paths, build_dir)
    current = _current_database(build_dir)
    damaged = None
    if current is not None and not database_intact(current):
        damaged, current = current, None  # never the "last good build" to fall back on
    if current is not None and _stored_fingerprint(current) == fingerprint:
        return _read_dataset(data_dir, current)
    target = build_dir / f"campaign-{fingerprint}.duckdb"
    if target == damaged:
        # A new name: DuckDB shares one open instance per path within a process, so a
        # reader still holding the damaged file would hand it to the next connection.
        target = build_dir / f"campaign-{fingerprint}-{os.urandom(4).hex()}.duckdb"
    tmp = build_dir / f".building-{os.getpid()}-{threading.get_ident()}.duckdb"
    try:
        build_database(data_dir, paths, tmp, fingerprint)
        _atomic_write(_checksum_path(target), _file_checksum(tmp) + "\n")
        os.replace(tmp, target)
        _atomic_write(build_dir / "current", target.name)
    except Exception as exc:  # a failed build must never take the last good one down
        tmp.unlink(missing_ok=True)
        Path(f"{tmp}.wal").unlink(missing_ok=True)
        detail = f"{type(exc).__name__}: {exc}"
        log.warning("building the database of %s failed: %s", data_dir, detail)
        if current is None:
            current = build_dir / "campaign-empty.duckdb"
            if not current.exists():
                build_database(data_dir, [], current, "empty")
        return _read_dataset(data_dir, current, build_error=detail)
    keep = {target.name, _checksum_path(target).name}
    for old in build_dir.glob("campaign-*"):
        if old.name not in keep:
            old.unlink(missing_ok=True)  # open readers keep their file until they close
    return _read_dataset(data_dir, target)


def private_build_dir(data_dir: Path, uid: int | None = None) -> Path:
    """Where a read-only data folder's database is built: a folder of its own in the temp
    folder of the user ``uid`` (default: this process's user)."""
    key = hashlib.sha256(str(Path(data_dir).resolve()).encode()).hexdigest()[:16]
    uid = os.getuid() if uid is None else uid
    return Path(tempfile.gettempdir()) / f"campaign-build-{uid}" / key


def _read_only(data_dir: Path, build_dir: Path, paths: list[Path], exc: OSError) -> Dataset:
    """The data folder cannot be written: its last good build, read-only; when it has none
    (or a damaged one), a build of our own under the temp folder."""
    reason = f"{type(exc).__name__}: {exc}"
    fingerprint = _content_fingerprint(data_dir, paths, build_dir)
    current = _current_database(build_dir)
    if current is not None and database_intact(current):
        stale = _stored_fingerprint(current) != fingerprint
        log.warning(
            "data folder %s is read-only (%s): serving its last build read-only%s",
            data_dir,
            reason,
            "; changed extracts are NOT loaded" if stale else "",
        )
        error = f"{reason} (changed extracts not loaded)" if stale else None
        return replace(_read_dataset(data_dir, current, build_error=error), read_only=reason)
    private = private_build_dir(data_dir)
    if build_dir == private:
        raise exc
    log.warning(
        "data folder %s is read-only (%s) and has no usable build: building in %s",
        data_dir,
        reason,
        private,
    )
    return replace(_load_or_build(data_dir, private, paths), read_only=reason)


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
        report.issues(issue.severity).append(issue)
    return Dataset(
        file_id=_file_stamp(database),
        data_dir=data_dir,
        database_path=database,
        fingerprint=fingerprint,
        built_at=built_at.replace(tzinfo=UTC) if built_at.tzinfo is None else built_at,
        files=tuple(by_path.values()),
        build_error=build_error,
    )


def _kind_id_of_name(name: str) -> str | None:
    kind = kind_for_filename(name)
    return kind.id if kind else None


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
        # (The empty database a failed first build leaves reads no extract, nor the settings.)
        install_helpers(con, load_district_aliases(data_dir) if paths else None)
        rows_tables: dict[str, dict[str, str]] = {kind.id: {} for kind in KINDS}
        staged = 0
        guides = {k.id: header_guide(k) for k in KINDS}
        for path in paths:
            rel = path.relative_to(data_dir).as_posix()
            kind = kind_for_filename(path.name)
            report = FileReport(rel, kind.id if kind else None)
            reports[rel] = report
            if path.is_dir():
                report.add("error", "reader.folder_not_read")
                continue
            if path.suffix.lower() not in EXTRACT_SUFFIXES:
                report.add("error", "reader.format_not_read", name=path.name)
                continue
            try:
                if kind is not None:
                    parts = open_extract(path, header_guide(kind))
                else:  # a workbook may name its kinds sheet by sheet
                    parts = open_workbook_by_sheet(path, guides, _kind_id_of_name)
            except UnreadableFile as exc:
                add_notes(report, exc.notes)
                continue
            if len(parts) > 1:
                del reports[rel]  # a workbook with several table sheets: sheet by sheet
            for part in parts:
                # A part names its kind when the file name does not.
                part_kind = KINDS_BY_ID[part.kind] if part.kind else kind
                assert part_kind is not None
                source = rel if len(parts) == 1 else f"{rel}#{part.sheet}"
                reports[source] = report = FileReport(source, part_kind.id)
                table, headers[source] = stage_file(con, part_kind, part, report, staged)
                staged += 1
                if table is not None:
                    rows_tables[part_kind.id][source] = table
        for kind in KINDS:
            refuse_duplicate_files(con, kind, reports, rows_tables[kind.id])
            create_kind_view(con, kind, rows_tables[kind.id])
            check_kind(con, kind, reports, headers, rows_tables[kind.id])
            check_amount_history(con, kind, reports, headers, rows_tables[kind.id])
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
            for i in (*r.errors, *r.warnings, *r.notes)
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
