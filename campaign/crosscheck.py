"""Checks that need the whole data folder, not one file: duplicate files and unit slips.

- :func:`refuse_duplicate_files`: a file whose valid rows all appear in another file of the
  same kind (the same extract uploaded twice as ``融资对接_2022-03 (1).csv``, or a part of
  an extract sent again) would count every row twice.  It is refused as a whole, with a
  message naming both files.  Which of two identical files is refused is decided by name:
  the one that looks like a copy (``(1)``, ``副本``, ``copy``, ...), else the later one in
  name order; a file contained in a larger one is always the one refused.
- :func:`check_amount_history`: 元 typed into a 万元 column for a whole file (or a number
  format that shows 元 as 万元) passes every check inside the file, because all its rows
  are off by the same factor.  Each file's median amount per row in each district is
  compared with the same district's earlier months of that kind; a factor of 100 or more
  either way is a warning that names the likely unit.
- :func:`identical_extract`: the upload path refuses a file byte-identical to an extract
  already in the folder.

All row work is SQL over the files' checked-row tables (see :mod:`campaign.validation`);
Python only sees one line per file, district and month.
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass
from pathlib import Path

import duckdb

from campaign.contracts import ExtractKind
from campaign.validation import FileReport

# A file's median per row this many times its district's history (or 1/this) is a unit slip.
UNIT_SLIP_FACTOR = 100

# Names the operating systems and people give a copy: "x (1).csv", "x（2）.csv", "x - 副本.csv",
# "x 副本.csv", "x - Copy.csv", "x copy 2.csv", "x_拷贝.csv", "x复制.csv".
_COPY_NAME = re.compile(
    r"[(（]\s*\d+\s*[)）]|副本|拷贝|复制|(?<![a-z])copy(?![a-z])", re.IGNORECASE
)


def looks_like_copy(filename: str) -> bool:
    """Whether a file's name (without its suffix) looks like a copy of another file."""
    return bool(_COPY_NAME.search(Path(filename).stem))


def _keep_order(path: str) -> tuple[bool, str]:
    """Of two files with the same rows, the one that sorts first is kept."""
    return (looks_like_copy(path), path)


def _quoted_columns(kind: ExtractKind) -> str:
    return ", ".join(f'"{c.name}"' for c in kind.columns)


def refuse_duplicate_files(
    con: duckdb.DuckDBPyConnection,
    kind: ExtractKind,
    reports: dict[str, FileReport],
    rows_tables: dict[str, str],
) -> list[str]:
    """Refuse every file of ``kind`` whose valid rows all appear in another file's valid rows.

    Refused files are taken out of ``rows_tables`` (so the kind's view never sees them) and
    get a file-level error naming the file they repeat.  Returns the refused paths.

    Cost: one pass of min/max per file; the exact row comparison (``EXCEPT``) runs only for
    pairs whose ranges allow one to contain the other, so files of different months or
    districts are never compared row by row, and a kind with one file costs nothing.
    """
    if len(rows_tables) < 2:
        return []
    # Cheap bounds first: a file's rows can all be in another file only if each bounded
    # column's range lies within the other's (periods, districts and amounts: files of
    # different months or districts never reach the row comparison).
    bounded = [kind.period_column, *(c.name for c in kind.columns if c.is_district)]
    if kind.amount_column:
        bounded.append(kind.amount_column)
    bounds_sql = ", ".join(f'min("{c}"), max("{c}")' for c in bounded)
    spans: dict[str, tuple[int, list[tuple[object, object]]]] = {}
    for path, table in rows_tables.items():
        count, *ends = con.execute(
            f'SELECT count(*), {bounds_sql} FROM "{table}" WHERE NOT _excluded'
        ).fetchall()[0]
        if count:
            spans[path] = (count, list(zip(ends[::2], ends[1::2], strict=True)))
    columns = _quoted_columns(kind)

    def within(inner: str, outer: str) -> bool:
        for (low, high), (outer_low, outer_high) in zip(
            spans[inner][1], spans[outer][1], strict=True
        ):
            if low is not None and (outer_low is None or low < outer_low):
                return False
            if high is not None and (outer_high is None or high > outer_high):
                return False
        missing = con.execute(
            f"""SELECT count(*) FROM (
                SELECT {columns} FROM "{rows_tables[inner]}" WHERE NOT _excluded
                EXCEPT SELECT {columns} FROM "{rows_tables[outer]}" WHERE NOT _excluded)"""
        ).fetchall()[0][0]
        return missing == 0

    contained_in: dict[str, list[str]] = {
        inner: [outer for outer in spans if outer != inner and within(inner, outer)]
        for inner in spans
    }

    def beaten_by(inner: str, outer: str) -> bool:
        # A strict subset always loses; of two equal files the copy-like / later name loses.
        return inner not in contained_in[outer] or _keep_order(outer) < _keep_order(inner)

    refused = sorted(
        inner
        for inner, outers in contained_in.items()
        if any(beaten_by(inner, outer) for outer in outers)
    )
    for inner in refused:
        # Containment is transitive, so a kept file holding these rows always exists.
        kept = sorted(
            (o for o in contained_in[inner] if o not in refused and beaten_by(inner, o)),
            key=_keep_order,
        ) or sorted(contained_in[inner], key=_keep_order)
        outer = kept[0]
        rows = spans[inner][0]
        if inner in contained_in[outer]:
            why = "copy" if looks_like_copy(inner) and not looks_like_copy(outer) else "name"
            reports[inner].add(
                "error", f"crosscheck.duplicate_file_{why}", other=outer, rows=f"{rows:,}"
            )
        else:
            reports[inner].add(
                "error",
                "crosscheck.duplicate_file_subset",
                other=outer,
                rows=f"{rows:,}",
                other_rows=f"{spans[outer][0]:,}",
            )
        con.execute(f'DROP TABLE "{rows_tables.pop(inner)}"')
    return refused


@dataclass(frozen=True)
class _DistrictMonths:
    """One file's rows of one district: its median amount per row in each month, and the
    median of those (for a file of one month, the median per row)."""

    path: str
    district: str
    median: float
    months: dict[str, float]  # "2022-03" -> median amount per row that month

    @property
    def first_month(self) -> str:
        return min(self.months)


def check_amount_history(
    con: duckdb.DuckDBPyConnection,
    kind: ExtractKind,
    reports: dict[str, FileReport],
    headers: dict[str, dict[str, str]],
    rows_tables: dict[str, str],
) -> None:
    """Warn where a file's amounts for a district are 100× (or 1/100) their usual size.

    For each file and district: the median amount per row (amounts above zero; for a file
    of several months, the median of its monthly medians) against the history, the median of
    that district's monthly medians in the months before the file's first month for it, from
    other files of the kind.  A file found off is left out of the history of later files, so
    one slipped month does not make the next one look wrong.
    The monthly medians come from one grouped query over the kind's view.
    """
    amount = kind.amount_column
    if amount is None or len(rows_tables) < 2:
        return
    period = kind.period_column
    found = con.execute(
        f"""SELECT source_file, district, date_trunc('month', "{period}"), median("{amount}")
        FROM "{kind.id}" WHERE "{amount}" > 0 AND "{period}" IS NOT NULL GROUP BY ALL"""
    ).fetchall()
    months: dict[tuple[str, str], dict[str, float]] = {}
    for path, district, month, median in found:
        months.setdefault((path, district), {})[month.strftime("%Y-%m")] = median
    parts = sorted(
        (
            _DistrictMonths(path, district, statistics.median(by_month.values()), by_month)
            for (path, district), by_month in months.items()
        ),
        key=lambda p: (p.first_month, p.path, p.district),
    )
    by_district: dict[str, list[_DistrictMonths]] = {}
    for part in parts:
        by_district.setdefault(part.district, []).append(part)
    off: set[tuple[str, str]] = set()
    for part in parts:
        history = [
            (month, median)
            for other in by_district[part.district]
            if other.path != part.path and (other.path, other.district) not in off
            for month, median in other.months.items()
            if month < part.first_month
        ]
        if not history:
            continue
        baseline = statistics.median(median for _, median in history)
        ratio = part.median / baseline
        if UNIT_SLIP_FACTOR > ratio > 1 / UNIT_SLIP_FACTOR:
            continue
        off.add((part.path, part.district))
        too_big = ratio >= UNIT_SLIP_FACTOR
        reports[part.path].add(
            "warning",
            "crosscheck.unit_slip_large" if too_big else "crosscheck.unit_slip_small",
            column=headers.get(part.path, {}).get(amount, kind.column(amount).header_zh),
            district=part.district,
            median=_number_text(part.median),
            baseline=_number_text(baseline),
            ratio=f"{ratio if too_big else 1 / ratio:,.0f}",
            first=min(month for month, _ in history),
            last=max(month for month, _ in history),
            months=len({month for month, _ in history}),
        )


def _number_text(value: float) -> str:
    if abs(value) < 0.01:
        return f"{value:.6f}".rstrip("0").rstrip(".")
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def identical_extract(data_dir: Path, name: str, content: bytes) -> str | None:
    """The name of an extract in ``data_dir`` (other than ``name``) with exactly ``content``."""
    folder = Path(data_dir) / "extracts"
    if not folder.is_dir():
        return None
    for path in sorted(folder.iterdir()):
        if (
            path.name == name
            or path.name.startswith((".", "~$"))
            or not path.is_file()
            or path.stat().st_size != len(content)
        ):
            continue
        if path.read_bytes() == content:
            return path.name
    return None
