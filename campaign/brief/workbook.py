"""The meeting pack as an Excel workbook: the KPI table, the district table, the notes, and
one sheet per KPI with its months.

Every text cell is written as text, never as a formula: a KPI name, a note or a district
typed as ``=HYPERLINK(...)`` or ``=cmd|' /C calc'!A0`` shows as those characters in Excel
(openpyxl would otherwise store any string starting with ``=`` as a formula).  All cells go
through :func:`_put`.

Cells hold numbers, not text, so people can sort, sum and chart them; each number carries the
number format that shows exactly the digits the dashboard shows (an amount in 亿元 with two
decimals, a count without, a rate as a percentage), in the unit the dashboard shows it in
(亿元 in Chinese, CNY bn in English). The KPI table also has the figures as the dashboard writes
them, unit and all, in two text columns.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from campaign import theme
from campaign.brief import content
from campaign.brief.content import MeetingPack, PackKpi
from campaign.formatting import format_date, format_month, is_missing
from campaign.views import CHINA_TIME, movement_text, scope_label

PERCENT = "0.0%"
SIGNED_PERCENT = '+0.0%;"−"0.0%;0.0%'
SIGNED_POINTS = '+0.0;"−"0.0;0.0'
SCORE = "0.0"
HEADER_ROW = 4  # title, facts, blank, then the header
_BOLD = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="EEF1F4")
_SHEET_NAME_BAD = re.compile(r"[\[\]:*?/\\]")


def number_format(decimals: int) -> str:
    return "#,##0" if decimals == 0 else "#,##0." + "0" * decimals


def _value_cell(value: float | None, unit: str, lang: str) -> tuple[float | None, str]:
    """A KPI figure as the dashboard shows it: the number (rounded to the digits shown) and
    its Excel number format."""
    number = content.shown_number(value, unit, lang)
    if number is None:
        return None, "General"
    if unit == "%":
        return number, PERCENT
    return number, number_format(content.display_decimals(value, unit, lang))


def _sheet_title(name: str, taken: set[str]) -> str:
    """A valid, unique sheet name (≤ 31 characters, none of []:*?/\\)."""
    base = _SHEET_NAME_BAD.sub(" ", name).strip()[:31] or "KPI"
    title, number = base, 2
    while title.lower() in taken:
        suffix = f" ({number})"
        title = base[: 31 - len(suffix)] + suffix
        number += 1
    taken.add(title.lower())
    return title


def _heading(sheet: Worksheet, title: str, facts: str, columns: Sequence[str]) -> None:
    _put(sheet, 1, 1, title).font = Font(bold=True, size=14)
    _put(sheet, 2, 1, facts)
    for index, column in enumerate(columns, start=1):
        cell = _put(sheet, HEADER_ROW, index, column)
        cell.font = _BOLD
        cell.fill = _HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    sheet.freeze_panes = sheet.cell(row=HEADER_ROW + 1, column=1)


def _put(sheet: Worksheet, row: int, column: int, value: object, fmt: str | None = None) -> Cell:
    """Write one cell: a number with its format, or text that stays text (never a formula)."""
    cell = sheet.cell(row=row, column=column, value=None if is_missing(value) else value)
    if isinstance(value, str):
        cell.data_type = "s"  # openpyxl made "=..." a formula ("f"); Excel would run it
    if fmt:
        cell.number_format = fmt
    return cell


def _widths(sheet: Worksheet, widths: Sequence[float]) -> None:
    for index, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width


def _status_fill(status: str) -> PatternFill:
    return PatternFill("solid", fgColor=theme.status_style(status).color.lstrip("#"))


def _status_font(status: str) -> Font:
    return Font(color=theme.status_style(status).text_color.lstrip("#"), bold=True)


KPI_COLUMNS: tuple[str, ...] = (
    "domain",
    "kpi",
    "kpi_id",
    "unit",
    "actual",
    "target",
    "completion",
    "expected",
    "gap_pp",
    "yoy",
    "last_year",
    "projection",
    "needed",
    "status",
    "actual_text",
    "target_text",
)
NOTICE_ROW = 3  # between the facts and the header: the not-reported warning, if any


def kpi_sheet(sheet: Worksheet, pack: MeetingPack) -> None:
    """Every KPI of the pack's scope: figures as numbers, then as the dashboard writes them.

    Numbers are stored rounded to the digits the dashboard shows, so every cell reads
    exactly as the PDF, the slides and the pages do."""
    lang = pack.lang
    sheet.title = pack.t("brief.xlsx.kpis")
    _heading(
        sheet,
        f"{pack.t('brief.title')} · {pack.t('brief.summary.title')}",
        " · ".join(pack.facts()),
        [pack.t(f"brief.col.{c}") for c in KPI_COLUMNS],
    )
    notice = pack.not_reported_notice()
    if notice:
        sheet.cell(row=NOTICE_ROW, column=1, value=notice).font = Font(bold=True)
    column = {name: number for number, name in enumerate(KPI_COLUMNS, start=1)}
    for row, kpi in enumerate(pack.kpis, start=HEADER_ROW + 1):
        result, unit = kpi.result, kpi.definition.unit
        cells = content.kpi_cells(result, lang)
        _put(sheet, row, column["domain"], cells["domain"])
        _put(sheet, row, column["kpi"], cells["kpi"])
        _put(sheet, row, column["kpi_id"], kpi.definition.id)
        _put(sheet, row, column["unit"], content.display_unit(unit, lang))
        for name, value in (
            ("actual", result.actual),
            ("target", result.target),
            ("last_year", result.last_year),
            ("projection", result.projection),
            ("needed", result.needed_per_month),
        ):
            _put(sheet, row, column[name], *_value_cell(value, unit, lang))
        _put(sheet, row, column["completion"], content.shown_fraction(result.completion), PERCENT)
        _put(sheet, row, column["expected"], content.shown_fraction(result.expected), PERCENT)
        _put(sheet, row, column["gap_pp"], content.shown_points(result.gap_pp), SIGNED_POINTS)
        _put(sheet, row, column["yoy"], content.shown_fraction(result.yoy), SIGNED_PERCENT)
        _put(sheet, row, column["status"], cells["status"])
        status_cell = sheet.cell(row=row, column=column["status"])
        status_cell.fill = _status_fill(result.status)
        status_cell.font = _status_font(result.status)
        _put(sheet, row, column["actual_text"], cells["actual"])
        _put(sheet, row, column["target_text"], cells["target"])
    _widths(sheet, [12, 22, 26, 10, 14, 14, 10, 10, 12, 10, 14, 14, 14, 14, 18, 18])


def district_sheet(sheet: Worksheet, pack: MeetingPack) -> None:
    """The ranking (区市排名) and each district's completion of each KPI, status-coloured."""
    lang = pack.lang
    definitions = [k.definition for k in pack.kpis]
    fixed = ["rank", "district", "score", "previous_rank", "movement", "counted"]
    headers = [pack.t(f"brief.col.{c}") for c in fixed] + [
        pack.t("brief.xlsx.district_completion", kpi=d.name(lang)) for d in definitions
    ]
    _heading(
        sheet,
        f"{pack.t('brief.title')} · {pack.t('brief.ranking.title')}",
        " · ".join(
            [
                *pack.facts()[1:],
                pack.t("brief.ranking.compared", date=pack.previous_month_end_text()),
            ]
        ),
        headers,
    )
    matrix = pack.status_matrix.set_index(["district", "kpi_id"])
    ranked = {r.district: r for r in pack.ranking.itertuples(index=False)}
    districts = list(ranked) + [
        d for d in dict.fromkeys(pack.status_matrix["district"]) if d not in ranked
    ]
    for row, district in enumerate(districts, start=HEADER_ROW + 1):
        found = ranked.get(district)
        _put(sheet, row, 2, scope_label(district, lang))
        if found is not None:
            _put(sheet, row, 1, None if is_missing(found.rank) else int(found.rank))
            _put(sheet, row, 3, float(found.score), SCORE)
            previous = found.previous_rank
            _put(sheet, row, 4, None if is_missing(previous) else int(previous))
            _put(sheet, row, 5, movement_text(found.movement, lang))
            _put(sheet, row, 6, int(found.kpis_counted))
        if district == pack.filters.district:
            for column in range(1, 7):
                sheet.cell(row=row, column=column).font = _BOLD
        for offset, definition in enumerate(definitions):
            key = (district, definition.id)
            if key not in matrix.index:
                continue
            status = str(matrix.at[key, "status"])
            completion = matrix.at[key, "completion"]
            column = len(fixed) + 1 + offset
            _put(sheet, row, column, content.shown_fraction(completion), PERCENT)
            if status in theme.RATED_STATUSES:
                cell = sheet.cell(row=row, column=column)
                cell.fill = _status_fill(status)
                cell.font = Font(color=theme.status_style(status).text_color.lstrip("#"))
    legend_row = HEADER_ROW + len(districts) + 2
    _put(sheet, legend_row, 1, pack.t("kpi.rank.note", cap=f"{pack.ranking_cap:g}"))
    for offset, status in enumerate(theme.RATED_STATUSES):
        cell = _put(sheet, legend_row + 1, 2 + offset, theme.status_style(status).tag(lang))
        cell.fill = _status_fill(status)
        cell.font = _status_font(status)
    _widths(sheet, [8, 16, 10, 10, 12, 10, *([14] * len(definitions))])


MONTH_COLUMNS: tuple[str, ...] = (
    "value",
    "cumulative",
    "target_cumulative",
    "last_year_value",
    "last_year_cumulative",
    "projection",
)


def monthly_sheet(sheet: Worksheet, pack: MeetingPack, kpi: PackKpi) -> None:
    """One KPI's twelve months for the pack's scope, in the dashboard's unit."""
    lang, definition = pack.lang, kpi.definition
    unit = definition.unit
    labels = {
        "value": "brief.col.value",
        "cumulative": "brief.col.level" if definition.is_level else "brief.col.cumulative",
        "target_cumulative": "brief.col.target_cumulative",
        "last_year_value": "brief.col.last_year_value",
        "last_year_cumulative": "brief.col.last_year_cumulative",
        "projection": "brief.col.projection_path",
    }
    headers = [
        pack.t("brief.col.month"),
        *(pack.t(labels[c]) for c in MONTH_COLUMNS),
        pack.t("brief.col.expected"),
    ]
    title = pack.t(
        "brief.xlsx.monthly_title",
        kpi=definition.name(lang),
        scope=pack.scope,
        year=pack.filters.year,
        unit=content.display_unit(unit, lang) or "—",
    )
    _heading(sheet, title, " · ".join(pack.facts()), headers)
    for row, record in enumerate(kpi.monthly.itertuples(index=False), start=HEADER_ROW + 1):
        _put(sheet, row, 1, format_month(record.month, lang))
        for column, name in enumerate(MONTH_COLUMNS, start=2):
            _put(sheet, row, column, *_value_cell(getattr(record, name), unit, lang))
        _put(sheet, row, len(MONTH_COLUMNS) + 2, record.expected, PERCENT)
    _widths(sheet, [12, 14, 14, 14, 16, 16, 18, 10])


def notes_sheet(sheet: Worksheet, pack: MeetingPack) -> None:
    """The follow-up notes of the pack's scope this year (current versions)."""
    lang = pack.lang
    columns = ("kpi", "scope", "month", "status", "reason", "action", "due", "author", "written")
    _heading(
        sheet,
        f"{pack.t('brief.title')} · {pack.t('brief.xlsx.notes')}",
        " · ".join(pack.facts()),
        [pack.t(f"brief.col.{c}") for c in columns],
    )
    row = HEADER_ROW + 1
    for kpi in pack.kpis:
        for note in content.notes_sorted(kpi.notes):
            values = (
                kpi.definition.name(lang),
                scope_label(note.scope, lang),
                format_month(note.month + "-01", lang),
                theme.status_style(kpi.result.status).tag(lang),
                note.reason,
                note.action,
                format_date(note.due_date, lang) if note.due_date else "",
                note.author,
                note.created_at.astimezone(CHINA_TIME).replace(tzinfo=None),
            )
            for column, value in enumerate(values, start=1):
                _put(sheet, row, column, value)
                sheet.cell(row=row, column=column).alignment = Alignment(
                    wrap_text=True, vertical="top"
                )
            sheet.cell(row=row, column=len(values)).number_format = "yyyy-mm-dd hh:mm"
            row += 1
    _widths(sheet, [18, 12, 12, 12, 40, 40, 14, 16, 18])


def workbook(pack: MeetingPack) -> Workbook:
    """The workbook: KPI table, district table, notes, then a sheet per KPI."""
    book = Workbook()
    kpi_sheet(book.active, pack)
    taken = {book.active.title.lower()}
    districts = book.create_sheet(_sheet_title(pack.t("brief.xlsx.districts"), taken))
    district_sheet(districts, pack)
    notes = book.create_sheet(_sheet_title(pack.t("brief.xlsx.notes"), taken))
    notes_sheet(notes, pack)
    for kpi in pack.kpis:
        sheet = book.create_sheet(_sheet_title(kpi.definition.name(pack.lang), taken))
        monthly_sheet(sheet, pack, kpi)
    book.properties.title = f"{pack.t('brief.title')} · {pack.scope}"
    book.properties.creator = "campaign.brief"
    return book


def xlsx_bytes(pack: MeetingPack) -> bytes:
    buffer = io.BytesIO()
    workbook(pack).save(buffer)
    return buffer.getvalue()
