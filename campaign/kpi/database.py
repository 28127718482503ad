"""Where the KPI engine gets its database: anything with a fingerprint and a file.

``campaign.storage.Dataset`` is one (the app and the CLI use it through
:func:`dataset_provider`); :class:`DatabaseFile` wraps a plain DuckDB file, which is what the
tests and benchmarks use.  A provider is called on every engine call, so it must be cheap
when nothing changed (``load_dataset`` costs one ``stat`` per extract then).

The engine never uses a handle's own connection for KPI files: it attaches
``database_path`` to a locked-down connection of :mod:`campaign.sandbox` (KPI files are
user-written SQL).  ``connect()`` stays for trusted readers (benchmarks, tests).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import duckdb


class DatabaseHandle(Protocol):
    """A built database: ``fingerprint`` changes whenever its content does."""

    @property
    def fingerprint(self) -> str: ...

    @property
    def database_path(self) -> Path:
        """The DuckDB file (the engine attaches it to a locked connection)."""
        ...

    def connect(self) -> duckdb.DuckDBPyConnection:
        """A new read-only connection."""
        ...


DatabaseProvider = Callable[[], DatabaseHandle]


@dataclass(frozen=True)
class DatabaseFile:
    """A DuckDB file opened read-only; its fingerprint is path, inode, size and mtime."""

    path: Path
    fingerprint: str

    @property
    def database_path(self) -> Path:
        return self.path

    def connect(self) -> duckdb.DuckDBPyConnection:
        """A new read-only connection to the file."""
        return duckdb.connect(str(self.path), read_only=True)


def file_provider(path: Path | str) -> DatabaseProvider:
    """A provider for a DuckDB file that may be replaced between calls."""
    database = Path(path)

    def provide() -> DatabaseHandle:
        stat = database.stat()
        return DatabaseFile(database, f"{database}:{stat.st_ino}:{stat.st_size}:{stat.st_mtime_ns}")

    return provide


def dataset_provider(data_dir: Path | str) -> DatabaseProvider:
    """A provider that (re)builds the data folder's database with ``campaign.storage``."""
    folder = Path(data_dir)

    def provide() -> DatabaseHandle:
        # Imported here so the KPI engine imports (and its tests run) without the loader.
        from campaign.storage import load_dataset

        return load_dataset(folder)

    return provide
