"""Check raw extract cells against the contracts and turn them into typed rows.

All row checks run as SQL inside DuckDB (a million rows validate in about the time DuckDB
takes to read them).  For each file a ``norm`` table holds, per contract column, the raw
cell, the normalised value and one boolean per rule; a row with any error flag is excluded,
every flag becomes an :class:`Issue` with the file, line, column, value and a reason in
Chinese and English.  Checks that need all files of a kind (duplicate keys, exact duplicate
rows, amount outliers) then run on the kind's combined valid rows.

Nothing is coerced silently: a cell either reads as exactly one value or is reported.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from campaign.contracts import (
    FALSE_WORDS,
    KINDS,
    TRUE_WORDS,
    Column,
    ExtractKind,
    district_lookup,
)
from campaign.i18n import t
from campaign.reader import RawTable, UnreadableFile, normalise_header, read_extract

# An amount at least this many times the median of its kind is probably 元 typed as 万元.
OUTLIER_FACTOR = 1000

_BLANKS = " \t\r\n\u3000\u00a0\ufeff"
_DATE_FORMATS = (
    "%Y-%m-%d",
    "%Y/%m/%d",
    "%Y.%m.%d",
    "%Y年%m月%d日",
    "%Y%m%d",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
)
# The shapes of a date; a cell of one of these shapes that does not parse is no such date.
_DATE_SHAPE = (
    r"^\d{4}-\d{1,2}-\d{1,2}( \d{1,2}:\d{2}(:\d{2})?)?$"
    r"|^\d{4}/\d{1,2}/\d{1,2}( \d{1,2}:\d{2}(:\d{2})?)?$"
    r"|^\d{4}\.\d{1,2}\.\d{1,2}$|^\d{4}年\d{1,2}月\d{1,2}日$|^\d{8}$"
)
_NUMBER_SHAPE = r"^[+-]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?$"

_MACROS = f"""
CREATE OR REPLACE TEMP MACRO clean_cell(x) AS nullif(trim(x, '{_BLANKS}'), '');
CREATE OR REPLACE TEMP MACRO ascii_cell(x) AS
    translate(clean_cell(x), '０１２３４５６７８９．，－＋／：', '0123456789.,-+/:');
CREATE OR REPLACE TEMP MACRO number_cell(x) AS
    CASE WHEN regexp_matches(ascii_cell(x), '{_NUMBER_SHAPE}')
         THEN CAST(replace(ascii_cell(x), ',', '') AS DOUBLE) END;
CREATE OR REPLACE TEMP MACRO date_cell(x) AS
    CAST(try_strptime(ascii_cell(x), {list(_DATE_FORMATS)!r}) AS DATE);
"""


@dataclass(frozen=True)
class Issue:
    """One problem found in an extract; ``line`` None means the whole file."""

    path: str
    line: int | None
    column: str | None
    value: str | None
    reason_zh: str
    reason_en: str
    severity: str  # "error" (row or file not loaded) or "warning" (kept)

    def reason(self, lang: str = "zh") -> str:
        return self.reason_en if lang == "en" else self.reason_zh

    def as_json(self, lang: str = "zh") -> dict[str, object]:
        return {
            "line": self.line,
            "column": self.column,
            "value": self.value,
            "reason": self.reason(lang),
        }


@dataclass
class FileReport:
    """What happened to one extract file."""

    path: str
    kind: str | None
    encoding: str | None = None
    rows_total: int = 0
    rows_loaded: int = 0
    errors: list[Issue] = field(default_factory=list)
    warnings: list[Issue] = field(default_factory=list)

    @property
    def rows_excluded(self) -> int:
        return self.rows_total - self.rows_loaded

    def add(
        self,
        severity: str,
        key: str,
        line: int | None = None,
        column: str | None = None,
        value: str | None = None,
        **params: object,
    ) -> None:
        # The reason may name the column or value itself (e.g. the missing column).
        fill = {"column": column, "value": value, **params}
        issue = Issue(
            self.path, line, column, value, t(key, "zh", **fill), t(key, "en", **fill), severity
        )
        (self.errors if severity == "error" else self.warnings).append(issue)


def _sql_text(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


@dataclass(frozen=True)
class _Rule:
    flag: str  # column name of the boolean flag in the norm table
    condition: str
    severity: str
    key: str
    params: tuple[tuple[str, object], ...] = ()


@dataclass(frozen=True)
class _MappedColumn:
    column: Column
    position: int | None  # None: not in the file (an optional column)
    header: str  # as the file spells it, for reports

    @property
    def raw(self) -> str:
        return f"c{self.position}" if self.position is not None else "CAST(NULL AS VARCHAR)"


def map_headers(
    kind: ExtractKind, headers: tuple[str, ...], report: FileReport
) -> list[_MappedColumn] | None:
    """Match the file's headers to the kind's columns (canonical or Chinese, any order).

    Reports missing required columns and duplicate columns (file errors, returns None)
    and extra columns (warnings).
    """
    wanted: dict[str, Column] = {}
    for col in kind.columns:
        wanted[normalise_header(col.name)] = col
        wanted[normalise_header(col.header_zh)] = col
    found: dict[str, tuple[int, str]] = {}
    ok = True
    for position, header in enumerate(headers):
        col = wanted.get(normalise_header(header))
        if col is None:
            if header.strip():
                report.add("warning", "validation.extra_column", line=1, column=header)
            continue
        if col.name in found:
            report.add("error", "validation.duplicate_column", column=header)
            ok = False
            continue
        found[col.name] = (position, header)
    for col in kind.columns:
        if col.required and col.name not in found:
            report.add("error", "validation.missing_column", column=col.header_zh)
            ok = False
    if not ok:
        return None
    return [
        _MappedColumn(col, *found[col.name])
        if col.name in found
        else _MappedColumn(col, None, col.header_zh)
        for col in kind.columns
    ]


def _column_rules(mapped: _MappedColumn, index: int) -> tuple[str, list[_Rule]]:
    """The normalised-value expression and the rules for one column."""
    col, raw = mapped.column, mapped.raw
    present = f"clean_cell({raw}) IS NOT NULL"
    rules: list[_Rule] = []
    if col.required:
        rules.append(
            _Rule(f"e{index}_required", f"NOT ({present})", "error", "validation.required_empty")
        )
    if col.type == "date":
        value = f"date_cell({raw})"
        shape = f"regexp_matches(ascii_cell({raw}), '{_DATE_SHAPE}')"
        rules += [
            _Rule(
                f"e{index}_bad",
                f"{present} AND {value} IS NULL AND NOT {shape}",
                "error",
                "validation.bad_date",
            ),
            _Rule(
                f"e{index}_impossible",
                f"{present} AND {value} IS NULL AND {shape}",
                "error",
                "validation.impossible_date",
            ),
            _Rule(
                f"e{index}_range",
                f"year({value}) NOT BETWEEN 1950 AND 2099",
                "error",
                "validation.date_out_of_range",
            ),
        ]
    elif col.type in ("amount", "integer"):
        value = f"number_cell({raw})"
        rules.append(
            _Rule(
                f"e{index}_nan",
                f"{present} AND {value} IS NULL",
                "error",
                "validation.not_a_number",
            )
        )
        if col.non_negative:
            rules.append(
                _Rule(f"e{index}_negative", f"{value} < 0", "error", "validation.negative")
            )
        if col.type == "integer":
            rules.append(
                _Rule(
                    f"e{index}_fraction",
                    f"{value} <> floor({value})",
                    "error",
                    "validation.not_integer",
                )
            )
            value = f"CAST({value} AS BIGINT)"
    elif col.type == "bool":
        lowered = f"lower(ascii_cell({raw}))"
        true_list = ", ".join(_sql_text(w) for w in TRUE_WORDS)
        false_list = ", ".join(_sql_text(w) for w in FALSE_WORDS)
        value = (
            f"CASE WHEN {lowered} IN ({true_list}) THEN TRUE "
            f"WHEN {lowered} IN ({false_list}) THEN FALSE END"
        )
        rules.append(
            _Rule(
                f"e{index}_bool",
                f"{present} AND ({value}) IS NULL",
                "error",
                "validation.not_boolean",
            )
        )
    elif col.is_district:
        value = f"d{index}.official"
        rules.append(
            _Rule(
                f"e{index}_district",
                f"{present} AND {value} IS NULL",
                "error",
                "validation.unknown_district",
            )
        )
    elif col.allowed:
        value = f"clean_cell({raw})"
        allowed = ", ".join(_sql_text(a) for a in col.allowed)
        rules.append(
            _Rule(
                f"e{index}_allowed",
                f"{present} AND {value} NOT IN ({allowed})",
                "error",
                "validation.not_allowed",
                (("allowed", "/".join(col.allowed)),),
            )
        )
    else:
        value = f"clean_cell({raw})"
    return value, rules


def _conditional_rules(kind: ExtractKind, mapped: list[_MappedColumn]) -> list[_Rule]:
    rules = []
    by_name = {m.column.name: (i, m) for i, m in enumerate(mapped)}
    for index, m in enumerate(mapped):
        if m.column.required_when is None:
            continue
        other, values = m.column.required_when
        _, other_m = by_name[other]
        listed = ", ".join(_sql_text(v) for v in values)
        rules.append(
            _Rule(
                f"e{index}_required_when",
                f"clean_cell({m.raw}) IS NULL AND clean_cell({other_m.raw}) IN ({listed})",
                "error",
                "validation.required_when",
                (("other", other_m.header), ("values", "/".join(values))),
            )
        )
    return rules


def stage_file(
    con: duckdb.DuckDBPyConnection,
    kind: ExtractKind,
    path: Path,
    report: FileReport,
    file_index: int,
    stage_table: str,
) -> dict[str, str]:
    """Read, check and append one file's valid rows to ``stage_table``; fill ``report``.

    Returns how the file spells each column's header (canonical name → header).
    """
    raw_table = f"raw_{file_index}"
    try:
        raw = read_extract(path, con, raw_table)
    except UnreadableFile as exc:
        report.add("error", exc.key, **exc.params)
        return {}
    report.encoding = raw.encoding
    try:
        return _stage_raw(con, kind, raw, report, file_index, stage_table)
    finally:
        con.execute(f'DROP TABLE IF EXISTS "{raw_table}"')
        con.execute(f'DROP TABLE IF EXISTS "norm_{file_index}"')


def _stage_raw(
    con: duckdb.DuckDBPyConnection,
    kind: ExtractKind,
    raw: RawTable,
    report: FileReport,
    file_index: int,
    stage_table: str,
) -> dict[str, str]:
    width = len(raw.headers)
    overflow = [(line, found) for line, found, excluded in raw.ragged_rows if excluded]
    report.rows_total = raw.rows + len(overflow)
    for line, found in overflow:
        report.add("error", "validation.wrong_field_count", line=line, found=found, expected=width)
    for line, found, excluded in raw.ragged_rows:
        if not excluded and found < width:
            report.add(
                "warning", "validation.wrong_field_count", line=line, found=found, expected=width
            )
    mapped = map_headers(kind, raw.headers, report)
    if mapped is None:
        report.rows_total = raw.rows + len(overflow)
        return {}
    # Data under an empty header would be lost silently: warn about it.
    for position, header in enumerate(raw.headers):
        if not header.strip():
            has_data = con.execute(
                f'SELECT count(*) FROM "{raw.table}" WHERE clean_cell(c{position}) IS NOT NULL'
            ).fetchone()[0]
            if has_data:
                report.add("warning", "validation.unnamed_column", line=1, position=position + 1)

    values: list[str] = []
    rules: list[_Rule] = []
    joins: list[str] = []
    for index, m in enumerate(mapped):
        value, column_rules = _column_rules(m, index)
        values.append(f"{value} AS v{index}, {m.raw} AS r{index}")
        rules += column_rules
        if m.column.is_district:
            joins.append(
                f"LEFT JOIN district_names AS d{index} "
                f"ON d{index}.spelling = "
                f"replace(replace(clean_cell({m.raw}), ' ', ''), '\u3000', '')"
            )
    rules += _conditional_rules(kind, mapped)
    flags = [f"coalesce({r.condition}, FALSE) AS {r.flag}" for r in rules]
    errors = [r.flag for r in rules if r.severity == "error"]
    norm = f"norm_{file_index}"
    # Rows whose every cell is empty are not rows: skip them (and do not count them).
    any_cell = " OR ".join(f"clean_cell(c{i}) IS NOT NULL" for i in range(width)) or "FALSE"
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE "{norm}" AS
        SELECT _line, {", ".join(values)}{", " if flags else ""}{", ".join(flags)}
        FROM "{raw.table}" {" ".join(joins)}
        WHERE {any_cell}"""
    )
    # Only now is the file's row count known (all-empty rows dropped).
    report.rows_total = con.execute(f'SELECT count(*) FROM "{norm}"').fetchone()[0] + len(overflow)
    if rules:
        selects = [
            f'SELECT _line, {i}, r{int(r.flag[1:].split("_")[0])} FROM "{norm}" WHERE {r.flag}'
            for i, r in enumerate(rules)
        ]
        found = con.execute(" UNION ALL ".join(selects) + " ORDER BY 1, 2").fetchall()
        for line, rule_index, value in found:
            rule = rules[rule_index]
            column_index = int(rule.flag[1:].split("_")[0])
            report.add(
                rule.severity,
                rule.key,
                line=line,
                column=mapped[column_index].header,
                value=value,
                **dict(rule.params),
            )
    bad = " OR ".join(errors) if errors else "FALSE"
    typed = ", ".join(f"v{i}" for i in range(len(mapped)))
    con.execute(
        f"""INSERT INTO "{stage_table}"
        SELECT {file_index}, {_sql_text(report.path)}, _line, {typed}
        FROM "{norm}" WHERE NOT ({bad})"""
    )
    return {m.column.name: m.header for m in mapped}


def create_stage(con: duckdb.DuckDBPyConnection, kind: ExtractKind) -> str:
    """An empty table for a kind's valid rows from all its files."""
    table = f"stage_{kind.id}"
    columns = ", ".join(f'"{c.name}" {c.sql_type}' for c in kind.columns)
    con.execute(
        f'CREATE OR REPLACE TEMP TABLE "{table}" '
        f"(_file_index INTEGER, source_file VARCHAR, source_line BIGINT, {columns})"
    )
    return table


def install_helpers(con: duckdb.DuckDBPyConnection) -> None:
    """The SQL macros and the district spelling table the checks use."""
    con.execute(_MACROS)
    lookup = district_lookup()
    con.execute("CREATE OR REPLACE TEMP TABLE district_names (spelling VARCHAR, official VARCHAR)")
    con.executemany("INSERT INTO district_names VALUES (?, ?)", sorted(lookup.items()))


def check_kind(
    con: duckdb.DuckDBPyConnection,
    kind: ExtractKind,
    stage_table: str,
    reports: dict[str, FileReport],
    headers: dict[str, dict[str, str]],
) -> None:
    """Checks across all files of a kind: duplicate keys (excluded), exact duplicates and
    amount outliers (warnings).  ``headers`` maps file → canonical column → its header there.
    """

    def header(path: str, column: str) -> str:
        return headers.get(path, {}).get(column, kind.column(column).header_zh)

    key = kind.key_column
    order = "ORDER BY _file_index, source_line"
    if key is not None:
        duplicates = con.execute(
            f"""SELECT source_file, source_line, "{key.name}", first_file, first_line FROM (
                SELECT *, row_number() OVER w AS n,
                       first_value(source_file) OVER w AS first_file,
                       first_value(source_line) OVER w AS first_line
                FROM "{stage_table}" WINDOW w AS (PARTITION BY "{key.name}" {order}))
            WHERE n > 1 ORDER BY source_file, source_line"""
        ).fetchall()
        for path, line, value, first_file, first_line in duplicates:
            reports[path].add(
                "error",
                "validation.duplicate_key",
                line=line,
                column=header(path, key.name),
                value=value,
                first_path=first_file,
                first_line=first_line,
            )
        if duplicates:
            con.execute(
                f"""DELETE FROM "{stage_table}" WHERE (source_file, source_line) IN (
                    SELECT (source_file, source_line) FROM (
                        SELECT source_file, source_line, row_number() OVER (
                            PARTITION BY "{key.name}" {order}) AS n FROM "{stage_table}")
                    WHERE n > 1)"""
            )
    else:
        columns = ", ".join(f'"{c.name}"' for c in kind.columns)
        exact = con.execute(
            f"""SELECT source_file, source_line, first_file, first_line FROM (
                SELECT source_file, source_line, row_number() OVER w AS n,
                       first_value(source_file) OVER w AS first_file,
                       first_value(source_line) OVER w AS first_line
                FROM "{stage_table}" WINDOW w AS (PARTITION BY {columns} {order}))
            WHERE n > 1 ORDER BY source_file, source_line"""
        ).fetchall()
        for path, line, first_file, first_line in exact:
            reports[path].add(
                "warning",
                "validation.exact_duplicate",
                line=line,
                first_path=first_file,
                first_line=first_line,
            )

    if kind.amount_column:
        amount = kind.amount_column
        median = con.execute(
            f'SELECT median("{amount}") FROM "{stage_table}" WHERE "{amount}" > 0'
        ).fetchone()[0]
        if median:
            outliers = con.execute(
                f"""SELECT source_file, source_line, "{amount}" FROM "{stage_table}"
                WHERE "{amount}" >= ? ORDER BY source_file, source_line""",
                [OUTLIER_FACTOR * median],
            ).fetchall()
            for path, line, value in outliers:
                reports[path].add(
                    "warning",
                    "validation.amount_outlier",
                    line=line,
                    column=header(path, amount),
                    value=_number_text(value),
                    median=_number_text(median),
                    ratio=f"{value / median:,.0f}",
                )

    if kind.id == "mediation":
        late = con.execute(
            f"""SELECT source_file, source_line, CAST(closed_date AS VARCHAR) FROM "{stage_table}"
            WHERE closed_date < date ORDER BY source_file, source_line"""
        ).fetchall()
        for path, line, value in late:
            reports[path].add(
                "warning",
                "validation.closed_before_opened",
                line=line,
                column=header(path, "closed_date"),
                value=value,
            )


def _number_text(value: float) -> str:
    return f"{value:,.2f}".rstrip("0").rstrip(".")


__all__ = [
    "KINDS",
    "FileReport",
    "Issue",
    "check_kind",
    "create_stage",
    "install_helpers",
    "map_headers",
    "stage_file",
]
