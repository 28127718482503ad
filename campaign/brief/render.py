"""The dashboard's Altair charts as vector SVG (for the PDF) and PNG (for the deck).

vl-convert renders the very spec the app hands to the browser; only the width (the app's
charts fill their column, which a page does not have) and, where a page needs it, the height
are fixed. Renderings are cached by spec, so a chart drawn for the PDF is not drawn again
for the deck in the same process.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict

import altair as alt

from campaign.brief.fonts import CjkFont, register_for_charts

_CACHE_SIZE = 128
_cache: OrderedDict[str, str] = OrderedDict()
_lock = threading.Lock()


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
    key = json.dumps(spec, sort_keys=True, ensure_ascii=False, default=str)
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


def chart_png(
    chart: alt.TopLevelMixin,
    font: CjkFont,
    width: int,
    height: int | None = None,
    scale: float = 2.0,
) -> bytes:
    """The chart as a PNG at ``scale`` × its pixel size (sharp on a projector)."""
    import vl_convert

    return vl_convert.svg_to_png(chart_svg(chart, font, width, height), scale=scale)
