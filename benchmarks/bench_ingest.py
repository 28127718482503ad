"""Ingestion benchmark: the full path (read, validate every cell, write the DuckDB database)
against a bare DuckDB ``read_csv`` of the same files, each run in a fresh subprocess so peak
memory (max RSS) is measured per run.

Two forms:

- one synthetic financing extract (default 1,000,000 rows, UTF-8, about 100 MB);
- ``--data DIR``: a whole data folder (all seven kinds, e.g. the sample at ``--scale`` N),
  built with ``campaign.storage.build_database`` against a bare ``read_csv`` of every file
  into a table of a file database.  DuckDB's ``read_csv`` has no GB18030 decoder (it needs
  the ``encodings`` extension, downloaded at run time), so the bare path transcodes GB18030
  files to a temporary UTF-8 file in Python first, exactly as our reader does; ``--utf8-only``
  compares only the UTF-8 files on both sides.  ``bench_folder()`` is what
  ``benchmarks/run_all.py`` calls.

    python benchmarks/bench_ingest.py [--rows 1000000] [--runs 3] [--encoding utf-8] [--monthly]
    python benchmarks/bench_ingest.py --data benchmarks/out/sample-scale-10 [--utf8-only]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import bench_machine  # noqa: E402

from campaign.contracts import DISTRICTS  # noqa: E402 (after the path is set)

_CHILD = r"""
import json, os, resource, sys, tempfile, time
from pathlib import Path
sys.path.insert(0, {root!r})
mode, data_dir, db = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
paths = [Path(p) for p in sys.argv[4:]]
import duckdb
from campaign.storage import build_database, extract_paths
paths = paths or extract_paths(data_dir)
start = time.perf_counter()
if mode == "bare":
    rows = 0
    with duckdb.connect(str(db)) as con:
        for index, path in enumerate(paths):
            source, scratch = path, None
            data = path.read_bytes()
            try:
                data.decode("utf-8")
            except UnicodeDecodeError:  # GB18030: to UTF-8 first, as our reader does
                fd, scratch = tempfile.mkstemp(suffix=".csv", dir=db.parent)
                with os.fdopen(fd, "wb") as out:
                    out.write(data.decode("gb18030").encode("utf-8"))
                source = Path(scratch)
            del data
            con.execute(f"CREATE TABLE t{{index}} AS SELECT * FROM read_csv(?)", [str(source)])
            rows += con.execute(f"SELECT count(*) FROM t{{index}}").fetchone()[0]
            if scratch:
                os.unlink(scratch)
else:
    reports = build_database(data_dir, paths, db, "bench")
    rows = sum(r.rows_loaded for r in reports)
seconds = time.perf_counter() - start
peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({{"seconds": seconds, "rows": rows, "peak_mb": peak_mb}}))
"""


def write_financing(path: Path, rows: int, encoding: str, seed: int = 7) -> None:
    """A realistic financing extract: Chinese headers and names, dates, amounts."""
    rng = np.random.default_rng(seed)
    districts = np.array([d for d in DISTRICTS if d != "市直"])
    banks = np.array(
        [
            "中国工商银行青岛分行",
            "中国建设银行青岛分行",
            "青岛银行股份有限公司",
            "青岛农村商业银行",
            "招商银行青岛分行",
        ]
    )
    channels = np.array(["贷款", "债券", "股权", "上市", "其他"])
    brands = np.array(list("海润华信恒达瑞丰汇通宏远金泰鼎盛东方博创"))
    trades = np.array(["精密机械", "食品科技", "新材料", "电子科技", "物流", "生物医药"])
    firm_ids = rng.integers(0, 200_000, rows)
    names = [
        f"青岛{brands[i % 20]}{brands[(i // 20) % 20]}{trades[i % 6]}有限公司{i:06d}"
        for i in firm_ids
    ]
    days = rng.integers(0, 365, rows)
    dates = (np.datetime64("2021-01-01") + days).astype(str)
    amounts = np.round(rng.lognormal(5, 1, rows), 2)
    with path.open("w", encoding=encoding, newline="") as out:
        out.write("日期,区市,企业名称,金融机构,融资方式,金额（万元）\n")
        d = districts[rng.integers(0, 10, rows)]
        b = banks[rng.integers(0, 5, rows)]
        c = channels[rng.integers(0, 5, rows)]
        out.writelines(
            f"{dates[i]},{d[i]},{names[i]},{b[i]},{c[i]},{amounts[i]}\n" for i in range(rows)
        )


def split_by_month(path: Path, encoding: str) -> list[Path]:
    """Split an extract into one file per month (``financing_2021-01.csv``, ...), so the
    checks across files (repeated files, each month's amounts against the district's
    history) do their work; the rows are the same."""
    with path.open(encoding=encoding) as source:
        header = source.readline()
        months: dict[str, list[str]] = {}
        for line in source:
            months.setdefault(line[:7], []).append(line)
    written = []
    for month, lines in sorted(months.items()):
        target = path.with_name(f"financing_{month}.csv")
        with target.open("w", encoding=encoding, newline="") as out:
            out.write(header)
            out.writelines(lines)
        written.append(target)
    path.unlink()
    return written


def run(
    mode: str,
    data_dir: Path,
    runs: int,
    paths: list[Path] | None = None,
    scratch: Path | None = None,
) -> dict[str, float]:
    """Median seconds and peak memory of ``mode`` ("bare" or "full") over ``runs`` processes.

    The database is written in ``scratch`` (default: the data folder) and removed after.
    """
    results = []
    for n in range(runs):
        db = (scratch or data_dir) / f"bench-{mode}-{os.getpid()}-{n}.duckdb"
        out = subprocess.run(
            [sys.executable, "-c", _CHILD.format(root=str(ROOT)), mode, str(data_dir), str(db)]
            + [str(p) for p in paths or []],
            check=True,
            capture_output=True,
            text=True,
        )
        results.append(json.loads(out.stdout.strip().splitlines()[-1]))
        db.unlink(missing_ok=True)
        Path(f"{db}.wal").unlink(missing_ok=True)
    return {
        "seconds": statistics.median(r["seconds"] for r in results),
        "peak_mb": statistics.median(r["peak_mb"] for r in results),
        "rows": results[0]["rows"],
        "runs": [r["seconds"] for r in results],
    }


def alternated(
    data_dir: Path, runs: int, paths: list[Path] | None = None, scratch: Path | None = None
) -> tuple[dict[str, float], dict[str, float]]:
    """``run`` of "bare" and of "full", alternated (bare, full, bare, full, ...), so a change
    in the machine's state over the runs hits both alike."""
    pairs = [
        (run("bare", data_dir, 1, paths, scratch), run("full", data_dir, 1, paths, scratch))
        for _ in range(runs)
    ]
    return _median_of([bare for bare, _ in pairs]), _median_of([full for _, full in pairs])


def _median_of(results: list[dict[str, float]]) -> dict[str, float]:
    """Several single-run results of one path as one (medians, every run's seconds)."""
    return {
        "seconds": statistics.median(r["seconds"] for r in results),
        "peak_mb": statistics.median(r["peak_mb"] for r in results),
        "rows": results[0]["rows"],
        "runs": [s for r in results for s in r["runs"]],
    }


def is_utf8(path: Path) -> bool:
    """Whether the whole file decodes as UTF-8 (with or without BOM)."""
    try:
        path.read_bytes().decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def bench_folder(data_dir: Path, runs: int, utf8_only: bool = False) -> dict[str, object]:
    """Build the data folder's database vs bare ``read_csv`` of its files (median of ``runs``).

    Returns rows, MB, both paths' seconds / rows per second / MB per second / peak MB, and
    the ratio of their speeds (full ÷ bare: 1.0 = validation costs nothing).
    """
    from campaign.storage import extract_paths

    paths = extract_paths(data_dir)
    if utf8_only:
        paths = [p for p in paths if is_utf8(p)]
    size_mb = sum(p.stat().st_size for p in paths) / 1e6
    with tempfile.TemporaryDirectory(prefix="bench-ingest-", dir=data_dir.parent) as tmp:
        bare, full = alternated(data_dir, runs, paths, Path(tmp))
    result: dict[str, object] = {"files": len(paths), "mb": size_mb, "utf8_only": utf8_only}
    for name, figures in (("bare", bare), ("full", full)):
        result[name] = {
            **figures,
            "rows_per_s": figures["rows"] / figures["seconds"],
            "mb_per_s": size_mb / figures["seconds"],
        }
    result["speed_ratio"] = bare["seconds"] / full["seconds"]
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--encoding", default="utf-8")
    parser.add_argument("--data", type=Path, help="a whole data folder instead of one file")
    parser.add_argument("--utf8-only", action="store_true", help="with --data: UTF-8 files")
    parser.add_argument(
        "--monthly", action="store_true", help="the same rows as one file per month"
    )
    args = parser.parse_args()
    if args.data:
        r = bench_folder(args.data.resolve(), args.runs, args.utf8_only)
        print(f"{args.data}: {r['files']} files, {r['mb']:.0f} MB; median of {args.runs}\n")
        print("| path | seconds | rows/s | MB/s | peak memory |")
        print("|---|---|---|---|---|")
        for name, label in (("bare", "bare DuckDB read_csv"), ("full", "validation + build")):
            f = r[name]
            print(
                f"| {label} | {f['seconds']:.2f} | {f['rows_per_s']:,.0f} | "
                f"{f['mb_per_s']:.1f} | {f['peak_mb']:.0f} MB |"
            )
        print(f"\nfull speed / bare speed: {r['speed_ratio']:.0%}")
        return
    with tempfile.TemporaryDirectory(prefix="bench-ingest-") as tmp:
        data_dir = Path(tmp)
        (data_dir / "extracts").mkdir()
        csv_path = data_dir / "extracts" / "financing_bench.csv"
        write_financing(csv_path, args.rows, args.encoding)
        size_mb = csv_path.stat().st_size / 1e6
        files = split_by_month(csv_path, args.encoding) if args.monthly else [csv_path]
        bare, full = alternated(data_dir, args.runs)
    print(f"machine: {bench_machine.summary()}")
    print(
        f"{len(files)} file(s): {args.rows:,} rows, {size_mb:.0f} MB, {args.encoding}; "
        f"median of {args.runs}\n"
    )
    print("| path | seconds | rows/s | MB/s | peak memory |")
    print("|---|---|---|---|---|")
    for name, r in (("bare DuckDB read_csv", bare), ("full validation + build", full)):
        print(
            f"| {name} | {r['seconds']:.2f} | {r['rows'] / r['seconds']:,.0f} | "
            f"{size_mb / r['seconds']:.0f} | {r['peak_mb']:.0f} MB |"
        )
    print(
        f"\nratio full / bare: {full['seconds'] / bare['seconds']:.2f}×; "
        f"rows loaded: {full['rows']:,}"
    )


if __name__ == "__main__":
    main()
