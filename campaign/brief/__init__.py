"""The meeting pack (会议材料): the dashboard's figures and charts as PDF, Excel and PowerPoint,
and its drafted narrative (文字稿) as a Word document.

``build_pack(engine, filters, lang)`` gathers what the pack says (:mod:`.content`);
:func:`pack_bytes` lays it out in one format, chosen by name or by a file's suffix.

Importing this package is cheap (the command line imports it for every command): the
content, charts and writers load on first use.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from campaign.brief.fonts import CjkFont, FontMissing, locate_cjk_font
from campaign.model import Filters

if TYPE_CHECKING:
    from campaign.brief.content import MeetingPack, build_pack

FORMATS: dict[str, str] = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
# The formats with drawn charts (the others need neither vl-convert nor the CJK font file).
CHART_FORMATS = ("pdf", "pptx")


class UnknownFormat(ValueError):
    """An output whose suffix is not .pdf, .xlsx, .pptx or .docx."""


def format_of(path: Path | str) -> str:
    """``pdf``, ``xlsx``, ``pptx`` or ``docx`` from a file name; :class:`UnknownFormat`
    otherwise."""
    suffix = Path(path).suffix.lower().lstrip(".")
    if suffix not in FORMATS:
        raise UnknownFormat(str(path))
    return suffix


def pack_bytes(pack: MeetingPack, fmt: str, font: CjkFont | None = None) -> bytes:
    """The pack as a file's bytes in ``fmt`` (pdf, xlsx, pptx, docx)."""
    if fmt == "pdf":
        from campaign.brief.pdf import pdf_bytes

        return pdf_bytes(pack, font)
    if fmt == "xlsx":
        from campaign.brief.workbook import xlsx_bytes

        return xlsx_bytes(pack)
    if fmt == "pptx":
        from campaign.brief.deck import pptx_bytes

        return pptx_bytes(pack, font)
    if fmt == "docx":
        from campaign.brief.document import docx_bytes

        return docx_bytes(pack)
    raise UnknownFormat(fmt)


def file_name(filters: Filters, lang: str, fmt: str) -> str:
    """``会议材料_全市_2022-09-30.pdf`` / ``meeting-pack_Whole-city_2022-09-30.pdf``."""
    from campaign.views import scope_label

    stem = "会议材料" if lang == "zh" else "meeting-pack"
    scope = scope_label(filters.district, lang).replace(" ", "-")
    return f"{stem}_{scope}_{filters.as_of.isoformat()}.{fmt}"


def __getattr__(name: str) -> Any:
    """``build_pack`` and ``MeetingPack`` from :mod:`.content`, imported on first use."""
    if name in ("build_pack", "MeetingPack"):
        from campaign.brief import content

        return getattr(content, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "CHART_FORMATS",
    "FORMATS",
    "CjkFont",
    "FontMissing",
    "MeetingPack",
    "UnknownFormat",
    "build_pack",
    "file_name",
    "format_of",
    "locate_cjk_font",
    "pack_bytes",
]
