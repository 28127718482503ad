"""Meeting pack (会议材料) benchmark: the city view's PDF, Excel, PowerPoint and Word files.

On a private copy of the shipped sample (its database built first), measures:

- cold: a fresh ``python -m campaign brief --out pack.<fmt>`` process, start to exit (imports,
  the engine's queries, the charts, the writer): what the first click after a restart costs;
- warm, new view: in one process that has already made a pack of another view (imports and
  chart engine loaded, the KPI facts cached), the pack of a view not made before
  (``campaign.brief.prepared.pack_for_view`` with a fresh key);
- warm, same view: the same request again (another viewer, a second click): the kept pack.

Budgets (issue 14): each format under 3 s warm and under 6 s cold. Each figure is the median
of several runs. Prints a Markdown table; ``--write`` saves it to ``docs/benchmarks-pack.md``.

    python benchmarks/bench_pack.py [--runs 3] [--write]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import bench_machine  # noqa: E402

FORMATS = ("pdf", "xlsx", "pptx", "docx")
AS_OF = date(2022, 9, 30)
REPORT = ROOT / "docs" / "benchmarks-pack.md"
COLD_BUDGET, WARM_BUDGET = 6.0, 3.0


def private_sample(folder: Path) -> Path:
    data = folder / "data"
    shutil.copytree(ROOT / "data", data, ignore=shutil.ignore_patterns(".build", "history"))
    from campaign.storage import load_dataset

    load_dataset(data)  # the database, built once: the benchmark is the pack, not ingestion
    return data


def cold(data: Path, fmt: str, out: Path) -> float:
    target = out / f"pack.{fmt}"
    started = time.perf_counter()
    subprocess.run(
        [
            *(sys.executable, "-m", "campaign", "brief", "--data", str(data)),
            *("--queries", str(ROOT / "queries"), "--as-of", AS_OF.isoformat()),
            *("--out", str(target)),
        ],
        check=True,
        capture_output=True,
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    elapsed = time.perf_counter() - started
    assert target.stat().st_size > 0
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()

    from campaign.brief import prepared
    from campaign.kpi import KpiEngine
    from campaign.model import Filters

    machine = bench_machine.describe()
    rows: list[tuple[str, float, float, float]] = []
    with tempfile.TemporaryDirectory(prefix="bench-pack-") as tmp:
        data = private_sample(Path(tmp))
        out = Path(tmp) / "out"
        out.mkdir()
        cold_runs = {fmt: [cold(data, fmt, out) for _ in range(args.runs)] for fmt in FORMATS}

        engine = KpiEngine(data, ROOT / "queries", persist_facts=False)
        # Warm the process: one pack of every format for a view the runs below never ask for.
        warm_up = Filters(AS_OF.year, date(2022, 6, 30), None)
        for fmt in FORMATS:
            prepared.pack_for_view(engine, warm_up, "zh", fmt)
        # New views: the city at another month-end each run (nothing kept for it yet).
        month_ends = [date(2022, 8, 31), date(2022, 7, 31), date(2022, 5, 31), date(2022, 4, 30)]
        for fmt in FORMATS:
            new_view, same_view = [], []
            for run in range(args.runs):
                filters = Filters(AS_OF.year, month_ends[run % len(month_ends)], None)
                prepared.forget_all()
                started = time.perf_counter()
                prepared.pack_for_view(engine, filters, "zh", fmt)
                new_view.append(time.perf_counter() - started)
                started = time.perf_counter()
                prepared.pack_for_view(engine, filters, "zh", fmt)
                same_view.append(time.perf_counter() - started)
            rows.append(
                (
                    fmt,
                    statistics.median(cold_runs[fmt]),
                    statistics.median(new_view),
                    statistics.median(same_view),
                )
            )

    lines = [
        "# Meeting pack benchmark",
        "",
        f"Machine: {bench_machine.summary(machine)}. City view, as of {AS_OF}, shipped sample;",
        f"median of {args.runs} runs. Budgets: under {COLD_BUDGET:.0f} s cold, under "
        f"{WARM_BUDGET:.0f} s warm.",
        "",
        "| format | cold (fresh process) | warm, new view | warm, same view (kept) | budgets met |",
        "|---|---|---|---|---|",
    ]
    for fmt, cold_s, new_s, same_s in rows:
        met = "yes" if cold_s < COLD_BUDGET and new_s < WARM_BUDGET else "NO"
        lines.append(f"| {fmt} | {cold_s:.2f} s | {new_s:.2f} s | {same_s * 1000:.1f} ms | {met} |")
    report = "\n".join(lines) + "\n"
    print(report)
    if args.write:
        REPORT.write_text(report, encoding="utf-8")


if __name__ == "__main__":
    main()
