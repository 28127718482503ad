"""Concurrent viewers: N real Streamlit sessions over the websocket protocol.

Each simulated viewer is what a browser tab is to the server: it loads the page (an HTTP GET,
which through nginx also hands out the sticky ``kh_route`` cookie), opens the websocket
``<base>/_stcore/stream`` and speaks Streamlit's own protobuf protocol (``BackMsg`` /
``ForwardMsg`` from ``streamlit.proto``), exactly as the frontend does:

- the first ``rerun_script`` carries the link's query string and page, and the server runs
  the script for this new session;
- a filter change is a ``rerun_script`` with the changed widget's state (the sidebar's year,
  as-of month and scope selectboxes, the KPI chooser of the detail page), its id and options
  read from the deltas the server sent; a page change in the navigation is a
  ``rerun_script`` for that page's script hash with an empty query string;
- the query string the app writes back (``page_info_changed``) is sent with every later
  request, as the browser's address bar would.

A rerun's latency is the time from sending the request to the ``script_finished`` message
(successful run).  An error is an exception or ``st.error`` element in the page, a page not
found, a script that did not finish within the timeout, or a broken connection.

Viewers come in waves: each wave opens ``--sessions`` viewers over ``--ramp`` seconds; each
viewer changes something every ``--think`` seconds (uniformly random between the two bounds)
for ``--wave-seconds`` (or ``--reruns`` times), then closes its websocket; the next wave
starts after ``--gap`` seconds.  With ``--pid`` (or when this tool starts the servers) the
resident memory of the server processes is sampled every ``--sample-every`` seconds, and
``--settle`` keeps sampling after the last wave (Streamlit keeps a closed session for
``server.disconnectedSessionTTL`` = 300 s in case the tab reconnects).

    # against a running dashboard
    python benchmarks/loadtest.py --url http://127.0.0.1:8501 --sessions 50 --wave-seconds 120
    # start the dashboard (or two behind nginx) on a data folder, run, stop everything
    python benchmarks/loadtest.py --serve data --processes 2 --nginx --sessions 50

Prints a summary and, with ``--json FILE``, writes every figure.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.asyncio.client import ClientConnection, connect
from websockets.typing import Subprotocol

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "deploy"))
from loopback import free_port, healthy, main_config, render_site

ROOT = Path(__file__).resolve().parents[1]
BASE_PATH = "kpi"  # the deployment serves the dashboard at /kpi/ (deploy/)

# The sidebar's widgets by their session-state key (app_pages/_ui.py WIDGET_KEYS).
FILTER_KEYS = {"year": "w_year", "month": "w_month", "scope": "w_scope", "kpi": "w_kpi"}
# The pages a viewer moves between, by their URL path (app_pages/_ui.py build_pages).
PAGES = ("", "kpi", "districts", "data")
PAGE_NAMES = {"": "overview", "kpi": "kpi", "districts": "districts", "data": "data"}
# What a viewer does next, with its weight (a KPI change only happens on the KPI page).
ACTIONS = {"month": 3, "scope": 3, "page": 3, "year": 1, "kpi": 2}

FINISHED = ForwardMsg.ScriptFinishedStatus.FINISHED_SUCCESSFULLY
COMPILE_ERROR = ForwardMsg.ScriptFinishedStatus.FINISHED_WITH_COMPILE_ERROR
ALERT_ERROR = 1  # Alert.Format.ERROR


class ViewerError(Exception):
    """Something a viewer would see as broken (the message says what)."""


@dataclass
class Sample:
    """One script run a viewer asked for."""

    wave: int
    viewer: int
    action: str  # "open" for the first load, else the filter or "page"
    page: str
    started: float  # seconds since the run began
    seconds: float
    error: str | None = None


@dataclass
class Viewer:
    """One browser tab: its websocket, what the server told it, and what it asks for."""

    base_url: str  # http://host:port/kpi
    number: int
    wave: int
    rng: random.Random
    timeout: float = 60.0
    cookie: str = ""
    query: str = ""
    page: str = ""
    page_hashes: dict[str, str] = field(default_factory=dict)
    widgets: dict[str, tuple[str, list[str]]] = field(default_factory=dict)  # key → id, options
    values: dict[str, str] = field(default_factory=dict)  # key → chosen option
    ws: ClientConnection | None = None
    _errors: list[str] = field(default_factory=list)

    async def open(self, link: str = "") -> None:
        """Load the page (the route cookie, through nginx), connect, run the script once."""
        self.cookie = await asyncio.to_thread(_route_cookie, self.base_url + "/")
        ws_url = re.sub(r"^http", "ws", self.base_url) + "/_stcore/stream"
        self.ws = await connect(
            ws_url,
            subprotocols=[Subprotocol("streamlit")],
            additional_headers={"Cookie": self.cookie} if self.cookie else None,
            max_size=None,
            open_timeout=self.timeout,
            ping_interval=None,  # the server pings; a busy test loop must not time out
        )
        self.query = link
        await self._run(page_name="")

    async def act(self, action: str) -> str:
        """Change one thing as a viewer would; returns what was done (for the report)."""
        if action == "page" or (action == "kpi" and "kpi" not in self.widgets):
            choices = [p for p in PAGES if p != self.page and p in self.page_hashes]
            target = self.rng.choice(choices)
            self.query = ""  # the navigation clears the query string; the widgets keep the view
            await self._run(page_hash=self.page_hashes[target])
            return "page"
        key = FILTER_KEYS[action]
        if key not in self.widgets:
            raise ViewerError(f"no {key} widget on page {self.page!r}")
        widget_id, options = self.widgets[key]
        current = self.values.get(key)
        choices = [o for o in options if o != current] or options
        value = self.rng.choice(choices)
        state = WidgetState(id=widget_id, string_value=value)
        self.values[key] = value
        await self._run(page_hash=self.page_hashes.get(self.page, ""), widgets=[state])
        return action

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()
            self.ws = None

    async def _run(
        self,
        page_hash: str = "",
        page_name: str | None = None,
        widgets: Sequence[WidgetState] = (),
    ) -> None:
        """Send one rerun request and read until the script has finished."""
        assert self.ws is not None
        msg = BackMsg()
        state = msg.rerun_script
        state.query_string = self.query
        state.page_script_hash = page_hash
        if page_name is not None:
            state.page_name = page_name
        state.widget_states.widgets.extend(widgets)
        state.context_info.locale = "zh-CN"
        state.context_info.timezone = "Asia/Shanghai"
        state.context_info.url = f"{self.base_url}/{self.page}"
        self._errors = []
        await self.ws.send(msg.SerializeToString())
        deadline = time.monotonic() + self.timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise ViewerError(f"the script did not finish within {self.timeout:.0f} s")
            try:
                data = await asyncio.wait_for(self.ws.recv(), left)
            except TimeoutError:
                continue
            if not isinstance(data, bytes):
                continue
            forward = ForwardMsg.FromString(data)
            kind = forward.WhichOneof("type")
            if kind == "delta":
                self._delta(forward)
            elif kind == "navigation":
                self.page_hashes = {
                    p.url_pathname: p.page_script_hash for p in forward.navigation.app_pages
                }
                by_hash = {h: path for path, h in self.page_hashes.items()}
                self.page = by_hash.get(forward.navigation.page_script_hash, self.page)
            elif kind == "page_info_changed":
                self.query = forward.page_info_changed.query_string
            elif kind == "page_not_found":
                self._errors.append(f"page not found: {forward.page_not_found.page_name}")
            elif kind == "script_finished":
                if forward.script_finished == COMPILE_ERROR:
                    raise ViewerError("the script did not compile")
                if forward.script_finished == FINISHED:
                    break
                # FINISHED_EARLY_FOR_RERUN: the app asked for another run; keep reading.
        if self._errors:
            raise ViewerError("; ".join(self._errors[:3]))

    def _delta(self, forward: ForwardMsg) -> None:
        delta = forward.delta
        if delta.WhichOneof("type") != "new_element":
            return
        element = delta.new_element
        kind = element.WhichOneof("type")
        if kind == "exception":
            self._errors.append(f"exception: {element.exception.type}: {element.exception.message}")
        elif kind == "alert" and element.alert.format == ALERT_ERROR:
            self._errors.append(f"error shown: {element.alert.body[:200]}")
        elif kind == "selectbox":
            box = element.selectbox
            key = box.id.rsplit("-", 1)[-1]
            if key in FILTER_KEYS.values():
                options = list(box.options)
                self.widgets[key] = (box.id, options)
                # The value the app set (session state) wins over the widget's default.
                if box.set_value and box.raw_value:
                    self.values[key] = box.raw_value
                elif box.HasField("default") and 0 <= box.default < len(options):
                    self.values[key] = options[box.default]


def _route_cookie(url: str) -> str:
    """GET the page as a browser does first; returns the cookies it set (nginx's route)."""
    with urllib.request.urlopen(url, timeout=30) as response:
        response.read()
        cookies = response.headers.get_all("Set-Cookie") or []
    return "; ".join(c.split(";", 1)[0] for c in cookies)


# ---------------------------------------------------------------- the run


@dataclass
class Plan:
    """How many viewers, how long, and how they behave."""

    sessions: int = 50
    waves: int = 1
    wave_seconds: float = 60.0
    reruns: int | None = None  # per viewer instead of wave_seconds
    think: tuple[float, float] = (3.0, 10.0)
    ramp: float = 10.0
    gap: float = 30.0
    settle: float = 0.0
    link: str = ""
    timeout: float = 60.0
    seed: int = 1


@dataclass
class MemorySample:
    at: float  # seconds since the run began
    phase: str
    rss_mb: list[float]
    peak_mb: list[float]
    cpu_s: list[float]  # CPU time used by each process so far (user + system)


class MemoryProbe:
    """Resident memory (VmRSS now, VmHWM the peak) and CPU time of the server processes."""

    def __init__(self, pids: Sequence[int], started: float) -> None:
        self.pids = list(pids)
        self.started = started
        self.samples: list[MemorySample] = []
        self.phase = "start"

    def sample(self) -> None:
        if not self.pids:
            return
        rss, hwm = zip(*(process_memory_mb(pid) for pid in self.pids), strict=True)
        cpu = [process_cpu_seconds(pid) for pid in self.pids]
        at = time.monotonic() - self.started
        self.samples.append(MemorySample(round(at, 1), self.phase, list(rss), list(hwm), cpu))

    async def every(self, seconds: float) -> None:
        while True:
            self.sample()
            await asyncio.sleep(seconds)


def process_memory_mb(pid: int) -> tuple[float, float]:
    """(current RSS, peak RSS) of a process in MB, from /proc/<pid>/status."""
    fields: dict[str, float] = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, rest = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            fields[name] = int(rest.split()[0]) / 1024
    return fields.get("VmRSS", 0.0), fields.get("VmHWM", 0.0)


def process_cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process (all its threads), from /proc/<pid>/stat."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def _viewer_life(
    base_urls: Sequence[str],
    plan: Plan,
    wave: int,
    number: int,
    started: float,
    samples: list[Sample],
    delay: float,
) -> None:
    rng = random.Random(plan.seed * 1_000_003 + wave * 10_007 + number)
    await asyncio.sleep(delay)
    base = base_urls[number % len(base_urls)]
    viewer = Viewer(base, number, wave, rng, timeout=plan.timeout)
    t0 = time.monotonic()
    try:
        await viewer.open(plan.link)
        samples.append(
            Sample(
                wave,
                number,
                "open",
                PAGE_NAMES.get(viewer.page, viewer.page),
                round(t0 - started, 3),
                time.monotonic() - t0,
            )
        )
    except Exception as exc:  # a viewer that cannot open is an error, the run goes on
        samples.append(
            Sample(
                wave,
                number,
                "open",
                "",
                round(t0 - started, 3),
                time.monotonic() - t0,
                _describe(exc),
            )
        )
        await _quietly_close(viewer)
        return
    stop_at = time.monotonic() + plan.wave_seconds - delay
    done = 0
    try:
        while True:
            if plan.reruns is not None and done >= plan.reruns:
                break
            await asyncio.sleep(rng.uniform(*plan.think))
            if plan.reruns is None and time.monotonic() >= stop_at:
                break
            action = _pick_action(rng, viewer)
            t0 = time.monotonic()
            try:
                action = await viewer.act(action)
                error = None
            except Exception as exc:
                error = _describe(exc)
            samples.append(
                Sample(
                    wave,
                    number,
                    action,
                    PAGE_NAMES.get(viewer.page, viewer.page),
                    round(t0 - started, 3),
                    time.monotonic() - t0,
                    error,
                )
            )
            done += 1
            if error is not None and viewer.ws is None:
                break
    finally:
        await _quietly_close(viewer)


def _pick_action(rng: random.Random, viewer: Viewer) -> str:
    actions = [a for a in ACTIONS if a != "kpi" or viewer.page == "kpi"]
    return rng.choices(actions, weights=[ACTIONS[a] for a in actions])[0]


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}"[:300]


async def _quietly_close(viewer: Viewer) -> None:
    try:
        await viewer.close()
    except Exception:
        pass


async def run_load(
    base_urls: Sequence[str], plan: Plan, pids: Sequence[int] = (), sample_every: float = 5.0
) -> dict[str, object]:
    """Run the waves of viewers against ``base_urls`` (viewers spread over them in turn)."""
    started = time.monotonic()
    samples: list[Sample] = []
    probe = MemoryProbe(pids, started)
    probe.phase = "before"
    probe.sample()
    sampler = asyncio.create_task(probe.every(sample_every)) if pids else None
    wave_memory: list[dict[str, object]] = []
    try:
        for wave in range(plan.waves):
            probe.phase = f"wave {wave + 1}"
            rng = random.Random(plan.seed + wave)
            delays = sorted(rng.uniform(0, plan.ramp) for _ in range(plan.sessions))
            await asyncio.gather(
                *(
                    _viewer_life(base_urls, plan, wave, n, started, samples, delay)
                    for n, delay in enumerate(delays)
                )
            )
            probe.sample()
            closed_at = probe.samples[-1] if probe.samples else None
            probe.phase = f"after wave {wave + 1}"
            if wave + 1 < plan.waves:
                await asyncio.sleep(plan.gap)
            probe.sample()
            if closed_at is not None:
                wave_memory.append(
                    {
                        "wave": wave + 1,
                        "rss_at_close_mb": closed_at.rss_mb,
                        "rss_after_gap_mb": probe.samples[-1].rss_mb,
                    }
                )
        if plan.settle:
            probe.phase = "settle"
            await asyncio.sleep(plan.settle)
        probe.phase = "end"
        probe.sample()
    finally:
        if sampler is not None:
            sampler.cancel()
    return summarise(samples, probe, plan, time.monotonic() - started, wave_memory)


def percentile(values: Sequence[float], q: float) -> float:
    """The q-quantile (0..1) by linear interpolation between closest ranks."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    position = (len(ordered) - 1) * q
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def _stats(seconds: Sequence[float]) -> dict[str, float | int]:
    if not seconds:
        return {"count": 0}
    return {
        "count": len(seconds),
        "p50_ms": round(percentile(seconds, 0.5) * 1000, 1),
        "p95_ms": round(percentile(seconds, 0.95) * 1000, 1),
        "max_ms": round(max(seconds) * 1000, 1),
        "mean_ms": round(statistics.fmean(seconds) * 1000, 1),
    }


def summarise(
    samples: list[Sample],
    probe: MemoryProbe,
    plan: Plan,
    elapsed: float,
    wave_memory: list[dict[str, object]],
) -> dict[str, object]:
    """Latency percentiles (reruns, first loads, per page), errors and memory."""
    ok = [s for s in samples if s.error is None]
    reruns = [s.seconds for s in ok if s.action != "open"]
    opens = [s.seconds for s in ok if s.action == "open"]
    errors = [s for s in samples if s.error is not None]
    by_page = {
        page: _stats([s.seconds for s in ok if s.action != "open" and s.page == page])
        for page in PAGE_NAMES.values()
    }
    summary: dict[str, object] = {
        "plan": asdict(plan),
        "elapsed_s": round(elapsed, 1),
        "viewers": plan.sessions * plan.waves,
        "reruns": _stats(reruns),
        "reruns_per_s": round(len(reruns) / elapsed, 2) if elapsed else 0.0,
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "opens": _stats(opens),
        "by_page": by_page,
        "errors": len(errors),
        "error_examples": sorted({e.error or "" for e in errors})[:5],
    }
    if probe.samples:
        first = probe.samples[0]
        last = probe.samples[-1]
        summary["memory"] = {
            "processes": len(probe.pids),
            "rss_before_mb": [round(x, 1) for x in first.rss_mb],
            "rss_peak_mb": [
                round(max(s.rss_mb[i] for s in probe.samples), 1) for i in range(len(probe.pids))
            ],
            "rss_end_mb": [round(x, 1) for x in last.rss_mb],
            "hwm_end_mb": [round(x, 1) for x in last.peak_mb],
            "cpu_s": round(sum(last.cpu_s) - sum(first.cpu_s), 2),
            # Server CPU per script run: what one viewer's click costs, whatever the load.
            "cpu_ms_per_run": round(
                (sum(last.cpu_s) - sum(first.cpu_s)) * 1000 / max(1, len(samples)), 1
            ),
            "waves": wave_memory,
            "samples": [asdict(s) for s in probe.samples],
        }
    return summary


def print_summary(summary: dict[str, object]) -> None:
    plan = summary["plan"]
    reruns = summary["reruns"]
    opens = summary["opens"]
    print(
        f"{summary['viewers']} viewers in {plan['waves']} wave(s) of {plan['sessions']}, "
        f"{summary['elapsed_s']} s; think {plan['think'][0]}–{plan['think'][1]} s"
    )
    if reruns.get("count"):
        print(
            f"reruns: {reruns['count']} ({summary['reruns_per_s']}/s)  p50 {reruns['p50_ms']} ms"
            f"  p95 {reruns['p95_ms']} ms  max {reruns['max_ms']} ms"
        )
    if opens.get("count"):
        print(
            f"first loads: {opens['count']}  p50 {opens['p50_ms']} ms  p95 {opens['p95_ms']} ms"
            f"  max {opens['max_ms']} ms"
        )
    for page, stats in summary["by_page"].items():
        if stats.get("count"):
            print(
                f"  {page:9} {stats['count']:5}  p50 {stats['p50_ms']:8} ms  p95 "
                f"{stats['p95_ms']:8} ms  max {stats['max_ms']:8} ms"
            )
    print(f"errors: {summary['errors']}")
    for example in summary["error_examples"]:
        print(f"  {example}")
    memory = summary.get("memory")
    if memory:
        print(
            f"server RSS (MB per process): before {memory['rss_before_mb']}, peak "
            f"{memory['rss_peak_mb']}, end {memory['rss_end_mb']}"
        )
        print(f"server CPU: {memory['cpu_s']} s, {memory['cpu_ms_per_run']} ms per script run")
        for wave in memory["waves"]:
            print(
                f"  wave {wave['wave']}: at close {wave['rss_at_close_mb']}, "
                f"after the gap {wave['rss_after_gap_mb']}"
            )


# ---------------------------------------------------------------- servers


@dataclass
class Servers:
    """Dashboard processes (and nginx in front of them, if asked) started by this tool."""

    urls: list[str]  # what viewers connect to: nginx, or each dashboard
    dashboards: list[subprocess.Popen[bytes]]
    nginx: subprocess.Popen[bytes] | None
    folder: Path

    @property
    def pids(self) -> list[int]:
        return [p.pid for p in self.dashboards]


def start_dashboards(
    data_dir: Path,
    count: int,
    folder: Path,
    env: dict[str, str] | None = None,
    start_seconds: float = 180.0,
    extra_args: Sequence[str] = (),
) -> tuple[list[subprocess.Popen[bytes]], list[int]]:
    """``count`` ``streamlit run dashboard.py`` processes on free ports at /kpi.

    ``extra_args`` are more Streamlit options (e.g. ``--runner.postScriptGC false``).
    """
    processes: list[subprocess.Popen[bytes]] = []
    ports: list[int] = []
    for number in range(count):
        port = free_port()
        log = (folder / f"dashboard-{number}.log").open("wb")
        command = [
            sys.executable, "-m", "streamlit", "run", "dashboard.py",
            "--server.headless", "true",
            "--server.address", "127.0.0.1",
            "--server.port", str(port),
            "--server.baseUrlPath", BASE_PATH,
            "--browser.gatherUsageStats", "false",
            *extra_args,
        ]  # fmt: skip
        process_env = {**os.environ, "CAMPAIGN_DATA": str(data_dir), **(env or {})}
        process_env.pop("CAMPAIGN_AUTH", None)  # local mode: no sign-in
        processes.append(
            subprocess.Popen(
                command,
                cwd=ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=process_env,
                start_new_session=True,
            )
        )
        ports.append(port)
    deadline = time.monotonic() + start_seconds
    waiting = set(range(count))
    while waiting:
        for number in list(waiting):
            if processes[number].poll() is not None:
                stop_processes(processes)
                text = (folder / f"dashboard-{number}.log").read_text(errors="replace")
                raise RuntimeError(f"streamlit exited early:\n{text}")
            if healthy(f"http://127.0.0.1:{ports[number]}/{BASE_PATH}"):
                waiting.discard(number)
        if waiting and time.monotonic() > deadline:
            stop_processes(processes)
            raise RuntimeError("streamlit did not answer in time")
        time.sleep(0.25)
    return processes, ports


def start_nginx(backends: Sequence[int], prefix: Path) -> tuple[subprocess.Popen[bytes], str]:
    """nginx on a free port with the shipped site file in front of ``backends``."""
    binary = shutil.which("nginx") or "/usr/sbin/nginx"
    for sub in ("logs", "temp"):
        (prefix / sub).mkdir(parents=True, exist_ok=True)
    listen = free_port()
    site = prefix / "site.conf"
    site.write_text(render_site(listen, backends, prefix / "logs"), encoding="utf-8")
    conf = prefix / "nginx.conf"
    conf.write_text(main_config(prefix, site), encoding="utf-8")
    check = subprocess.run(
        [binary, "-t", "-p", str(prefix), "-c", str(conf)], capture_output=True, text=True
    )
    if check.returncode != 0:
        raise RuntimeError(f"nginx -t failed:\n{check.stderr}")
    process = subprocess.Popen(
        [binary, "-p", str(prefix), "-c", str(conf), "-g", "daemon off;"],
        stdout=subprocess.DEVNULL,
        stderr=(prefix / "logs" / "stderr.log").open("wb"),
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{listen}/{BASE_PATH}"
    deadline = time.monotonic() + 20
    while not healthy(url):
        if process.poll() is not None or time.monotonic() > deadline:
            stop_processes([process])
            raise RuntimeError(
                "nginx did not answer: "
                + (prefix / "logs" / "stderr.log").read_text(errors="replace")
            )
        time.sleep(0.1)
    return process, url


def stop_processes(processes: Sequence[subprocess.Popen[bytes]]) -> None:
    """SIGTERM each process group we started, then SIGKILL what is left."""
    for process in processes:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


@contextmanager
def serving(
    data_dir: Path,
    processes: int = 1,
    nginx: bool = False,
    keep_logs: Path | None = None,
    extra_args: Sequence[str] = (),
) -> Iterator[Servers]:
    """Dashboards on ``data_dir`` (behind nginx if asked) for the duration of the block."""
    with tempfile.TemporaryDirectory(prefix="loadtest-") as tmp:
        folder = Path(tmp)
        dashboards, ports = start_dashboards(data_dir, processes, folder, extra_args=extra_args)
        proxy = None
        try:
            if nginx:
                proxy, url = start_nginx(ports, folder / "nginx")
                urls = [url]
            else:
                urls = [f"http://127.0.0.1:{port}/{BASE_PATH}" for port in ports]
            yield Servers(urls, dashboards, proxy, folder)
        finally:
            stop_processes([*([proxy] if proxy else []), *dashboards])
            if keep_logs is not None:
                keep_logs.mkdir(parents=True, exist_ok=True)
                for log in folder.glob("dashboard-*.log"):
                    shutil.copy(log, keep_logs / log.name)


def warm_up(urls: Sequence[str], timeout: float = 600.0) -> float:
    """One viewer opens every page once (the first run computes every KPI); seconds taken."""

    async def visit() -> float:
        started = time.monotonic()
        for url in urls:
            viewer = Viewer(url, 0, -1, random.Random(0), timeout=timeout)
            try:
                await viewer.open()
                for page in PAGES[1:]:
                    viewer.query = ""
                    await viewer._run(page_hash=viewer.page_hashes[page])
            finally:
                await viewer.close()
        return time.monotonic() - started

    return asyncio.run(visit())


# ---------------------------------------------------------------- command line


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--url", nargs="+", help="dashboard base URL(s), e.g. http://host:8501/kpi")
    where.add_argument("--serve", type=Path, metavar="DATA", help="start dashboards on DATA")
    parser.add_argument("--processes", type=int, default=1, help="with --serve: dashboards")
    parser.add_argument("--nginx", action="store_true", help="with --serve: nginx in front")
    parser.add_argument(
        "--server-option",
        nargs=2,
        action="append",
        default=[],
        metavar=("NAME", "VALUE"),
        help="with --serve: a Streamlit option, e.g. runner.postScriptGC false",
    )
    parser.add_argument("--pid", type=int, nargs="*", default=[], help="server PIDs to sample")
    parser.add_argument("--sessions", type=int, default=50)
    parser.add_argument("--waves", type=int, default=1)
    parser.add_argument("--wave-seconds", type=float, default=60.0)
    parser.add_argument("--reruns", type=int, default=None, help="per viewer, not timed waves")
    parser.add_argument("--think", type=float, nargs=2, default=(3.0, 10.0))
    parser.add_argument("--ramp", type=float, default=10.0)
    parser.add_argument("--gap", type=float, default=30.0)
    parser.add_argument("--settle", type=float, default=0.0)
    parser.add_argument("--link", default="", help="the query string viewers open")
    parser.add_argument("--timeout", type=float, default=60.0)
    parser.add_argument("--sample-every", type=float, default=5.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", type=Path, help="write every figure to this file")
    args = parser.parse_args(argv)
    plan = Plan(
        sessions=args.sessions, waves=args.waves, wave_seconds=args.wave_seconds,
        reruns=args.reruns, think=tuple(args.think), ramp=args.ramp, gap=args.gap,
        settle=args.settle, link=args.link, timeout=args.timeout, seed=args.seed,
    )  # fmt: skip
    if args.serve:
        options = [f"--{name}={value}" for name, value in args.server_option]
        with serving(args.serve.resolve(), args.processes, args.nginx, None, options) as servers:
            warm = warm_up(servers.urls)
            print(f"servers up at {servers.urls}; warm-up (every page once) {warm:.1f} s")
            summary = asyncio.run(run_load(servers.urls, plan, servers.pids, args.sample_every))
    else:
        summary = asyncio.run(run_load(args.url, plan, args.pid, args.sample_every))
    print_summary(summary)
    if args.json:
        args.json.write_text(json.dumps(summary, indent=1, ensure_ascii=False), encoding="utf-8")
    return 1 if summary["errors"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
