"""The dashboard's Altair charts as vector SVG (for the PDF) and PNG (for the deck).

vl-convert renders the very spec the app hands to the browser; only the width (the app's
charts fill their column, which a page does not have) and, where a page needs it, the height
are fixed. Renderings are cached by spec, so a chart drawn for the PDF is not drawn again
for the deck in the same process; with a :class:`ChartFiles` folder (the pack's, beside the
built database) they are also kept on disk, so a new process (the command line, a restarted
server) does not draw again a chart of the same data, view and font.

Drawing is the slow part of a pack (vl-convert sets CJK text at about 0.15 s a chart, one
chart at a time per process): a pack's 20 charts take about 3 s.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import threading
from collections import OrderedDict
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import altair as alt

from campaign.brief.fonts import CjkFont, register_for_charts

_CACHE_SIZE = 128
_cache: OrderedDict[str, str] = OrderedDict()
_png_cache: OrderedDict[tuple[str, float], bytes] = OrderedDict()
_lock = threading.Lock()
# A pack's charts are drawn this many at a time. vl-convert releases the GIL, but its one
# JavaScript runtime per process draws one chart at a time, so threads overlap only the rest
# (building specs, reading kept files, SVG → PNG for the deck).
RENDER_THREADS = max(1, min(2, os.cpu_count() or 1))


class ChartFiles:
    """Drawn charts kept in a folder, one file per chart, named by the digest of its spec,
    the renderer's version and the font: a changed chart is a new file, never a stale one.

    Bounded: at most ``max_files`` files and ``max_bytes`` in all; the least recently
    written go first. A folder that cannot be written (a read-only data folder) is simply
    not used.
    """

    def __init__(self, folder: Path, max_files: int = 400, max_bytes: int = 64 * 1024 * 1024):
        self.folder = Path(folder)
        self.max_files = max_files
        self.max_bytes = max_bytes

    def _path(self, digest: str, suffix: str) -> Path:
        return self.folder / f"{digest}.{suffix}"

    def get(self, digest: str, suffix: str) -> bytes | None:
        try:
            return self._path(digest, suffix).read_bytes()
        except OSError:
            return None

    def put(self, digest: str, suffix: str, data: bytes) -> None:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            handle, tmp = tempfile.mkstemp(dir=self.folder, prefix=".drawing-")
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            os.replace(tmp, self._path(digest, suffix))
            self._trim()
        except OSError:
            return  # not writable: the chart is drawn again next time, nothing else changes

    def _trim(self) -> None:
        files = []
        for entry in os.scandir(self.folder):
            if entry.is_file() and not entry.name.startswith("."):
                stat = entry.stat()
                files.append((stat.st_mtime_ns, stat.st_size, entry.path))
        files.sort(reverse=True)  # newest first
        total = 0
        for index, (_, size, path) in enumerate(files):
            total += size
            if index >= self.max_files or total > self.max_bytes:
                try:
                    os.unlink(path)
                except OSError:
                    pass


def chart_files(pack: object) -> ChartFiles | None:
    """The pack's chart folder (``MeetingPack.chart_folder``) as a :class:`ChartFiles`."""
    folder = getattr(pack, "chart_folder", None)
    return ChartFiles(folder) if folder is not None else None


def _digest(key: str, font: CjkFont, scale: float | None = None) -> str:
    """The file name of a drawing: its spec, the renderer's version, the font, the scale."""
    import vl_convert

    try:
        font_stamp = str(font.path.stat().st_mtime_ns)
    except (AttributeError, OSError):
        font_stamp = ""
    version = getattr(vl_convert, "__version__", "")
    text = "\n".join([key, version, str(getattr(font, "path", "")), font_stamp, str(scale)])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def sized(chart: alt.TopLevelMixin, width: int, height: int | None = None) -> dict[str, object]:
    """The chart's Vega-Lite spec at ``width`` px (and ``height`` px, when given)."""
    spec = chart.to_dict(validate=False)  # the builders are validated by the tests
    spec["width"] = width
    if height is not None:
        spec["height"] = height
    # "container" sizing needs a browser; like it, the size given is the whole chart's.
    spec["autosize"] = {"type": "fit-x" if height is None else "fit", "contains": "padding"}
    return spec


def chart_svg(
    chart: alt.TopLevelMixin,
    font: CjkFont,
    width: int,
    height: int | None = None,
    files: ChartFiles | None = None,
) -> str:
    """The chart as an SVG document (text kept as text, set in the CJK font)."""
    import vl_convert

    register_for_charts(font)
    spec = sized(chart, width, height)
    key = _key(spec)
    with _lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
    digest = _digest(key, font) if files is not None else ""
    kept = files.get(digest, "svg") if files is not None else None
    if kept is not None:
        svg = kept.decode("utf-8")
    else:
        svg = vl_convert.vegalite_to_svg(spec)
        if files is not None:
            files.put(digest, "svg", svg.encode("utf-8"))
    with _lock:
        _cache[key] = svg
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return svg


def _key(spec: dict[str, object]) -> str:
    return json.dumps(spec, sort_keys=True, ensure_ascii=False, default=str)


def chart_png(
    chart: alt.TopLevelMixin,
    font: CjkFont,
    width: int,
    height: int | None = None,
    scale: float = 2.0,
    files: ChartFiles | None = None,
) -> bytes:
    """The chart as a PNG at ``scale`` × its pixel size (sharp on a projector)."""
    import vl_convert

    text_key = _key(sized(chart, width, height))
    key = (text_key, scale)
    with _lock:
        if key in _png_cache:
            _png_cache.move_to_end(key)
            return _png_cache[key]
    digest = _digest(text_key, font, scale) if files is not None else ""
    png = files.get(digest, "png") if files is not None else None
    if png is None:
        png = vl_convert.svg_to_png(chart_svg(chart, font, width, height, files), scale=scale)
        if files is not None:
            files.put(digest, "png", png)
    with _lock:
        _png_cache[key] = png
        while len(_png_cache) > _CACHE_SIZE:
            _png_cache.popitem(last=False)
    return png


ChartJob = tuple[alt.TopLevelMixin, int, "int | None"]


def render_ahead(
    jobs: Sequence[ChartJob],
    font: CjkFont,
    png_scale: float | None = None,
    files: ChartFiles | None = None,
) -> None:
    """Draw ``jobs`` (chart, width, height) into the caches, several at a time, so that
    laying out the pack afterwards finds every chart drawn (as SVG, and as PNG at
    ``png_scale`` when given)."""
    register_for_charts(font)

    def draw(job: ChartJob) -> None:
        chart, width, height = job
        if png_scale is None:
            chart_svg(chart, font, width, height, files)
        else:
            chart_png(chart, font, width, height, png_scale, files)

    if len(jobs) <= 1 or RENDER_THREADS == 1:
        for job in jobs:
            draw(job)
        return
    with ThreadPoolExecutor(RENDER_THREADS, thread_name_prefix="chart") as pool:
        list(pool.map(draw, jobs))
