"""Chart SVG made simple for the PDF: text anchored at its start, no opacity groups.

Vega writes axis labels with ``text-anchor="middle"``/``"end"`` and marks with ``opacity``.
WeasyPrint draws each such element inside its own transparency group (a PDF form XObject
that names the font again), so a pack with sixteen charts carried some 700 of them, and
poppler's tools, which re-read the embedded CJK font for every one, took seconds per page.
Here each anchored text gets an explicit ``x`` offset measured with the very font the PDF
embeds (advance widths from its ``hmtx``), and ``opacity`` on a leaf element becomes the
equivalent ``fill-opacity``/``stroke-opacity``. The drawing is the same; the PDF is plain.
"""

from __future__ import annotations

import html
import re
import threading
from functools import lru_cache
from pathlib import Path

from campaign.brief.fonts import CjkFont

# Width of a character the font does not have, in em (a Latin fallback's average).
_MISSING_EM = 0.6
_TEXT = re.compile(r"<text\b([^>]*)>(.*?)</text>", re.S)
_ANCHOR = re.compile(r'\stext-anchor="(start|middle|end)"')
_SIZE = re.compile(r'\sfont-size="([\d.]+)(?:px)?"')
_BOLD = re.compile(r'\sfont-weight="(bold|[6-9]00)"')
_OPACITY_ONE = re.compile(r'\sopacity="1(?:\.0+)?"')
_LEAF = re.compile(r"<(?:path|line|rect|circle|text|polygon|polyline)\b[^>]*>")
_OPACITY = re.compile(r'\sopacity="([\d.]+)"')
_lock = threading.Lock()


class _Advances:
    """Advance widths (in em) of one face of a font file or collection."""

    def __init__(self, path: Path, family: str) -> None:
        from fontTools.ttLib import TTCollection, TTFont

        if path.suffix.lower() in (".ttc", ".otc"):
            faces = TTCollection(str(path), lazy=True).fonts
            face = next((f for f in faces if f["name"].getDebugName(1) == family), faces[0])
        else:
            face = TTFont(str(path), lazy=True)
        self._cmap = face.getBestCmap()
        self._metrics = face["hmtx"].metrics
        self._units = face["head"].unitsPerEm

    def width(self, text: str) -> float:
        total = 0.0
        for character in text:
            glyph = self._cmap.get(ord(character))
            if glyph is None:
                total += _MISSING_EM
            else:
                total += self._metrics[glyph][0] / self._units
        return total


@lru_cache(maxsize=4)
def _advances(path: Path, family: str) -> _Advances:
    with _lock:
        return _Advances(path, family)


def _bold_path(font: CjkFont) -> Path:
    bold = font.path.with_name(font.path.name.replace("Regular", "Bold"))
    return bold if bold.is_file() else font.path


def text_width(text: str, size: float, font: CjkFont, bold: bool = False) -> float:
    """The width in px of ``text`` set at ``size`` px in ``font`` (no kerning: CJK has none)."""
    path = _bold_path(font) if bold else font.path
    return _advances(path, font.family).width(text) * size


def plain_svg(svg: str, font: CjkFont) -> str:
    """The same drawing without anchored text or leaf opacity (see the module docstring)."""

    def anchor(match: re.Match[str]) -> str:
        attributes, body = match.group(1), match.group(2)
        found = _ANCHOR.search(attributes)
        if found is None or found.group(1) == "start" or "<" in body or " x=" in attributes:
            return match.group(0)
        size_match = _SIZE.search(attributes)
        size = float(size_match.group(1)) if size_match else 11.0
        width = text_width(html.unescape(body), size, font, bool(_BOLD.search(attributes)))
        shift = width / 2 if found.group(1) == "middle" else width
        attributes = _ANCHOR.sub("", attributes) + f' x="{-shift:.2f}"'
        return f"<text{attributes}>{body}</text>"

    def opacity(match: re.Match[str]) -> str:
        tag = match.group(0)
        found = _OPACITY.search(tag)
        if found is None or "fill-opacity" in tag or "stroke-opacity" in tag:
            return tag  # already has its own opacities: leave the group
        value = found.group(1)
        return _OPACITY.sub(f' fill-opacity="{value}" stroke-opacity="{value}"', tag, count=1)

    svg = _OPACITY_ONE.sub("", svg)
    svg = _LEAF.sub(opacity, svg)
    return _TEXT.sub(anchor, svg)
