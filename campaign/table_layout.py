"""Where the table is in a sheet or text file as people lay it out.

Offices send tables with a title row (``2022年3月城阳区融资对接情况统计表``) and blank rows
above the header, a grouped two-row header (基本情况 / 融资情况 over the real columns), a
column-number row (1 2 3 4… or 甲 乙 1 2…) under it, and footnotes (注：…, 填报人：…
联系电话：…, 审核人) below the data.  These functions find the header by matching the
kind's headers within the first rows and tell the footnotes apart; they work on plain rows
of cell texts, so CSV and workbooks share them.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

# How far down the header may be: title, blank and grouped-header rows above it.
HEADER_SEARCH_ROWS = 30
# How many non-empty rows at the end may be footnotes.
FOOTNOTE_SEARCH_ROWS = 20

# normalised header -> (canonical column name, column type)
HeaderGuide = Mapping[str, tuple[str, str]]

Row = tuple[int, Sequence[str | None]]  # (line, cell texts)


@dataclass(frozen=True)
class Layout:
    """Where the header is and where the data starts (lines as the file numbers them)."""

    header_line: int
    headers: list[str]
    data_start_line: int  # the first line after the header (and any column-number row)


def _fold(text: str) -> str:
    from campaign.reader import normalise_header

    return normalise_header(text)


def header_score(cells: Sequence[str | None], guide: HeaderGuide) -> int:
    """How many of the kind's columns a row names."""
    found = {guide[_fold(c)][0] for c in cells if c and _fold(c) in guide}
    return len(found)


def _combine(upper: Sequence[str | None], lower: Sequence[str | None]) -> list[str | None]:
    """A two-row header read as one: the lower row's cell, or above it where it is empty
    (a column merged down over both rows keeps its name in the upper row only)."""
    width = max(len(upper), len(lower))
    return [
        (lower[i] if i < len(lower) and lower[i] else None)
        or (upper[i] if i < len(upper) else None)
        for i in range(width)
    ]


_NUMBER_CELL = re.compile(r"^[(（]?(\d{1,3})[)）]?$")
_LETTER_CELLS = frozenset("甲乙丙丁戊己庚辛壬癸") | {"栏次", "序号", "A", "B", "C", "D", "E"}


def is_column_number_row(cells: Sequence[str | None]) -> bool:
    """1 2 3 4…, (1) (2)…, or 甲 乙 1 2… under a header: a row of column numbers."""
    numbers: list[int] = []
    filled = [c.strip() for c in cells if c and c.strip()]
    if len(filled) < 2:
        return False
    for cell in filled:
        match = _NUMBER_CELL.match(cell)
        if match:
            numbers.append(int(match.group(1)))
        elif cell not in _LETTER_CELLS:
            return False
    return bool(numbers) and all(b == a + 1 for a, b in itertools.pairwise(numbers))


def find_layout(rows: Sequence[Row], guide: HeaderGuide) -> Layout | None:
    """The header among the first rows: the row naming most of the kind's columns, merged
    with the row above or below when that names more (a grouped two-row header).  Without
    any match the first non-empty row is the header (the checks then name what is missing).
    ``rows`` are the first rows of the table, empty ones included or not."""
    candidates = [
        (i, line, cells)
        for i, (line, cells) in enumerate(rows[: HEADER_SEARCH_ROWS * 2])
        if any(c and c.strip() for c in cells)
    ][:HEADER_SEARCH_ROWS]
    if not candidates:
        return None
    scored = [(header_score(cells, guide), n) for n, (_, _, cells) in enumerate(candidates)]
    best_score, best = max(scored, key=lambda item: (item[0], -item[1]))
    if best_score == 0:
        best = 0
    _, header_line, header = candidates[best]
    lower_n = best
    headers: Sequence[str | None] = header
    if best_score:
        options: list[tuple[int, int, list[str | None]]] = []
        if best > 0 and candidates[best - 1][1] == header_line - 1:
            options.append((best, best, _combine(candidates[best - 1][2], header)))
        if best + 1 < len(candidates) and candidates[best + 1][1] == header_line + 1:
            below = candidates[best + 1][2]
            if not is_column_number_row(below):
                options.append((best + 1, best, _combine(header, below)))
        for lower, named, combined in options:
            if header_score(combined, guide) > header_score(headers, guide):
                headers, lower_n = combined, lower
                header_line = candidates[named][1]
    last_header_line = candidates[lower_n][1]
    data_start = last_header_line + 1
    following = [(line, cells) for _, line, cells in candidates if line > last_header_line]
    if (
        best_score
        and following
        and following[0][0] == data_start
        and is_column_number_row(following[0][1])
    ):
        data_start += 1
    return Layout(
        header_line=header_line,
        headers=[(h or "").strip() for h in headers],
        data_start_line=data_start,
    )


_FOOTNOTE = re.compile(
    r"^[\s*※#]*(注|备注|说明|附注|填报人|填表人|制表人|统计人|审核人|审核|复核人|负责人|"
    r"单位负责人|分管领导|主要领导|联系人|联系电话|电话|手机|填报单位|填报日期|制表日期|报送日期)"
    r"\s*([(（][^)）]{0,8}[)）])?\s*(\d+\s*)?([:：、.．]|$)"
)


def is_footnote(cells: Sequence[str | None]) -> bool:
    """A row of notes or signatures: every filled cell starts 注：, 填报人：, 审核人…"""
    filled = [c.strip() for c in cells if c and c.strip()]
    return bool(filled) and all(_FOOTNOTE.match(c) for c in filled)


def trailing_footnotes(rows: Sequence[Row], first_data_line: int) -> list[Row]:
    """The footnote rows at the end of a table (with the lines continuing a note), in order.

    Scanned from the end over at most :data:`FOOTNOTE_SEARCH_ROWS` non-empty rows: the block
    starts at the topmost footnote row below which every row is a footnote or a one-cell
    continuation line (``2. 日期按签约日期填写``).
    """
    block: list[Row] = []
    for line, cells in reversed(rows):
        if line < first_data_line:
            break
        filled = [c for c in cells if c and c.strip()]
        if not filled:
            continue
        if is_footnote(cells) or len(filled) == 1:
            block.append((line, cells))
            if len(block) >= FOOTNOTE_SEARCH_ROWS:
                break
            continue
        break
    block.reverse()
    for n, (_, cells) in enumerate(block):
        if is_footnote(cells):
            return block[n:]
    return []


def row_text(cells: Sequence[str | None], limit: int = 60) -> str:
    """A row as one short text, for a note."""
    text = " ".join(c.strip() for c in cells if c and c.strip())
    return text if len(text) <= limit else text[: limit - 1] + "…"
