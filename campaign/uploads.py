"""Data stewards' uploads: preview an extract, accept it atomically, restore any version.

- :func:`preview_upload` checks a candidate file against the whole data folder (so duplicate
  keys across files and outliers are judged as they will be) without changing anything.
- :func:`accept_upload` keeps the file it replaces in ``<data>/history/``, swaps the new
  file in with an atomic rename and rebuilds the database; if the rebuild fails the previous
  file is put back, so the dashboard's numbers only ever change after a successful build.
- :func:`versions` and :func:`restore_version` roll a file back to any earlier version
  (or remove a file that did not exist before).

One lock file per data folder serialises writers, across threads and processes.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import tempfile
import threading
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from campaign.contracts import kind_for_filename
from campaign.crosscheck import identical_extract
from campaign.reader import EXTRACT_SUFFIXES
from campaign.storage import Dataset, build_database, extract_paths, load_dataset
from campaign.validation import FileReport

DEFAULT_MAX_UPLOAD_MB = 200
# A name must fit the file system with the prefixes and suffixes the history adds (255 bytes).
MAX_NAME_BYTES = 200
HISTORY_DIR = "history"
_ABSENT = "absent"  # a version that records "the file did not exist"


class UploadRejected(Exception):
    """An upload that cannot be taken at all; ``key`` and ``params`` name the reason."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


def max_upload_bytes() -> int:
    """The size limit, from ``CAMPAIGN_MAX_UPLOAD_MB`` (default 200 MB)."""
    return int(float(os.environ.get("CAMPAIGN_MAX_UPLOAD_MB", DEFAULT_MAX_UPLOAD_MB)) * 1e6)


@dataclass(frozen=True)
class UploadPreview:
    """What accepting a file would do, before anything changes."""

    name: str
    kind: str | None
    encoding: str | None
    report: FileReport
    replaces_existing: bool
    rows_excluded: int
    # The sheets read, when a workbook holds its table on several (one per month).
    sheets: tuple[str, ...] = ()

    @property
    def acceptable(self) -> bool:
        """A file is acceptable when at least its valid rows can be loaded."""
        return self.kind is not None and self.report.rows_loaded > 0


@dataclass(frozen=True)
class Version:
    """One kept version of an extract file."""

    id: str  # the timestamp-based name in the history folder
    name: str
    saved_at: datetime
    size: int | None  # None for "the file did not exist"
    action: str  # what replaced this version: "upload" or "restore"
    by: str | None = None  # who did that (access.actor); None in entries older than the field


def safe_name(filename: str) -> str:
    """The bare file name of an upload, refusing paths, control characters (newline, NUL...),
    names too long for the file system and unknown suffixes or kinds."""
    if any(unicodedata.category(ch)[0] == "C" or ch in "\u2028\u2029" for ch in filename):
        raise UploadRejected("upload.name_control", name=filename.encode("unicode_escape").decode())
    if len(filename.encode("utf-8")) > MAX_NAME_BYTES:
        raise UploadRejected(
            "upload.name_too_long",
            length=len(filename.encode("utf-8")),
            limit=MAX_NAME_BYTES,
        )
    name = Path(filename.replace("\\", "/")).name.strip()
    if not name or name.startswith((".", "~$")) or name != filename.strip():
        raise UploadRejected("upload.bad_name", name=filename)
    if Path(name).suffix.lower() not in EXTRACT_SUFFIXES:
        raise UploadRejected("upload.bad_suffix", name=name)
    if kind_for_filename(name) is None:
        raise UploadRejected("validation.unknown_kind")
    return name


def _check_size(content: bytes) -> None:
    limit = max_upload_bytes()
    if len(content) > limit:
        raise UploadRejected(
            "validation.file_too_large",
            size_mb=f"{len(content) / 1e6:,.1f}",
            limit_mb=f"{limit / 1e6:,.0f}",
        )
    if not content.strip():
        raise UploadRejected("validation.empty_file")


def _check_not_a_copy(data_dir: Path, name: str, content: bytes) -> None:
    """Refuse a file byte-identical to another extract: its rows would count twice."""
    existing = identical_extract(data_dir, name, content)
    if existing is not None:
        raise UploadRejected("upload.identical_file", name=name, existing=existing)


def preview_upload(data_dir: Path, filename: str, content: bytes) -> UploadPreview:
    """Check ``content`` as if it were ``extracts/<filename>``; change nothing."""
    name = safe_name(filename)
    _check_size(content)
    data_dir = Path(data_dir)
    _check_not_a_copy(data_dir, name, content)
    with tempfile.TemporaryDirectory(prefix="campaign-preview-") as tmp:
        stage = Path(tmp)
        (stage / "extracts").mkdir()
        for path in extract_paths(data_dir):
            if path.name != name:
                (stage / "extracts" / path.name).symlink_to(path.resolve())
        (stage / "extracts" / name).write_bytes(content)
        reports = build_database(stage, extract_paths(stage), stage / "preview.duckdb", "preview")
    report = _report_for(reports, name)
    return UploadPreview(
        name=name,
        kind=report.kind,
        encoding=report.encoding,
        report=report,
        replaces_existing=(data_dir / "extracts" / name).exists(),
        rows_excluded=report.rows_excluded,
        sheets=tuple(
            r.path.split("#", 1)[1] for r in reports if r.path.startswith(f"extracts/{name}#")
        ),
    )


def _report_for(reports: list[FileReport], name: str) -> FileReport:
    """The file's report; a workbook reported sheet by sheet (``name#sheet``) is summed up
    into one, its issues keeping their sheet in their path."""
    path = f"extracts/{name}"
    parts = [r for r in reports if r.path == path or r.path.startswith(f"{path}#")]
    if len(parts) == 1:
        return parts[0]
    whole = FileReport(path, parts[0].kind, parts[0].encoding)
    for part in parts:
        whole.rows_total += part.rows_total
        whole.rows_loaded += part.rows_loaded
        whole.errors += part.errors
        whole.warnings += part.warnings
    return whole


_thread_lock = threading.Lock()


@contextmanager
def data_folder_lock(data_dir: Path) -> Iterator[None]:
    """One writer at a time for a data folder: a thread lock and a file lock."""
    build = Path(data_dir) / ".build"
    build.mkdir(parents=True, exist_ok=True)
    with _thread_lock, (build / "writer.lock").open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _history_folder(data_dir: Path, name: str) -> Path:
    return Path(data_dir) / HISTORY_DIR / name


def _stamp() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")


def _keep_current(data_dir: Path, name: str, action: str, by: str | None) -> None:
    """Copy the current file (or the fact that there is none) into the history folder, and
    log what replaces it, when (the version's id) and who."""
    folder = _history_folder(data_dir, name)
    folder.mkdir(parents=True, exist_ok=True)
    current = Path(data_dir) / "extracts" / name
    stamp = _stamp()
    if current.exists():
        shutil.copy2(current, folder / f"{stamp}{current.suffix}")
    else:
        (folder / f"{stamp}.{_ABSENT}").touch()
    log = folder / "log.jsonl"
    with log.open("a", encoding="utf-8") as handle:
        entry = {"id": stamp, "action": action, "by": by}
        handle.write(json.dumps(entry, ensure_ascii=False) + "\n")


def _put(data_dir: Path, name: str, content: bytes | None) -> None:
    """Atomically make ``extracts/<name>`` hold ``content`` (None: remove the file)."""
    target = Path(data_dir) / "extracts" / name
    target.parent.mkdir(parents=True, exist_ok=True)
    if content is None:
        target.unlink(missing_ok=True)
        return
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{name}.", suffix=".tmp")
    with os.fdopen(fd, "wb") as out:
        out.write(content)
        out.flush()
        os.fsync(out.fileno())
    os.replace(tmp, target)


def _swap_and_build(
    data_dir: Path, name: str, content: bytes | None, action: str, by: str | None
) -> Dataset:
    current = Path(data_dir) / "extracts" / name
    previous = current.read_bytes() if current.exists() else None
    _keep_current(data_dir, name, action, by)
    _put(data_dir, name, content)
    dataset = load_dataset(data_dir)
    refusal: UploadRejected | None = None
    if dataset.build_error:
        refusal = UploadRejected("upload.build_failed", detail=dataset.build_error)
    elif action == "upload":
        # The same rule as the preview's: an upload with no loadable row is not taken.
        report = _report_for(list(dataset.files), name)
        if report.kind is None or report.rows_loaded == 0:
            first = report.errors[0].reason_zh if report.errors else ""
            refusal = UploadRejected("upload.not_acceptable", name=name, detail=first)
    if refusal is not None:
        # Put the old file back so files and numbers agree.
        _put(data_dir, name, previous)
        load_dataset(data_dir)
        raise refusal
    return dataset


def accept_upload(
    data_dir: Path, filename: str, content: bytes, *, by: str | None = None
) -> Dataset:
    """Add or replace ``extracts/<filename>`` and rebuild; the replaced file is kept, with
    who uploaded (``by``) in the history's log."""
    name = safe_name(filename)
    _check_size(content)
    with data_folder_lock(data_dir):
        _check_not_a_copy(Path(data_dir), name, content)
        return _swap_and_build(Path(data_dir), name, content, "upload", by)


def versions(data_dir: Path, name: str) -> list[Version]:
    """The kept versions of a file, newest first."""
    folder = _history_folder(data_dir, name)
    if not folder.is_dir():
        return []
    actions: dict[str, tuple[str, str | None]] = {}
    log = folder / "log.jsonl"
    if log.exists():
        for line in log.read_text(encoding="utf-8").splitlines():
            entry = json.loads(line)
            actions[entry["id"]] = (entry["action"], entry.get("by"))
    found = []
    for path in folder.iterdir():
        if path.name == "log.jsonl":
            continue
        stamp = path.stem
        absent = path.suffix == f".{_ABSENT}"
        found.append(
            Version(
                id=path.name,
                name=name,
                saved_at=datetime.strptime(stamp, "%Y%m%dT%H%M%S%fZ").replace(tzinfo=UTC),
                size=None if absent else path.stat().st_size,
                action=actions.get(stamp, ("upload", None))[0],
                by=actions.get(stamp, ("upload", None))[1],
            )
        )
    return sorted(found, key=lambda v: v.id, reverse=True)


def files_with_history(data_dir: Path) -> list[str]:
    folder = Path(data_dir) / HISTORY_DIR
    return sorted(p.name for p in folder.iterdir() if p.is_dir()) if folder.is_dir() else []


def restore_version(
    data_dir: Path, name: str, version_id: str, *, by: str | None = None
) -> Dataset:
    """Put a kept version back (the current file is kept too, so this can be undone), with
    who restored it (``by``) in the history's log."""
    name = safe_name(name)
    source = _history_folder(data_dir, name) / Path(version_id).name
    if not source.exists():
        raise UploadRejected("upload.no_such_version", version=version_id)
    content = None if source.suffix == f".{_ABSENT}" else source.read_bytes()
    with data_folder_lock(data_dir):
        return _swap_and_build(Path(data_dir), name, content, "restore", by)
