"""Read one extract file into DuckDB tables of raw text cells, keeping true line numbers.

What people send: CSV exported from Excel on Chinese Windows (GB18030/GBK), UTF-8 with or
without a BOM, tab-separated ``.txt``/``.tsv``, ``.xlsx`` workbooks with a sheet per month,
real Excel 97-2003 ``.xls`` and WPS ``.et`` files, and ``.xls`` files that are really an HTML
table, an ``.xlsx`` or text.  The format is judged from the bytes (:func:`sniff_format`), not
the suffix.  The reader does not judge cells; it turns a file into one :class:`Part` per
table (a text file, or each sheet of a workbook that holds one), each giving
``(_line, c0, c1, ...)`` rows of VARCHAR plus the header cells, where ``_line`` is the line
(or sheet row) a person sees.  Title rows, blank rows, grouped two-row headers and
column-number rows above the data, and footnotes below it, are found by
:mod:`campaign.table_layout` and left out, the footnotes with a note.

Two paths for text, one result:
- fast: DuckDB's ``read_csv`` straight on the file (a GB18030 file is first transcoded to a
  temporary UTF-8 copy).  Its rows map to lines exactly when the number of records equals
  the number of physical lines between header and footnotes (no blank lines, no line
  breaks inside quoted cells), which is checked;
- exact: Python's ``csv`` module, which reports where every record starts.  Used for any
  file the fast path cannot map or parse (ragged rows, blank lines, quoted line breaks).
Workbooks are read in Python (:mod:`campaign.workbooks`).

Limits, so that no upload can take the server down: at most :data:`MAX_COLUMNS` columns, lines
of at most :data:`MAX_LINE_BYTES`, and workbooks that unpack to at most
:data:`MAX_UNPACKED_BYTES`; each refusal says why and what to do.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import os
import re
import tempfile
import unicodedata
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import pandas as pd

from campaign.table_layout import (
    HeaderGuide,
    Layout,
    Row,
    find_layout,
    header_score,
    is_footnote,
    row_text,
    trailing_footnotes,
)

if TYPE_CHECKING:
    from campaign.workbooks import Sheet

# A blank line (one regex pass over the bytes: 3.5× faster than two `in` tests).
_BLANK_LINE = re.compile(rb"\n\r?\n")

# Files read from extracts/ (the format itself is judged from the bytes).
EXTRACT_SUFFIXES = (".csv", ".tsv", ".txt", ".xlsx", ".xlsm", ".xls", ".et")
# Files in extracts/ passed over without a word: hidden files, Excel's lock files, Windows'.
IGNORED_NAMES = ("thumbs.db", "desktop.ini")

# No extract has more than a dozen columns; a header of thousands is not a table.
MAX_COLUMNS = 1_000
# A line longer than this is not a row of an extract (DuckDB's own limit is 2 MB).
MAX_LINE_BYTES = 1 << 20
# A workbook's parts may unpack to at most this much (a 1-million-row sheet is about 150 MB).
MAX_UNPACKED_BYTES = 400_000_000
# A large member packed tighter than this is a zip bomb (sheet XML packs about 10:1).
MAX_PACK_RATIO = 200
# A sheet whose header names fewer of the kind's columns than this holds another table.
MIN_HEADER_MATCHES = 2


class UnreadableFile(Exception):
    """A file (or sheet) that cannot be read as a table; ``key`` names the reason in the
    catalog.  ``notes`` may list more precise findings (cell by cell) instead."""

    def __init__(
        self,
        key: str,
        line: int | None = None,
        column: str | None = None,
        value: str | None = None,
        notes: Sequence[ReadNote] = (),
        **params: object,
    ) -> None:
        super().__init__(key)
        self.key = key
        self.params = params
        self.notes: tuple[ReadNote, ...] = tuple(notes) or (
            ReadNote("error", key, line, column, value, tuple(params.items())),
        )


@dataclass(frozen=True)
class ReadNote:
    """Something the reader found that the report must say (a skipped sheet, a footnote)."""

    severity: str  # "error" or "warning"
    key: str
    line: int | None = None
    column: str | None = None
    value: str | None = None
    params: tuple[tuple[str, object], ...] = ()


@dataclass
class RawTable:
    """A table's cells as a DuckDB FROM item of ``c0, c1, ...`` VARCHAR columns.

    Either a temporary table with a ``_line`` column (``positional`` False), or, on the fast
    path, a ``read_csv(...)`` call whose rows are numbered by their position: a query that
    keeps insertion order materialises it, and row ``rowid`` is on line ``rowid +
    first_line``.  That holds only if the result has ``expected_rows`` rows (otherwise a
    record spanned lines or a blank line was skipped) and the read did not fail; when it
    does not hold, ``exact()`` reads the file again with exact line numbers.
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
    first_line: int = 2  # the line of the first data row (positional tables)
    header_line: int = 1

    def close(self, con: duckdb.DuckDBPyConnection) -> None:
        """Drop the temporary table and files behind this source."""
        if not self.positional:
            con.execute(f"DROP TABLE IF EXISTS {self.source}")
        for path in self.temporary_files:
            path.unlink(missing_ok=True)


@dataclass
class Part:
    """One table of a file: the whole of a text file, or one sheet of a workbook.

    ``notes`` are what the report must say about it (for a workbook's first part, also about
    the sheets that were not read); ``load`` puts its cells into DuckDB (it may raise
    :class:`UnreadableFile`, e.g. for formulas without results).
    """

    sheet: str | None
    encoding: str
    notes: list[ReadNote]
    load: Callable[[duckdb.DuckDBPyConnection, str], RawTable]
    kind: str | None = None  # set when the sheet, not the file name, tells the kind


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


# --- What a file is ------------------------------------------------------------------------

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_HTML_START = re.compile(rb"^\s*(<!doctype\s+html|<html|<table|<head|<meta|<body|<style)", re.I)


def sniff_format(head: bytes) -> str:
    """What a file really is, from its first bytes: ``zip`` (an .xlsx), ``ole`` (Excel
    97-2003 or WPS), ``html`` (a web page saved as .xls), ``xml2003`` (Excel 2003 XML),
    ``binary`` (something else that is not text) or ``text`` (CSV, TSV...)."""
    if head.startswith(b"PK\x03\x04"):
        return "zip"
    if head.startswith(_OLE_MAGIC):
        return "ole"
    for bom, codec in ((codecs.BOM_UTF16_LE, "utf-16-le"), (codecs.BOM_UTF16_BE, "utf-16-be")):
        if head.startswith(bom):
            head = head[len(bom) :].decode(codec, errors="ignore").encode("utf-8")
    text = head.lstrip(codecs.BOM_UTF8)
    if _HTML_START.match(text):
        return "html"
    lowered = text[:4096].lower()
    if text.lstrip().startswith(b"<?xml"):
        if b"urn:schemas-microsoft-com:office:spreadsheet" in lowered:
            return "xml2003"
        if b"<html" in lowered:
            return "html"
    if b"\x00" in head[:4096] and not head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "binary"
    return "text"


def open_extract(path: Path, guide: HeaderGuide) -> list[Part]:
    """The tables of an extract file: one part for a text file, one per table sheet of a
    workbook (at least one).  ``guide`` maps the kind's normalised headers to (column, type)
    and is how the header row and the table sheets are found.  Raises UnreadableFile when
    the file as a whole cannot be read.
    """
    workbook = _read_workbook(path)
    if workbook is None:
        # Text: a CSV by another name is read as one, but a "workbook" of text must at
        # least carry the kind's header to be taken for a table.
        return [_text_part(path, guide, path.suffix.lower() in (".xlsx", ".xlsm"))]
    sheets, encoding = workbook
    return _workbook_parts(sheets, guide, encoding)


def open_workbook_by_sheet(
    path: Path, guides: Mapping[str, HeaderGuide], kind_of_name: Callable[[str], str | None]
) -> list[Part]:
    """The tables of a workbook whose file name names no kind (城阳区2022年3月.xlsx with a
    sheet per kind): each visible sheet is of the kind its name starts with, else of the
    one kind whose columns its header names most (at least :data:`MIN_HEADER_MATCHES`).
    Parts carry their ``kind``; none found (or a text file) raises UnreadableFile.
    """
    workbook = _read_workbook(path)
    if workbook is None:
        raise UnreadableFile("validation.unknown_kind")
    sheets, encoding = workbook
    notes: list[ReadNote] = []
    groups: dict[str, list[Sheet]] = {}
    for sheet in sheets:
        if not sheet.rows:
            continue
        if sheet.hidden or _INSTRUCTION_SHEET.search(sheet.name):
            notes.append(_skipped_sheet(sheet))
            continue
        kind = kind_of_name(sheet.name)
        if kind is None:
            first_rows = [(line, _plain(values)) for line, values in sheet.rows[:60]]
            scores = []
            for kind_id, guide in guides.items():
                layout = find_layout(first_rows, guide)
                score = header_score(layout.headers, guide) if layout else 0
                scores.append((score, kind_id))
            scores.sort(reverse=True)
            best, runner_up = scores[0], scores[1] if len(scores) > 1 else (0, None)
            if best[0] >= MIN_HEADER_MATCHES and best[0] > runner_up[0]:
                kind = best[1]
        if kind is None:
            notes.append(
                ReadNote("warning", "reader.sheet_of_no_kind", params=(("sheet", sheet.name),))
            )
            continue
        groups.setdefault(kind, []).append(sheet)
    if not groups:
        raise UnreadableFile("validation.unknown_kind")
    parts: list[Part] = []
    for kind, group in groups.items():
        for part in _workbook_parts(group, guides[kind], encoding):
            part.kind = kind
            parts.append(part)
    parts[0].notes[:0] = notes
    return parts


def _read_workbook(path: Path) -> tuple[list[Sheet], str] | None:
    """A workbook's sheets and its format's name, or None for a text file."""
    with path.open("rb") as handle:
        head = handle.read(8192)
    kind = sniff_format(head)
    if kind == "zip":
        from campaign.workbooks import read_xlsx

        return read_xlsx(path), "xlsx"
    if kind == "ole":
        from campaign.workbooks import read_xls

        return read_xls(path), "xls"
    if kind == "xml2003":
        raise UnreadableFile("reader.xml_spreadsheet")
    if kind == "binary":
        raise UnreadableFile("validation.not_a_table", detail="binary")
    if kind == "html":
        from campaign.workbooks import read_html_table

        data = path.read_bytes()
        encoding = _html_encoding(data)
        return read_html_table(data.decode(encoding, errors="replace"), path.stem), (
            f"html ({encoding})"
        )
    return None


def _html_encoding(data: bytes) -> str:
    declared = re.search(rb"charset\s*=\s*[\"']?([a-z0-9_-]+)", data[:4096], re.I)
    if declared:
        name = declared.group(1).decode("ascii").lower()
        if name in ("gb2312", "gbk", "gb18030", "cp936"):
            return "gb18030"
        try:
            codecs.lookup(name)
            return name
        except LookupError:
            pass
    return detect_encoding(data)


# --- Text: CSV, TSV, TXT --------------------------------------------------------------------

_DELIMITERS = (",", "\t", ";", "|", "，")
# How much of the start and the end of a text file the layout is judged on.
_HEAD_CHARS = 256 * 1024
_TAIL_CHARS = 64 * 1024


def _sniff_delimiter(line: str) -> str:
    counts = {d: line.count(d) for d in _DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > 0 else ","


def _count_lines(data: bytes) -> int:
    if not data:
        return 0
    return data.count(b"\n") + (0 if data.endswith(b"\n") else 1)


def _records(text: str, delimiter: str, first_line: int = 1) -> Iterator[tuple[int, list[str]]]:
    """(line where the record starts, cells) for each record of ``text``."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    previous_end = 0
    for record in reader:
        yield previous_end + first_line, record
        previous_end = reader.line_num


def _head_rows(text: str, delimiter: str, limit: int = 60) -> list[Row]:
    """The first records of ``text``; those before a record the csv module cannot parse
    (the full read reports that one at its line)."""
    rows: list[Row] = []
    try:
        for line, record in _records(text, delimiter):
            rows.append((line, record))
            if len(rows) >= limit:
                break
    except csv.Error:
        pass
    return rows


def _check_first_line(data: bytes, encoding: str) -> None:
    """Refuse a file whose first line alone is too wide or too long, before parsing it."""
    if encoding == "utf-16":
        return  # decoded in full below; the checks on the parsed header apply
    end = data.find(b"\n")
    end = len(data) if end < 0 else end
    codec = "utf-8" if encoding == "utf-8-sig" else encoding  # (no BOM before each comma)
    widest = max(data.count(d.encode(codec), 0, end) for d in _DELIMITERS) + 1
    if widest > MAX_COLUMNS:
        raise UnreadableFile(
            "reader.too_many_columns", line=1, count=f"{widest:,}", limit=MAX_COLUMNS
        )
    if end > MAX_LINE_BYTES:
        raise UnreadableFile(
            "reader.line_too_long",
            line=1,
            size_kb=f"{end / 1024:,.0f}",
            limit_kb=MAX_LINE_BYTES // 1024,
        )


def _text_layout(head: str, guide: HeaderGuide, whole: bool) -> tuple[str, Layout]:
    """The delimiter and layout that find the best header in the first lines (``head``, the
    whole file when ``whole``, else cut after its last complete line)."""
    complete = head if whole or "\n" not in head else head[: head.rfind("\n") + 1]
    best: tuple[int, int, str, Layout, list[Row]] | None = None
    for order, delimiter in enumerate(_DELIMITERS):
        if delimiter not in complete:
            continue
        rows = _head_rows(complete, delimiter)
        layout = find_layout(rows, guide)
        if layout is None:
            continue
        score = header_score(layout.headers, guide)
        candidate = (score, -order, delimiter, layout, rows)
        if best is None or candidate[:2] > best[:2]:
            best = candidate
    if best is None or best[0] == 0:
        first = next((line for line in complete.split("\n") if line.strip()), "")
        delimiter = _sniff_delimiter(first)
        layout = find_layout(_head_rows(complete, delimiter), guide)
        if layout is None:
            raise UnreadableFile("validation.empty_file")
        return delimiter, layout
    return best[2], best[3]


def _tail_footnotes(tail: str, last_line: int, delimiter: str, layout: Layout) -> list[Row]:
    """Footnote rows at the end of a text file, judged on its last lines."""
    lines = tail.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    rows: list[Row] = []
    for offset, text in enumerate(reversed(lines[1:])):
        if '"' in text:
            break  # a quoted cell may span lines: no line-by-line judgement here
        cells = next(csv.reader([text.rstrip("\r")], delimiter=delimiter), [])
        rows.append((last_line - offset, cells))
        if len(rows) > 40:
            break
    rows.reverse()
    if not any(is_footnote(cells) for _, cells in rows):
        return []
    return trailing_footnotes(rows, layout.data_start_line)


def _footnote_notes(footnotes: Sequence[Row]) -> list[ReadNote]:
    return [
        ReadNote("warning", "reader.footnote_ignored", line, value=row_text(cells))
        for line, cells in footnotes
    ]


def _text_part(path: Path, guide: HeaderGuide, needs_header: bool = False) -> Part:
    data = path.read_bytes()
    if not data[:65536].strip() and not data.strip():  # (no copy of a large file)
        raise UnreadableFile("validation.empty_file")
    encoding = detect_encoding(data)
    _check_first_line(data, encoding)
    text: str | None = None
    if encoding in ("utf-8", "utf-8-sig"):
        decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
        whole = len(data) <= _HEAD_CHARS
        head = decoder.decode(data[:_HEAD_CHARS], final=whole)
        tail_start = max(0, len(data) - _TAIL_CHARS)
        tail = data[tail_start:].decode("utf-8", errors="replace")
    else:
        text = data.decode(encoding)
        head, tail = text[:_HEAD_CHARS], text[-_TAIL_CHARS:]
        whole = len(text) <= _HEAD_CHARS
        tail_start = 0 if len(text) <= _TAIL_CHARS else 1
    head = head.lstrip("\ufeff")
    delimiter, layout = _text_layout(head, guide, whole)
    headers = layout.headers
    if needs_header and header_score(headers, guide) < MIN_HEADER_MATCHES:
        raise UnreadableFile("reader.not_a_workbook", suffix=path.suffix)
    if len(headers) > MAX_COLUMNS:
        raise UnreadableFile(
            "reader.too_many_columns",
            line=layout.header_line,
            count=f"{len(headers):,}",
            limit=MAX_COLUMNS,
        )
    if not any(headers):
        raise UnreadableFile("validation.empty_file")
    total_lines = _count_lines(data)
    # A tail that is the whole file gets an empty first line, as a cut tail's partial first
    # line is dropped.
    footnotes = _tail_footnotes(tail if tail_start else "\n" + tail, total_lines, delimiter, layout)
    ignored_from = footnotes[0][0] if footnotes else None
    first_data = layout.data_start_line

    def load(con: duckdb.DuckDBPyConnection, table: str) -> RawTable:
        def exact() -> RawTable:
            def read(decoded: str, name: str) -> RawTable:
                return _read_csv_exact(decoded, name, delimiter, layout, ignored_from, con, table)

            if text is not None:
                return read(text, encoding)
            try:
                return read(data.decode(encoding), encoding)
            except UnicodeDecodeError:  # valid UTF-8 at the start only: judge the whole file
                judged = detect_encoding(data, whole=True)
                return read(data.decode(judged), judged)

        if encoding == "utf-16" or (b'"' not in data and _BLANK_LINE.search(data) is not None):
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
        last_line = (ignored_from - 1) if ignored_from else total_lines
        expected = max(last_line - first_data + 1, 0)
        read = (
            f"read_csv('{quoted_path}', header = false, skip = {first_data - 1}, "
            f"auto_detect = false, columns = {columns}, delim = '{delim_sql}', quote = '\"', "
            f"escape = '\"', max_line_size = {MAX_LINE_BYTES})"
        )
        if ignored_from:
            read = f"(SELECT * FROM {read} LIMIT {expected})"
        return RawTable(
            source=read,
            headers=tuple(headers),
            encoding=encoding,
            positional=True,
            expected_rows=expected,
            exact=exact,
            temporary_files=temporary,
            first_line=first_data,
            header_line=layout.header_line,
        )

    return Part(sheet=None, encoding=encoding, notes=_footnote_notes(footnotes), load=load)


def _lines_within_limit(text: str) -> Iterator[str]:
    """The lines of ``text`` for the csv module, refusing one longer than the limit."""
    for number, line in enumerate(io.StringIO(text, newline=""), start=1):
        if len(line) > MAX_LINE_BYTES:
            raise UnreadableFile(
                "reader.line_too_long",
                line=number,
                size_kb=f"{len(line.encode()) / 1024:,.0f}",
                limit_kb=MAX_LINE_BYTES // 1024,
            )
        yield line


def _read_csv_exact(
    text: str,
    encoding: str,
    delimiter: str,
    layout: Layout,
    ignored_from: int | None,
    con: duckdb.DuckDBPyConnection,
    table: str,
) -> RawTable:
    """Python's csv module: exact line numbers for any file, ragged rows recorded."""
    headers = layout.headers
    width = len(headers)
    reader = csv.reader(_lines_within_limit(text.lstrip("\ufeff")), delimiter=delimiter)
    lines: list[int] = []
    cells: list[list[str | None]] = [[] for _ in range(width)]
    ragged: list[tuple[int, int, bool]] = []
    previous_end = 0
    while True:
        start = previous_end + 1
        try:
            record = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:  # a field past csv's size limit, a NUL...
            if "field limit" in str(exc):
                raise UnreadableFile(
                    "reader.field_too_large", line=start, limit_kb=csv.field_size_limit() // 1024
                ) from exc
            raise UnreadableFile("reader.bad_record", line=start, detail=str(exc)) from exc
        previous_end = reader.line_num
        if start < layout.data_start_line:
            continue  # title, header, column numbers
        if ignored_from is not None and start >= ignored_from:
            break  # footnotes (reported as notes)
        if len(record) > MAX_COLUMNS:
            raise UnreadableFile(
                "reader.too_many_columns", line=start, count=f"{len(record):,}", limit=MAX_COLUMNS
            )
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
    return RawTable(
        f'"{table}"', tuple(headers), encoding, tuple(ragged), header_line=layout.header_line
    )


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


# --- Workbooks -------------------------------------------------------------------------------

# Excel serial numbers of 1950-01-01 and 2099-12-31: a number in a date column within these
# is a date shown without a date format (44627 is 2022-03-07); others stay as written.
_SERIAL_RANGE = (18_264, 73_050)
_INSTRUCTION_SHEET = re.compile(r"说明|须知|指南|填报要求|指标解释|readme|instruction", re.I)
# A sheet that sums up the others (2022年汇总, 1-3月合计): read beside them it counts twice.
_SUMMARY_SHEET = re.compile(r"汇总|合计|总计|总表|^\s*(total|summary)", re.I)


def _cell_text(
    value: object, column_type: str | None = None, epoch: dt.datetime | None = None
) -> str | None:
    """An Excel cell as the text a person sees (dates as 2021-03-05, 12.0 as 12); a number in
    a date column is an Excel serial date in the workbook's date system."""
    if value is None:
        return None
    if (
        column_type == "date"
        and isinstance(value, int | float)
        and not isinstance(value, bool)
        and _SERIAL_RANGE[0] <= value <= _SERIAL_RANGE[1]
    ):
        value = (epoch or dt.datetime(1899, 12, 30)) + dt.timedelta(days=float(value))
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.replace(microsecond=0).isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.isoformat()
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value)
    return text if text.strip() else None


def _plain(values: Sequence[object]) -> list[str | None]:
    from campaign.workbooks import is_uncomputed

    return [None if is_uncomputed(v) else _cell_text(v) for v in values]


def _skipped_sheet(sheet: Sheet) -> ReadNote:
    key = "reader.hidden_sheet" if sheet.hidden else "reader.instruction_sheet"
    return ReadNote("warning", key, params=(("sheet", sheet.name),))


def _workbook_parts(sheets: list[Sheet], guide: HeaderGuide, encoding: str) -> list[Part]:
    """The sheets that hold the kind's table, each a part; notes for those passed over."""
    file_notes: list[ReadNote] = []
    tables: list[tuple[Sheet, Layout]] = []
    others: list[tuple[Sheet, Layout]] = []
    for sheet in sheets:
        if not sheet.rows:
            continue  # an empty sheet (Sheet2, Sheet3): nothing to say
        if sheet.hidden or _INSTRUCTION_SHEET.search(sheet.name):
            file_notes.append(_skipped_sheet(sheet))
            continue
        first_rows = [(line, _plain(values)) for line, values in sheet.rows[:60]]
        layout = find_layout(first_rows, guide)
        if layout is None:
            continue
        if header_score(layout.headers, guide) >= MIN_HEADER_MATCHES:
            tables.append((sheet, layout))
        else:
            others.append((sheet, layout))
    if len(tables) > 1:
        kept = [(s, lay) for s, lay in tables if not _SUMMARY_SHEET.search(s.name)]
        for sheet, _ in tables:
            if _SUMMARY_SHEET.search(sheet.name) and kept:
                file_notes.append(
                    ReadNote("warning", "reader.summary_sheet", params=(("sheet", sheet.name),))
                )
        tables = kept or tables
    if not tables:
        if not others:  # nothing but hidden, instruction or empty sheets
            raise UnreadableFile(
                "validation.empty_file",
                notes=[*file_notes, ReadNote("error", "validation.empty_file")],
            )
        tables, others = others[:1], others[1:]
    for sheet, _ in others:
        file_notes.append(
            ReadNote("warning", "reader.other_sheet", params=(("sheet", sheet.name),))
        )
    parts = [_sheet_part(sheet, layout, guide, encoding) for sheet, layout in tables]
    parts[0].notes[:0] = file_notes
    return parts


def _sheet_part(sheet: Sheet, layout: Layout, guide: HeaderGuide, encoding: str) -> Part:
    """One sheet's table: merged cells filled down, footnotes and uncomputed formulas noted."""
    from campaign.workbooks import is_uncomputed, uncomputed_formula

    headers = list(layout.headers)
    while headers and not headers[-1]:
        headers.pop()
    width = len(headers)
    types = [guide.get(normalise_header(h), (None, None))[1] if h else None for h in headers]
    data = [(line, list(values)) for line, values in sheet.rows if line >= layout.data_start_line]
    by_line = {line: values for line, values in data}
    notes: list[ReadNote] = []
    for top, left, bottom, _right in sheet.merged:
        if bottom <= top or top < layout.data_start_line or left > width or top not in by_line:
            continue
        values = by_line[top]
        value = values[left - 1] if left - 1 < len(values) else None
        if value is None:
            continue
        header = headers[left - 1] or f"#{left}"
        if types[left - 1] in ("amount", "integer"):
            # An amount merged over rows belongs to none of them alone: never copied down.
            notes.append(
                ReadNote(
                    "warning",
                    "reader.merged_amount",
                    top,
                    header,
                    _cell_text(value),
                    (("first", top), ("last", bottom)),
                )
            )
            continue
        for line in range(top + 1, bottom + 1):
            row = by_line.get(line)
            if row is None:
                continue  # a blank row inside the merge stays blank
            row.extend([None] * (left - len(row)))
            if row[left - 1] is None:
                row[left - 1] = value
    texts = [
        (
            line,
            [
                _cell_text(v, types[i] if i < width else None, sheet.epoch)
                if not is_uncomputed(v)
                else None
                for i, v in enumerate(values)
            ],
        )
        for line, values in data
    ]
    footnotes = trailing_footnotes(texts, layout.data_start_line)
    notes += _footnote_notes(footnotes)
    end = footnotes[0][0] if footnotes else None
    uncomputed: list[ReadNote] = []
    lines: list[int] = []
    rows: list[list[str | None]] = []
    ragged: list[tuple[int, int, bool]] = []
    for (line, values), (_, cells) in zip(data, texts, strict=True):
        if end is not None and line >= end:
            break
        for i, value in enumerate(values[:width]):
            if is_uncomputed(value):
                uncomputed.append(
                    ReadNote(
                        "error",
                        "reader.formula_not_computed",
                        line,
                        headers[i] or f"#{i + 1}",
                        uncomputed_formula(value),
                    )
                )
        if not any(c is not None and c.strip() for c in cells):
            continue
        if any(c is not None and c.strip() for c in cells[width:]):
            found = max(i for i, c in enumerate(cells) if c is not None and c.strip()) + 1
            ragged.append((line, found, True))
            continue
        lines.append(line)
        rows.append((cells + [None] * width)[:width])
    if sheet.truncated:
        notes.append(
            ReadNote("warning", "reader.columns_truncated", params=(("limit", MAX_COLUMNS),))
        )

    def load(con: duckdb.DuckDBPyConnection, table: str) -> RawTable:
        if uncomputed:
            raise UnreadableFile("reader.formula_not_computed", notes=uncomputed)
        frame = pd.DataFrame({"_line": pd.array(lines, dtype="int64")})
        for i in range(width):
            frame[f"c{i}"] = pd.array([r[i] for r in rows], dtype="object")
        _store_frame(con, table, frame, width)
        return RawTable(
            f'"{table}"', tuple(headers), encoding, tuple(ragged), header_line=layout.header_line
        )

    return Part(sheet=sheet.name, encoding=encoding, notes=notes, load=load)
