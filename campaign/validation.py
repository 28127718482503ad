"""Check raw extract cells against the contracts and turn them into typed rows.

All row checks run as SQL inside DuckDB, in one ordered pass per file (a million rows
validate in about twice the time DuckDB takes just to read them).  Each file gets a
``_rows_<n>`` table: every row's typed values under the canonical column names, its line,
one boolean per rule and ``_excluded``; every raised flag becomes an :class:`Issue` with the
file, line, column, the cell as written and a reason in Chinese and English.  The kind's
view over those tables is what readers see.  Checks that need all files of a kind
(duplicate keys, exact duplicate rows, amount outliers) then run on that view.

Nothing is coerced silently: a cell either reads as exactly one value or is reported.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

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
from campaign.reader import Part, RawTable, ReadNote, UnreadableFile, normalise_header
from campaign.table_layout import HeaderGuide

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

_FULL_WIDTH = ("０１２３４５６７８９．，－＋／：", "0123456789.,-+/:")
# Cheap tests first: most cells have no surrounding blanks; a regex here costs 3× these tests
# (and an IN list would become a join).
_MACROS = f"""
CREATE OR REPLACE TEMP MACRO clean_cell(x) AS
    CASE WHEN ascii(x) <= 32 OR ascii(x) = 160 OR ascii(x) = 12288 OR ascii(x) = 65279
         THEN nullif(trim(x, '{_BLANKS}'), '')
         WHEN suffix(x, ' ') OR suffix(x, '\u3000') OR suffix(x, '\t') OR suffix(x, '\r')
              OR suffix(x, '\n') OR suffix(x, '\u00a0')
         THEN nullif(trim(x, '{_BLANKS}'), '')
         ELSE nullif(x, '') END;
CREATE OR REPLACE TEMP MACRO ascii_text(t) AS translate(t, '{_FULL_WIDTH[0]}', '{_FULL_WIDTH[1]}');
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
    """A check on one column: ``condition`` is SQL over ``t<i>`` (clean text) and ``v<i>``."""

    column: int  # index into the mapped columns
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


def header_guide(kind: ExtractKind) -> HeaderGuide:
    """The kind's headers as the reader matches them to find the header row and the table
    sheets: normalised header -> (canonical column, type); the same spellings as
    :func:`map_headers` accepts."""
    guide: dict[str, tuple[str, str]] = {}
    for col in kind.columns:
        for spelling in (col.name, col.header_zh):
            guide[normalise_header(spelling)] = (col.name, col.type)
    return guide


def map_headers(
    kind: ExtractKind, headers: tuple[str, ...], report: FileReport, header_line: int = 1
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
                report.add("warning", "validation.extra_column", line=header_line, column=header)
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


# Types whose fast path parses the raw cell itself (surrounding blanks included), so the
# cell is cleaned only when that fails: cleaning every cell is the costliest step.
_PARSED_RAW = ("date", "amount", "integer")


def _present(col: Column, i: int) -> str:
    """SQL: the cell holds something (not empty, not only blanks)."""
    return f"p{i}" if col.type in _PARSED_RAW else f"t{i} IS NOT NULL"


def _column_rules(col: Column, i: int) -> tuple[str, list[_Rule]]:
    """The typed-value expression and the rules of a column.

    Text columns work on ``t<i>``, the clean text; dates and numbers on ``r<i>``, the raw
    cell, with ``p<i>`` saying whether it holds anything.  Each type has a fast path for the
    common spelling and a slower one for the rest, so a million well-formed cells cost
    little more than reading them.
    """
    text = f"t{i}"
    present = _present(col, i)
    rules: list[_Rule] = []
    if col.required:
        rules.append(_Rule(i, f"NOT ({present})", "error", "validation.required_empty"))
    if col.type == "date":
        formats = list(_DATE_FORMATS)
        cleaned = f"clean_cell(r{i})"
        # COALESCE evaluates its second argument only where the first is NULL.
        value = (
            f"coalesce(try_cast(r{i} AS DATE), "
            f"CAST(try_strptime(ascii_text({cleaned}), {formats!r}) AS DATE))"
        )
        # CASE, not AND: DuckDB evaluates both sides of AND in a select list, and the shape
        # regex is only needed for the rare cell that did not parse.
        shape = f"regexp_matches(ascii_text({cleaned}), '{_DATE_SHAPE}')"
        unparsed = f"{present} AND v{i} IS NULL"
        rules += [
            _Rule(i, f"CASE WHEN {unparsed} THEN NOT {shape} END", "error", "validation.bad_date"),
            _Rule(
                i, f"CASE WHEN {unparsed} THEN {shape} END", "error", "validation.impossible_date"
            ),
            _Rule(
                i, f"year(v{i}) NOT BETWEEN 1950 AND 2099", "error", "validation.date_out_of_range"
            ),
        ]
    elif col.type in ("amount", "integer"):
        cleaned = f"ascii_text(clean_cell(r{i}))"
        value = (
            f"CASE WHEN regexp_full_match(r{i}, '-?[0-9]+(\\.[0-9]+)?') "
            f"THEN CAST(r{i} AS DOUBLE) "
            f"WHEN regexp_matches({cleaned}, '{_NUMBER_SHAPE}') "
            f"THEN CAST(replace({cleaned}, ',', '') AS DOUBLE) END"
        )
        rules.append(_Rule(i, f"{present} AND v{i} IS NULL", "error", "validation.not_a_number"))
        if col.non_negative:
            rules.append(_Rule(i, f"v{i} < 0", "error", "validation.negative"))
        if col.type == "integer":
            rules.append(_Rule(i, f"v{i} <> floor(v{i})", "error", "validation.not_integer"))
    elif col.type == "bool":
        lowered = f"lower(ascii_text({text}))"
        true_list = " ".join(f"WHEN {_sql_text(w)} THEN TRUE" for w in TRUE_WORDS)
        false_list = " ".join(f"WHEN {_sql_text(w)} THEN FALSE" for w in FALSE_WORDS)
        value = f"CASE {lowered} {true_list} {false_list} END"
        rules.append(_Rule(i, f"{present} AND v{i} IS NULL", "error", "validation.not_boolean"))
    elif col.is_district:
        folded = f"replace(replace({text}, ' ', ''), '\u3000', '')"
        # A CASE chain, not a join or an IN list (which DuckDB turns into a join): joins
        # need not keep row order, and the fast path's line numbers rest on that order.
        # Official names first: they are what most cells hold, so most rows stop early.
        lookup = sorted(district_lookup().items(), key=lambda kv: (kv[0] != kv[1], kv[0]))
        spellings = " ".join(f"WHEN {_sql_text(k)} THEN {_sql_text(v)}" for k, v in lookup)
        value = f"CASE {folded} {spellings} END"
        rules.append(
            _Rule(i, f"{present} AND v{i} IS NULL", "error", "validation.unknown_district")
        )
    elif col.allowed:
        value = text
        allowed = " OR ".join(f"v{i} = {_sql_text(a)}" for a in col.allowed)
        rules.append(
            _Rule(
                i,
                f"{present} AND NOT ({allowed})",
                "error",
                "validation.not_allowed",
                (("allowed", "/".join(col.allowed)),),
            )
        )
    else:
        value = text
    return value, rules


def _conditional_rules(mapped: list[_MappedColumn]) -> list[_Rule]:
    """Columns required only when another column holds some values (签约日期 when 签约/落地)."""
    rules = []
    index_of = {m.column.name: i for i, m in enumerate(mapped)}
    for i, m in enumerate(mapped):
        if m.column.required_when is None:
            continue
        other, values = m.column.required_when
        j = index_of[other]
        listed = " OR ".join(f"t{j} = {_sql_text(v)}" for v in values)
        rules.append(
            _Rule(
                i,
                f"NOT ({_present(m.column, i)}) AND ({listed})",
                "error",
                "validation.required_when",
                (("other", mapped[j].header), ("values", "/".join(values))),
            )
        )
    return rules


def stage_file(
    con: duckdb.DuckDBPyConnection,
    kind: ExtractKind,
    part: Part,
    report: FileReport,
    file_index: int,
) -> tuple[str | None, dict[str, str]]:
    """Read and check one table (a file, or a sheet of a workbook) into its own table of
    checked rows; fill ``report``, starting with what the reader noted.

    The table (``_rows_<n>``) holds every row with its typed values under the canonical
    column names, its line, one flag per rule and ``_excluded``; the kind's view over such
    tables is what readers see (see :func:`create_kind_view`).  Returns the table's name
    (None when the file was rejected) and how the file spells each column's header.
    """
    report.encoding = part.encoding
    add_notes(report, part.notes)
    try:
        raw = part.load(con, f"raw_{file_index}")
    except UnreadableFile as exc:
        add_notes(report, exc.notes)
        return None, {}
    report.encoding = raw.encoding
    opened = [raw]
    rows_table = f"_rows_{file_index}"
    try:
        mapped = map_headers(kind, raw.headers, report, raw.header_line)
        columns = mapped or []
        # Materialise the checked rows in the file's order; on the fast path that order is
        # what numbers the lines, and if it cannot (see RawTable) read the file exactly.
        con.execute("SET preserve_insertion_order = true")
        if raw.positional:
            try:
                con.execute(_norm_sql(rows_table, raw, columns))
                mappable = _count(con, rows_table) == raw.expected_rows
            except duckdb.Error:
                mappable = False
            if mappable:
                con.execute(f'ALTER TABLE "{rows_table}" ADD COLUMN _line BIGINT')
                con.execute(f'UPDATE "{rows_table}" SET _line = rowid + {raw.first_line}')
            elif raw.exact is not None:
                try:
                    raw = raw.exact()
                except UnreadableFile as exc:
                    add_notes(report, exc.notes)
                    return None, {}
                opened.append(raw)
                report.encoding = raw.encoding
        if not raw.positional:
            con.execute(_norm_sql(rows_table, raw, columns))
        con.execute("SET preserve_insertion_order = false")
        _report_ragged(raw, report)
        overflow = sum(1 for _, _, excluded in raw.ragged_rows if excluded)
        report.rows_total = _count(con, rows_table, "NOT _empty") + overflow
        if mapped is None:
            con.execute(f'DROP TABLE "{rows_table}"')
            return None, {}
        _report_rows(con, rows_table, raw, mapped, report)
        return rows_table, {m.column.name: m.header for m in mapped}
    except BaseException:
        con.execute(f'DROP TABLE IF EXISTS "{rows_table}"')
        raise
    finally:
        for source in opened:
            source.close(con)


def add_notes(report: FileReport, notes: Sequence[ReadNote]) -> None:
    """What the reader found (skipped sheets, footnotes, refusals) as the report's issues."""
    for note in notes:
        report.add(note.severity, note.key, note.line, note.column, note.value, **dict(note.params))


def _count(con: duckdb.DuckDBPyConnection, table: str, where: str = "TRUE") -> int:
    return con.execute(f'SELECT count(*) FROM "{table}" WHERE {where}').fetchall()[0][0]


def _report_ragged(raw: RawTable, report: FileReport) -> None:
    width = len(raw.headers)
    for line, found, excluded in raw.ragged_rows:
        severity = "error" if excluded else "warning"
        report.add(severity, "validation.wrong_field_count", line=line, found=found, expected=width)


def _all_rules(mapped: list[_MappedColumn]) -> tuple[list[str], list[_Rule]]:
    values: list[str] = []
    rules: list[_Rule] = []
    for i, m in enumerate(mapped):
        value, column_rules = _column_rules(m.column, i)
        values.append(f"{value} AS v{i}")
        rules += column_rules
    return values, rules + _conditional_rules(mapped)


def _norm_sql(norm: str, raw: RawTable, mapped: list[_MappedColumn]) -> str:
    """One pass over the raw cells: clean text, typed values, one flag per rule, and
    ``_empty`` for rows whose every cell is empty (skipped, not counted).

    Only projections, no joins: they keep the source's order, which the fast path needs.
    """
    width = len(raw.headers)
    values, rules = _all_rules(mapped)
    mapped_positions = {m.position for m in mapped if m.position is not None}
    unmapped = [p for p in range(width) if p not in mapped_positions]
    cleaned = [
        f"{m.raw} AS r{i}" if m.column.type in _PARSED_RAW else f"clean_cell({m.raw}) AS t{i}"
        for i, m in enumerate(mapped)
    ]
    cleaned += [f"clean_cell(c{p}) AS u{p}" for p in unmapped]
    presence = [
        f"CASE WHEN v{i} IS NOT NULL THEN TRUE ELSE clean_cell(r{i}) IS NOT NULL END AS p{i}"
        for i, m in enumerate(mapped)
        if m.column.type in _PARSED_RAW
    ]
    empty = (
        " AND ".join(
            [f"NOT ({_present(m.column, i)})" for i, m in enumerate(mapped)]
            + [f"u{p} IS NULL" for p in unmapped]
        )
        or "TRUE"
    )
    line = "" if raw.positional else "_line, "
    flags = [f"coalesce({r.condition}, FALSE) AS f{n}" for n, r in enumerate(rules)]
    errors = [f"f{n}" for n, r in enumerate(rules) if r.severity == "error"]
    typed_columns = [
        f'CAST(v{i} AS {m.column.sql_type}) AS "{m.column.name}"' for i, m in enumerate(mapped)
    ]
    return f"""CREATE OR REPLACE TABLE "{norm}" AS
        WITH cleaned AS (SELECT {line}{", ".join(cleaned) or "NULL AS nothing"}
                         FROM {raw.source}),
        typed AS (SELECT cleaned.*{"".join(", " + v for v in values)} FROM cleaned),
        present AS (SELECT typed.*{"".join(", " + p for p in presence)} FROM typed),
        flagged AS (SELECT present.*{"".join(", " + f for f in flags)}, {empty} AS _empty
                    FROM present)
        SELECT {line}{"".join(c + ", " for c in typed_columns)}
               {"".join(f"f{n}, " for n in range(len(rules)))}_empty,
               {" OR ".join(["_empty", *errors])} AS _excluded
        FROM flagged"""


def _report_rows(
    con: duckdb.DuckDBPyConnection,
    norm: str,
    raw: RawTable,
    mapped: list[_MappedColumn],
    report: FileReport,
) -> None:
    """Turn every raised flag into an issue, with the cell as the file has it."""
    _, rules = _all_rules(mapped)
    any_flag = " OR ".join(f"f{n}" for n in range(len(rules))) or "FALSE"
    flagged_where = f"NOT _empty AND ({any_flag})"
    if not rules or not _count(con, norm, flagged_where):
        return
    raw_cells = ", ".join(f"{m.raw} AS r{i}" for i, m in enumerate(mapped))
    if raw.positional:
        # Rare (a file with problems): read the raw cells again, in order, to quote them.
        con.execute("SET preserve_insertion_order = true")
        con.execute(f"CREATE OR REPLACE TEMP TABLE raw_cells AS SELECT * FROM {raw.source}")
        con.execute("SET preserve_insertion_order = false")
        raw_rows = (
            f"SELECT CAST(rowid + {raw.first_line} AS BIGINT) AS _line, {raw_cells} FROM raw_cells"
        )
    else:
        raw_rows = f"SELECT _line, {raw_cells} FROM {raw.source}"
    selects = [
        f"SELECT _line, {n}, r{r.column} FROM flagged WHERE f{n}" for n, r in enumerate(rules)
    ]
    found = con.execute(
        f"""WITH numbered AS (
            SELECT _line AS _line_no, {", ".join(f"f{n}" for n in range(len(rules)))}
            FROM "{norm}" WHERE {flagged_where}),
        flagged AS (
            SELECT numbered.*, raw_rows.*
            FROM numbered JOIN ({raw_rows}) AS raw_rows ON raw_rows._line = numbered._line_no)
        {" UNION ALL ".join(selects)} ORDER BY 1, 2"""
    ).fetchall()
    con.execute("DROP TABLE IF EXISTS raw_cells")
    for line_number, n, value in found:
        rule = rules[n]
        report.add(
            rule.severity,
            rule.key,
            line=line_number,
            column=mapped[rule.column].header,
            value=value,
            **dict(rule.params),
        )


def create_kind_view(
    con: duckdb.DuckDBPyConnection, kind: ExtractKind, rows_tables: dict[str, str]
) -> None:
    """The kind's rows as readers see them: the valid rows of every file, typed, with
    ``source_file`` and ``source_line``; a view over the files' checked-row tables (so a
    million rows are written once), or an empty table when no file of the kind loaded."""
    if not rows_tables:
        create_kind_table(con, kind)
        return
    columns = ", ".join(f'"{c.name}"' for c in kind.columns)
    parts = [
        f"SELECT {columns}, {_sql_text(path)} AS source_file, _line AS source_line "
        f'FROM "{table}" WHERE NOT _excluded'
        for path, table in rows_tables.items()
    ]
    con.execute(f'CREATE VIEW "{kind.id}" AS ' + " UNION ALL ".join(parts))


def create_kind_table(con: duckdb.DuckDBPyConnection, kind: ExtractKind) -> str:
    """The kind's table of valid rows (canonical typed columns, source file and line).

    Files are appended in name order, so ``(source_file, source_line)`` is the order in
    which a person reads the rows: the first of two duplicates is the one kept.
    """
    columns = ", ".join(f'"{c.name}" {c.sql_type}' for c in kind.columns)
    con.execute(f'CREATE TABLE "{kind.id}" ({columns}, source_file VARCHAR, source_line BIGINT)')
    return kind.id


def install_helpers(con: duckdb.DuckDBPyConnection) -> None:
    """The SQL macros the checks use."""
    con.execute(_MACROS)


def check_kind(
    con: duckdb.DuckDBPyConnection,
    kind: ExtractKind,
    reports: dict[str, FileReport],
    headers: dict[str, dict[str, str]],
    rows_tables: dict[str, str],
) -> None:
    """Checks across all files of a kind, on its view: duplicate keys (excluded in their
    file's table), exact duplicates and amount outliers (warnings).

    ``headers`` maps file → canonical column → its header there; ``rows_tables`` maps file →
    its checked-row table.
    """
    stage_table = kind.id

    def header(path: str, column: str) -> str:
        return headers.get(path, {}).get(column, kind.column(column).header_zh)

    key = kind.key_column
    if key is not None:
        repeats = _repeats(con, stage_table, [key.name])
        for path, line, value, first_file, first_line in repeats:
            reports[path].add(
                "error",
                "validation.duplicate_key",
                line=line,
                column=header(path, key.name),
                value=value,
                first_path=first_file,
                first_line=first_line,
            )
        for path in sorted({r[0] for r in repeats}):
            lines = [r[1] for r in repeats if r[0] == path]
            con.execute("CREATE OR REPLACE TEMP TABLE repeated (line BIGINT)")
            con.executemany("INSERT INTO repeated VALUES (?)", [(line,) for line in lines])
            con.execute(
                f"""UPDATE "{rows_tables[path]}" SET _excluded = TRUE
                WHERE _line IN (SELECT line FROM repeated)"""
            )
    else:
        names = [c.name for c in kind.columns]
        for path, line, _, first_file, first_line in _repeats(con, stage_table, names):
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
        ).fetchall()[0][0]
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


def _repeats(
    con: duckdb.DuckDBPyConnection, table: str, columns: list[str]
) -> list[tuple[str, int, object, str, int]]:
    """Rows equal on ``columns`` to an earlier row: (file, line, first column's value,
    file and line of the first occurrence).

    Candidates are found by grouping on a hash (cheap on a million rows); only rows in a
    repeated group are then ordered and compared on the real values.
    """
    quoted = ", ".join(f'"{c}"' for c in columns)
    repeated = con.execute(
        f'SELECT hash({quoted}) FROM "{table}" GROUP BY 1 HAVING count(*) > 1 LIMIT 1'
    ).fetchall()
    if not repeated:
        return []
    return con.execute(
        f"""WITH candidates AS (
            SELECT * FROM "{table}" WHERE hash({quoted}) IN (
                SELECT hash({quoted}) FROM "{table}" GROUP BY 1 HAVING count(*) > 1))
        SELECT source_file, source_line, "{columns[0]}", first_file, first_line FROM (
            SELECT *, row_number() OVER w AS n,
                   first_value(source_file) OVER w AS first_file,
                   first_value(source_line) OVER w AS first_line
            FROM candidates
            WINDOW w AS (PARTITION BY {quoted} ORDER BY source_file, source_line))
        WHERE n > 1 ORDER BY source_file, source_line"""
    ).fetchall()


def _number_text(value: float) -> str:
    return f"{value:,.2f}".rstrip("0").rstrip(".")


__all__ = [
    "KINDS",
    "FileReport",
    "Issue",
    "add_notes",
    "check_kind",
    "create_kind_table",
    "header_guide",
    "install_helpers",
    "map_headers",
    "stage_file",
]
