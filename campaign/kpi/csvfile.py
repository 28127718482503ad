"""Read the small planning CSVs (``targets.csv``, ``pacing.csv``) the way people send them.

UTF-8 with or without a BOM, or GB18030 (Excel on Chinese Windows); comma, tab or
semicolon separated; headers in English or Chinese, matched after folding full-width forms,
spaces and case.  Rows keep the line number a person sees (the header is line 1).
"""

from __future__ import annotations

import codecs
import csv
import functools
import io
import unicodedata
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class CsvRows:
    """The rows of a CSV as dicts keyed by canonical column name, with their line numbers."""

    path: Path
    encoding: str
    rows: tuple[tuple[int, dict[str, str]], ...]
    missing_columns: tuple[str, ...]


@functools.lru_cache(maxsize=4096)  # the same few districts and headers, row after row
def fold(text: str) -> str:
    """A header or cell folded for matching: ``" 区市（全市） "`` → ``"区市(全市)"``."""
    return "".join(unicodedata.normalize("NFKC", text).split()).lower()


def decode(data: bytes) -> tuple[str, str]:
    """Decode a CSV's bytes: UTF-8 (BOM or not) first, then GB18030. Returns (text, encoding)."""
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :].decode("utf-8"), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("gb18030"), "gb18030"


def read_csv(path: Path, columns: dict[str, tuple[str, ...]]) -> CsvRows:
    """Read ``path``; ``columns`` maps each canonical name to the header spellings accepted.

    Raises OSError or UnicodeDecodeError when the file cannot be read at all.
    """
    text, encoding = decode(path.read_bytes())
    first_line = text.split("\n", 1)[0]
    delimiter = max((",", "\t", ";", "，"), key=first_line.count)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    header = next(reader, [])
    accepted = {
        fold(spelling): name for name, spellings in columns.items() for spelling in spellings
    }
    positions: dict[str, int] = {}
    for index, cell in enumerate(header):
        name = accepted.get(fold(cell))
        if name and name not in positions:
            positions[name] = index
    rows: list[tuple[int, dict[str, str]]] = []
    line = reader.line_num
    for record in reader:
        start = line + 1
        line = reader.line_num
        if not any(cell.strip() for cell in record):
            continue
        rows.append(
            (
                start,
                {
                    name: record[index].strip() if index < len(record) else ""
                    for name, index in positions.items()
                },
            )
        )
    missing = tuple(name for name in columns if name not in positions)
    return CsvRows(path=path, encoding=encoding, rows=tuple(rows), missing_columns=missing)


def parse_number(text: str) -> float | None:
    """A number as people type it: ``1,200``, ``1200.5``, ``35%`` (→ 0.35). None if not one."""
    cleaned = unicodedata.normalize("NFKC", text).replace(",", "").replace(" ", "")
    if not cleaned:
        return None
    percent = cleaned.endswith("%")
    if percent:
        cleaned = cleaned[:-1]
    try:
        value = float(cleaned)
    except ValueError:
        return None
    if value != value or value in (float("inf"), float("-inf")):
        return None
    return value / 100 if percent else value
