"""What the benchmarks were measured on: one description every benchmark script reports."""

from __future__ import annotations

import os
import platform
from pathlib import Path


def describe() -> dict[str, object]:
    """Cores, CPU model, RAM, OS and the versions of the software the figures depend on."""
    import duckdb
    import pandas
    import streamlit

    cpu = platform.processor() or "unknown CPU"
    memory_gib = None
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory_gib = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return {
        "cores": len(os.sched_getaffinity(0)),
        "cpu": cpu,
        "memory_gib": memory_gib,
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "duckdb": duckdb.__version__,
        "pandas": pandas.__version__,
        "streamlit": streamlit.__version__,
    }


def summary(machine: dict[str, object] | None = None) -> str:
    """The description in one line, for a report's header."""
    m = machine or describe()
    return (
        f"{m['cores']} cores, {m['cpu']}, {m['memory_gib']} GiB RAM; Python {m['python']}, "
        f"DuckDB {m['duckdb']}, {m['os']}"
    )


def loop_rate(seconds: float = 1.0, runs: int = 3) -> float:
    """Millions of iterations a second of a bare Python loop, median of ``runs``: how fast
    this (possibly shared) machine is right now, to read the other figures against."""
    import statistics
    import time

    rates = []
    for _ in range(runs):
        count, started = 0, time.perf_counter()
        while time.perf_counter() - started < seconds:
            count += 1
        rates.append(count / seconds / 1e6)
    return statistics.median(rates)
