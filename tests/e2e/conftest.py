"""End-to-end fixtures: `streamlit run dashboard.py` on a free port and Debian's Chromium.

The server is started once per test session (the browser tests share one xdist group, so
one worker runs them all) on the shipped sample data. Playwright drives the system
Chromium (`/usr/bin/chromium`): Playwright's own browser download is not available here.
On CI a missing Chromium is a failure, never a skip; elsewhere the tests skip with the
reason.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "deploy"))
from loopback import free_port, healthy  # noqa: E402  (deploy/loopback.py)

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = ROOT / "test-output" / "screenshots"
VIEWPORT = {"width": 1366, "height": 768}
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SERVER_START_SECONDS = 90


def copy_sample_data(target: Path) -> Path:
    """A private copy of the shipped data folder (no built database), built before use.

    The server under test then neither waits for nor races with anything else that uses
    the shipped folder's database while it runs.
    """
    from campaign.storage import load_dataset

    source = ROOT / "data"
    shutil.copytree(source, target, ignore=shutil.ignore_patterns(".build"))
    load_dataset(target)
    return target


def start_server(
    log_path: Path, env: dict[str, str] | None = None
) -> tuple[subprocess.Popen[bytes], str]:
    """Start `streamlit run dashboard.py` on a free port; returns the process and its URL."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        "dashboard.py",
        "--server.headless",
        "true",
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--browser.gatherUsageStats",
        "false",
    ]
    log = log_path.open("wb")
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        env={**os.environ, **(env or {})},
        start_new_session=True,  # its own process group, so stopping it stops its children
    )
    deadline = time.monotonic() + SERVER_START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited early:\n{log_path.read_text(errors='replace')}")
        if healthy(url):
            return process, url
        time.sleep(0.25)
    stop_server(process)
    raise RuntimeError(f"streamlit did not answer in time:\n{log_path.read_text(errors='replace')}")


def stop_server(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


@pytest.fixture(scope="session")
def chromium_path() -> Path:
    if CHROMIUM.exists():
        return CHROMIUM
    reason = f"Debian's chromium is not installed at {CHROMIUM} (apt-get install chromium)"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI must run the browser tests: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The dashboard on (a copy of) the shipped sample data, started by the test session."""
    folder = tmp_path_factory.mktemp("server")
    data = copy_sample_data(folder / "data")
    process, url = start_server(folder / "streamlit.log", {"CAMPAIGN_DATA": str(data)})
    try:
        yield url
    finally:
        stop_server(process)


@pytest.fixture(scope="session")
def browser(chromium_path: Path) -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(chromium_path), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="session")
def browser_context(browser: object) -> Iterator[object]:
    """One browser profile for the session: its HTTP cache keeps Streamlit's scripts."""
    context = browser.new_context(viewport=VIEWPORT, locale="zh-CN")  # type: ignore[attr-defined]
    try:
        yield context
    finally:
        context.close()


@pytest.fixture
def page(browser_context: object) -> Iterator[object]:
    """A new tab (so a new Streamlit session) at 1366×768, as on a meeting-room laptop."""
    page = browser_context.new_page()  # type: ignore[attr-defined]
    page.set_default_timeout(30_000)
    try:
        yield page
    finally:
        page.close()


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
