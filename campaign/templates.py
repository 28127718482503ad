"""An Excel template per extract kind, so districts send files that read back clean.

The workbook has two sheets:

- the data sheet (first, named after the kind): the header row exactly as
  :mod:`campaign.contracts` spells it, frozen; a drop-down (data validation) on the 区市
  column and on every column with a fixed list of values (and 是/否 columns); date, number
  and whole-number validation with matching cell formats on the date, amount and count
  columns; text format on text columns (so a case number like ``0012`` keeps its zeros);
  a note on each header cell with its rule and an example.
- 填报说明: what to do and not do, then one line per column: its header, whether it is
  required, its format and allowed values, and an example value — the example row, turned
  on its side.

The example row is deliberately not on the data sheet: a row left there by mistake would be
loaded and counted, and a silently wrong figure is the worst outcome.  Every column and
allowed value is read from :mod:`campaign.contracts`; nothing here repeats them.
"""

from __future__ import annotations

import datetime as dt
import io

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from campaign.contracts import DISTRICTS, FALSE_WORDS, KINDS, TRUE_WORDS, Column, ExtractKind
from campaign.i18n import t

# Rows below the header that carry the drop-downs, validation and cell formats.
TEMPLATE_ROWS = 2000
# Excel's limit for a list typed into a validation rule (longer lists need a range).
_LIST_LIMIT = 255

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_FORMAT = "yyyy-mm-dd"
AMOUNT_FORMAT = "0.00"  # plain: what the cell shows is what it holds (no 万 scaling)
INTEGER_FORMAT = "0"
TEXT_FORMAT = "@"

_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_REQUIRED_FILL = PatternFill("solid", fgColor="FCE4D6")

# Example text for free-text columns, by canonical column name (a fallback names the column).
_TEXT_EXAMPLES: dict[str, str] = {
    "enterprise": "青岛示例机械有限公司",
    "institution": "青岛银行",
    "platform": "中国国际进口博览会",
    "event": "2022 年春季招聘会",
    "title": "民营企业政策解读会",
    "case_id": "FL-2022-0001",
    "project_id": "ZS-2022-0001",
    "project": "示例智能制造产业园项目",
    "chamber": "青岛市浙江商会",
    "chamber_id": "SH-0001",
    "name": "青岛市示例商会",
}
_EXAMPLE_DATE = dt.date(2022, 3, 15)


def kind_for_name(text: str) -> ExtractKind | None:
    """The kind named by its id or its Chinese name (``financing`` or ``融资对接``)."""
    wanted = text.strip().lower()
    return next((k for k in KINDS if wanted in (k.id, k.name_zh.lower())), None)


def template_filename(kind: ExtractKind) -> str:
    """A download name that the folder reader recognises as the kind."""
    return f"{kind.name_zh}_模板.xlsx"


def _bool_words() -> tuple[str, str]:
    return TRUE_WORDS[0], FALSE_WORDS[0]  # 是, 否: the spellings shown first


def choices(column: Column) -> tuple[str, ...]:
    """The values a column's drop-down offers (empty for free columns)."""
    if column.is_district:
        return DISTRICTS
    if column.type == "bool":
        return _bool_words()
    return column.allowed


def example_value(column: Column) -> object:
    """A value that passes the column's rules, for the instructions."""
    if column.type == "date":
        return _EXAMPLE_DATE
    if column.type == "amount":
        return 120.5
    if column.type == "integer":
        return 12
    offered = choices(column)
    if offered:
        return offered[0]
    return _TEXT_EXAMPLES.get(column.name, column.header_zh)


def _rule_text(kind: ExtractKind, column: Column, lang: str) -> str:
    offered = choices(column)
    if column.type == "date":
        text = t("template.rule_date", lang)
    elif column.type == "amount":
        text = t("template.rule_amount", lang)
    elif column.type == "integer":
        text = t("template.rule_integer", lang)
    elif column.type == "bool":
        text = t("template.rule_bool", lang)
    elif offered:
        text = t("template.rule_choice", lang, values=" / ".join(offered))
    else:
        text = t("template.rule_text", lang)
    if column.unique:
        text += t("template.rule_unique", lang)
    if column.required_when is not None:
        other, values = column.required_when
        text += "；" if lang == "zh" else "; "
        text += t(
            "template.required_when",
            lang,
            other=kind.column(other).header_zh,
            values="/".join(values),
        )
    return text


def _validation(column: Column, lang: str) -> DataValidation | None:
    offered = choices(column)
    common = {
        "allow_blank": True,
        "showErrorMessage": True,
        "errorTitle": t("template.error_title", lang),
    }
    if offered:
        formula = '"' + ",".join(offered) + '"'
        if len(formula) > _LIST_LIMIT:
            raise ValueError(f"the drop-down of {column.name} is too long for a list rule")
        return DataValidation(type="list", formula1=formula, **common)
    if column.type == "date":
        return DataValidation(
            type="date",
            operator="between",
            formula1="DATE(1950,1,1)",
            formula2="DATE(2099,12,31)",
            **common,
        )
    if column.type in ("amount", "integer"):
        return DataValidation(
            type="decimal" if column.type == "amount" else "whole",
            operator="greaterThanOrEqual",
            formula1="0",
            **common,
        )
    return None


def _cell_format(column: Column) -> str:
    return {
        "date": DATE_FORMAT,
        "amount": AMOUNT_FORMAT,
        "integer": INTEGER_FORMAT,
    }.get(column.type, "General" if choices(column) else TEXT_FORMAT)


def _data_sheet(sheet: Worksheet, kind: ExtractKind, lang: str) -> None:
    sheet.title = kind.name_zh
    sheet.freeze_panes = "A2"
    for index, column in enumerate(kind.columns, start=1):
        letter = get_column_letter(index)
        header = sheet.cell(row=1, column=index, value=column.header_zh)
        header.font = Font(bold=True)
        header.fill = _REQUIRED_FILL if column.required else _HEADER_FILL
        header.alignment = Alignment(horizontal="center")
        example = example_value(column)
        shown = example.isoformat() if isinstance(example, dt.date) else example
        header.comment = Comment(
            f"{_rule_text(kind, column, lang)}\n{t('template.col_example', lang)}: {shown}",
            "攻势看板",
        )
        sheet.column_dimensions[letter].width = max(12, 2 * len(column.header_zh) + 4)
        cell_format = _cell_format(column)
        for row in range(2, TEMPLATE_ROWS + 2):
            sheet.cell(row=row, column=index).number_format = cell_format
        validation = _validation(column, lang)
        if validation is not None:
            validation.error = _rule_text(kind, column, lang)
            validation.prompt = _rule_text(kind, column, lang)
            validation.showInputMessage = True
            validation.add(f"{letter}2:{letter}{TEMPLATE_ROWS + 1}")
            sheet.add_data_validation(validation)


def _help_sheet(sheet: Worksheet, kind: ExtractKind, lang: str) -> None:
    kind_name = kind.name_zh
    sheet.title = t("template.sheet_help", lang)
    sheet.column_dimensions["A"].width = 22
    sheet.column_dimensions["B"].width = 8
    sheet.column_dimensions["C"].width = 60
    sheet.column_dimensions["D"].width = 28
    sheet.cell(row=1, column=1, value=t("template.help_title", lang, kind=kind_name)).font = Font(
        bold=True, size=14
    )
    lines = t(
        "template.help_lines",
        lang,
        sheet=kind.name_zh,
        kind=kind_name,
        example_name=f"{kind_name}_2022-03_城阳区.xlsx",
    ).splitlines()
    row = 2
    for number, text in enumerate(lines, start=1):
        sheet.cell(row=row, column=1, value=f"{number}. {text}")
        row += 1
    row += 1
    for index, key in enumerate(("col_header", "col_required", "col_rule", "col_example"), 1):
        sheet.cell(row=row, column=index, value=t(f"template.{key}", lang)).font = Font(bold=True)
    for column in kind.columns:
        row += 1
        example = example_value(column)
        sheet.cell(row=row, column=1, value=column.header_zh)
        sheet.cell(
            row=row, column=2, value=t("template.required_yes", lang) if column.required else ""
        )
        sheet.cell(row=row, column=3, value=_rule_text(kind, column, lang))
        cell = sheet.cell(row=row, column=4, value=example)
        cell.number_format = _cell_format(column) if column.type != "text" else "General"
        cell.alignment = Alignment(horizontal="left")


def template_workbook(kind: ExtractKind, lang: str = "zh") -> bytes:
    """The ``.xlsx`` template of ``kind``: data sheet first, then 填报说明."""
    workbook = Workbook()
    _data_sheet(workbook.active, kind, lang)
    _help_sheet(workbook.create_sheet(), kind, lang)
    workbook.active = 0
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
