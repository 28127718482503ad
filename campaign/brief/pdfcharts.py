"""The PDF pack's charts, put into the pages WeasyPrint lays out as vector PDF pages.

WeasyPrint draws an SVG with its own Python renderer, node by node: the pack's twenty charts
took 1.6 s of the 2.4 s it spent writing the pages. So each chart goes into the PDF as a
one-page PDF of its own, made by vl-convert from the chart's SVG (in the helper processes,
about 15 ms a chart, kept with the other drawings; :func:`campaign.brief.render.chart_pdf`):

1. the HTML holds, in each chart's place, a blank image of the chart's size
   (:meth:`ChartPages.image`), which WeasyPrint lays out as it would the chart itself;
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
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pikepdf

if TYPE_CHECKING:
    from weasyprint.document import Document

ID_PREFIX = "pack-chart-"
# CSS px to PDF points (96 px and 72 pt to the inch).
POINTS_PER_PX = 0.75


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


class ChartPages:
    """The charts of one PDF, in the order their blank images were put into the HTML."""

    def __init__(self) -> None:
        self._charts: list[pikepdf.Pdf] = []

    def __len__(self) -> int:
        return len(self._charts)

    def image(self, chart_pdf: bytes, alt: str) -> str:
        """An ``<img>`` of the chart's size (its PDF page's, in px) that holds its place."""
        chart = pikepdf.open(io.BytesIO(chart_pdf))
        left, bottom, right, top = (float(v) for v in chart.pages[0].mediabox)
        width, height = right - left, top - bottom
        index = len(self._charts)
        self._charts.append(chart)
        blank = (
            '<svg xmlns="http://www.w3.org/2000/svg" '
            f'width="{width:g}" height="{height:g}" viewBox="0 0 {width:g} {height:g}"/>'
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
        for index, chart in enumerate(self._charts):
            place = places[index]
            page = pdf.pages[place.page]
            left, bottom, _, top = (float(v) for v in page.mediabox)
            scale = (top - bottom) / document.pages[place.page].height
            page.add_overlay(
                chart.pages[0],
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
