"""The dashboard's Altair charts as vector SVG, as PNG (for the deck) and as vector PDF pages
(for the PDF pack).

vl-convert renders the very spec the app hands to the browser; only the width (the app's
charts fill their column, which a page does not have) and, where a page needs it, the height
are fixed. Renderings are cached by spec, so a chart drawn for the PDF is not drawn again
for the deck in the same process; with a :class:`ChartFiles` folder (the pack's, beside the
built database) they are also kept on disk, so a new process (the command line, a restarted
server) does not draw again a chart of the same data, view and font.

A pack's charts are drawn ahead, in helper processes (:mod:`campaign.brief.drawing`), each
sent as soon as its spec is built; a chart asked for on its own (the dashboard's, a test's)
is drawn in this process, the same way.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import threading
from collections import OrderedDict
from collections.abc import Iterable
from concurrent.futures import Future
from functools import partial
from pathlib import Path

import altair as alt

from campaign import theme
from campaign.brief import drawing
from campaign.brief.fonts import CjkFont

_CACHE_SIZE = 128
_cache: OrderedDict[str, str] = OrderedDict()
# The SVG's conversions (PNG, PDF), by spec and conversion.
_converted_cache: OrderedDict[tuple[str, drawing.Conversion], bytes] = OrderedDict()
# A chart's spec, kept for the chart object it came from (building it takes some 15 ms).
_specs: OrderedDict[tuple[int, int, int | None], tuple[alt.TopLevelMixin, dict, str]] = (
    OrderedDict()
)
# Charts being drawn by the helpers, by spec: (the drawing, the conversion it makes or None).
_pending: dict[str, tuple[Future[tuple[str, bytes | None]], drawing.Conversion | None]] = {}
_lock = threading.Lock()


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


def _digest(key: str, font: CjkFont, conversion: drawing.Conversion | None = None) -> str:
    """The file name of a drawing: its spec, the renderer's version, the font, what the SVG
    was turned into."""
    import vl_convert

    try:
        font_stamp = str(font.path.stat().st_mtime_ns)
    except (AttributeError, OSError):
        font_stamp = ""
    version = getattr(vl_convert, "__version__", "")
    made = conversion.label() if conversion else "svg"
    text = "\n".join([key, version, str(getattr(font, "path", "")), font_stamp, made])
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


def _key(spec: dict[str, object]) -> str:
    return json.dumps(spec, sort_keys=True, ensure_ascii=False, default=str)


def _spec(chart: alt.TopLevelMixin, width: int, height: int | None) -> tuple[dict, str]:
    """``sized(chart, width, height)`` and its JSON text, built once per chart object."""
    index = (id(chart), width, height)
    with _lock:
        kept = _specs.get(index)
        if kept is not None and kept[0] is chart:
            _specs.move_to_end(index)
            return kept[1], kept[2]
    spec = sized(chart, width, height)
    key = _key(spec)
    with _lock:
        _specs[index] = (chart, spec, key)  # the chart kept too: its id is not reused
        while len(_specs) > _CACHE_SIZE:
            _specs.popitem(last=False)
    return spec, key


def _remember(cache: OrderedDict, key: object, value: object) -> None:
    """Keep ``value`` in the in-memory ``cache``, the least recently used going past its size."""
    with _lock:
        cache[key] = value
        cache.move_to_end(key)
        while len(cache) > _CACHE_SIZE:
            cache.popitem(last=False)


def _recalled(cache: OrderedDict, key: object) -> object | None:
    with _lock:
        if key not in cache:
            return None
        cache.move_to_end(key)
        return cache[key]


def _kept_svg(key: str, font: CjkFont, files: ChartFiles | None) -> str | None:
    """The SVG already drawn for ``key``: in memory, else in ``files``."""
    svg = _recalled(_cache, key)
    if svg is None and files is not None:
        kept = files.get(_digest(key, font), "svg")
        if kept is not None:
            svg = kept.decode("utf-8")
            _remember(_cache, key, svg)
    return svg  # type: ignore[return-value]


def _kept_converted(
    key: str, font: CjkFont, conversion: drawing.Conversion, files: ChartFiles | None
) -> bytes | None:
    """The conversion already made for ``key``: in memory, else in ``files``."""
    made = _recalled(_converted_cache, (key, conversion))
    if made is None and files is not None:
        made = files.get(_digest(key, font, conversion), conversion.suffix)
        if made is not None:
            _remember(_converted_cache, (key, conversion), made)
    return made  # type: ignore[return-value]


def _keep_svg(key: str, svg: str, font: CjkFont, files: ChartFiles | None) -> None:
    _remember(_cache, key, svg)
    if files is not None:
        files.put(_digest(key, font), "svg", svg.encode("utf-8"))


def _keep_converted(
    key: str,
    conversion: drawing.Conversion,
    made: bytes,
    font: CjkFont,
    files: ChartFiles | None,
) -> None:
    _remember(_converted_cache, (key, conversion), made)
    if files is not None:
        files.put(_digest(key, font, conversion), conversion.suffix, made)


def chart_svg(
    chart: alt.TopLevelMixin,
    font: CjkFont,
    width: int,
    height: int | None = None,
    files: ChartFiles | None = None,
) -> str:
    """The chart as an SVG document (text kept as text, set in the CJK font)."""
    spec, key = _spec(chart, width, height)
    svg = _kept_svg(key, font, files)
    if svg is not None:
        return svg
    with _lock:
        being_drawn = _pending.get(key)
    if being_drawn is not None:
        return being_drawn[0].result()[0]
    svg = drawing.draw_svg(spec, key, font, theme.FONT_STACK)
    _keep_svg(key, svg, font, files)
    return svg


def _chart_converted(
    chart: alt.TopLevelMixin,
    font: CjkFont,
    width: int,
    height: int | None,
    conversion: drawing.Conversion,
    files: ChartFiles | None,
) -> bytes:
    _, key = _spec(chart, width, height)
    made = _kept_converted(key, font, conversion, files)
    if made is not None:
        return made
    with _lock:
        being_drawn = _pending.get(key)
    if being_drawn is not None and being_drawn[1] == conversion:
        drawn = being_drawn[0].result()[1]
        if drawn is not None:
            return drawn
    svg = chart_svg(chart, font, width, height, files)
    made = conversion.apply(svg, font, theme.FONT_STACK)
    _keep_converted(key, conversion, made, font, files)
    return made


def chart_png(
    chart: alt.TopLevelMixin,
    font: CjkFont,
    width: int,
    height: int | None = None,
    scale: float = 2.0,
    files: ChartFiles | None = None,
) -> bytes:
    """The chart as a PNG at ``scale`` × its pixel size (sharp on a projector)."""
    return _chart_converted(chart, font, width, height, drawing.png(scale), files)


def chart_pdf(
    chart: alt.TopLevelMixin,
    font: CjkFont,
    width: int,
    height: int | None = None,
    files: ChartFiles | None = None,
) -> bytes:
    """The chart as a one-page vector PDF of its size, text kept as text in the CJK font."""
    return _chart_converted(chart, font, width, height, drawing.PDF, files)


ChartJob = tuple[alt.TopLevelMixin, int, "int | None"]


def render_ahead(
    jobs: Iterable[ChartJob],
    font: CjkFont,
    conversion: drawing.Conversion | None = None,
    files: ChartFiles | None = None,
    wait: bool = True,
) -> None:
    """Have ``jobs`` (chart, width, height) drawn (as SVG, and turned into ``conversion``
    when given: a PNG for the deck, a PDF page for the PDF) by the helper processes, each
    sent as soon as its spec is built (``jobs`` may be a generator that builds the charts
    one by one); each drawing is kept in the caches and ``files`` as it arrives.

    With ``wait``, return when all are drawn (a failed drawing raises here). Without, return
    at once: :func:`chart_svg`, :func:`chart_png` and :func:`chart_pdf` wait for a chart
    still being drawn, so a writer can lay out what has no chart meanwhile."""
    waiting: list[Future[tuple[str, bytes | None]]] = []
    for chart, width, height in jobs:
        spec, key = _spec(chart, width, height)
        svg = _kept_svg(key, font, files)
        if conversion is None:
            if svg is not None:
                continue
        elif _kept_converted(key, font, conversion, files) is not None:
            continue
        with _lock:
            being_drawn = _pending.get(key)
            if being_drawn is not None and (conversion is None or being_drawn[1] == conversion):
                waiting.append(being_drawn[0])
                continue
            job = drawing.Drawing(spec, key, font, theme.FONT_STACK, conversion, svg)
            future = drawing.submit(job)
            _pending[key] = (future, conversion)
        future.add_done_callback(partial(_drawn, key, svg is None, conversion, font, files))
        waiting.append(future)
    if wait:
        for future in waiting:
            future.result()


def _drawn(
    key: str,
    svg_drawn: bool,
    conversion: drawing.Conversion | None,
    font: CjkFont,
    files: ChartFiles | None,
    future: Future[tuple[str, bytes | None]],
) -> None:
    """Keep a drawing the helpers sent back (whoever waits for it gets it from ``future``)."""
    try:
        if future.exception() is None:
            svg, converted = future.result()
            if svg_drawn:
                _keep_svg(key, svg, font, files)
            if converted is not None and conversion is not None:
                _keep_converted(key, conversion, converted, font, files)
    finally:
        with _lock:
            if _pending.get(key, (None, None))[0] is future:
                del _pending[key]
