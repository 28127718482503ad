"""The database on a real server's bad days (campaign/storage.py): a damaged or truncated
file, a build killed with SIGKILL, a data folder the server's user cannot write.

The data folder is the 2022 part of the shipped sample (seven extracts, so a build takes
a couple of seconds); figures are compared with engines that keep no facts on disk, so
they come from the database each time.
"""

from __future__ import annotations

import json
import logging
import os
import pwd
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from campaign import storage
from campaign.kpi import KpiEngine
from campaign.storage import load_dataset

ROOT = Path(__file__).resolve().parents[1]
QUERIES = ROOT / "queries"
AS_OF = "2022-09-30"
BLOCK = 262_144  # DuckDB's block size; the file starts with a 12 KiB header
HEADER = 12_288
NOBODY = pwd.getpwnam("nobody").pw_uid


def data_folder(folder: Path) -> Path:
    """The 2022 extracts and the targets, copied (so a test may change them)."""
    (folder / "extracts").mkdir(parents=True)
    for path in sorted((ROOT / "data" / "extracts").glob("*_2022.csv")):
        shutil.copy2(path, folder / "extracts" / path.name)
    shutil.copy2(ROOT / "data" / "targets.csv", folder / "targets.csv")
    return folder


def figures(data: Path) -> dict[str, float | None]:
    """Every KPI's actual for the city at AS_OF, computed from the database now."""
    engine = KpiEngine(data, QUERIES, persist_facts=False)
    scorecard = engine.scorecard(engine.resolve(as_of=AS_OF))
    assert not scorecard.errors, scorecard.errors
    return {r.kpi.id: r.actual for r in scorecard.results}


def same_figures(before: dict[str, float | None], after: dict[str, float | None]) -> None:
    assert before.keys() == after.keys() and len(before) == len(list(QUERIES.glob("*.sql")))
    for kpi_id, value in before.items():
        # DuckDB's parallel sums may differ in the last bits between two builds, and
        # `kpis --json` rounds to ten digits.
        assert after[kpi_id] == pytest.approx(value, rel=1e-9), kpi_id


@pytest.fixture
def built(tmp_path) -> tuple[Path, dict[str, float | None]]:
    data = data_folder(tmp_path / "data")
    return data, figures(data)


def test_a_database_damaged_in_the_middle_is_detected_and_rebuilt(built, caplog):
    data, before = built
    database = load_dataset(data).database_path
    blocks = (database.stat().st_size - HEADER) // BLOCK
    with database.open("r+b") as handle:  # 64 bytes of garbage in each of the middle blocks
        for block in range(blocks // 2 - 2, blocks // 2 + 3):
            handle.seek(HEADER + block * BLOCK + 1000)
            handle.write(b"\x5a" * 64)
    with caplog.at_level(logging.WARNING, logger="campaign.storage"):
        after = figures(data)
    same_figures(before, after)
    assert any("is damaged" in r.getMessage() for r in caplog.records)
    rebuilt = load_dataset(data).database_path
    assert storage.database_intact(rebuilt)


def test_a_truncated_database_is_detected_and_rebuilt(built, caplog):
    data, before = built
    database = load_dataset(data).database_path
    os.truncate(database, database.stat().st_size // 2)
    with caplog.at_level(logging.WARNING, logger="campaign.storage"):
        after = figures(data)
    same_figures(before, after)
    assert any("is damaged" in r.getMessage() for r in caplog.records)


def test_a_damaged_database_is_rebuilt_by_a_new_process_too(built):
    data, _ = built
    database = load_dataset(data).database_path
    os.truncate(database, database.stat().st_size - BLOCK)
    done = subprocess.run(
        [sys.executable, "-m", "campaign", "validate", "--data", str(data)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert "WARNING campaign.storage: database" in done.stderr and "is damaged" in done.stderr
    assert storage.database_intact(load_dataset(data).database_path)


# ---------------------------------------------------------------- a killed build


def test_the_files_of_a_build_killed_with_sigkill_are_removed_by_the_next_build(tmp_path, caplog):
    data = data_folder(tmp_path / "data")
    build = data / ".build"
    builder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"from campaign.storage import load_dataset; load_dataset({str(data)!r})",
        ],
        cwd=ROOT,
    )
    deadline = time.monotonic() + 60
    while not list(build.glob(".building-*.duckdb")):  # killed mid-build, as the OOM killer would
        assert builder.poll() is None and time.monotonic() < deadline, "the build was not seen"
        time.sleep(0.01)
    time.sleep(0.3)  # let it write (and open its WAL)
    builder.send_signal(signal.SIGKILL)
    assert builder.wait(timeout=10) == -signal.SIGKILL
    leftovers = sorted(p.name for p in build.glob(".building-*"))
    assert leftovers and leftovers[0] == f".building-{builder.pid}-" + leftovers[0].split("-")[2]
    with caplog.at_level(logging.WARNING, logger="campaign.storage"):
        dataset = load_dataset(data)
    assert list(build.glob(".building-*")) == []
    assert dataset.build_error is None and dataset.files
    (message,) = [r.getMessage() for r in caplog.records if "interrupted build" in r.getMessage()]
    assert all(name in message for name in leftovers)


# ---------------------------------------------------------------- a read-only data folder


def as_nobody(*command: str) -> subprocess.CompletedProcess[str]:
    """``command`` as the unprivileged user ``nobody`` (tests run as root, for whom file
    permissions stop nothing; the server runs as its own user)."""
    setpriv = shutil.which("setpriv")
    if setpriv is None or os.geteuid() != 0:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("CI runs as root with util-linux's setpriv")
        pytest.skip("needs root and setpriv to run as another user")
    for folder in (ROOT, Path(sys.executable).parent, *ROOT.parents):
        if not folder.stat().st_mode & stat.S_IXOTH:
            pytest.fail(
                f"these tests run the command line as nobody, who cannot enter {folder} "
                f"(mode {folder.stat().st_mode & 0o777:o}): put the checkout and its .venv "
                "where every user may enter (CI's is; /root is not)"
            )
    return subprocess.run(
        [setpriv, "--reuid=nobody", "--regid=nogroup", "--clear-groups", *command],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "HOME": "/nonexistent"},
    )


@pytest.fixture
def root_owned_folder() -> Iterator[Path]:
    """A folder everyone may read and only root may write (pytest's own is root-only)."""
    folder = Path(tempfile.mkdtemp(prefix="campaign-ro-"))
    folder.chmod(0o755)
    try:
        yield folder
    finally:
        # nobody's private build of this test's data folder (only this one: another test
        # may be building its own there right now).
        shutil.rmtree(storage.private_build_dir(folder / "data", NOBODY), ignore_errors=True)
        shutil.rmtree(folder)


def test_a_read_only_data_folder_serves_its_last_build_and_says_why(root_owned_folder):
    data = data_folder(root_owned_folder / "data")
    before = figures(data)  # built by root: the last good build
    validate = as_nobody(sys.executable, "-m", "campaign", "validate", "--data", str(data))
    assert validate.returncode == 0, validate.stderr
    assert "Traceback" not in validate.stderr
    assert "数据文件夹不可写" in validate.stderr and "build.lock" in validate.stderr
    assert "WARNING campaign.storage: data folder" in validate.stderr
    kpis = as_nobody(
        sys.executable, "-m", "campaign", "kpis", "--data", str(data), "--queries", str(QUERIES),
        "--as-of", AS_OF, "--json",
    )  # fmt: skip
    assert kpis.returncode == 0, kpis.stderr
    served = {row["id"]: row["actual"] for row in json.loads(kpis.stdout)["kpis"]}
    same_figures(before, served)


def test_changed_extracts_in_a_read_only_folder_are_reported_not_loaded(root_owned_folder):
    data = data_folder(root_owned_folder / "data")
    load_dataset(data)
    with (data / "extracts" / "events_2022.csv").open("a", encoding="utf-8") as handle:
        handle.write("a row that would need a rebuild\n")
    validate = as_nobody(sys.executable, "-m", "campaign", "validate", "--data", str(data))
    assert validate.returncode == 1  # the data on show is not the data in the folder
    assert "Traceback" not in validate.stderr
    assert "数据库重建失败" in validate.stderr and "changed extracts not loaded" in validate.stderr


def test_a_read_only_folder_without_a_build_is_built_privately(root_owned_folder):
    data = data_folder(root_owned_folder / "data")
    validate = as_nobody(sys.executable, "-m", "campaign", "validate", "--data", str(data))
    assert validate.returncode == 0, validate.stderr
    private = storage.private_build_dir(data, NOBODY)
    assert "已改在" in validate.stderr and str(private) in validate.stderr
    assert (private / "current").exists() and not (data / ".build").exists()


def test_a_running_engine_recovers_from_a_database_damaged_under_it(built):
    # The dashboard's engine lives as long as the server: it must not keep reading the
    # damaged file after the rebuild (same content, same fingerprint, a new file).
    data, _ = built
    engine = KpiEngine(data, QUERIES, persist_facts=False)
    engine.resolve()  # the default as-of month: the engine's connection is open now
    database = load_dataset(data).database_path
    blocks = (database.stat().st_size - HEADER) // BLOCK
    with database.open("r+b") as handle:  # every block: whatever is read next is damaged
        for block in range(blocks):
            handle.seek(HEADER + block * BLOCK + 1000)
            handle.write(b"\x5a" * 64)
    filters = engine.resolve(as_of=AS_OF)
    scorecard = engine.scorecard(filters)
    assert not scorecard.errors, scorecard.errors
    fresh = KpiEngine(data, QUERIES, persist_facts=False).scorecard(filters)
    same_figures(
        {r.kpi.id: r.actual for r in fresh.results},
        {r.kpi.id: r.actual for r in scorecard.results},
    )
