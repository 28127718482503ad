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
from collections.abc import Callable
from dataclasses import dataclass, field
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


@dataclass
class RawTable:
    """A file's cells as a DuckDB FROM item of ``c0, c1, ...`` VARCHAR columns.

    Either a temporary table with a ``_line`` column (``positional`` False), or, on the fast
    path, a ``read_csv(...)`` call whose rows are numbered by their position: a query that
    keeps insertion order materialises it, and row ``rowid`` is on line ``rowid + 2``.  That
    holds only if the result has ``expected_rows`` rows (otherwise a record spanned lines or
    a blank line was skipped) and the read did not fail; when it does not hold, ``exact()``
    reads the file again with exact line numbers.
    """

    source: str
    headers: tuple[str, ...]
    encoding: str
    # Rows whose number of fields differs from the header's: (line, fields found, excluded).
    # Short rows are kept with the missing cells empty; rows with data beyond the header's
    # last column cannot be placed and are excluded (not in ``source``).
    ragged_rows: tuple[tuple[int, int, bool], ...] = ()
    positional: bool = False
    expected_rows: int | None = None
    exact: Callable[[], RawTable] | None = None
    temporary_files: list[Path] = field(default_factory=list)

    def close(self, con: duckdb.DuckDBPyConnection) -> None:
        """Drop the temporary table and files behind this source."""
        if not self.positional:
            con.execute(f"DROP TABLE IF EXISTS {self.source}")
        for path in self.temporary_files:
            path.unlink(missing_ok=True)


def normalise_header(text: str) -> str:
    """Fold a header cell for matching: full-width forms, spaces and case do not matter.

    ``" 金额(万元) "``, ``"金额（万元）"`` and ``"金额 （万元）"`` all fold to ``"金额(万元)"``.
    """
    folded = unicodedata.normalize("NFKC", text)
    return "".join(folded.split()).lower().lstrip("\ufeff")


# How much of a file the encoding is judged on; DuckDB checks the rest of a UTF-8 file as it
# reads, and a file that fails there is judged again on all of its bytes.
DETECT_BYTES = 1 << 20


def detect_encoding(data: bytes, whole: bool = False) -> str:
    """The encoding of a CSV's bytes: ``utf-8-sig``, ``utf-8``, ``gb18030`` (or ``utf-16``
    by its BOM, Excel's "Unicode text"), judged on the first :data:`DETECT_BYTES` unless
    ``whole``.  Raises UnreadableFile when none decodes it.
    """
    if data.startswith(codecs.BOM_UTF8):
        candidates = ["utf-8-sig"]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = ["utf-16"]
    else:
        candidates = ["utf-8", "gb18030"]
    sample = data if whole else data[:DETECT_BYTES]
    complete = len(sample) == len(data)
    for encoding in candidates:
        try:
            # Incremental: a character cut at the sample's end is not an error.
            codecs.getincrementaldecoder(encoding)().decode(sample, final=complete)
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
    """Open ``path`` (CSV or XLSX) as raw text cells; see :class:`RawTable`.

    The caller closes the result (``raw.close(con)``).
    """
    if path.suffix.lower() == ".xlsx":
        return _read_xlsx(path, con, table)
    return _read_csv(path, con, table)


def _read_csv(path: Path, con: duckdb.DuckDBPyConnection, table: str) -> RawTable:
    data = path.read_bytes()
    if not data[:65536].strip() and not data.strip():  # (no copy of a large file)
        raise UnreadableFile("validation.empty_file")
    if b"\x00" in data[:4096] and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise UnreadableFile("validation.not_a_table", detail="binary")
    encoding = detect_encoding(data)
    text: str | None = None
    if encoding in ("utf-8", "utf-8-sig"):
        end = data.find(b"\n")
        first_line = data[: end if end >= 0 else len(data)].decode(encoding, errors="replace")
    else:
        text = data.decode(encoding)
        first_line = text.split("\n", 1)[0]
    delimiter = _sniff_delimiter(first_line)
    headers = next(csv.reader([first_line.rstrip("\r").lstrip("\ufeff")], delimiter=delimiter), [])
    headers = [h.strip() for h in headers]
    if not any(headers):
        raise UnreadableFile("validation.empty_file")

    def exact() -> RawTable:
        if text is not None:
            return _read_csv_exact(text, encoding, delimiter, headers, con, table)
        try:
            return _read_csv_exact(data.decode(encoding), encoding, delimiter, headers, con, table)
        except UnicodeDecodeError:  # valid UTF-8 at the start only: judge the whole file
            whole = detect_encoding(data, whole=True)
            return _read_csv_exact(data.decode(whole), whole, delimiter, headers, con, table)

    if b'"' not in data and (b"\n\n" in data or b"\n\r\n" in data):
        return exact()  # blank lines: DuckDB skips them, so positions would not be lines
    source = path
    temporary: list[Path] = []
    if encoding not in ("utf-8", "utf-8-sig"):
        fd, name = tempfile.mkstemp(suffix=".csv", prefix="campaign-utf8-")
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as out:
            out.write(text if text is not None else data.decode(encoding))
        source = Path(name)
        temporary.append(source)
    columns = "{" + ", ".join(f"'c{i}': 'VARCHAR'" for i in range(len(headers))) + "}"
    quoted_path = str(source).replace("'", "''")
    delim_sql = delimiter.replace("'", "''")
    return RawTable(
        source=(
            f"read_csv('{quoted_path}', header = false, skip = 1, auto_detect = false, "
            f"columns = {columns}, delim = '{delim_sql}', quote = '\"', escape = '\"')"
        ),
        headers=tuple(headers),
        encoding=encoding,
        positional=True,
        expected_rows=_count_lines(data) - 1,
        exact=exact,
        temporary_files=temporary,
    )


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
    return RawTable(f'"{table}"', tuple(headers), encoding, tuple(ragged))


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
    return RawTable(f'"{table}"', tuple(headers), "xlsx", tuple(ragged))
