"""Ingestion benchmark: a 1,000,000-row financing extract (UTF-8, about 100 MB).

Times the full path (read, validate every cell, write the DuckDB database) against a bare
DuckDB ``read_csv`` of the same file, each in a fresh subprocess so peak memory (max RSS)
is measured per run.  Prints a Markdown table; the README quotes it.

    python benchmarks/bench_ingest.py [--rows 1000000] [--runs 3] [--encoding utf-8]
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]

_CHILD = r"""
import json, resource, sys, time
from pathlib import Path
sys.path.insert(0, {root!r})
mode, data_dir, db = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
start = time.perf_counter()
if mode == "bare":
    import duckdb
    with duckdb.connect(str(db)) as con:
        con.execute("CREATE TABLE financing AS SELECT * FROM read_csv(?)",
                    [str(next((data_dir / "extracts").iterdir()))])
        rows = con.execute("SELECT count(*) FROM financing").fetchone()[0]
else:
    from campaign.storage import build_database, extract_paths
    reports = build_database(data_dir, extract_paths(data_dir), db, "bench")
    rows = sum(r.rows_loaded for r in reports)
seconds = time.perf_counter() - start
peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({{"seconds": seconds, "rows": rows, "peak_mb": peak_mb}}))
"""


def write_financing(path: Path, rows: int, encoding: str, seed: int = 7) -> None:
    """A realistic financing extract: Chinese headers and names, dates, amounts."""
    rng = np.random.default_rng(seed)
    districts = np.array(["市南区", "市北区", "李沧区", "崂山区", "西海岸新区", "城阳区",
                          "即墨区", "胶州市", "平度市", "莱西市"])
    banks = np.array(["中国工商银行青岛分行", "中国建设银行青岛分行", "青岛银行股份有限公司",
                      "青岛农村商业银行", "招商银行青岛分行"])
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


def run(mode: str, data_dir: Path, runs: int) -> dict[str, float]:
    results = []
    for n in range(runs):
        db = data_dir / f"bench-{mode}-{n}.duckdb"
        out = subprocess.run(
            [sys.executable, "-c", _CHILD.format(root=str(ROOT)), mode, str(data_dir), str(db)],
            check=True, capture_output=True, text=True,
        )
        results.append(json.loads(out.stdout.strip().splitlines()[-1]))
        db.unlink(missing_ok=True)
    return {
        "seconds": statistics.median(r["seconds"] for r in results),
        "peak_mb": statistics.median(r["peak_mb"] for r in results),
        "rows": results[0]["rows"],
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--encoding", default="utf-8")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-ingest-") as tmp:
        data_dir = Path(tmp)
        (data_dir / "extracts").mkdir()
        csv_path = data_dir / "extracts" / "financing_bench.csv"
        write_financing(csv_path, args.rows, args.encoding)
        size_mb = csv_path.stat().st_size / 1e6
        bare = run("bare", data_dir, args.runs)
        full = run("full", data_dir, args.runs)
    print(f"machine: {platform.processor() or platform.machine()}, {_cpu_model()}, "
          f"{_cores()} cores, Python {platform.python_version()}")
    print(f"file: {args.rows:,} rows, {size_mb:.0f} MB, {args.encoding}; median of {args.runs}\n")
    print("| path | seconds | rows/s | MB/s | peak memory |")
    print("|---|---|---|---|---|")
    for name, r in (("bare DuckDB read_csv", bare), ("full validation + build", full)):
        print(f"| {name} | {r['seconds']:.2f} | {r['rows'] / r['seconds']:,.0f} | "
              f"{size_mb / r['seconds']:.0f} | {r['peak_mb']:.0f} MB |")
    print(f"\nratio full / bare: {full['seconds'] / bare['seconds']:.2f}×; "
          f"rows loaded: {full['rows']:,}")


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown CPU"


def _cores() -> int:
    import os

    return len(os.sched_getaffinity(0))


if __name__ == "__main__":
    main()
