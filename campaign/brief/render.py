"""The dashboard's Altair charts as vector SVG (for the PDF) and PNG (for the deck).

vl-convert renders the very spec the app hands to the browser; only the width (the app's
charts fill their column, which a page does not have) and, where a page needs it, the height
are fixed. Renderings are cached by spec, so a chart drawn for the PDF is not drawn again
for the deck in the same process.
"""

from __future__ import annotations

import json
import os
import threading
from collections import OrderedDict
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor

import altair as alt

from campaign.brief.fonts import CjkFont, register_for_charts

_CACHE_SIZE = 128
_cache: OrderedDict[str, str] = OrderedDict()
_png_cache: OrderedDict[tuple[str, float], bytes] = OrderedDict()
_lock = threading.Lock()
# vl-convert releases the GIL while it draws: a pack's charts are drawn this many at a time.
RENDER_THREADS = max(1, min(4, os.cpu_count() or 1))


def sized(chart: alt.TopLevelMixin, width: int, height: int | None = None) -> dict[str, object]:
    """The chart's Vega-Lite spec at ``width`` px (and ``height`` px, when given)."""
    spec = chart.to_dict()
    spec["width"] = width
    if height is not None:
        spec["height"] = height
    # "container" sizing needs a browser; like it, the size given is the whole chart's.
    spec["autosize"] = {"type": "fit-x" if height is None else "fit", "contains": "padding"}
    return spec


def chart_svg(
    chart: alt.TopLevelMixin, font: CjkFont, width: int, height: int | None = None
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
    svg = vl_convert.vegalite_to_svg(spec)
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
) -> bytes:
    """The chart as a PNG at ``scale`` × its pixel size (sharp on a projector)."""
    import vl_convert

    key = (_key(sized(chart, width, height)), scale)
    with _lock:
        if key in _png_cache:
            _png_cache.move_to_end(key)
            return _png_cache[key]
    png = vl_convert.svg_to_png(chart_svg(chart, font, width, height), scale=scale)
    with _lock:
        _png_cache[key] = png
        while len(_png_cache) > _CACHE_SIZE:
            _png_cache.popitem(last=False)
    return png


ChartJob = tuple[alt.TopLevelMixin, int, "int | None"]


def render_ahead(jobs: Sequence[ChartJob], font: CjkFont, png_scale: float | None = None) -> None:
    """Draw ``jobs`` (chart, width, height) into the caches, several at a time, so that
    laying out the pack afterwards finds every chart drawn (as SVG, and as PNG at
    ``png_scale`` when given)."""
    register_for_charts(font)

    def draw(job: ChartJob) -> None:
        chart, width, height = job
        if png_scale is None:
            chart_svg(chart, font, width, height)
        else:
            chart_png(chart, font, width, height, png_scale)

    if len(jobs) <= 1 or RENDER_THREADS == 1:
        for job in jobs:
            draw(job)
        return
    with ThreadPoolExecutor(RENDER_THREADS, thread_name_prefix="chart") as pool:
        list(pool.map(draw, jobs))
