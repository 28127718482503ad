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

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import duckdb

from campaign.contracts import (
    AMOUNT_UNITS,
    COUNT_SUFFIXES,
    CREDIT_CODE_CHARSET,
    CREDIT_CODE_WEIGHTS,
    DISTRICT_PREFIXES,
    DISTRICT_SUFFIXES,
    DISTRICT_TRADITIONAL,
    EMPTY_MARKERS,
    FALSE_WORDS,
    FIRM_KEY_COLUMN,
    KINDS,
    TOTAL_LABELS,
    TRUE_WORDS,
    Column,
    ExtractKind,
    district_lookup,
    district_noted_lookup,
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
# Every full-width ASCII form (！ to ～) and the ideographic space, for folding firm names as
# NFKC does; 【】〔〕 fold to brackets too.
_FOLD_FROM = "".join(chr(c) for c in range(0xFF01, 0xFF5F)) + "\u3000【】〔〕"
_FOLD_TO = "".join(chr(c) for c in range(0x21, 0x7F)) + " ()()"
_MONTH_FORMATS = ("%Y-%m", "%Y/%m", "%Y.%m", "%Y年%m月")
_MONTH_SHAPE = r"^\d{4}[-/.]\d{1,2}$|^\d{4}年\d{1,2}月$"
# A totals row's label: the whole cell, maybe after a name (城阳区小计) and before a colon.
_TOTAL_SHAPE = "^.{0,12}(" + "|".join(TOTAL_LABELS) + ")[:：]?$"
_CONTROL = "[\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f]"


# Characters of a firm name that cleaning (_CONTROL) or folding (firm_fold) changes.
_FIRM_GATE = "[\\x00-\\x1f\\x7f！-～\u3000【】〔〕 a-z]"


def _case_lookup(value: str, mapping: dict[str, str]) -> str:
    """SQL ``CASE value WHEN k THEN v ... END``: a CASE chain, not a join or an IN list
    (which DuckDB turns into a join): joins need not keep row order, and the fast path's
    line numbers rest on that order."""
    if not mapping:
        return "CAST(NULL AS VARCHAR)"
    whens = " ".join(f"WHEN {_sql_text(k)} THEN {_sql_text(v)}" for k, v in mapping.items())
    return f"CASE {value} {whens} END"


def _macros(district_aliases: dict[str, str] | None = None) -> str:
    # Official names first: they are what most cells hold, so most rows stop early.
    exact = dict(sorted(district_lookup().items(), key=lambda kv: (kv[0] != kv[1], kv[0])))
    noted = district_noted_lookup(district_aliases)
    prefixes = "|".join(DISTRICT_PREFIXES)
    suffixes = "|".join(DISTRICT_SUFFIXES)
    markers = {m: "" for m in EMPTY_MARKERS}
    weights = list(CREDIT_CODE_WEIGHTS)
    fold_from, fold_to = _sql_text(_FOLD_FROM), _sql_text(_FOLD_TO)
    # clean_cell: cheap tests first: most cells have no surrounding blanks; a regex there
    # costs 3× these tests (and an IN list would become a join).
    return f"""
CREATE OR REPLACE TEMP MACRO clean_cell(x) AS
    CASE WHEN ascii(x) <= 32 OR ascii(x) = 160 OR ascii(x) = 12288 OR ascii(x) = 65279
         THEN nullif(trim(x, '{_BLANKS}'), '')
         WHEN suffix(x, ' ') OR suffix(x, '\u3000') OR suffix(x, '\t') OR suffix(x, '\r')
              OR suffix(x, '\n') OR suffix(x, '\u00a0')
         THEN nullif(trim(x, '{_BLANKS}'), '')
         ELSE nullif(x, '') END;
CREATE OR REPLACE TEMP MACRO ascii_text(t) AS translate(t, '{_FULL_WIDTH[0]}', '{_FULL_WIDTH[1]}');
CREATE OR REPLACE TEMP MACRO empty_marker(x) AS
    CASE WHEN strlen(x) > 6 THEN x WHEN {_case_lookup("x", markers)} = '' THEN NULL ELSE x END;
CREATE OR REPLACE TEMP MACRO is_total_label(x) AS
    CASE WHEN contains(x, '计') THEN regexp_matches(replace(x, ' ', ''), '{_TOTAL_SHAPE}')
         ELSE FALSE END;
CREATE OR REPLACE TEMP MACRO firm_fold(x) AS
    upper(replace(translate(x, {fold_from}, {fold_to}), ' ', ''));
CREATE OR REPLACE TEMP MACRO credit_code_shape_ok(c) AS
    regexp_full_match(c, '[{CREDIT_CODE_CHARSET}]{{18}}');
CREATE OR REPLACE TEMP MACRO credit_code_check(c) AS
    substr('{CREDIT_CODE_CHARSET}', CAST((31 - list_sum([
        (strpos('{CREDIT_CODE_CHARSET}', c[i]) - 1) * {weights}[i] for i in range(1, 18)
    ]) % 31) % 31 + 1 AS BIGINT), 1);
CREATE OR REPLACE TEMP MACRO district_exact(x) AS {_case_lookup("x", exact)};
CREATE OR REPLACE TEMP MACRO district_alias(x) AS {_case_lookup("x", noted)};
CREATE OR REPLACE TEMP MACRO district_stripped(x) AS
    regexp_replace(regexp_replace(translate(x, '{DISTRICT_TRADITIONAL[0]}',
        '{DISTRICT_TRADITIONAL[1]}'), '^({prefixes})', ''), '({suffixes})$', '');
CREATE OR REPLACE TEMP MACRO district_noted(x) AS
    coalesce(district_alias(x), district_exact(district_stripped(x)),
             district_alias(district_stripped(x)));
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
    # "error" (row or file not loaded), "warning" (kept, or a totals row left out: check it)
    # or "note" (read in an accepted way worth knowing: 2022年3月 as 2022-03-31, 即墨市 as 即墨区)
    severity: str

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
    notes: list[Issue] = field(default_factory=list)

    def issues(self, severity: str) -> list[Issue]:
        """The issues of one severity: ``error``, ``warning`` or ``note``."""
        return {"error": self.errors, "warning": self.warnings, "note": self.notes}[severity]

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
        value = _visible(value)
        # The reason may name the column or value itself (e.g. the missing column).
        fill = {"line": line, "column": column, "value": value, **params}
        issue = Issue(
            self.path, line, column, value, t(key, "zh", **fill), t(key, "en", **fill), severity
        )
        self.issues(severity).append(issue)


# Control characters shown as their visible symbols (NUL → ␀) when a cell is quoted.
_VISIBLE = {c: 0x2400 + c for c in range(32)} | {0x7F: 0x2421}


def _visible(value: str | None) -> str | None:
    return value.translate(_VISIBLE) if value is not None else None


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
    # An amount whose header names another unit (亿元, 元): the factor to 万元.
    scale: float = 1.0

    @property
    def raw(self) -> str:
        return f"c{self.position}" if self.position is not None else "CAST(NULL AS VARCHAR)"


_UNIT_HEADER = re.compile(r"^(.*)\((" + "|".join(AMOUNT_UNITS) + r")\)$")


def _match_header(
    wanted: dict[str, Column], header: str
) -> tuple[Column | None, float, str | None]:
    """The column a header names, with the factor to 万元 when it is an amount in another
    unit (金额（亿元） → 金额（万元） × 10000) and that unit."""
    folded = normalise_header(header)
    col = wanted.get(folded)
    if col is not None:
        return col, 1.0, None
    unit = _UNIT_HEADER.match(folded)
    if unit is not None:
        col = wanted.get(normalise_header(f"{unit.group(1)}(万元)"))
        if col is not None and col.type == "amount":
            return col, AMOUNT_UNITS[unit.group(2)], unit.group(2)
    return None, 1.0, None


def header_guide(kind: ExtractKind) -> HeaderGuide:
    """The kind's headers as the reader matches them to find the header row and the table
    sheets: normalised header -> (canonical column, type); the same spellings as
    :func:`map_headers` accepts."""
    guide: dict[str, tuple[str, str]] = {}
    for col in kind.columns:
        for spelling in (col.name, col.header_zh, *col.synonyms):
            guide.setdefault(normalise_header(spelling), (col.name, col.type))
            base = _UNIT_HEADER.match(normalise_header(spelling))
            if col.type == "amount" and base is not None:
                for unit in AMOUNT_UNITS:  # 金额（亿元） finds the header as 金额（万元） does
                    guide.setdefault(f"{base.group(1)}({unit})", (col.name, col.type))
    return guide


def map_headers(
    kind: ExtractKind, headers: tuple[str, ...], report: FileReport, header_line: int = 1
) -> list[_MappedColumn] | None:
    """Match the file's headers to the kind's columns (canonical or Chinese, any order).

    Headers may be a column's synonym (区（市）, 所属区市, 融资金额（万元）, see
    ``Column.synonyms``); an amount in 亿元 or 元 is converted to 万元 with a note.
    Reports missing required columns and duplicate columns (file errors, returns None)
    and extra columns (warnings).
    """
    wanted: dict[str, Column] = {}
    for col in kind.columns:
        for spelling in (col.name, col.header_zh, *col.synonyms):
            wanted.setdefault(normalise_header(spelling), col)
    found: dict[str, tuple[int, str, float]] = {}
    ok = True
    for position, header in enumerate(headers):
        col, scale, unit = _match_header(wanted, header)
        if col is None:
            if header.strip():
                report.add("warning", "validation.extra_column", line=header_line, column=header)
            continue
        if col.name in found:
            report.add("error", "validation.duplicate_column", column=header)
            ok = False
            continue
        found[col.name] = (position, header, scale)
        if scale != 1.0:
            report.add(
                "note",
                "validation.amount_unit",
                line=1,
                column=header,
                unit=unit,
                factor=f"{scale:g}",
            )
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


def _uses_empty_markers(col: Column) -> bool:
    """Whether ``/``, ``—``, ``无`` ... in this column mean "nothing" (see EMPTY_MARKERS);
    not in a boolean column, where 无 is 否, nor in a required column other than a firm's
    name (a marker there is an error anyway)."""
    # Only where it changes something: an empty required district or choice is an error
    # either way, and the check costs on every cell.
    return col.type != "bool" and (not col.required or col.firm_name)


def _cleaned_text(col: Column, raw: str) -> str:
    """SQL: the clean text of a text-like cell (blanks trimmed, empty markers as NULL, except
    a marker the column allows as a value: 评级 “无”)."""
    cleaned = f"clean_cell({raw})"
    if not _uses_empty_markers(col):
        return cleaned
    kept = [m for m in EMPTY_MARKERS if m in col.allowed]
    if kept:
        listed = " OR ".join(f"{cleaned} = {_sql_text(m)}" for m in kept)
        return f"CASE WHEN {listed} THEN {cleaned} ELSE empty_marker({cleaned}) END"
    return f"empty_marker({cleaned})"


def _column_rules(m: _MappedColumn, i: int) -> tuple[str, list[_Rule]]:
    """The typed-value expression and the rules of a column.

    Text columns work on ``t<i>``, the clean text; dates and numbers on ``r<i>``, the raw
    cell, with ``p<i>`` saying whether it holds anything.  Each type has a fast path for the
    common spelling and a slower one for the rest, so a million well-formed cells cost
    little more than reading them.  Rules of severity ``note`` flag a cell read in an
    accepted but unusual way (reported once per distinct value, see :func:`_report_rows`).
    """
    col = m.column
    text = f"t{i}"
    present = _present(col, i)
    rules: list[_Rule] = []
    if m.position is None:  # an optional column the file does not have: nothing to check
        return "NULL", rules
    if col.required:
        rules.append(_Rule(i, f"NOT ({present})", "error", "validation.required_empty"))
    if col.type == "date":
        formats = list(_DATE_FORMATS)
        cleaned = f"ascii_text(clean_cell(r{i}))"
        # CASE, not COALESCE, around the slow path: DuckDB's COALESCE costs as much as
        # evaluating every argument (measured: 10× on a million dates), CASE only the rows
        # that reach a branch.
        slow = f"CAST(try_strptime({cleaned}, {formats!r}) AS DATE)"
        if col.month_enough:
            month = f"last_day(CAST(try_strptime({cleaned}, {list(_MONTH_FORMATS)!r}) AS DATE))"
            slow = f"coalesce({slow}, {month})"
        value = (
            f"CASE WHEN try_cast(r{i} AS DATE) IS NOT NULL THEN try_cast(r{i} AS DATE) "
            f"ELSE {slow} END"
        )
        # CASE, not AND: DuckDB evaluates both sides of AND in a select list, and the shape
        # regex is only needed for the rare cell that did not parse.
        shape = f"regexp_matches({cleaned}, '{_DATE_SHAPE}')"
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
        if col.month_enough:
            # Only a month's last day can have come from a month alone: test the rest cheaply.
            rules.append(
                _Rule(
                    i,
                    # (most cells are 2021-03-05: ten bytes, never a month alone)
                    f"CASE WHEN strlen(r{i}) <> 10 AND v{i} = last_day(v{i}) "
                    f"THEN regexp_matches({cleaned}, '{_MONTH_SHAPE}') END",
                    "note",
                    "validation.month_only",
                )
            )
    elif col.type in ("amount", "integer"):
        # The slow path: full-width forms, a money sign (accounting format ￥1,200.00), a
        # count's unit (12人), and a lone "-" (accounting zero).
        strip = r"^[¥￥$]\s*" if col.type == "amount" else f"\\s*[{COUNT_SUFFIXES}]$"
        cleaned = f"regexp_replace(ascii_text(clean_cell(r{i})), '{strip}', '')"
        scale = f" * {m.scale!r}" if m.scale != 1.0 else ""
        value = (
            f"(CASE WHEN regexp_full_match(r{i}, '-?[0-9]+(\\.[0-9]+)?') "
            f"THEN CAST(r{i} AS DOUBLE) "
            f"WHEN regexp_matches({cleaned}, '{_NUMBER_SHAPE}') "
            f"THEN CAST(replace({cleaned}, ',', '') AS DOUBLE) "
            f"WHEN {cleaned} IN ('-', '--') THEN 0 END){scale}"
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
        # The usual spellings first (district_exact, a CASE chain: see _case_lookup); the
        # rest (青岛市城阳区, 城阳区工商联, 城陽區, 即墨市, the data folder's aliases) noted.
        value = (
            f"CASE WHEN district_exact({folded}) IS NOT NULL THEN district_exact({folded}) "
            f"ELSE district_noted({folded}) END"
        )
        rules += [
            _Rule(i, f"{present} AND v{i} IS NULL", "error", "validation.unknown_district"),
            _Rule(
                i,
                f"CASE WHEN v{i} <> {text} THEN district_exact({folded}) IS NULL END",
                "note",
                "validation.district_spelling",
            ),
        ]
    elif col.type == "credit_code":
        # Full-width forms, spaces and case folded (translate is slow: only where needed).
        value = (
            f"CASE WHEN regexp_matches({text}, '[^0-9A-Z]') THEN firm_fold({text}) ELSE {text} END"
        )
        rules += [
            _Rule(
                i,
                f"{present} AND NOT credit_code_shape_ok(v{i})",
                "error",
                "validation.credit_code_shape",
            ),
            _Rule(
                i,
                f"CASE WHEN credit_code_shape_ok(v{i}) "
                f"THEN credit_code_check(v{i}) <> v{i}[18] END",
                "error",
                "validation.credit_code_check",
            ),
        ]
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
    elif col.firm_name:
        # NUL padding and control characters (a fixed-width export) are not part of a name.
        # g<i> (see _firm_gate) is false for almost every name: the costly steps run only
        # where it holds.
        control = f"CASE WHEN g{i} THEN regexp_matches({text}, '{_CONTROL}') END"
        value = (
            f"CASE WHEN {control} "
            f"THEN nullif(trim(regexp_replace({text}, '{_CONTROL}', '', 'g'), '{_BLANKS}'), '') "
            f"ELSE {text} END"
        )
        rules.append(_Rule(i, control, "note", "validation.control_chars"))
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
        _mark_summed_totals(con, rows_table, kind, mapped, report)
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
        value, column_rules = _column_rules(m, i)
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
        f"{m.raw} AS r{i}"
        if m.column.type in _PARSED_RAW
        else f"{_cleaned_text(m.column, m.raw)} AS t{i}"
        for i, m in enumerate(mapped)
    ]
    cleaned += [f"{_firm_gate(m.raw)} AS g{i}" for i, m in enumerate(mapped) if m.column.firm_name]
    cleaned += [f"clean_cell(c{p}) AS u{p}" for p in unmapped]
    presence = [
        f"CASE WHEN v{i} IS NOT NULL THEN TRUE "
        f"ELSE {_cleaned_text(m.column, f'r{i}')} IS NOT NULL END AS p{i}"
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
    # A totals row's cells break other rules (no firm, 合计 as a district): it is excluded
    # and only the totals warning is reported for it (see _report_rows).
    flags = [f"coalesce({r.condition}, FALSE) AS f{n}" for n, r in enumerate(rules)]
    errors = [f"f{n}" for n, r in enumerate(rules) if r.severity == "error"]
    typed_columns = [
        f'CAST(v{i} AS {m.column.sql_type}) AS "{m.column.name}"' for i, m in enumerate(mapped)
    ]
    total_at, total_label = _total_label_sql(mapped, unmapped)
    return f"""CREATE OR REPLACE TABLE "{norm}" AS
        WITH cleaned AS (SELECT {line}{", ".join(cleaned) or "NULL AS nothing"}
                         FROM {raw.source}),
        typed AS (SELECT cleaned.*{"".join(", " + v for v in values)} FROM cleaned),
        present AS (SELECT typed.*{"".join(", " + p for p in presence)} FROM typed),
        totals AS (SELECT present.*, {total_at} AS _total_at FROM present),
        flagged AS (SELECT totals.*{"".join(", " + f for f in flags)}, {empty} AS _empty,
                           {total_label} AS _total_label
                    FROM totals)
        SELECT {line}{"".join(c + ", " for c in typed_columns)}{_firm_key_sql(mapped)}
               {"".join(f"f{n}, " for n in range(len(rules)))}_empty, _total_at, _total_label,
               {" OR ".join(["_empty", "_total_at IS NOT NULL", *errors])} AS _excluded
        FROM flagged"""


def _total_label_sql(mapped: list[_MappedColumn], unmapped: list[int]) -> tuple[str, str]:
    """SQL for ``_total_at`` (the file position of the first cell labelling the row a total:
    合计, 小计, 总计, 共计, 城阳区小计, 合 计：) and ``_total_label`` (that cell).

    Looked for in every text cell, mapped or not (a 序号 column often holds the 合计), and in
    a date cell that did not read as a date; never in amounts or counts.
    """
    cells: list[tuple[int, str]] = []
    for i, m in enumerate(mapped):
        if m.position is None:
            continue
        if m.column.type == "date":
            cells.append((m.position, f"CASE WHEN v{i} IS NULL THEN clean_cell(r{i}) END"))
        elif m.column.is_district:  # a district reads as one only when it is no label
            cells.append((m.position, f"CASE WHEN v{i} IS NULL THEN t{i} END"))
        elif m.column.allowed:
            listed = " OR ".join(f"t{i} = {_sql_text(a)}" for a in m.column.allowed)
            cells.append((m.position, f"CASE WHEN NOT ({listed}) THEN t{i} END"))
        elif m.column.type not in _PARSED_RAW:
            cells.append((m.position, f"t{i}"))
    cells += [(p, f"u{p}") for p in unmapped]
    cells.sort()
    if not cells:
        return "CAST(NULL AS INTEGER)", "CAST(NULL AS VARCHAR)"
    at = " ".join(f"WHEN is_total_label({cell}) THEN {p}" for p, cell in cells)
    label = " ".join(f"WHEN {p} THEN {cell}" for p, cell in cells)
    return f"CASE {at} END", f"CASE WHEN _total_at IS NOT NULL THEN CASE _total_at {label} END END"


def _firm_gate(raw: str) -> str:
    """SQL: the firm-name cell holds a character that cleaning or folding changes (a control
    character, a full-width form, a bracket, a space, a lower-case letter).  One regex per
    cell; DuckDB's ``translate`` with the whole full-width table costs ten times more."""
    return f"regexp_matches({raw}, '{_FIRM_GATE}')"


def _firm_key_sql(mapped: list[_MappedColumn]) -> str:
    """``firm_key`` (see contracts.FIRM_KEY_COLUMN), for kinds with a firm name."""
    name = next((i for i, m in enumerate(mapped) if m.column.firm_name), None)
    if name is None:
        return ""
    code = next((i for i, m in enumerate(mapped) if m.column.type == "credit_code"), None)
    # Stored only where it differs from the name (a code, or a name that folds): most names
    # are their own key, and copying a million of them costs; the view fills it in.
    given = f"WHEN v{code} IS NOT NULL THEN v{code} " if code is not None else ""
    return f"CASE {given}WHEN g{name} THEN firm_fold(v{name}) END AS firm_key, "


def _report_rows(
    con: duckdb.DuckDBPyConnection,
    norm: str,
    raw: RawTable,
    mapped: list[_MappedColumn],
    report: FileReport,
) -> None:
    """Turn every raised flag into an issue, with the cell as the file has it.

    Errors and warnings are reported per row; notes once per rule and distinct cell, on the
    first line with that cell and with the number of lines (a district writing 青岛市城阳区
    on every row gets one note, not thousands).
    """
    for line, position, label in con.execute(
        f'SELECT _line, _total_at, _total_label FROM "{norm}" '
        "WHERE _total_at IS NOT NULL AND NOT _empty ORDER BY _line"
    ).fetchall():
        report.add(
            "warning", "validation.total_row", line=line, column=raw.headers[position], value=label
        )
    _, rules = _all_rules(mapped)
    any_flag = " OR ".join(f"f{n}" for n in range(len(rules))) or "FALSE"
    flagged_where = f"NOT _empty AND _total_at IS NULL AND ({any_flag})"
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
    typed = ", ".join(f'CAST("{m.column.name}" AS VARCHAR) AS x{i}' for i, m in enumerate(mapped))
    selects = [
        f"SELECT _line, {n}, r{r.column}, 1, NULL FROM flagged WHERE f{n}"
        if r.severity != "note"
        else f"SELECT min(_line), {n}, r{r.column}, count(*), any_value(x{r.column}) "
        f"FROM flagged WHERE f{n} GROUP BY r{r.column}"
        for n, r in enumerate(rules)
    ]
    found = con.execute(
        f"""WITH numbered AS (
            SELECT _line AS _line_no, {typed}, {", ".join(f"f{n}" for n in range(len(rules)))}
            FROM "{norm}" WHERE {flagged_where}),
        flagged AS (
            SELECT numbered.*, raw_rows.*
            FROM numbered JOIN ({raw_rows}) AS raw_rows ON raw_rows._line = numbered._line_no)
        {" UNION ALL ".join(selects)} ORDER BY 1, 2"""
    ).fetchall()
    con.execute("DROP TABLE IF EXISTS raw_cells")
    for line_number, n, value, lines, read_as in found:
        rule = rules[n]
        report.add(
            rule.severity,
            rule.key,
            line=line_number,
            column=mapped[rule.column].header,
            value=value,
            lines=lines,
            read_as=read_as,
            **dict(rule.params),
        )


def _mark_summed_totals(
    con: duckdb.DuckDBPyConnection,
    norm: str,
    kind: ExtractKind,
    mapped: list[_MappedColumn],
    report: FileReport,
) -> None:
    """Find totals rows without a label, by their sum, and exclude them (a warning each).

    The rule, careful never to drop a genuine row by coincidence:

    - a *block* is the run of rows since the start of the file or since the previous totals
      row (labelled or found here); only rows with the total column (金额, 人数) read count;
    - a row with no name (企业名称, or the kind's identifying column, empty) whose total
      equals the sum of its block, or of all rows above that are not totals, is a totals
      row — but only when that sum has at least two rows (two rows with equal amounts stay:
      the second is not "the sum" of the first);
    - the last row of the file, even with a name, equal to the sum of all rows above (at
      least two) is only warned about and kept: a named row is a record unless its label
      says otherwise.

    Equal means within half a cent of 万元 (0.005), as amounts are written to two places.
    """
    total = kind.total_column
    name = _name_column(kind)
    if total is None or name is None:
        return
    index = {m.column.name: i for i, m in enumerate(mapped)}
    if mapped[index[total]].position is None or mapped[index[name]].position is None:
        return
    amount, label = f'"{total}"', f'"{name}"'
    rows = f'"{norm}"'
    candidates = con.execute(
        f"""SELECT _line, {amount}, {label} IS NULL FROM {rows}
        WHERE NOT _empty AND {amount} IS NOT NULL AND _total_at IS NULL
          AND ({label} IS NULL OR _line = (SELECT max(_line) FROM {rows} WHERE NOT _empty))
        ORDER BY _line LIMIT 1000"""
    ).fetchall()
    if not candidates:
        return
    labelled = [
        line
        for (line,) in con.execute(
            f"SELECT _line FROM {rows} WHERE _total_at IS NOT NULL ORDER BY _line"
        ).fetchall()
    ]
    found: list[int] = []
    for line, value, unnamed in candidates:
        block_start = max([0, *[x for x in labelled + found if x < line]])
        sums = con.execute(
            f"""SELECT sum({amount}) FILTER (WHERE _line > ?), count(*) FILTER (WHERE _line > ?),
                       sum({amount}), count(*)
            FROM {rows} WHERE NOT _empty AND _total_at IS NULL AND _line < ?
              AND {amount} IS NOT NULL AND NOT list_contains(?, _line)""",
            [block_start, block_start, line, found],
        ).fetchone()
        block_sum, block_rows, all_sum, all_rows = sums
        in_block = block_rows >= 2 and abs(block_sum - value) < 0.005
        in_all = all_rows >= 2 and abs(all_sum - value) < 0.005
        if not (in_block or in_all):
            continue
        column = mapped[index[total]].header
        if unnamed:
            found.append(line)
            report.add(
                "warning",
                "validation.total_row_sum",
                line=line,
                column=column,
                value=_number_text(value),
                rows=block_rows if in_block else all_rows,
            )
        else:
            report.add(
                "warning",
                "validation.total_row_suspect",
                line=line,
                column=column,
                value=_number_text(value),
                rows=all_rows,
            )
    if found:
        flags = [c for c in _table_columns(con, norm) if re.fullmatch(r"f\d+", c)]
        resets = "".join(f", {f} = FALSE" for f in flags)
        con.execute(
            f"UPDATE {rows} SET _excluded = TRUE{resets} WHERE list_contains(?, _line)", [found]
        )


def _name_column(kind: ExtractKind) -> str | None:
    """The column that names a row's subject: the firm, else the key, else the first required
    text column (a totals row leaves it empty)."""
    for col in (kind.firm_name_column, kind.key_column):
        if col is not None:
            return col.name
    return next(
        (
            c.name
            for c in kind.columns
            if c.required and c.type in ("text", "choice") and not c.is_district
        ),
        None,
    )


def _table_columns(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    return [row[0] for row in con.execute(f'DESCRIBE "{table}"').fetchall()]


def _firm_key_view(kind: ExtractKind) -> str:
    """The view's ``firm_key``: the stored key, else the name (stored NULL when equal)."""
    name = kind.firm_name_column
    assert name is not None
    return f'coalesce("firm_key", "{name.name}")'


def create_kind_view(
    con: duckdb.DuckDBPyConnection, kind: ExtractKind, rows_tables: dict[str, str]
) -> None:
    """The kind's rows as readers see them: the valid rows of every file, typed, with
    ``source_file`` and ``source_line``; a view over the files' checked-row tables (so a
    million rows are written once), or an empty table when no file of the kind loaded."""
    if not rows_tables:
        create_kind_table(con, kind)
        return
    columns = ", ".join(
        f'"{c.name}"' if c is not FIRM_KEY_COLUMN else f'{_firm_key_view(kind)} AS "{c.name}"'
        for c in kind.stored_columns
    )
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
    columns = ", ".join(f'"{c.name}" {c.sql_type}' for c in kind.stored_columns)
    con.execute(f'CREATE TABLE "{kind.id}" ({columns}, source_file VARCHAR, source_line BIGINT)')
    return kind.id


def install_helpers(
    con: duckdb.DuckDBPyConnection, district_aliases: dict[str, str] | None = None
) -> None:
    """The SQL macros the checks use; ``district_aliases`` are the data folder's own
    (``[district_aliases]`` of its ingest.toml), accepted with a note."""
    con.execute(_macros(district_aliases))


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
