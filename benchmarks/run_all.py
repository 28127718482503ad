"""The whole benchmark suite: one command, one results table (``docs/benchmarks.md``).

    python benchmarks/run_all.py            # full run: scales 1, 10, 100 (about an hour)
    python benchmarks/run_all.py --quick    # CI: scale 1, one run each, 3 viewers × 2 reruns
    make bench                              # the full run

Sections (``--only`` / ``--skip`` pick some):

- ``ingest``: the sample data folder at each scale (all seven kinds) built with
  ``campaign.storage.build_database`` vs a bare DuckDB ``read_csv`` of every file
  (``bench_ingest.bench_folder``), rows/s and MB/s; also on the UTF-8 files only;
- ``kpis``: every KPI for the city and every district (``all_scorecards``), cold (a new
  process, a new engine, no facts on disk) and warm (the same call again);
- ``reference``: the same KPIs in plain pandas (``pandas_reference.py``: read the CSVs,
  filter, group), checked against the engine for every KPI and scope, and timed;
- ``pages``: each page's script run under AppTest, first run and warm (``bench_pages``);
- ``memory``: the dashboard process's resident memory at each scale (``bench_memory``);
- ``load``: 50 real sessions on one dashboard process (``loadtest``), in waves for ten
  minutes, then the server's memory once closed sessions expired;
- ``scaleout``: the same viewers through nginx (the shipped site file) on one and on two
  dashboard processes, and on one process without Streamlit's full GC after every run.

Sample folders are generated once per (scale, seed) under ``benchmarks/out/`` and reused.
Every figure is a median of ``--runs`` runs (KPI warm figures: of ``--warm-runs``).  The raw
figures go to ``benchmarks/out/results.json``; ``--render FILE`` rewrites the Markdown
from such a file without measuring again.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
for entry in (ROOT, ROOT / "benchmarks"):
    if str(entry) not in sys.path:
        sys.path.insert(0, str(entry))

import bench_ingest  # noqa: E402
import bench_machine  # noqa: E402
import bench_memory  # noqa: E402
import bench_report  # noqa: E402
import loadtest  # noqa: E402

OUT = ROOT / "benchmarks" / "out"
QUERIES = ROOT / "queries"
REPORT = ROOT / "docs" / "benchmarks.md"
SECTIONS = ("ingest", "kpis", "reference", "pages", "memory", "load", "scaleout")
DEFAULT_SEED = 2022


# ---------------------------------------------------------------- conditions


def load_average() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def git_commit() -> str:
    """The checked-out commit (``BENCH_COMMIT`` when measuring an exported snapshot); empty
    when there is none to be had (not a git checkout, or no git on the machine)."""
    if os.environ.get("BENCH_COMMIT"):
        return os.environ["BENCH_COMMIT"]
    try:
        found = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        )
    except OSError:  # git is not installed
        return ""
    return found.stdout.strip() if found.returncode == 0 else ""


def uptime_line() -> str:
    try:
        return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    except OSError:
        return ""


# ---------------------------------------------------------------- sample folders


def sample_folder(scale: int, seed: int = DEFAULT_SEED) -> Path:
    """The sample data folder for (scale, seed), generated once and kept in benchmarks/out.

    Written under a temporary name and renamed when complete, so an interrupted run never
    leaves a half-written folder that looks finished.  The seed-2022 folders keep the
    names ``bench_kpis.py`` uses (``sample-scale-N``), so both scripts share them.
    """
    from campaign.sample import write_sample

    name = f"sample-scale-{scale}" + ("" if seed == DEFAULT_SEED else f"-seed-{seed}")
    folder = OUT / name
    if (folder / "targets.csv").exists():
        return folder
    # Folders appear whole (renamed into place), so one without targets.csv is a leftover.
    shutil.rmtree(folder, ignore_errors=True)
    OUT.mkdir(parents=True, exist_ok=True)
    needed = scale * 25e6  # CSV ≈ 10 MB per unit of scale, the database and headroom
    free = shutil.disk_usage(OUT).free
    if free < needed:
        raise SystemExit(
            f"{OUT}: {free / 1e9:.1f} GB free, scale {scale} needs ~{needed / 1e9:.1f}"
        )
    tmp = OUT / f".writing-{name}-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    started = time.perf_counter()
    write_sample(tmp, seed=seed, scale=scale)
    try:
        # Never remove a folder another run may be building in: if one finished first, use it.
        os.rename(tmp, folder)
    except OSError:
        shutil.rmtree(tmp, ignore_errors=True)
        if not (folder / "targets.csv").exists():
            raise
    print(f"  wrote {folder.name} in {time.perf_counter() - started:.0f} s", flush=True)
    return folder


def private_copy(folder: Path, work: Path) -> Path:
    """``folder``'s extracts and targets (hard links) in ``work``, with no built database.

    The quick mode measures on this copy, so a quick run (CI, or ``make test`` on a
    developer's machine) never rebuilds the shared sample folder's database under a full run
    that is using it (the database is rebuilt whenever the ingestion code changes).
    """
    target = work / f"private-{folder.name}"
    if target.exists():
        return target
    (target / "extracts").mkdir(parents=True)
    for source in (folder / "extracts").iterdir():
        try:
            os.link(source, target / "extracts" / source.name)
        except OSError:
            shutil.copy2(source, target / "extracts" / source.name)
    for name in ("targets.csv", "pacing.csv"):
        if (folder / name).exists():
            shutil.copy2(folder / name, target / name)
    return target


def built(folder: Path) -> dict[str, object]:
    """Build (or reuse) the folder's database; its row counts and how long the check took."""
    from campaign.contracts import KINDS
    from campaign.storage import load_dataset

    started = time.perf_counter()
    dataset = load_dataset(folder)
    if dataset.build_error:
        raise SystemExit(f"{folder}: {dataset.build_error}")
    with dataset.connect() as con:
        rows = {k.id: con.execute(f'SELECT count(*) FROM "{k.id}"').fetchone()[0] for k in KINDS}
    return {
        "rows": rows,
        "total_rows": sum(rows.values()),
        "ready_s": time.perf_counter() - started,
    }


# ---------------------------------------------------------------- sections


def _child(code: str, *args: str, env: dict[str, str] | None = None) -> dict[str, object]:
    """Run ``code`` in a fresh Python; its last stdout line is JSON."""
    out = subprocess.run(
        [sys.executable, "-c", code, *args],
        cwd=ROOT,
        check=False,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
    )
    if out.returncode != 0:
        raise RuntimeError(f"child failed ({out.returncode}):\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


_KPI_CHILD = r"""
import json, statistics, sys, time
sys.path.insert(0, sys.argv[1])
from pathlib import Path
from campaign.kpi import KpiEngine
from campaign.storage import load_dataset
folder, queries, warm_runs = Path(sys.argv[2]), Path(sys.argv[3]), int(sys.argv[4])
load_dataset(folder)  # the app has looked at its data before anyone asks for a KPI
wall, cpu = time.perf_counter(), time.process_time()
engine = KpiEngine(folder, queries, persist_facts=False)
filters = engine.default_filters()
cards = engine.all_scorecards(filters)
cold = (time.perf_counter() - wall) * 1000
cold_cpu = (time.process_time() - cpu) * 1000
assert len(cards) == 12 and not any(c.errors for c in cards), [c.errors for c in cards]
warm = []
for _ in range(warm_runs):
    started = time.perf_counter()
    engine.all_scorecards(filters)
    warm.append((time.perf_counter() - started) * 1000)
city = []
for _ in range(warm_runs):
    started = time.perf_counter()
    engine.scorecard(filters)
    city.append((time.perf_counter() - started) * 1000)
print(json.dumps({"cold_ms": cold, "cold_cpu_ms": cold_cpu, "warm_ms": warm, "city_ms": city,
                  "as_of": filters.as_of.isoformat(), "kpis": len(cards[0].results)}))
"""


def bench_kpis(folder: Path, runs: int, warm_runs: int) -> dict[str, object]:
    """All KPIs × (city + 11 districts): cold in ``runs`` fresh processes, warm repeats."""
    results = [
        _child(_KPI_CHILD, str(ROOT), str(folder), str(QUERIES), str(warm_runs))
        for _ in range(runs)
    ]
    warm = [x for r in results for x in r["warm_ms"]]  # type: ignore[union-attr]
    city = [x for r in results for x in r["city_ms"]]  # type: ignore[union-attr]
    return {
        "cold_ms": statistics.median(r["cold_ms"] for r in results),  # type: ignore[misc]
        "cold_cpu_ms": statistics.median(r["cold_cpu_ms"] for r in results),  # type: ignore[misc]
        "cold_runs_ms": [r["cold_ms"] for r in results],
        "warm_ms": statistics.median(warm),
        "warm_max_ms": max(warm),
        "warm_city_ms": statistics.median(city),
        "as_of": results[0]["as_of"],
        "kpis": results[0]["kpis"],
        "scopes": 12,
    }


def bench_reference(folder: Path, runs: int) -> dict[str, object]:
    """The pandas reference: checked against the engine, and its read + compute time."""
    script = str(ROOT / "benchmarks" / "pandas_reference.py")
    results = []
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, script, "--data", str(folder), "--check", "--json"],
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        if out.returncode not in (0, 1):
            raise RuntimeError(f"pandas reference failed:\n{out.stderr[-3000:]}")
        results.append(json.loads(out.stdout.strip().splitlines()[-1]))
    totals = [r["read_s"] + r["compute_s"] for r in results]
    return {
        "read_s": statistics.median(r["read_s"] for r in results),
        "compute_s": statistics.median(r["compute_s"] for r in results),
        "total_s": statistics.median(totals),
        "rows": results[0]["rows"],
        "as_of": results[0]["as_of"],
        "compared": results[0]["compared"],
        "problems": sorted({p for r in results for p in r["problems"]}),
    }


_PAGES_CHILD = r"""
import json, sys
sys.path.insert(0, sys.argv[1]); sys.path.insert(0, sys.argv[1] + "/benchmarks")
from bench_pages import bench_server
print(json.dumps(bench_server(int(sys.argv[2]))))
"""


def bench_pages(folder: Path, work: Path, runs: int) -> dict[str, object]:
    """Each page's script run under AppTest on ``folder`` (fresh facts: the first is cold)."""
    data = bench_memory.mirror(folder, work / f"pages-{folder.name}")
    try:
        return _child(_PAGES_CHILD, str(ROOT), str(runs), env={"CAMPAIGN_DATA": str(data)})
    finally:
        shutil.rmtree(data, ignore_errors=True)


def load_run(
    folder: Path,
    work: Path,
    plan: loadtest.Plan,
    processes: int = 1,
    nginx: bool = False,
    options: tuple[str, ...] = (),
    sample_every: float = 5.0,
) -> dict[str, object]:
    """Viewers against dashboards on a fresh-facts mirror of ``folder`` (the first wave's
    first loads include computing every KPI once, shared by every session)."""
    data = bench_memory.mirror(folder, work / f"load-{folder.name}")
    try:
        with loadtest.serving(data, processes, nginx, work / "logs", options) as servers:
            summary = asyncio.run(loadtest.run_load(servers.urls, plan, servers.pids, sample_every))
    finally:
        shutil.rmtree(data, ignore_errors=True)
    summary["processes"] = processes
    summary["nginx"] = nginx
    summary["options"] = list(options)
    return summary


# ---------------------------------------------------------------- the run


def run(args: argparse.Namespace) -> dict[str, object]:
    sections = [s for s in (args.only or SECTIONS) if s not in (args.skip or ())]
    results: dict[str, object] = {
        "started": datetime.now().isoformat(timespec="seconds"),
        "quick": args.quick,
        "machine": bench_machine.describe(),
        "uptime_start": uptime_line(),
        "commit": git_commit(),
        "runs": args.runs,
        "warm_runs": args.warm_runs,
        "seed": args.seed,
        "scales": {},
    }
    work = OUT / f"work-{os.getpid()}"
    work.mkdir(parents=True, exist_ok=True)
    conditions: dict[str, list[float]] = {}
    results["load_average"] = conditions

    failures: dict[str, str] = {}
    results["failures"] = failures

    def section(name: str, label: str, work_fn: Callable[[], object]) -> object | None:
        """Run one part; a failure is recorded (and reported) and the suite goes on."""
        print(f"{label} (load average {load_average()})", flush=True)
        before = load_average()
        started = time.perf_counter()
        try:
            value = work_fn()
        except Exception as exc:
            failures[label] = f"{type(exc).__name__}: {exc}"[-2000:]
            print(f"  FAILED: {failures[label]}", flush=True)
            value = None
        conditions[label] = before
        print(f"  done in {time.perf_counter() - started:.0f} s", flush=True)
        return value

    def keep(where: dict, key: str, value: object | None) -> None:
        """Keep a part's figures (not a failed part's) and save what we have so far."""
        if value is not None:
            where[key] = value
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=1, ensure_ascii=False), encoding="utf-8")

    try:
        per_scale = ("ingest", "kpis", "reference", "pages", "memory")
        for scale in args.scales if any(s in sections for s in per_scale) else []:
            folder = sample_folder(scale, args.seed)
            if args.quick:
                folder = private_copy(folder, work)
            figures: dict[str, object] = {"folder": folder.name, **built(folder)}
            results["scales"][str(scale)] = figures  # type: ignore[index]
            if "kpis" in sections:
                keep(
                    figures,
                    "kpis",
                    section(
                        "kpis",
                        f"KPIs, scale {scale}",
                        lambda f=folder: bench_kpis(f, args.runs, args.warm_runs),
                    ),
                )
            if "reference" in sections:
                keep(
                    figures,
                    "reference",
                    section(
                        "reference",
                        f"pandas reference, scale {scale}",
                        lambda f=folder: bench_reference(f, args.runs),
                    ),
                )
            if "pages" in sections and scale in args.page_scales:
                keep(
                    figures,
                    "pages",
                    section(
                        "pages",
                        f"pages, scale {scale}",
                        lambda f=folder: bench_pages(f, work, args.page_runs),
                    ),
                )
            if "memory" in sections:
                keep(
                    figures,
                    "memory",
                    section(
                        "memory",
                        f"memory, scale {scale}",
                        lambda f=folder: bench_memory.bench_memory(f, work, 5, args.memory_seconds),
                    ),
                )
            # Ingestion last at each scale: its runs write and delete gigabytes of scratch
            # databases, and the scale-100 KPIs timed right after them were 1.5× slower
            # (2.2 s against 1.4 s) than on the machine at rest.
            if "ingest" in sections:
                keep(
                    figures,
                    "ingest",
                    section(
                        "ingest",
                        f"ingest, scale {scale}",
                        lambda f=folder: bench_ingest.bench_folder(f, args.runs),
                    ),
                )
                if scale <= args.utf8_max_scale:
                    keep(
                        figures,
                        "ingest_utf8",
                        section(
                            "ingest",
                            f"ingest UTF-8 files, scale {scale}",
                            lambda f=folder: bench_ingest.bench_folder(
                                f, args.runs, utf8_only=True
                            ),
                        ),
                    )
        if "load" in sections or "scaleout" in sections:
            load_folder = sample_folder(1, args.seed)
            if args.quick:
                load_folder = private_copy(load_folder, work)
            built(load_folder)
            results["load"] = {}
        if "load" in sections:
            plan = loadtest.Plan(
                sessions=args.sessions,
                waves=args.waves,
                wave_seconds=args.wave_seconds,
                reruns=args.reruns,
                think=(args.think[0], args.think[1]),
                ramp=args.ramp,
                gap=args.gap,
                settle=args.settle,
            )
            keep(
                results["load"],
                "one process",
                section(  # type: ignore[arg-type]
                    "load",
                    f"load: {args.sessions} viewers × {args.waves} waves, one process",
                    lambda: load_run(load_folder, work, plan, 1, False, ()),
                ),
            )
        if "scaleout" in sections:
            plan = loadtest.Plan(
                sessions=args.sessions,
                wave_seconds=args.scaleout_seconds,
                think=(args.think[0], args.think[1]),
                ramp=args.ramp,
            )
            # (processes, nginx in front, Streamlit options beyond .streamlit/config.toml)
            runs: dict[str, tuple[int, bool, tuple[str, ...]]] = {
                "nginx, one process": (1, True, ()),
                "nginx, two processes": (2, True, ()),
            }
            if not args.quick:
                runs[bench_report.STREAMLIT_GC_RUN] = (1, False, ("--runner.postScriptGC=true",))
            for name, (processes, nginx, options) in runs.items():
                keep(
                    results["load"],
                    name,
                    section(  # type: ignore[arg-type]
                        "scaleout",
                        f"load: {args.sessions} viewers, {name}",
                        lambda p=processes, n=nginx, o=options: load_run(
                            load_folder, work, plan, p, n, o
                        ),
                    ),
                )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    results["uptime_end"] = uptime_line()
    results["finished"] = datetime.now().isoformat(timespec="seconds")
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="CI: small and fast")
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 10, 100])
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--runs", type=int, default=3, help="runs per figure (median)")
    parser.add_argument("--warm-runs", type=int, default=30)
    parser.add_argument("--only", nargs="+", choices=SECTIONS)
    parser.add_argument("--skip", nargs="+", choices=SECTIONS)
    parser.add_argument(
        "--utf8-max-scale", type=int, default=10, help="also the UTF-8-only ingest up to this scale"
    )
    parser.add_argument("--page-scales", type=int, nargs="+", default=[1, 10, 100])
    parser.add_argument("--page-runs", type=int, default=10)
    parser.add_argument("--memory-seconds", type=float, default=30.0)
    parser.add_argument("--sessions", type=int, default=50)
    parser.add_argument("--waves", type=int, default=4)
    parser.add_argument("--wave-seconds", type=float, default=120.0)
    parser.add_argument("--reruns", type=int, default=None)
    parser.add_argument("--think", type=float, nargs=2, default=(3.0, 10.0))
    parser.add_argument("--ramp", type=float, default=10.0)
    parser.add_argument("--gap", type=float, default=30.0)
    parser.add_argument(
        "--settle",
        type=float,
        default=330.0,
        help="seconds after the last wave (closed sessions live 300 s)",
    )
    parser.add_argument("--scaleout-seconds", type=float, default=150.0)
    parser.add_argument("--json", type=Path, default=OUT / "results.json")
    parser.add_argument("--write", type=Path, default=REPORT, help="the Markdown report")
    parser.add_argument("--no-write", action="store_true", help="do not write the report")
    parser.add_argument("--render", type=Path, help="only render this results JSON")
    parser.add_argument(
        "--merge-load",
        type=Path,
        help="with --render: take the concurrent-viewer runs from this other results JSON",
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.scales = [1]
        args.runs = 1
        args.warm_runs = 5
        args.page_runs = 2
        args.utf8_max_scale = 0
        args.sessions, args.waves, args.reruns = 3, 1, 2
        args.think, args.ramp, args.gap, args.settle = (0.1, 0.3), 0.5, 0.0, 0.0
        args.only = args.only or ["ingest", "kpis", "reference", "load"]

    render = bench_report.render

    if args.render:
        results = json.loads(args.render.read_text(encoding="utf-8"))
        if args.merge_load:
            other = json.loads(args.merge_load.read_text(encoding="utf-8"))
            results["load"] = other.get("load", {})
            results["load_run"] = {
                key: other.get(key) for key in ("started", "finished", "uptime_end", "commit")
            }
            for label, average in other.get("load_average", {}).items():
                if label.startswith("load:"):
                    results["load_average"][label] = average
            results["failures"] = {**other.get("failures", {}), **results.get("failures", {})}
    else:
        results = run(args)
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=1, ensure_ascii=False), encoding="utf-8")
    text = render(results)
    if not args.no_write and not args.quick:
        args.write.write_text(text, encoding="utf-8")
    print(text)
    problems = [
        p
        for figures in results.get("scales", {}).values()
        for p in figures.get("reference", {}).get("problems", [])
    ]
    errors = sum(run.get("errors", 0) for run in results.get("load", {}).values())
    return 1 if problems or errors or results.get("failures") else 0


if __name__ == "__main__":
    raise SystemExit(main())
