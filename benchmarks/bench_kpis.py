"""KPI engine benchmark: every KPI for the city and every district, cold and from the cache.

For each scale, writes the sample data folder (``campaign.sample.write_sample``) under
``benchmarks/out/`` once, builds its database with ``campaign.storage.load_dataset`` (reused
while the extracts are unchanged), then measures in this process:

- cold: a new ``KpiEngine`` → ``default_filters()`` and ``all_scorecards()`` (the city and
  all eleven districts, every KPI): runs every query, nothing cached;
- cold ranking: a new engine → ``ranking()`` (this month and last month's end);
- another month: on a warm engine, the scorecards as of a different month of the same year
  (facts reused, results recomputed, no query);
- warm: the same call repeated (same data, query files and filters): served from the cache.

Each figure is the median of several runs.  Prints a Markdown report; ``--write`` also saves it
to ``docs/benchmarks-kpi.md``.

    python benchmarks/bench_kpis.py [--scales 1 100] [--cold-runs 5] [--warm-runs 50] [--write]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import bench_machine  # noqa: E402

from campaign.contracts import KINDS  # noqa: E402
from campaign.kpi import KpiEngine  # noqa: E402
from campaign.model import Filters  # noqa: E402

OUT = ROOT / "benchmarks" / "out"
QUERIES = ROOT / "queries"
REPORT = ROOT / "docs" / "benchmarks-kpi.md"
TARGETS_MS = {1: (300, 10), 100: (2000, 10)}
LOAD: dict[str, float] = {"before": 0.0, "after": 0.0}


def prepare(scale: int) -> Path:
    """The sample data folder at ``scale`` with its database built."""
    from campaign.sample import write_sample
    from campaign.storage import load_dataset

    folder = OUT / f"sample-scale-{scale}"
    if not (folder / "targets.csv").exists():
        started = time.perf_counter()
        write_sample(folder, scale=scale)
        print(f"  wrote the scale-{scale} sample in {time.perf_counter() - started:.0f} s")
    started = time.perf_counter()
    dataset = load_dataset(folder)
    if dataset.build_error:
        raise SystemExit(f"build failed: {dataset.build_error}")
    print(f"  database ready in {time.perf_counter() - started:.1f} s: {dataset.database_path}")
    return folder


def row_counts(folder: Path) -> dict[str, int]:
    from campaign.storage import load_dataset

    with load_dataset(folder).connect() as con:
        return {k.id: con.execute(f'SELECT count(*) FROM "{k.id}"').fetchone()[0] for k in KINDS}


def median_ms(runs: int, setup: Callable[[], object], work: Callable[[object], object]) -> float:
    """Median wall time of ``work(setup())`` in milliseconds (setup not timed)."""
    times = []
    for _ in range(runs):
        state = setup()
        started = time.perf_counter()
        work(state)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


_CHILD = r"""
import json, sys, time
sys.path.insert(0, {root!r})
from pathlib import Path
from campaign.kpi import KpiEngine
from campaign.storage import load_dataset
mode, folder, queries = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
load_dataset(folder)  # the loader's own first look (the app has done it): not timed
wall, cpu = time.perf_counter(), time.process_time()
engine = KpiEngine(folder, queries, persist_facts=(mode == "restart"))
filters = engine.default_filters()
if mode == "ranking":
    assert not engine.ranking(filters).empty
else:
    cards = engine.all_scorecards(filters)
    assert len(cards) == 12 and not any(c.errors for c in cards), cards[0].errors
print(json.dumps({{"wall": (time.perf_counter() - wall) * 1000,
                  "cpu": (time.process_time() - cpu) * 1000}}))
"""


def in_new_process(mode: str, folder: Path, runs: int) -> tuple[float, float]:
    """Median (wall, CPU) milliseconds of ``mode`` in a fresh Python process each run.

    A new process is the honest cold start: no engine, no open database (DuckDB keeps an
    opened database's blocks in memory while any connection to it lives); the operating
    system's file cache is warm, as for any restart.  Imports and the loader's first
    ``load_dataset`` (reading its file reports) are not timed; opening the database is.
    """
    walls, cpus = [], []
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, "-c", _CHILD.format(root=str(ROOT)), mode, str(folder), str(QUERIES)],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        figures = json.loads(out.strip().splitlines()[-1])
        walls.append(figures["wall"])
        cpus.append(figures["cpu"])
    return statistics.median(walls), statistics.median(cpus)


def bench(scale: int, cold_runs: int, warm_runs: int) -> dict[str, object]:
    folder = prepare(scale)
    counts = row_counts(folder)

    def everything(engine: KpiEngine) -> None:
        filters = engine.default_filters()
        cards = engine.all_scorecards(filters)
        assert len(cards) == 12 and all(not c.errors for c in cards), cards[0].errors

    figures: dict[str, object] = {}
    figures["cold_all_scorecards"], figures["cold_cpu"] = in_new_process("cold", folder, cold_runs)
    figures["cold_ranking"], _ = in_new_process("ranking", folder, cold_runs)
    everything(KpiEngine(folder, QUERIES))  # puts the facts on disk for the restart figure
    figures["restart_all_scorecards"], _ = in_new_process("restart", folder, cold_runs)

    warm_engine = KpiEngine(folder, QUERIES, persist_facts=False)
    everything(warm_engine)
    filters = warm_engine.default_filters()
    other_month = Filters(filters.year, date(filters.year, max(1, filters.as_of.month - 3), 28))

    def fresh_month(engine: KpiEngine) -> KpiEngine:
        engine._evaluations.clear()  # keep the facts, forget the derived results
        engine._frames.clear()
        return engine

    figures |= {
        "other_month_all_scorecards": median_ms(
            warm_runs,
            lambda: fresh_month(warm_engine),
            lambda e: e.all_scorecards(other_month),  # type: ignore[attr-defined]
        ),
        "warm_all_scorecards": median_ms(
            warm_runs,
            lambda: warm_engine,
            lambda e: e.all_scorecards(filters),  # type: ignore[attr-defined]
        ),
        "warm_scorecard_city": median_ms(
            warm_runs,
            lambda: warm_engine,
            lambda e: e.scorecard(filters),  # type: ignore[attr-defined]
        ),
        "warm_ranking": median_ms(
            warm_runs,
            lambda: warm_engine,
            lambda e: e.ranking(filters),  # type: ignore[attr-defined]
        ),
    }
    return {"scale": scale, "rows": counts, "filters": filters, **figures}


def report(results: list[dict[str, object]], cold_runs: int, warm_runs: int) -> str:
    lines = [
        "# KPI engine benchmark",
        "",
        "`python benchmarks/bench_kpis.py --write` (this file is its output).",
        "",
        f"Machine: {bench_machine.summary()}.  Load average "
        f"{LOAD['before']:.1f} when the run started and {LOAD['after']:.1f} when it ended (on 2",
        "cores; other work on the machine slows the wall times); the CPU time of the cold runs",
        "is the steadier figure.",
        "",
        "What is timed (medians; cold and restart figures in a new Python process each, "
        f"{cold_runs} runs, imports not timed; the others in one process, {warm_runs} runs):",
        "",
        "- **all KPIs, city + every district, cold**: a new `KpiEngine(data, queries,",
        "  persist_facts=False)`, `default_filters()` + `all_scorecards()`: opens the database,",
        "  runs all 18 KPI queries (each for every scope at once), builds the 12 scorecards; the",
        "  process's CPU time beside it (DuckDB's threads included) is less sensitive to the",
        "  other work on this shared machine than the wall time;",
        "- **after a restart**: the same with a new engine whose facts are on disk from an",
        "  earlier process (`<data>/.build/kpi-facts`, keyed by data fingerprint and query text);",
        "- **ranking, cold**: a new engine's `ranking()` (this month-end and the previous one);",
        "- **another month, facts cached**: a warm engine asked for a different as-of month of the",
        "  same year (no query runs; results recomputed);",
        "- **unchanged repeat**: the same `all_scorecards()` / `scorecard()` / `ranking()` again:",
        "  served from the cache (the only work is checking the data fingerprint and the files).",
        "",
        "| scale | rows (financing / orders / mediation / all) | as of "
        "| all KPIs × 12 scopes, cold "
        "| after a restart | ranking, cold | another month | repeat: all scopes | repeat: city "
        "| repeat: ranking |",
        "|---:|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        rows: dict[str, int] = r["rows"]  # type: ignore[assignment]
        filters: Filters = r["filters"]  # type: ignore[assignment]
        lines.append(
            f"| {r['scale']} | {rows['financing']:,} / {rows['orders']:,} / "
            f"{rows['mediation']:,} / "
            f"{sum(rows.values()):,} | {filters.as_of} | {r['cold_all_scorecards']:.0f} ms "
            f"(CPU {r['cold_cpu']:.0f} ms) "
            f"| {r['restart_all_scorecards']:.0f} ms "
            f"| {r['cold_ranking']:.0f} ms | {r['other_month_all_scorecards']:.1f} ms "
            f"| {r['warm_all_scorecards']:.2f} ms | {r['warm_scorecard_city']:.2f} ms "
            f"| {r['warm_ranking']:.2f} ms |"
        )
    lines += ["", "Targets: cold under 300 ms at scale 1 and under 2 s at scale 100; an unchanged"]
    lines += ["repeat under 10 ms."]
    for r in results:
        cold_target, warm_target = TARGETS_MS.get(int(r["scale"]), (None, 10))  # type: ignore[arg-type]
        cold_ok = cold_target is None or r["cold_all_scorecards"] < cold_target  # type: ignore[operator]
        warm_ok = r["warm_all_scorecards"] < warm_target  # type: ignore[operator]
        lines.append(
            f"- scale {r['scale']}: cold {'met' if cold_ok else 'MISSED'}"
            + (f" (< {cold_target} ms)" if cold_target else "")
            + f", repeat {'met' if warm_ok else 'MISSED'} (< {warm_target} ms)."
        )
    lines += ["", *NOTES]
    return "\n".join(lines) + "\n"


NOTES = [
    "## Where the time goes",
    "",
    "- At scale 1 every query is small; the cold figure is mostly per-query overhead (18",
    "  queries, each described then aggregated) plus opening the database and finding the",
    "  default as-of date.",
    "- At scale 100 most of the cold time is the two distinct counts",
    "  (`financing_enterprises`, `orders_enterprises`): about 2.9 M and 2.1 M rows in the",
    "  two-year fact window with about 1.9 M and 1.4 M distinct firms.  Counting each firm",
    "  once per district and for the city, per month and first appearance in the year, is",
    "  done in one hash aggregation over the firms (64-bit hashes of their names): each firm",
    "  gets every district's month mask packed side by side into 128-bit integers; firms",
    "  with the same packed masks are then counted together (about 64,000 kinds of firm at",
    "  scale 100), and only those rows are unpacked into (scope, month-mask, firms) rows for",
    "  Python.  That replaced two aggregations over millions of keys (per (firm, district)",
    "  pair, then per firm) and took the scale-100 cold figure from 2.1–2.5 s to 1.3–1.6 s.",
    "  The sum, rate and latest KPIs together take about 0.3 s there.",
    "- What keeps the app fast regardless: facts are computed once per data version and",
    "  query file, for every scope and month at once (another district or month costs no",
    "  query), kept in memory and on disk (`after a restart`), and an unchanged repeat is a",
    "  dictionary lookup (a dashboard process looks at the files at most every 2 s).",
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 100])
    parser.add_argument("--cold-runs", type=int, default=5)
    parser.add_argument("--warm-runs", type=int, default=50)
    parser.add_argument("--write", action="store_true", help=f"save the report to {REPORT}")
    args = parser.parse_args()
    results = []
    LOAD["before"] = os.getloadavg()[0]
    for scale in args.scales:
        print(f"scale {scale}:")
        results.append(bench(scale, args.cold_runs, args.warm_runs))
    LOAD["after"] = os.getloadavg()[0]
    text = report(results, args.cold_runs, args.warm_runs)
    print(text)
    if args.write:
        REPORT.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
