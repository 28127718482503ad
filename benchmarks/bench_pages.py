"""Page benchmark: the Streamlit script runs on the server, and page loads in Chromium.

1. Server side: each page's script run under Streamlit's AppTest (the same ScriptRunner a
   real session uses, plus AppTest's own bookkeeping, so an upper bound), on the shipped
   sample data, once cold (a new engine: every KPI query runs) and then warm (the engine's
   caches hold the results, as for every visitor after the first).
2. Browser: `streamlit run dashboard.py` on a free port, headless Debian Chromium at
   1366×768. For each page, a first visit (a new browser profile: empty HTTP cache, a new
   Streamlit session) is timed from navigation start until the page's content is visible:
   its charts drawn, or for the overview its KPI cards.

Prints a Markdown table and writes benchmarks/out/bench_pages.json.

    python benchmarks/bench_pages.py [--runs 20] [--loads 5] [--no-browser]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import bench_machine  # noqa: E402

from tests.e2e.conftest import (  # noqa: E402
    CHROMIUM,
    CHROMIUM_ARGS,
    VIEWPORT,
    copy_sample_data,
    start_server,
    stop_server,
)

PAGES = {
    "overview": ("app_pages/overview.py", "/", ".kc-value", 0),
    "kpi": ("app_pages/kpi.py", "/kpi", None, 2),
    "districts": ("app_pages/districts.py", "/districts?scope=xihaian", None, 3),
    "data": ("app_pages/data_status.py", "/data", ".kt", 0),
}
CHARTS = '[data-testid="stVegaLiteChart"] canvas, [data-testid="stVegaLiteChart"] svg'
APP_DONE = '[data-testid="stApp"][data-test-script-state="notRunning"]'


def summary(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    p90 = ordered[min(len(ordered) - 1, round(0.9 * (len(ordered) - 1)))]
    return {
        "median_ms": round(statistics.median(ordered) * 1000, 1),
        "p90_ms": round(p90 * 1000, 1),
        "max_ms": round(ordered[-1] * 1000, 1),
        "runs": len(ordered),
    }


def bench_server(runs: int) -> dict[str, dict[str, object]]:
    from streamlit.testing.v1 import AppTest

    from app_pages import _ui

    _ui.engine_for.clear()  # cold: a new engine
    results: dict[str, dict[str, object]] = {}
    for name, (script, _, _, _) in PAGES.items():
        at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=300)
        start = time.perf_counter()
        at.run()
        if script != "app_pages/overview.py":
            at.switch_page(script)
            start = time.perf_counter()
            at.run()
        cold = time.perf_counter() - start
        if at.exception:
            raise RuntimeError(f"{name}: {at.exception[0].value}")
        warm = []
        for _ in range(runs):
            start = time.perf_counter()
            at.run()
            warm.append(time.perf_counter() - start)
        results[name] = {"first_run_ms": round(cold * 1000, 1), "warm": summary(warm)}
    return results


def bench_browser(loads: int) -> dict[str, dict[str, object]]:
    from playwright.sync_api import sync_playwright

    log = ROOT / "benchmarks" / "out" / "bench_pages_server.log"
    scratch = tempfile.TemporaryDirectory(prefix="bench_pages_")
    data = copy_sample_data(Path(scratch.name) / "data")
    process, url = start_server(log, {"CAMPAIGN_DATA": str(data)})
    results: dict[str, dict[str, object]] = {}
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
            )
            # The very first visit after the server started: the engine computes everything.
            first = visit(browser, url + "/", ".kc-value", 0)
            # A returning reader: the browser already holds Streamlit's scripts and fonts.
            returning = browser.new_context(viewport=VIEWPORT)
            visit(browser, url + "/kpi", None, 2, returning)
            for name, (_, path, selector, charts) in PAGES.items():
                samples = [visit(browser, url + path, selector, charts) for _ in range(loads)]
                cached = [
                    visit(browser, url + path, selector, charts, returning) for _ in range(loads)
                ]
                results[name] = {"new_profile": summary(samples), "returning": summary(cached)}
            results["overview"]["first_after_server_start_ms"] = round(first * 1000, 1)
            returning.close()
            browser.close()
    finally:
        stop_server(process)
        scratch.cleanup()
    return results


def visit(browser, url: str, selector: str | None, charts: int, context=None) -> float:
    """Seconds from navigation start until the content is visible.

    Without ``context``, in a new browser profile (empty cache); with one, in a new tab of
    it. Either way a new Streamlit session.
    """
    own = context is None
    context = context or browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    try:
        page.goto(url, wait_until="commit")
        if charts:
            page.wait_for_function(
                f"n => document.querySelectorAll('{CHARTS}').length >= n",
                arg=charts,
                timeout=60_000,
            )
        else:
            page.wait_for_selector(selector, state="visible", timeout=60_000)
        elapsed_ms = page.evaluate("() => performance.now()")
        page.wait_for_selector(APP_DONE, timeout=60_000)
        return elapsed_ms / 1000
    finally:
        page.close()
        if own:
            context.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20, help="warm script runs per page")
    parser.add_argument("--loads", type=int, default=5, help="browser first visits per page")
    parser.add_argument("--no-browser", action="store_true", help="server side only")
    parser.add_argument("--no-server", action="store_true", help="browser only")
    args = parser.parse_args()
    out = ROOT / "benchmarks" / "out"
    out.mkdir(parents=True, exist_ok=True)

    info = bench_machine.describe()
    info["load_before"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
    report: dict[str, object] = {"machine": info}
    if not args.no_server:
        report["server"] = bench_server(args.runs)
    if not args.no_browser:
        report["browser"] = bench_browser(args.loads)
    (out / "bench_pages.json").write_text(json.dumps(report, indent=2, ensure_ascii=False))

    print_report(report)


def print_report(report: dict) -> None:
    """The figures as Markdown tables (docs/benchmarks-ui.md quotes them)."""
    m = report["machine"]
    print(f"Machine: {bench_machine.summary(m)}; load average before: {m['load_before']}")
    if "server" in report:
        print()
        print("| page | script run, first (ms) | script run, warm median (ms) | warm p90 (ms) |")
        print("| --- | ---: | ---: | ---: |")
        for name, figures in report["server"].items():
            warm = figures["warm"]
            print(
                f"| {name} | {figures['first_run_ms']} | {warm['median_ms']} | {warm['p90_ms']} |"
            )
    if "browser" not in report:
        return
    print()
    print(
        "| page | new browser profile: median (ms) | p90 (ms) "
        "| returning reader: median (ms) | p90 (ms) |"
    )
    print("| --- | ---: | ---: | ---: | ---: |")
    for name, figures in report["browser"].items():
        new, old = figures["new_profile"], figures["returning"]
        print(
            f"| {name} | {new['median_ms']} | {new['p90_ms']} "
            f"| {old['median_ms']} | {old['p90_ms']} |"
        )
    first = report["browser"]["overview"]["first_after_server_start_ms"]
    print(f"\nOverview, first visit right after the server started: {first} ms")


if __name__ == "__main__":
    main()
