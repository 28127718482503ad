"""Peak resident memory of the dashboard process at a data scale.

Starts ``streamlit run dashboard.py`` (as deployed: one process, ``--server.baseUrlPath kpi``)
on a *mirror* of a sample data folder: the same extracts and built database (a symbolic link
and a hard link, so nothing is copied or rebuilt) but an empty KPI facts folder, so the first
visit computes every KPI in this process, as after an upload.  Then:

1. idle: RSS once the server answers;
2. first visit: one viewer opens every page (overview, KPI, districts, data): the cold
   computation of every KPI for every scope, then each page's first run;
3. viewers: a few viewers change filters and pages for a while (``loadtest``);

and reports RSS after each step and the process's peak (``VmHWM``, the kernel's high-water
mark of resident memory: nothing between two samples is missed).

A rebuild after an upload runs ``build_database`` in the dashboard process too; its own peak
is measured by the ingestion benchmark (``bench_ingest.py``), in a fresh process.

    python benchmarks/bench_memory.py --data benchmarks/out/sample-scale-100
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks import loadtest  # noqa: E402


def mirror(folder: Path, target: Path) -> Path:
    """``target`` as a data folder with ``folder``'s extracts and built database, no facts.

    ``load_dataset`` finds the same fingerprint (the extracts are the same files, their
    hashes cached in ``hashes.json``) and the database under ``.build/current``, so it neither
    re-reads nor rebuilds anything.
    """
    from campaign.storage import load_dataset

    dataset = load_dataset(folder)  # built once, beside the sample
    if dataset.build_error:
        raise RuntimeError(f"{folder}: {dataset.build_error}")
    if target.exists():
        shutil.rmtree(target)
    (target / ".build").mkdir(parents=True)
    (target / "extracts").symlink_to(folder.resolve() / "extracts", target_is_directory=True)
    for name in ("targets.csv", "pacing.csv"):
        if (folder / name).exists():
            shutil.copy2(folder / name, target / name)
    database = dataset.database_path
    try:
        os.link(database, target / ".build" / database.name)
    except OSError:  # another file system: a copy
        shutil.copy2(database, target / ".build" / database.name)
    (target / ".build" / "current").write_text(database.name, encoding="utf-8")
    shutil.copy2(folder / ".build" / "hashes.json", target / ".build" / "hashes.json")
    started = time.perf_counter()
    again = load_dataset(target)
    if again.fingerprint != dataset.fingerprint or time.perf_counter() - started > 30:
        raise RuntimeError(f"the mirror of {folder} was rebuilt instead of reused")
    return target


def measure(data_dir: Path, viewers: int = 5, viewer_seconds: float = 30.0) -> dict[str, object]:
    """Start a dashboard on ``data_dir``, visit every page, run a few viewers; memory figures."""
    with tempfile.TemporaryDirectory(prefix="bench-memory-") as tmp:
        scratch = Path(tmp)
        processes, ports = loadtest.start_dashboards(data_dir, 1, scratch)
        try:
            pid = processes[0].pid
            url = f"http://127.0.0.1:{ports[0]}/{loadtest.BASE_PATH}"
            idle, _ = loadtest.process_memory_mb(pid)
            first_visit_s = loadtest.warm_up([url])
            after_first, peak_first = loadtest.process_memory_mb(pid)
            plan = loadtest.Plan(
                sessions=viewers,
                wave_seconds=viewer_seconds,
                think=(0.2, 1.0),
                ramp=2.0,
                gap=0.0,
                timeout=300.0,
            )
            load = asyncio.run(loadtest.run_load([url], plan, [pid], sample_every=2.0))
            after_load, peak = loadtest.process_memory_mb(pid)
        finally:
            loadtest.stop_processes(processes)
    return {
        "idle_mb": round(idle, 1),
        "first_visit_s": round(first_visit_s, 2),
        "after_first_visit_mb": round(after_first, 1),
        "peak_after_first_visit_mb": round(peak_first, 1),
        "after_viewers_mb": round(after_load, 1),
        "peak_mb": round(peak, 1),
        "viewers": viewers,
        "viewer_reruns": load["reruns"],
        "errors": load["errors"],
        "error_examples": load["error_examples"],
    }


def bench_memory(folder: Path, work: Path, viewers: int = 5, seconds: float = 30.0) -> dict:
    """The memory figures of the dashboard on a fresh-facts mirror of ``folder``."""
    target = mirror(folder, work / f"mirror-{folder.name}")
    try:
        return measure(target, viewers, seconds)
    finally:
        shutil.rmtree(target, ignore_errors=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True, help="a built sample data folder")
    parser.add_argument("--viewers", type=int, default=5)
    parser.add_argument("--seconds", type=float, default=30.0)
    args = parser.parse_args()
    folder = args.data.resolve()
    result = bench_memory(folder, folder.parent, args.viewers, args.seconds)
    print(json.dumps(result, indent=1, ensure_ascii=False))
    return 1 if result["errors"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
