"""The PDF pack's charts, put into the pages WeasyPrint lays out as vector PDF pages.

WeasyPrint draws an SVG with its own Python renderer, node by node: the pack's twenty charts
took 1.6 s of the 2.4 s it spent writing the pages. So each chart goes into the PDF as a
one-page PDF of its own, made by vl-convert from the chart's SVG (in the helper processes,
about 15 ms a chart, kept with the other drawings; :func:`campaign.brief.render.chart_pdf`):

1. the HTML holds, in each chart's place, a blank image of the chart's size
   (:meth:`ChartPages.image`), which WeasyPrint lays out as it would the chart itself. A
   chart given both its width and height is exactly that size, so it need not be drawn yet:
   WeasyPrint lays out the pages while the helpers draw;
2. WeasyPrint lays out and writes the pages;
3. each chart's page goes into the box its blank image got, scaled to it, as a form XObject
   (qpdf, through pikepdf, in a few milliseconds a chart).

The charts stay vector drawings and their text stays text, in an embedded subset of the CJK
font. A chart whose place is not found in the laid-out pages is an error, never a page
with a chart missing.
"""

from __future__ import annotations

import base64
import html
import io
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pikepdf

if TYPE_CHECKING:
    from weasyprint.document import Document

log = logging.getLogger(__name__)

ID_PREFIX = "pack-chart-"


class ChartNotPlaced(RuntimeError):
    """A chart's blank image is not in the laid-out pages."""


@dataclass(frozen=True)
class Place:
    """Where a chart's blank image was laid out: the page's index and the image's content box
    in CSS px from the page's top left corner."""

    page: int
    x: float
    y: float
    width: float
    height: float


def _opened(chart_pdf: bytes) -> tuple[pikepdf.Pdf, float, float]:
    """The chart's PDF, opened, and its page's width and height (points, which are its px)."""
    chart = pikepdf.open(io.BytesIO(chart_pdf))
    left, bottom, right, top = (float(v) for v in chart.pages[0].mediabox)
    return chart, right - left, top - bottom


@dataclass
class _Chart:
    page: Callable[[], bytes]  # the chart's one-page PDF (waits while it is being drawn)
    width: float
    height: float


class ChartPages:
    """The charts of one PDF, in the order their blank images were put into the HTML."""

    def __init__(self) -> None:
        self._charts: list[_Chart] = []

    def image(
        self, chart_page: Callable[[], bytes], alt: str, size: tuple[int, int] | None = None
    ) -> str:
        """An ``<img>`` of the chart's size, in px, that holds its place. ``chart_page`` gives
        the chart's one-page PDF. With the ``size`` known before the chart is drawn, it is
        asked for only when the pages are written; without, now."""
        if size is None:
            drawn = chart_page()
            _, width, height = _opened(drawn)
            chart = _Chart(lambda: drawn, width, height)
        else:
            chart = _Chart(chart_page, *size)
        index = len(self._charts)
        self._charts.append(chart)
        width_text, height_text = f"{chart.width:g}", f"{chart.height:g}"
        blank = (
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{width_text}" '
            f'height="{height_text}" viewBox="0 0 {width_text} {height_text}"/>'
        )
        data = base64.b64encode(blank.encode("ascii")).decode("ascii")
        return (
            f'<img id="{ID_PREFIX}{index}" alt="{html.escape(alt)}" '
            f'src="data:image/svg+xml;base64,{data}">'
        )

    def write(self, document: Document) -> bytes:
        """The laid-out ``document`` as PDF bytes, every chart in its place."""
        written = document.write_pdf()
        if not self._charts:
            return written  # type: ignore[no-any-return]
        places = chart_places(document)
        missing = sorted(set(range(len(self._charts))) - places.keys())
        if missing:
            raise ChartNotPlaced(f"charts {missing} have no place in the laid-out pages")
        pdf = pikepdf.open(io.BytesIO(written))
        # qpdf may read a copied page's stream data from its source when it writes the PDF:
        # each chart's PDF stays open until then.
        opened: list[pikepdf.Pdf] = []
        for index, chart in enumerate(self._charts):
            drawn, width, height = _opened(chart.page())
            opened.append(drawn)
            if abs(width - chart.width) > 0.5 or abs(height - chart.height) > 0.5:
                log.warning(
                    "chart %d was drawn %gx%g px, not %gx%g: fitted into its place",
                    index,
                    width,
                    height,
                    chart.width,
                    chart.height,
                )
            place = places[index]
            page = pdf.pages[place.page]
            left, bottom, _, top = (float(v) for v in page.mediabox)
            scale = (top - bottom) / document.pages[place.page].height
            page.add_overlay(
                drawn.pages[0],
                pikepdf.Rectangle(
                    left + place.x * scale,
                    top - (place.y + place.height) * scale,
                    left + (place.x + place.width) * scale,
                    top - place.y * scale,
                ),
            )
        out = io.BytesIO()
        pdf.save(out, deterministic_id=True)
        return out.getvalue()


def chart_places(document: Document) -> dict[int, Place]:
    """Each chart's place in the laid-out ``document``, by its index."""
    from weasyprint.formatting_structure.boxes import ParentBox, ReplacedBox

    places: dict[int, Place] = {}
    for number, page in enumerate(document.pages):
        boxes = [page._page_box]
        while boxes:
            box = boxes.pop()
            if isinstance(box, ParentBox):
                boxes.extend(box.children)
            elif isinstance(box, ReplacedBox):
                element_id = box.element.get("id", "") if box.element is not None else ""
                if element_id.startswith(ID_PREFIX):
                    places[int(element_id[len(ID_PREFIX) :])] = Place(
                        number, box.content_box_x(), box.content_box_y(), box.width, box.height
                    )
    return places
