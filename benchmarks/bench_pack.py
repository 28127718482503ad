"""Meeting pack (会议材料) benchmark: the city view's PDF, Excel, PowerPoint and Word files.

On a private copy of the shipped sample (its database built first), measures:

- cold, first: a fresh ``python -m campaign brief --out pack.<fmt>`` process, start to exit
  (imports, the engine's queries, drawing the charts, the writer), with no chart drawn before
  (the ``charts/`` folder beside the database emptied first);
- cold, charts kept: the same command again: the charts of this data version and view are
  read from ``charts/`` (what a restarted server or a second command costs);
- warm, new view: in one process that has already made packs of another view (imports and
  chart engine loaded), the pack of a view whose charts were never drawn;
- warm, charts drawn: the same view in another format first, then this one (charts drawn
  once per data version and view, the file itself not kept);
- warm, kept: the same request again (another viewer, a second click): the kept file.

Budgets (issue 14): each format under 3 s warm and under 6 s cold. Each figure is the median
of several runs. Prints a Markdown table; ``--write`` saves it to ``docs/benchmarks-pack.md``.
The header gives the machine's speed at the time (a bare Python loop, see
``bench_machine.loop_rate``): on a shared machine it varies, and every figure with it.
``--baseline REV`` also runs the two cold columns with the code of git revision ``REV``
(checked out in a temporary worktree), one run of each after the other, so that a change
is compared with what it replaced on the same machine at the same moment.

    python benchmarks/bench_pack.py [--runs 3] [--write] [--baseline REV]
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


def cold(data: Path, fmt: str, out: Path, charts_kept: bool, code: Path = ROOT) -> float:
    """A fresh ``campaign brief`` process of the code in ``code``, start to exit."""
    if not charts_kept:
        shutil.rmtree(data / ".build" / "charts", ignore_errors=True)
    target = out / f"pack.{fmt}"
    started = time.perf_counter()
    subprocess.run(
        [
            *(sys.executable, "-m", "campaign", "brief", "--data", str(data)),
            *("--queries", str(code / "queries"), "--as-of", AS_OF.isoformat()),
            *("--out", str(target)),
        ],
        check=True,
        capture_output=True,
        cwd=code,
        env={**os.environ, "PYTHONPATH": str(code)},
    )
    elapsed = time.perf_counter() - started
    assert target.stat().st_size > 0
    return elapsed


def mark(seconds: float, budget: float) -> str:
    text = f"{seconds:.2f} s"
    return text if seconds < budget else f"**{text}**"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--write", action="store_true")
    parser.add_argument("--baseline", metavar="REV", help="also time the cold runs of REV")
    args = parser.parse_args()

    from campaign.brief import prepared
    from campaign.kpi import KpiEngine
    from campaign.model import Filters

    machine = bench_machine.describe()
    speed_before = bench_machine.loop_rate()
    rows: list[tuple[str, float, float, float, float, float]] = []
    baseline_rows: list[tuple[str, float, float]] = []
    with tempfile.TemporaryDirectory(prefix="bench-pack-") as tmp:
        data = private_sample(Path(tmp))
        out = Path(tmp) / "out"
        out.mkdir()
        old_code = Path(tmp) / "baseline"
        if args.baseline:
            subprocess.run(
                ["git", "worktree", "add", "--detach", str(old_code), args.baseline],
                check=True,
                capture_output=True,
                cwd=ROOT,
            )
        try:
            cold_first: dict[str, list[float]] = {fmt: [] for fmt in FORMATS}
            cold_kept: dict[str, list[float]] = {fmt: [] for fmt in FORMATS}
            old_first: dict[str, list[float]] = {fmt: [] for fmt in FORMATS}
            old_kept: dict[str, list[float]] = {fmt: [] for fmt in FORMATS}
            for fmt in FORMATS:
                for _ in range(args.runs):  # this code and the baseline's, in turn
                    cold_first[fmt].append(cold(data, fmt, out, False))
                    cold_kept[fmt].append(cold(data, fmt, out, True))
                    if args.baseline:
                        old_first[fmt].append(cold(data, fmt, out, False, old_code))
                        old_kept[fmt].append(cold(data, fmt, out, True, old_code))
        finally:
            if args.baseline:
                subprocess.run(
                    ["git", "worktree", "remove", "--force", str(old_code)],
                    check=False,
                    capture_output=True,
                    cwd=ROOT,
                )
        if args.baseline:
            baseline_rows = [
                (f, statistics.median(old_first[f]), statistics.median(old_kept[f]))
                for f in FORMATS
            ]

        engine = KpiEngine(data, ROOT / "queries", persist_facts=False)
        # Warm the process: one pack of every format for a view the runs below never ask for.
        warm_up = Filters(AS_OF.year, date(2022, 6, 30), None)
        for fmt in FORMATS:
            prepared.pack_for_view(engine, warm_up, "zh", fmt)
        # New views: the city at another month-end each run (nothing kept for it yet).
        month_ends = [date(2022, 8, 31), date(2022, 7, 31), date(2022, 5, 31), date(2022, 4, 30)]
        for fmt in FORMATS:
            new_view, drawn, kept = [], [], []
            for run in range(args.runs):
                # a view no run has drawn: another district each time (no disk charts either)
                district = ("市南区", "市北区", "西海岸新区", "崂山区", "李沧区", "城阳区")[
                    (FORMATS.index(fmt) * args.runs + run) % 6
                ]
                filters = Filters(AS_OF.year, month_ends[run % len(month_ends)], district)
                shutil.rmtree(data / ".build" / "charts", ignore_errors=True)
                prepared.forget_all()
                started = time.perf_counter()
                prepared.pack_for_view(engine, filters, "zh", fmt)
                new_view.append(time.perf_counter() - started)
                started = time.perf_counter()
                prepared.pack_for_view(engine, filters, "zh", fmt)
                kept.append(time.perf_counter() - started)
                prepared.forget_all()  # the file forgotten, its charts still drawn
                started = time.perf_counter()
                prepared.pack_for_view(engine, filters, "zh", fmt)
                drawn.append(time.perf_counter() - started)
            rows.append(
                (
                    fmt,
                    statistics.median(cold_first[fmt]),
                    statistics.median(cold_kept[fmt]),
                    statistics.median(new_view),
                    statistics.median(drawn),
                    statistics.median(kept),
                )
            )

    speed_after = bench_machine.loop_rate()
    lines = [
        "# Meeting pack benchmark",
        "",
        f"Machine: {bench_machine.summary(machine)}. City view, as of {AS_OF}, shipped sample;",
        f"median of {args.runs} runs. Budgets: under {COLD_BUDGET:.0f} s cold, under "
        f"{WARM_BUDGET:.0f} s warm. Machine speed (bare Python loop, millions of iterations a "
        f"second): {speed_before:.1f} before the runs, {speed_after:.1f} after.",
        "",
        "| format | cold, first | cold, charts kept | warm, new view | warm, charts drawn "
        "| warm, kept |",
        "|---|---|---|---|---|---|",
    ]
    for fmt, first, cold_kept_s, new_s, drawn_s, kept_s in rows:
        lines.append(
            f"| {fmt} | {mark(first, COLD_BUDGET)} | {mark(cold_kept_s, COLD_BUDGET)} "
            f"| {mark(new_s, WARM_BUDGET)} | {mark(drawn_s, WARM_BUDGET)} "
            f"| {kept_s * 1000:.1f} ms |"
        )
    lines += ["", "Over budget: **bold**."]
    if baseline_rows:
        lines += [
            "",
            f"The same cold runs with the code of `{args.baseline}`, each run right after "
            "this code's:",
            "",
            "| format | cold, first | cold, charts kept |",
            "|---|---|---|",
        ]
        for fmt, old_first_s, old_kept_s in baseline_rows:
            lines.append(f"| {fmt} | {old_first_s:.2f} s | {old_kept_s:.2f} s |")
    report = "\n".join(lines) + "\n"
    print(report)
    if args.write:
        REPORT.write_text(report, encoding="utf-8")


if __name__ == "__main__":
    main()
