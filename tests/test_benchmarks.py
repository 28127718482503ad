"""The benchmark suite's quick mode (what CI runs; the full run is documented, not run here).

``benchmarks/run_all.py --quick``: the sample data at scale 1, ingestion once, a couple of KPI
timings, the pandas reference checked against the engine for every KPI and scope, and a tiny
load run (3 real websocket sessions × 2 reruns) against a dashboard the suite starts itself.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

import bench_report  # noqa: E402
import loadtest  # noqa: E402

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("benchmarks")]


@pytest.fixture(scope="module")
def quick(tmp_path_factory: pytest.TempPathFactory) -> dict:
    out = tmp_path_factory.mktemp("bench") / "results.json"
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "run_all.py"), "--quick", "--json", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return json.loads(out.read_text(encoding="utf-8"))


def test_quick_mode_measures_ingestion_and_kpis_at_scale_1(quick):
    assert quick["failures"] == {}
    figures = quick["scales"]["1"]
    assert figures["total_rows"] > 100_000
    ingest = figures["ingest"]
    assert ingest["full"]["rows"] == figures["total_rows"]  # every sample row is valid
    assert ingest["bare"]["rows"] >= ingest["full"]["rows"]
    assert ingest["speed_ratio"] > 0
    kpis = figures["kpis"]
    assert kpis["kpis"] == 18 and kpis["scopes"] == 12
    assert kpis["cold_ms"] > kpis["warm_ms"] > 0  # the cache answers the repeat


def test_the_pandas_reference_agrees_with_the_engine_for_every_kpi_and_scope(quick):
    reference = quick["scales"]["1"]["reference"]
    assert reference["problems"] == []
    assert reference["compared"] == 18 * 12  # 18 KPIs × (全市 + 11 districts)
    assert reference["as_of"] == "2022-09-30"


def test_three_real_sessions_rerun_twice_without_errors(quick):
    run = quick["load"]["one process"]
    assert run["errors"] == 0, run["error_examples"]
    assert run["opens"]["count"] == 3
    assert run["reruns"]["count"] == 6
    assert run["memory"]["rss_peak_mb"][0] > 0


def test_the_report_renders_every_measured_part(quick):
    text = bench_report.render(quick)
    for heading in (
        "## Targets",
        "## Ingestion",
        "## KPIs",
        "## Against a plain pandas",
        "## Concurrent viewers",
    ):
        assert heading in text
    assert "216/216 figures" in text


def test_percentiles_interpolate_between_ranks():
    # 1..5: the median is 3; p95 lies 80% of the way from 4 to 5 (position 0.95 × 4 = 3.8).
    assert loadtest.percentile([5, 1, 3, 2, 4], 0.5) == 3
    assert loadtest.percentile([5, 1, 3, 2, 4], 0.95) == pytest.approx(4.8)


def test_the_shipped_nginx_site_is_rendered_with_our_ports_and_as_many_backends(tmp_path):
    text = loadtest.render_site(18080, [18501, 18502, 18503], tmp_path)
    assert "listen 127.0.0.1:18080;" in text and "listen 80;" not in text
    for port in (18501, 18502, 18503):
        assert f"server 127.0.0.1:{port} " in text
    assert "127.0.0.1:8501" not in text and "/var/log/nginx/" not in text
    assert "hash $kh_route consistent;" in text  # the sticky route is the shipped one
