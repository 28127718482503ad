"""Read one extract file into a DuckDB table of raw text cells, keeping line numbers.

What people send: CSV exported from Excel on Chinese Windows (GB18030/GBK), UTF-8 with or
without a BOM, sometimes an ``.xlsx`` workbook.  The reader does not judge cells; it only
turns a file into ``(_line, c0, c1, ...)`` rows of VARCHAR, where ``_line`` is the line
number a person sees in the file (the header is line 1), plus the header cells.

Two paths, one result:
- fast: DuckDB's ``read_csv`` straight on the file (a GB18030 file is first transcoded to a
  temporary UTF-8 copy).  Its rows map to lines exactly when the number of records equals
  the number of physical lines after the header (no blank lines, no line breaks inside
  quoted cells), which is checked;
- exact: Python's ``csv`` module, which reports where every record starts.  Used for any
  file the fast path cannot map or parse (ragged rows, blank lines, quoted line breaks).
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import os
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

EXTRACT_SUFFIXES = (".csv", ".xlsx")


class UnreadableFile(Exception):
    """A file that cannot be read as a table at all; ``key`` names the reason in the catalog."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


@dataclass(frozen=True)
class RawTable:
    """A file loaded as raw text into ``table`` of a DuckDB connection."""

    table: str
    headers: tuple[str, ...]
    encoding: str
    rows: int
    # Rows whose number of fields differs from the header's: (line, fields found, excluded).
    # Short rows are kept with the missing cells empty; rows with data beyond the header's
    # last column cannot be placed and are excluded (not in ``table``).
    ragged_rows: tuple[tuple[int, int, bool], ...] = ()
    # SQL giving a row's line in the file: the fast path numbers rows by their position.
    line_sql: str = "_line"


def normalise_header(text: str) -> str:
    """Fold a header cell for matching: full-width forms, spaces and case do not matter.

    ``" 金额(万元) "``, ``"金额（万元）"`` and ``"金额 （万元）"`` all fold to ``"金额(万元)"``.
    """
    folded = unicodedata.normalize("NFKC", text)
    return "".join(folded.split()).lower().lstrip("\ufeff")


def detect_encoding(sample: bytes) -> str:
    """The encoding of a CSV's bytes: ``utf-8-sig``, ``utf-8`` or ``gb18030``.

    Raises UnreadableFile when none decodes it.  UTF-16 (Excel's "Unicode text") is
    recognised by its BOM.
    """
    if sample.startswith(codecs.BOM_UTF8):
        candidates = ["utf-8-sig"]
    elif sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = ["utf-16"]
    else:
        candidates = ["utf-8", "gb18030"]
    for encoding in candidates:
        try:
            sample.decode(encoding)
        except UnicodeDecodeError:
            continue
        return encoding
    raise UnreadableFile("validation.unreadable_encoding")


def _sniff_delimiter(header_line: str) -> str:
    counts = {d: header_line.count(d) for d in (",", "\t", ";", "|")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > 0 else ","


def _count_lines(data: bytes) -> int:
    if not data:
        return 0
    return data.count(b"\n") + (0 if data.endswith(b"\n") else 1)


def read_extract(path: Path, con: duckdb.DuckDBPyConnection, table: str) -> RawTable:
    """Load ``path`` (CSV or XLSX) into ``table`` as ``(_line BIGINT, c0.. VARCHAR)``."""
    if path.suffix.lower() == ".xlsx":
        return _read_xlsx(path, con, table)
    return _read_csv(path, con, table)


def _read_csv(path: Path, con: duckdb.DuckDBPyConnection, table: str) -> RawTable:
    data = path.read_bytes()
    if not data.strip():
        raise UnreadableFile("validation.empty_file")
    if b"\x00" in data[:4096] and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise UnreadableFile("validation.not_a_table", detail="binary")
    encoding = detect_encoding(data)
    text: str | None = None
    if encoding in ("utf-8", "utf-8-sig"):
        first_line = data.split(b"\n", 1)[0].decode(encoding, errors="replace")
    else:
        text = data.decode(encoding)
        first_line = text.split("\n", 1)[0]
    delimiter = _sniff_delimiter(first_line)
    headers = next(csv.reader([first_line.rstrip("\r").lstrip("\ufeff")], delimiter=delimiter), [])
    headers = [h.strip() for h in headers]
    if not any(headers):
        raise UnreadableFile("validation.empty_file")

    fast = _read_csv_fast(path, data, text, encoding, delimiter, headers, con, table)
    if fast is not None:
        return fast
    if text is None:
        text = data.decode(encoding)
    return _read_csv_exact(text, encoding, delimiter, headers, con, table)


def _read_csv_fast(
    path: Path,
    data: bytes,
    text: str | None,
    encoding: str,
    delimiter: str,
    headers: list[str],
    con: duckdb.DuckDBPyConnection,
    table: str,
) -> RawTable | None:
    """DuckDB's reader; None when its rows cannot be mapped to lines exactly."""
    if b'"' not in data and (b"\n\n" in data or b"\n\r\n" in data):
        return None  # blank lines: DuckDB skips them, so rows would not map to lines
    source = path
    tmp: Path | None = None
    if encoding not in ("utf-8", "utf-8-sig"):
        fd, name = tempfile.mkstemp(suffix=".csv", prefix="campaign-utf8-")
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as out:
            out.write(text if text is not None else data.decode(encoding))
        tmp = source = Path(name)
    width = len(headers)
    columns = "{" + ", ".join(f"'c{i}': 'VARCHAR'" for i in range(width)) + "}"
    delim_sql = delimiter.replace("'", "''")
    try:
        con.execute(
            f"""CREATE OR REPLACE TEMP TABLE "{table}" AS
            SELECT * FROM read_csv(?, header = false, skip = 1, auto_detect = false,
                columns = {columns}, delim = '{delim_sql}', quote = '"', escape = '"')""",
            [str(source)],
        )
        rows = con.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
        if rows != _count_lines(data) - 1:
            con.execute(f'DROP TABLE "{table}"')
            return None
        # The table keeps the file's order, so its rowid is the record's position.
        return RawTable(table, tuple(headers), encoding, rows, line_sql="CAST(rowid + 2 AS BIGINT)")
    except duckdb.Error:
        con.execute(f'DROP TABLE IF EXISTS "{table}"')
        return None
    finally:
        if tmp is not None:
            tmp.unlink(missing_ok=True)


def _read_csv_exact(
    text: str,
    encoding: str,
    delimiter: str,
    headers: list[str],
    con: duckdb.DuckDBPyConnection,
    table: str,
) -> RawTable:
    """Python's csv module: exact line numbers for any file, ragged rows recorded."""
    width = len(headers)
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""), delimiter=delimiter)
    next(reader, None)  # the header
    lines: list[int] = []
    cells: list[list[str | None]] = [[] for _ in range(width)]
    ragged: list[tuple[int, int, bool]] = []
    previous_end = reader.line_num
    for record in reader:
        start = previous_end + 1
        previous_end = reader.line_num
        if not record or all(not cell.strip() for cell in record):
            continue  # blank line or a row of empty cells
        if len(record) != width:
            overflow = any(cell.strip() for cell in record[width:])
            ragged.append((start, len(record), overflow))
            if overflow:
                continue  # data beyond the header's columns cannot be placed
        lines.append(start)
        for i in range(width):
            value = record[i] if i < len(record) else None
            cells[i].append(value if value != "" else None)
    frame = pd.DataFrame({"_line": pd.array(lines, dtype="int64")})
    for i in range(width):
        frame[f"c{i}"] = pd.array(cells[i], dtype="object")
    _store_frame(con, table, frame, width)
    return RawTable(table, tuple(headers), encoding, len(lines), tuple(ragged))


def _store_frame(
    con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame, width: int
) -> None:
    casts = ", ".join(f"CAST(c{i} AS VARCHAR) AS c{i}" for i in range(width))
    con.register(f"{table}_frame", frame)
    try:
        con.execute(
            f"""CREATE OR REPLACE TEMP TABLE "{table}" AS
            SELECT CAST(_line AS BIGINT) AS _line{", " + casts if width else ""}
            FROM "{table}_frame" """
        )
    finally:
        con.unregister(f"{table}_frame")


def _cell_text(value: object) -> str | None:
    """An Excel cell as the text a person sees (dates as 2021-03-05, 12.0 as 12)."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value)
    return text if text.strip() else None


def _read_xlsx(path: Path, con: duckdb.DuckDBPyConnection, table: str) -> RawTable:
    from openpyxl import load_workbook  # imported lazily: only xlsx uploads need it

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a non-workbook
        raise UnreadableFile("validation.not_a_table", detail=type(exc).__name__) from exc
    try:
        sheet = workbook.worksheets[0]
        headers: list[str] | None = None
        lines: list[int] = []
        rows: list[list[str | None]] = []
        ragged: list[tuple[int, int, bool]] = []
        for line, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            cells = [_cell_text(v) for v in values]
            if headers is None:
                if any(cells):
                    headers = [(c or "").strip() for c in cells]
                    while headers and not headers[-1]:
                        headers.pop()
                continue
            if not any(c is not None and c.strip() for c in cells):
                continue
            width = len(headers)
            if any(c is not None and c.strip() for c in cells[width:]):
                found = max(i for i, c in enumerate(cells) if c is not None and c.strip()) + 1
                ragged.append((line, found, True))
                continue
            lines.append(line)
            rows.append((cells + [None] * width)[:width])
    finally:
        workbook.close()
    if not headers:
        raise UnreadableFile("validation.empty_file")
    width = len(headers)
    frame = pd.DataFrame({"_line": pd.array(lines, dtype="int64")})
    for i in range(width):
        frame[f"c{i}"] = pd.array([r[i] for r in rows], dtype="object")
    _store_frame(con, table, frame, width)
    return RawTable(table, tuple(headers), "xlsx", len(lines), tuple(ragged))
