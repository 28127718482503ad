"""``python -m campaign brief``: the meeting pack (会议材料) as a file.

``brief [--data DIR] [--queries DIR] [--year Y] [--as-of DATE] [--district NAME]
[--lang zh|en] --out FILE`` writes a PDF, an Excel workbook, a PowerPoint deck or the drafted
narrative as a Word document (.docx), chosen by the suffix of ``--out``. Exit codes as the
other commands: 0 written; 1 written, but a KPI query is broken (listed on stderr), or the
pack could not be made (a missing CJK font, an unusable ``queries/narrative.toml``);
2 a usage error (bad suffix, date, district or folder).

The file is written to a temporary name beside ``--out`` and renamed into place, so a reader
never sees half a pack.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from campaign import locations
from campaign.brief import CHART_FORMATS, FontMissing, UnknownFormat, format_of, pack_bytes
from campaign.i18n import t


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``brief`` to the ``python -m campaign`` parser."""
    brief = subparsers.add_parser(
        "brief", help="the meeting pack (会议材料) as .pdf, .xlsx, .pptx or .docx"
    )
    brief.add_argument("--data", help="data folder (default: $CAMPAIGN_DATA, else ./data)")
    brief.add_argument(
        "--queries",
        help=locations.QUERIES_HELP,
    )
    brief.add_argument("--year", type=int, help="year (default: the as-of date's)")
    brief.add_argument(
        "--as-of",
        dest="as_of",
        type=date.fromisoformat,
        metavar="YYYY-MM-DD",
        help="as-of date, any day: facts up to and including it (default: end of the last "
        "complete month in the data)",
    )
    brief.add_argument("--district", help="a district (default: the whole city, 全市)")
    brief.add_argument("--lang", choices=("zh", "en"), default="zh", help="language (zh)")
    brief.add_argument(
        "--out", required=True, help="file to write: .pdf, .xlsx, .pptx or .docx (chosen by suffix)"
    )
    brief.set_defaults(handler=run_brief)


def write_atomically(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def run_brief(args: argparse.Namespace) -> int:
    lang = args.lang
    out = Path(args.out)
    try:
        fmt = format_of(out)
    except UnknownFormat:
        print(t("brief.error.suffix", lang, name=out.name), file=sys.stderr)
        return 2
    found = locations.folders(args.data, args.queries, lang)
    if isinstance(found, str):
        print(found, file=sys.stderr)
        return 2
    data, queries = found
    if fmt in CHART_FORMATS:
        from campaign.brief import drawing

        drawing.start_helpers()  # their start overlaps reading the data and the KPIs
    from campaign.brief.content import build_pack
    from campaign.kpi.engine import KpiEngine
    from campaign.narrative.templates import TemplateError

    started = time.perf_counter()
    engine = KpiEngine(data, queries)
    try:
        filters = engine.resolve(year=args.year, as_of=args.as_of, district=args.district)
    except ValueError as exc:
        print(t("kpi.cli.usage_error", lang, message=exc), file=sys.stderr)
        return 2
    pack = build_pack(engine, filters, lang)
    try:
        payload = pack_bytes(pack, fmt)
    except (FontMissing, TemplateError) as missing:
        print(missing.text(lang), file=sys.stderr)
        return 1
    write_atomically(out, payload)
    seconds = time.perf_counter() - started
    print(
        t(
            "brief.cli.written",
            lang,
            path=out,
            size=f"{len(payload) / 1024:,.0f}",
            seconds=f"{seconds:.1f}",
        )
    )
    if pack.errors:
        print(t("kpi.cli.broken", lang, count=len(pack.errors)), file=sys.stderr)
        for error in pack.errors:
            print(f"  {error.where()}: {error.text(lang)}", file=sys.stderr)
        return 1
    return 0
