"""Workbooks as district offices send them, read into plain sheets of cell values.

Three formats behind the ``.xlsx``/``.xls``/``.et`` names people use, told apart by their
bytes, not their suffix (:func:`campaign.reader.sniff_format`):

- Office Open XML (``.xlsx``, and an ``.xls`` or ``.et`` that is really one): openpyxl's
  streaming parser, with formula cells that have no cached value marked (a workbook written
  by a program and never opened in Excel) and the merged ranges kept;
- Excel 97-2003 (BIFF, ``.xls``; WPS ``.et`` files use the same container): xlrd;
- an HTML table saved as ``.xls`` (what many web systems export): the standard library's
  HTML parser, ``rowspan``/``colspan`` kept as merged ranges.

A zip whose members would unpack to more than :data:`MAX_UNPACKED_BYTES`, or that packs
suspiciously tightly, is refused from its directory before a single byte is inflated.

Sheets keep the row numbers a person sees in Excel; only rows with content are kept.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from campaign.reader import MAX_COLUMNS, MAX_PACK_RATIO, MAX_UNPACKED_BYTES, UnreadableFile


class _Uncomputed:
    """A formula cell saved without its result (the workbook was never calculated)."""

    def __init__(self, formula: str | None) -> None:
        self.formula = formula

    def __repr__(self) -> str:  # shown in test failures
        return f"<uncomputed {self.formula}>"


@dataclass
class Sheet:
    """One worksheet: its rows with content, merged ranges and date system."""

    name: str
    hidden: bool
    rows: list[tuple[int, list[object]]] = field(default_factory=list)
    # (first row, first column, last row, last column), 1-based and inclusive.
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)
    epoch: dt.datetime = dt.datetime(1899, 12, 30)
    # Columns beyond MAX_COLUMNS that held something (not read).
    truncated: bool = False


def is_uncomputed(value: object) -> bool:
    return isinstance(value, _Uncomputed)


def uncomputed_formula(value: object) -> str | None:
    return value.formula if isinstance(value, _Uncomputed) else None


def check_zip(path: Path) -> None:
    """Refuse a zip that would unpack too large or too tightly packed (a zip bomb), from its
    central directory alone.  Python's zipfile never inflates a member past the size the
    directory declares, so the check holds while reading too."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise UnreadableFile("validation.not_a_table", detail=type(exc).__name__) from exc
    unpacked = sum(m.file_size for m in members)
    if unpacked > MAX_UNPACKED_BYTES:
        raise UnreadableFile(
            "reader.workbook_too_large",
            size_mb=f"{unpacked / 1e6:,.0f}",
            limit_mb=f"{MAX_UNPACKED_BYTES / 1e6:,.0f}",
        )
    for member in members:
        # Small members may pack very tightly (an empty styles part); only a large one matters.
        if member.file_size > 10_000_000 and member.file_size > MAX_PACK_RATIO * max(
            member.compress_size, 1
        ):
            raise UnreadableFile(
                "reader.zip_bomb",
                member=member.filename,
                ratio=f"{member.file_size / max(member.compress_size, 1):,.0f}",
                limit=MAX_PACK_RATIO,
            )


# --- Office Open XML -------------------------------------------------------------------------


def read_xlsx(path: Path) -> list[Sheet]:
    """Every sheet of an ``.xlsx`` workbook (cached formula results, dates as datetimes)."""
    from openpyxl import load_workbook
    from openpyxl.worksheet._reader import FORMULA_TAG, WorkSheetParser

    class Parser(WorkSheetParser):
        # In data-only mode openpyxl returns None both for an empty cell and for a formula
        # without a cached result; the second must not read as "empty".  A formula whose
        # result is the empty text is typed t="str" and stays empty.
        def parse_cell(self, element):  # type: ignore[no-untyped-def]
            cell = super().parse_cell(element)
            if cell["value"] is None and element.get("t") != "str":
                formula = element.find(FORMULA_TAG)
                if formula is not None:
                    cell["value"] = _Uncomputed("=" + formula.text if formula.text else None)
            return cell

    check_zip(path)
    # A file object, not the path: openpyxl refuses a path whose suffix is not .xlsx, and an
    # .xls or .et that is really an .xlsx is read by its bytes.
    handle = path.open("rb")
    try:
        workbook = load_workbook(handle, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a non-workbook
        handle.close()
        raise UnreadableFile("validation.not_a_table", detail=type(exc).__name__) from exc
    sheets: list[Sheet] = []
    try:
        for worksheet in workbook.worksheets:
            sheet = Sheet(
                name=worksheet.title,
                hidden=getattr(worksheet, "sheet_state", "visible") != "visible",
                epoch=workbook.epoch,
            )
            with worksheet._get_source() as source:
                parser = Parser(
                    source,
                    workbook.shared_strings,
                    data_only=True,
                    epoch=workbook.epoch,
                    date_formats=workbook._date_formats,
                    timedelta_formats=workbook._timedelta_formats,
                )
                for line, cells in parser.parse():
                    values: dict[int, object] = {}
                    for cell in cells:
                        value = cell["value"]
                        if value is None or (isinstance(value, str) and not value.strip()):
                            continue
                        if cell["column"] > MAX_COLUMNS:
                            sheet.truncated = True
                            continue
                        values[cell["column"]] = value
                    if values:
                        width = max(values)
                        sheet.rows.append((line, [values.get(c) for c in range(1, width + 1)]))
                if parser.merged_cells is not None:
                    from openpyxl.worksheet.cell_range import CellRange

                    for merge in parser.merged_cells.mergeCell:
                        bounds = CellRange(merge.ref)
                        sheet.merged.append(
                            (bounds.min_row, bounds.min_col, bounds.max_row, bounds.max_col)
                        )
            sheets.append(sheet)
    except UnreadableFile:
        raise
    except Exception as exc:  # a damaged part: say so, do not crash the build
        raise UnreadableFile("validation.not_a_table", detail=type(exc).__name__) from exc
    finally:
        workbook.close()
        handle.close()
    return sheets


# --- Excel 97-2003 ---------------------------------------------------------------------------


def read_xls(path: Path) -> list[Sheet]:
    """Every sheet of a BIFF ``.xls`` (or WPS ``.et``) workbook."""
    import xlrd

    try:
        book = xlrd.open_workbook(str(path), formatting_info=True, on_demand=True)
    except Exception as exc:  # xlrd raises XLRDError, CompDocError, AssertionError...
        raise UnreadableFile("reader.xls_unreadable", detail=type(exc).__name__) from exc
    epoch = dt.datetime(1904, 1, 1) if book.datemode == 1 else dt.datetime(1899, 12, 30)
    sheets: list[Sheet] = []
    try:
        for index in range(book.nsheets):
            raw = book.sheet_by_index(index)
            sheet = Sheet(name=raw.name, hidden=raw.visibility != 0, epoch=epoch)
            width = min(raw.ncols, MAX_COLUMNS)
            sheet.truncated = raw.ncols > MAX_COLUMNS
            for r in range(raw.nrows):
                values: list[object] = []
                for c in range(min(width, raw.row_len(r))):
                    cell = raw.cell(r, c)
                    values.append(_xls_value(cell, book.datemode))
                while values and (
                    values[-1] is None or (isinstance(values[-1], str) and not values[-1].strip())
                ):
                    values.pop()
                if values:
                    sheet.rows.append((r + 1, values))
            sheet.merged = [(rlo + 1, clo + 1, rhi, chi) for rlo, rhi, clo, chi in raw.merged_cells]
            sheets.append(sheet)
            book.unload_sheet(index)
    except UnreadableFile:
        raise
    except Exception as exc:
        raise UnreadableFile("reader.xls_unreadable", detail=type(exc).__name__) from exc
    finally:
        book.release_resources()
    return sheets


def _xls_value(cell, datemode: int) -> object:  # type: ignore[no-untyped-def]
    import xlrd

    if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
        return None
    if cell.ctype == xlrd.XL_CELL_DATE:
        try:
            return xlrd.xldate.xldate_as_datetime(cell.value, datemode)
        except (xlrd.xldate.XLDateError, ValueError, OverflowError):
            return cell.value
    if cell.ctype == xlrd.XL_CELL_BOOLEAN:
        return bool(cell.value)
    if cell.ctype == xlrd.XL_CELL_ERROR:
        return xlrd.error_text_from_code.get(cell.value, "#ERROR")
    return cell.value


# --- An HTML table saved as .xls -------------------------------------------------------------


class _TableParser(HTMLParser):
    """The first table of an HTML page: rows of cell texts, rowspan/colspan as merges."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0  # nested tables are read as text of their cell
        self.done = False
        self.rows: list[list[str | None]] = []
        self.merged: list[tuple[int, int, int, int]] = []
        self._covered: dict[int, int] = {}  # column -> last row a rowspan from above covers
        self._cell: list[str] | None = None
        self._span = (1, 1)
        self._column = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.done:
            return
        if tag == "table":
            self.depth += 1
        elif self.depth == 1 and tag == "tr":
            self.rows.append([])
            self._column = 0
        elif self.depth == 1 and tag in ("td", "th") and self.rows:
            attributes = dict(attrs)
            self._span = (_span(attributes.get("rowspan")), _span(attributes.get("colspan")))
            self._cell = []
        elif self._cell is not None and tag == "br":
            self._cell.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if self.done:
            return
        if tag in ("td", "th") and self._cell is not None and self.depth == 1:
            self._place("".join(self._cell).strip() or None)
            self._cell = None
        elif tag == "table":
            self.depth -= 1
            if self.depth == 0:
                self.done = True

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)

    def _place(self, text: str | None) -> None:
        row_index = len(self.rows) - 1
        row = self.rows[row_index]
        while self._covered.get(self._column, -1) >= row_index:
            row.append(None)
            self._column += 1
        column = self._column
        if column >= MAX_COLUMNS:
            return
        rows, columns = self._span
        columns = min(columns, MAX_COLUMNS - column)
        row.append(text)
        row.extend([None] * (columns - 1))
        if rows > 1 or columns > 1:
            self.merged.append((row_index + 1, column + 1, row_index + rows, column + columns))
        if rows > 1:
            for c in range(column, column + columns):
                self._covered[c] = row_index + rows - 1
        self._column += columns


def _span(value: str | None) -> int:
    try:
        return max(1, min(int(value or 1), 10_000))
    except ValueError:
        return 1


def read_html_table(text: str, name: str) -> list[Sheet]:
    """The first table of an HTML file as one sheet named after the file."""
    parser = _TableParser()
    parser.feed(text)
    parser.close()
    sheet = Sheet(name=name, hidden=False, merged=parser.merged)
    for index, cells in enumerate(parser.rows, start=1):
        values: list[object] = list(cells)
        while values and values[-1] is None:
            values.pop()
        if values:
            sheet.rows.append((index, values))
    return [sheet]
