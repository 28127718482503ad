"""Charts drawn by vl-convert, in helper processes beside the one that lays out the pack.

vl-convert holds the GIL while it draws, and its JavaScript runtime takes about half a
second to start in each process. So a pack's charts go to :data:`HELPERS` helper processes
(two on a two-core machine) that start ahead: the command line starts them before it reads
the data, the dashboard when the pack page opens, and they stay for the next pack. Their
start then overlaps reading the data, and their drawing overlaps each other and the rest of
the work (building the next chart's spec, loading WeasyPrint). A chart is sent as soon as
its spec is built.

The helpers draw with the very functions this process would use (:func:`draw_svg`,
:func:`svg_png`, :func:`svg_pdf`), so where a chart is drawn does not change it. A helper
that cannot start, dies or takes longer than :data:`DRAW_SECONDS` on a chart is stopped and
the chart is drawn here instead; the next pack starts a new helper.
"""

from __future__ import annotations

import atexit
import logging
import os
import queue
import subprocess
import sys
import threading
from concurrent.futures import Future
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any, cast

from campaign.brief.fonts import CjkFont, register_for_charts
from campaign.brief.measure import measuring_family, svg_attribute, with_family

log = logging.getLogger(__name__)

HELPERS = max(1, min(2, os.cpu_count() or 1))
DRAW_SECONDS = 60.0
# The first chart of a helper also waits for its start (the JavaScript runtime).
START_SECONDS = 60.0


# ------------------------------------------------------------------ drawing, anywhere


def _measuring_stack(font: CjkFont, stack: str, text: str) -> str | None:
    """The font ``stack`` with ``font`` swapped for its small copy holding every character
    of ``text``; None when the stack does not start with ``font`` or no copy can be made."""
    first = f'"{font.family}"'
    if not stack.startswith(first):
        return None
    family = measuring_family(font, text)
    if family is None:
        return None
    return stack.replace(first, f'"{family}"', 1)


def draw_svg(spec: dict[str, object], key: str, font: CjkFont, stack: str) -> str:
    """vl-convert's SVG of ``spec`` (``key`` is its JSON text), its text set with the small
    copy of ``font`` and the SVG naming the font ``stack``: what drawing with the full font
    gives, faster (see :mod:`campaign.brief.measure`)."""
    import vl_convert

    register_for_charts(font)
    measuring = _measuring_stack(font, stack, key)
    if measuring is None:
        return vl_convert.vegalite_to_svg(spec)  # type: ignore[no-any-return]
    drawn = vl_convert.vegalite_to_svg(cast(dict[str, Any], with_family(spec, stack, measuring)))
    return drawn.replace(svg_attribute(measuring), svg_attribute(stack))  # type: ignore[no-any-return]


def _with_measuring_font(svg: str, font: CjkFont, stack: str) -> str:
    """``svg`` naming the small copy of ``font`` (holding its characters) for ``stack``."""
    register_for_charts(font)
    measuring = _measuring_stack(font, stack, svg)
    if measuring is None:
        return svg
    return svg.replace(svg_attribute(stack), svg_attribute(measuring))


def svg_png(svg: str, font: CjkFont, stack: str, scale: float) -> bytes:
    """The PNG of ``svg`` at ``scale``, its text set with the small copy of ``font``."""
    import vl_convert

    return vl_convert.svg_to_png(_with_measuring_font(svg, font, stack), scale=scale)  # type: ignore[no-any-return]


def svg_pdf(svg: str, font: CjkFont, stack: str) -> bytes:
    """``svg`` as a one-page vector PDF of its size (1 px = 1 pt), its text kept as text in
    an embedded subset of the small copy of ``font`` (which keeps the face's PostScript
    name, so the PDF names the real font)."""
    import vl_convert

    return vl_convert.svg_to_pdf(_with_measuring_font(svg, font, stack))  # type: ignore[no-any-return]


@dataclass(frozen=True)
class Conversion:
    """What a chart's SVG is turned into besides: a PNG at ``scale`` (the deck) or a PDF
    page (the PDF pack). ``suffix`` names the file it is kept in."""

    suffix: str
    scale: float = 1.0

    def apply(self, svg: str, font: CjkFont, stack: str) -> bytes:
        if self.suffix == "png":
            return svg_png(svg, font, stack, self.scale)
        if self.suffix == "pdf":
            return svg_pdf(svg, font, stack)
        raise ValueError(f"unknown chart conversion {self.suffix!r}")

    def label(self) -> str:
        return f"png@{self.scale:g}" if self.suffix == "png" else self.suffix


PDF = Conversion("pdf")


def png(scale: float) -> Conversion:
    return Conversion("png", scale)


@dataclass(frozen=True)
class Drawing:
    """One chart to draw: its spec and JSON text, the font and its stack, what to turn the
    SVG into as well (None: the SVG only) and the SVG when it is already drawn."""

    spec: dict[str, object]
    key: str
    font: CjkFont
    stack: str
    conversion: Conversion | None = None
    svg: str | None = None


def draw(job: Drawing) -> tuple[str, bytes | None]:
    """The chart's SVG, and its conversion when the job asks for one."""
    svg = job.svg if job.svg is not None else draw_svg(job.spec, job.key, job.font, job.stack)
    converted = job.conversion.apply(svg, job.font, job.stack) if job.conversion else None
    return svg, converted


# ------------------------------------------------------------------ the helper processes


def serve() -> None:
    """A helper's loop (``python -c "from campaign.brief.drawing import serve; serve()"``):
    start the JavaScript runtime at once, then draw each :class:`Drawing` received on stdin
    and send back ("ok", (svg, converted)) or ("error", text) on stdout."""
    import vl_convert

    os.nice(5)  # the pages being served come first
    requests = Connection(os.dup(0), writable=False)
    replies = Connection(os.dup(1), readable=False)
    os.dup2(2, 1)  # a stray print must not corrupt the replies
    vl_convert.vegalite_to_svg({"mark": "point"})  # the runtime's start, before any chart
    while True:
        try:
            job = requests.recv()
        except EOFError:
            return  # the parent closed the pipe or exited
        try:
            reply: tuple[str, object] = ("ok", draw(job))
        except Exception as exc:
            reply = ("error", f"{type(exc).__name__}: {exc}")
        try:
            replies.send(reply)
        except OSError:
            return  # the parent is gone (it exited while this chart was drawn)


class _Helper:
    """One helper process and the thread that feeds it from the pool's queue."""

    def __init__(self, jobs: queue.Queue[tuple[Drawing, Future[tuple[str, bytes | None]]]]):
        self._jobs = jobs
        self._process: subprocess.Popen[bytes] | None = None
        self._requests: Connection | None = None
        self._replies: Connection | None = None
        self._fresh = True  # no chart drawn yet: its runtime may still be starting
        self._lock = threading.RLock()  # the process, its pipes
        self._thread = threading.Thread(target=self._feed, name="chart-helper", daemon=True)
        self._thread.start()

    def start(self) -> None:
        with self._lock:
            if not self.running():
                self._start()

    def _start(self) -> None:
        self.stop(wait=False)  # a helper that died: its pipes closed (it is reaped already)
        root = str(Path(__file__).resolve().parents[2])
        path = os.environ.get("PYTHONPATH")
        env = {**os.environ, "PYTHONPATH": root + (os.pathsep + path if path else "")}
        try:
            process = subprocess.Popen(
                [sys.executable, "-c", "from campaign.brief.drawing import serve; serve()"],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                env=env,
                close_fds=True,
            )
        except OSError as exc:
            log.warning("no chart helper process (%s): charts are drawn in this one", exc)
            return
        assert process.stdin is not None and process.stdout is not None
        self._requests = Connection(os.dup(process.stdin.fileno()), readable=False)
        self._replies = Connection(os.dup(process.stdout.fileno()), writable=False)
        process.stdin.close()
        process.stdout.close()
        self._process = process
        self._fresh = True

    def running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def pid(self) -> int | None:
        return self._process.pid if self.running() and self._process else None

    def stop(self, wait: bool = True) -> None:
        """Close the helper's pipe: it ends by itself (and removes its font copies). With
        ``wait``, wait for that (killing it after 2 s)."""
        with self._lock:
            process, self._process = self._process, None
            for connection in (self._requests, self._replies):
                if connection is not None:
                    connection.close()
            self._requests = self._replies = None
            if process is None or not wait:
                return
            try:
                process.wait(timeout=2)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def _feed(self) -> None:
        while True:
            job, future = self._jobs.get()
            if not future.set_running_or_notify_cancel():
                continue
            try:
                future.set_result(self._draw(job))
            except BaseException as exc:  # reaches whoever waits for the chart
                future.set_exception(exc)

    def _draw(self, job: Drawing) -> tuple[str, bytes | None]:
        with self._lock:
            if not self.running():
                self._start()
            if self._requests is None or self._replies is None:
                return draw(job)  # no helper: here
            timeout = DRAW_SECONDS + (START_SECONDS if self._fresh else 0.0)
            try:
                self._requests.send(job)
                if not self._replies.poll(timeout):
                    raise TimeoutError(f"no chart after {timeout:g} s")
                status, value = self._replies.recv()
            except (EOFError, OSError, TimeoutError) as exc:
                log.warning("chart helper stopped (%s): the chart is drawn here", exc)
                self.stop()
                return draw(job)
            self._fresh = False
        if status == "error":
            raise RuntimeError(str(value))
        return value  # type: ignore[no-any-return]


class HelperPool:
    """:data:`HELPERS` helper processes taking charts from one queue."""

    def __init__(self, size: int = HELPERS) -> None:
        self._jobs: queue.Queue[tuple[Drawing, Future[tuple[str, bytes | None]]]] = queue.Queue()
        self._helpers = [_Helper(self._jobs) for _ in range(size)]
        self._lock = threading.Lock()

    def start(self) -> None:
        """Start the helpers that do not run (each begins loading its runtime at once)."""
        with self._lock:
            for helper in self._helpers:
                helper.start()

    def submit(self, job: Drawing) -> Future[tuple[str, bytes | None]]:
        """Queue ``job``; a helper that does not run is started by its feeder (not here:
        starting waits for the chart a helper is drawing, and charts are sent one by one
        while the next is built)."""
        future: Future[tuple[str, bytes | None]] = Future()
        self._jobs.put((job, future))
        return future

    def pids(self) -> list[int]:
        return [pid for helper in self._helpers if (pid := helper.pid()) is not None]

    def stop(self, wait: bool = True) -> None:
        with self._lock:
            for helper in self._helpers:
                helper.stop(wait)


_pool = HelperPool()
# At exit the helpers are only told to end: a process does not wait for them.
atexit.register(_pool.stop, False)


def start_helpers() -> None:
    """Start the helper processes now, so that their start overlaps other work."""
    _pool.start()


def submit(job: Drawing) -> Future[tuple[str, bytes | None]]:
    """Draw ``job`` in a helper process; the future gives (svg, its conversion or None)."""
    return _pool.submit(job)


def helper_pids() -> list[int]:
    """The helpers' process ids (for tests)."""
    return _pool.pids()


def stop_helpers() -> None:
    _pool.stop()
