"""The KPI commands of ``python -m campaign``: ``kpis``, ``rank`` and ``check``.

``register(subparsers)`` adds them; each handler takes the parsed arguments and returns the
exit code: 0 fine; 1 a KPI query is broken (``kpis`` and ``rank`` still print every working
KPI, and list the broken ones on stderr, so scripts notice); 2 a usage error (a bad date or
district; argparse itself exits 2 on bad options).
"""

from __future__ import annotations

import argparse
import functools
import json
import math
import os
import sys
import unicodedata
from collections.abc import Callable
from datetime import date

import pandas as pd

from campaign import locations
from campaign.formatting import kpi_figures, not_reported_notice
from campaign.i18n import t
from campaign.kpi.engine import KpiEngine, previous_month_end
from campaign.model import Filters, KpiError, KpiResult

# The columns of the ``kpis`` table after the KPI's name (keys of kpi_figures).
TABLE_FIELDS: tuple[str, ...] = (
    "actual",
    "target",
    "completion",
    "expected",
    "gap",
    "status",
    "last_year",
    "yoy",
    "projection",
    "needed",
)


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``kpis``, ``rank`` and ``check`` to the ``python -m campaign`` parser."""
    kpis = subparsers.add_parser("kpis", help="every KPI for the city or a district")
    _common(kpis, filters=True)
    kpis.set_defaults(handler=_piped(run_kpis))

    rank = subparsers.add_parser("rank", help="the district ranking (区市排名)")
    _common(rank, filters=True)
    rank.set_defaults(handler=_piped(run_rank))

    check = subparsers.add_parser("check", help="run every KPI query and check it")
    _common(check, filters=False)
    check.set_defaults(handler=_piped(run_check))


def _piped(handler: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    """``handler``, quiet when its output is piped into ``head`` that stops reading."""

    @functools.wraps(handler)
    def run(args: argparse.Namespace) -> int:
        try:
            return handler(args)
        except BrokenPipeError:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            return 0

    return run


def _common(parser: argparse.ArgumentParser, filters: bool) -> None:
    parser.add_argument("--data", help="data folder (default: $CAMPAIGN_DATA, else ./data)")
    parser.add_argument(
        "--queries",
        help=locations.QUERIES_HELP,
    )
    if filters:
        parser.add_argument("--year", type=int, help="year (default: the as-of date's)")
        parser.add_argument(
            "--as-of",
            dest="as_of",
            type=date.fromisoformat,
            metavar="YYYY-MM-DD",
            help="as-of date, any day: facts up to and including it; last year to the same "
            "day (default: end of the last complete month in the data)",
        )
        parser.add_argument("--district", help="a district (default: the whole city, 全市)")
        parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--lang", choices=("zh", "en"), default="zh", help="language (zh)")


def _engine(args: argparse.Namespace) -> KpiEngine | int:
    found = locations.folders(args.data, args.queries, args.lang)
    if isinstance(found, str):
        print(found, file=sys.stderr)
        return 2
    return KpiEngine(*found)


def _filters(engine: KpiEngine, args: argparse.Namespace) -> Filters | int:
    try:
        return engine.resolve(year=args.year, as_of=args.as_of, district=args.district)
    except ValueError as exc:
        print(t("kpi.cli.usage_error", args.lang, message=exc), file=sys.stderr)
        return 2


# ---------------------------------------------------------------------- formatting


def _clean(value: float | None, digits: int = 10) -> float | None:
    """A figure for JSON: None for missing/NaN, float noise rounded away."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return round(float(value), digits)


def _percent(value: float | None, signed: bool = False) -> str:
    if value is None:
        return "—"
    return f"{value * 100:+.1f}%" if signed else f"{value * 100:.1f}%"


def optional_int(value: object) -> int | None:
    """An integer from a nullable column (None for <NA>/NaN)."""
    return None if value is None or pd.isna(value) else int(value)  # type: ignore[call-overload,arg-type]


def _movement(movement: int | None) -> str:
    if movement is None:
        return "—"
    return f"↑{movement}" if movement > 0 else f"↓{-movement}" if movement < 0 else "="


def _width(text: str) -> int:
    """Columns a string takes in a terminal (CJK characters take two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _table(header: list[str], rows: list[list[str]], right: set[int]) -> str:
    """An aligned text table; columns in ``right`` are right-aligned."""
    widths = [max(_width(row[i]) for row in [header, *rows]) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        out = []
        for i, cell in enumerate(cells):
            pad = " " * (widths[i] - _width(cell))
            out.append(pad + cell if i in right else cell + pad)
        return "  ".join(out).rstrip()

    rule = "  ".join("─" * w for w in widths)
    return "\n".join([line(header), rule, *(line(r) for r in rows)])


def _print_errors(errors: list[KpiError], lang: str) -> None:
    if not errors:
        return
    print(t("kpi.cli.broken", lang, count=len({e.kpi_id for e in errors})), file=sys.stderr)
    for error in errors:
        print(
            t("kpi.cli.problem", lang, where=error.where(), message=error.text(lang)),
            file=sys.stderr,
        )


# ---------------------------------------------------------------------- kpis


def kpi_json(result: KpiResult, lang: str = "zh") -> dict[str, object]:
    """One KPI as the ``kpis --json`` object: fractions as fractions, None as null."""
    return {
        "id": result.kpi.id,
        "name": result.kpi.name(lang),
        "unit": result.kpi.unit,
        "actual": _clean(result.actual),
        "target": _clean(result.target),
        "completion": _clean(result.completion),
        "expected": _clean(result.expected),
        "gap_pp": _clean(result.gap_pp),
        "status": result.status,
        "last_year": _clean(result.last_year),
        "yoy": _clean(result.yoy),
        "projection": _clean(result.projection),
        "needed_per_month": _clean(result.needed_per_month),
        "reported_through": result.reported_through.isoformat()
        if result.reported_through
        else None,
        # the figures as every surface shows them (campaign.formatting.kpi_figures)
        "display": kpi_figures(result, lang),
    }


def run_kpis(args: argparse.Namespace) -> int:
    """``kpis``: every KPI for the city or one district."""
    lang = args.lang
    engine = _engine(args)
    if isinstance(engine, int):
        return engine
    filters = _filters(engine, args)
    if isinstance(filters, int):
        return filters
    card = engine.scorecard(filters)
    if args.json:
        payload = {
            "as_of": filters.as_of.isoformat(),
            "year": filters.year,
            "scope": filters.scope,
            "kpis": [kpi_json(r, lang) for r in card.results],
            "errors": [
                {"id": e.kpi_id, "file": e.path.name, "line": e.line, "message": e.text(lang)}
                for e in card.errors
            ],
        }
        print(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        scope = filters.scope if lang == "zh" or filters.district else "City"
        print(
            t(
                "kpi.cli.title",
                lang,
                scope=scope,
                year=filters.year,
                as_of=filters.as_of.isoformat(),
                expected=_percent(card.expected),
            )
        )
        columns = ("kpi", *TABLE_FIELDS)
        header = [t(f"kpi.col.{c}", lang) for c in columns]
        rows = []
        for r in card.results:
            figures = kpi_figures(r, lang)  # the same text as the pages and the pack
            rows.append([r.kpi.name(lang), *(figures[c] for c in TABLE_FIELDS)])
        right = {i for i, c in enumerate(columns) if c not in ("kpi", "status")}
        print(_table(header, rows, right=right))
        notice = not_reported_notice(card.results, lang)
        if notice:
            print(t("kpi.cli.notice", lang, message=notice))
    for warning in engine.warnings():
        print(
            t("kpi.cli.warning", lang, where=warning.where(), message=warning.text(lang)),
            file=sys.stderr,
        )
    _print_errors(list(card.errors), lang)
    return 1 if card.errors else 0


# ---------------------------------------------------------------------- rank


def run_rank(args: argparse.Namespace) -> int:
    """``rank``: the district ranking; ``--district`` shows that district with its KPI ranks."""
    lang = args.lang
    engine = _engine(args)
    if isinstance(engine, int):
        return engine
    filters = _filters(engine, args)
    if isinstance(filters, int):
        return filters
    ranking = engine.ranking(filters)
    by_kpi = engine.ranking_by_kpi(filters)
    errors = engine.errors(filters)
    if filters.district:
        ranking = ranking[ranking["district"] == filters.district]

    kpi_ranks: dict[str, dict[str, int | None]] = {}
    for row in by_kpi.itertuples(index=False):
        kpi_ranks.setdefault(row.district, {})[row.kpi_id] = optional_int(row.rank)
    if args.json:
        payload = {
            "as_of": filters.as_of.isoformat(),
            "year": filters.year,
            "scope": filters.scope,
            "ranking": [
                {
                    "district": row.district,
                    "score": _clean(row.score, 4),
                    "rank": optional_int(row.rank),
                    "previous_rank": optional_int(row.previous_rank),
                    "movement": optional_int(row.movement),
                    "kpis_counted": int(row.kpis_counted),
                    "kpi_ranks": kpi_ranks.get(row.district, {}),
                }
                for row in ranking.itertuples(index=False)
            ],
        }
        print(json.dumps(payload, ensure_ascii=False, indent=2))
    else:
        print(
            t(
                "kpi.rank.title",
                lang,
                year=filters.year,
                as_of=filters.as_of.isoformat(),
                previous=previous_month_end(filters.as_of).isoformat(),
            )
        )
        notice = not_reported_notice(engine.scorecard(filters).results, lang)
        if ranking.empty and filters.district:
            print(t("kpi.rank.not_ranked", lang, district=filters.district))
        elif ranking.empty and notice:
            print(t("kpi.rank.empty_not_reported", lang))
        elif ranking.empty:
            print(t("kpi.rank.empty", lang))
        else:
            columns = ["rank", "district", "score", "previous", "movement", "counted"]
            header = [t(f"kpi.rank.col.{c}", lang) for c in columns]
            rows = []
            for row in ranking.itertuples(index=False):
                movement = optional_int(row.movement)
                rows.append(
                    [
                        str(optional_int(row.rank)),
                        row.district,
                        f"{row.score:.1f}",
                        "—" if optional_int(row.previous_rank) is None else str(row.previous_rank),
                        _movement(movement),
                        str(row.kpis_counted),
                    ]
                )
            print(_table(header, rows, right={0, 2, 3, 4, 5}))
            cap = engine.config().ranking_cap
            print(t("kpi.rank.note", lang, cap=f"{cap:g}"))
        if notice:
            print(t("kpi.cli.notice", lang, message=notice))
        mine = by_kpi[by_kpi["district"] == filters.district]
        if filters.district and not mine.empty:
            names = {d.id: d.name(lang) for d in engine.definitions()}
            print(t("kpi.rank.by_kpi", lang, district=filters.district))
            for row in mine.itertuples(index=False):
                print(
                    t(
                        "kpi.rank.kpi_line",
                        lang,
                        name=names.get(row.kpi_id, row.kpi_id),
                        rank=optional_int(row.rank) or "—",
                        completion=_percent(_clean(row.completion)),
                        expected=_percent(_clean(row.expected)),
                    )
                )
    _print_errors(errors, lang)
    return 1 if errors else 0


# ---------------------------------------------------------------------- check


def run_check(args: argparse.Namespace) -> int:
    """``check``: run every KPI query; print each problem with file and line; 1 if any."""
    lang = args.lang
    engine = _engine(args)
    if isinstance(engine, int):
        return engine
    errors = engine.errors()
    definitions = engine.definitions()
    broken = {e.kpi_id for e in errors}
    unparsed = {e.kpi_id for e in errors if e.path.suffix == ".sql"} - {d.id for d in definitions}
    count = len(definitions) + len(unparsed)
    rows = [
        [t("kpi.check.ok_tag", lang), d.path.name, d.name(lang), d.aggregation]
        for d in definitions
        if d.id not in broken
    ]
    if rows:
        header = [t(f"kpi.check.col.{c}", lang) for c in ("result", "file", "kpi", "aggregation")]
        print(_table(header, rows, right=set()))
    for error in errors:
        first, *rest = error.text(lang).splitlines() or [""]
        tag = t("kpi.check.error_tag", lang)
        print(f"{tag}  {error.where()}  {first}")
        indent = " " * (_width(tag) + 2)
        for line in rest:
            if line.strip():
                print(indent + line)
    for warning in engine.warnings():
        print(t("kpi.cli.warning", lang, where=warning.where(), message=warning.text(lang)))
    if errors:
        print(t("kpi.check.failed", lang, count=count, broken=len(errors)))
        return 1
    print(t("kpi.check.ok", lang, count=count))
    return 0
