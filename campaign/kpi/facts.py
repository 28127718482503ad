"""Run a KPI's SQL file and aggregate its facts per month for every scope at once.

The analyst's query emits facts at month × district grain:

- ``sum``: ``month, district, value``
- ``count_distinct``: ``month, district, entity``
- ``rate``: ``month, district, numerator, denominator``
- ``latest``: ``month, district`` and either ``value`` (a stock: the city level is the sum
  of the districts' values at that month) or ``numerator, denominator`` (a share: the city
  level is Σ numerators ÷ Σ denominators at that month, never an average of shares).

``month`` may be a DATE or TIMESTAMP and is truncated to the first of its month; extra
columns are ignored.  The engine wraps the file's text unchanged (header included, so DuckDB's
``LINE n`` maps back to the file by a fixed offset), keeps only months in the fact window
(January of the previous year to the as-of month: the previous year is needed for 同比),
and aggregates with GROUPING SETS so one round trip gives every district and the city (全市).

For ``count_distinct`` the city is ``COUNT(DISTINCT entity)`` over all districts, and the
year-to-date figure counts an entity once in the year: each entity is placed in the month it
first appears in the year (per district, and for the city), so the figure up to any month is
a running sum of first appearances.  Entities are compared by a 64-bit hash (see
``_aggregate_sql``).
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from datetime import date

import duckdb
import numpy as np

from campaign.contracts import CITY, DISTRICTS
from campaign.i18n import t
from campaign.model import KpiDefinition, KpiError
from campaign.sandbox import safe_message

# The columns each aggregation needs besides month and district.
MEASURE_COLUMNS: dict[str, tuple[tuple[str, ...], ...]] = {
    "sum": (("value",),),
    "count_distinct": (("entity",),),
    "rate": (("numerator", "denominator"),),
    # latest accepts either form; numerator/denominator wins when both are present.
    "latest": (("numerator", "denominator"), ("value",)),
}
_NUMERIC = re.compile(
    r"^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT"
    r"|FLOAT|DOUBLE|DECIMAL\(\d+,\s*\d+\))$"
)
_LINE = re.compile(r"LINE (\d+):")
# The file's text starts on line 2 of every statement the engine sends.
_PREFIX_LINES = 1


@dataclass(frozen=True)
class KpiFacts:
    """Monthly aggregates of one KPI for every scope (全市 and each district).

    ``cells[scope][month] = (a, b)`` where, by aggregation:
    sum / latest-value: a = Σ value; count_distinct: a = distinct entities in the month,
    b = entities first seen in the year in that month; rate / latest-ratio: a = Σ numerator,
    b = Σ denominator.
    """

    definition: KpiDefinition
    ratio: bool
    cells: dict[str, dict[date, tuple[float | None, float | None]]]

    @property
    def aggregation(self) -> str:
        return self.definition.aggregation

    def scopes(self) -> list[str]:
        """Scopes that have any facts in the window (全市 first)."""
        return sorted(self.cells, key=lambda s: (s != CITY, s))

    def year_to_date(self, scope: str, year: int, through: date) -> float | None:
        """The KPI over January 1 of ``year`` to the month of ``through`` (inclusive).

        sum and count_distinct: 0 when nothing was reported (zero is a figure);
        rate and latest: None when there is no denominator / no value.
        """
        months = self.cells.get(scope, {})
        start = date(year, 1, 1)
        end = date(through.year, through.month, 1)
        if self.aggregation == "latest":
            for month in sorted(months, reverse=True):
                if start <= month <= end:
                    level = self._level(months[month])
                    if level is not None:
                        return level
            return None
        in_period = [cell for month, cell in months.items() if start <= month <= end]
        if self.aggregation == "sum":
            return float(sum(a or 0.0 for a, _ in in_period))
        if self.aggregation == "count_distinct":
            return float(sum(b or 0.0 for _, b in in_period))
        numerator = sum(a or 0.0 for a, _ in in_period)
        denominator = sum(b or 0.0 for _, b in in_period)
        return numerator / denominator if denominator else None

    def has_facts(self, year: int, through: date) -> bool:
        """Whether any scope reported anything from January of ``year`` to ``through``'s month.

        Used for 同比: a year the data does not cover has no figure (None), not zero.
        """
        start, end = date(year, 1, 1), date(through.year, through.month, 1)
        return any(start <= month <= end for month in self.cells.get(CITY, {}))

    def month_value(self, scope: str, month: date) -> float | None:
        """The KPI over one month alone (a level for latest); sum/count 0 when no facts."""
        cell = self.cells.get(scope, {}).get(month)
        if self.aggregation in ("sum", "count_distinct"):
            return float(cell[0] or 0.0) if cell else 0.0
        return self._level(cell) if cell else None

    def _level(self, cell: tuple[float | None, float | None]) -> float | None:
        a, b = cell
        if self.ratio:
            return a / b if a is not None and b else None
        return a


def _month_rows(
    masks: dict[str, np.ndarray], start: date, months: int
) -> list[tuple[str, date, float, float]]:
    """Month rows (scope, month, a, b) from the (scope, months mask, n) rows of count_distinct.

    a = entities whose mask has the month's bit (distinct entities in that month);
    b = entities whose first bit within that year's twelve is the month's (first seen in the
    year that month), so the year-to-date count to any month is a running sum of b.
    """
    rows: list[tuple[str, date, float, float]] = []
    scope_of = masks["scope"]
    mask = masks["months"].astype(np.int64)
    count = masks["n"].astype(np.int64)
    bit = np.int64(1) << np.arange(months, dtype=np.int64)
    present = (mask[:, None] & bit) != 0  # rows × months
    first = np.zeros_like(present)
    for year in range(months // 12):
        block = (mask >> (12 * year)) & 4095
        lowest = block & -block  # the first month of that year the entity appears in
        first[:, 12 * year : 12 * year + 12] = lowest[:, None] == (bit[:12])
    for scope in dict.fromkeys(scope_of.tolist()):
        if scope is None:
            continue
        chosen = scope_of == scope
        weights = count[chosen]
        a = weights @ present[chosen]
        b = weights @ first[chosen]
        for i in range(months):
            if a[i] or b[i]:
                month = date(start.year + i // 12, i % 12 + 1, 1)
                rows.append((scope, month, float(a[i]), float(b[i])))
    return rows


def strip_trailing_semicolon(text: str) -> str:
    """The file's text without a final ``;`` (after which comments may follow)."""
    lines = text.rstrip().split("\n")
    for index in range(len(lines) - 1, -1, -1):
        code = lines[index].strip()
        if not code or code.startswith("--"):
            continue
        if code.endswith(";"):
            lines[index] = lines[index].rstrip()[:-1]
        break
    return "\n".join(lines)


def _date_literal(day: date) -> str:
    return f"DATE '{day.isoformat()}'"


def _aggregate_sql(
    columns: dict[str, str],
    measure: tuple[str, ...],
    file_sql: str,
    start: date,
    end_exclusive: date,
) -> str:
    """The statement that aggregates the facts of ``file_sql`` per month for every scope."""

    def quoted(name: str) -> str:
        return '"' + columns[name].replace('"', '""') + '"'

    if measure == ("entity",):
        # Entities are told apart by a 64-bit hash: the two big aggregations then work on
        # integers (a quarter less CPU on millions of rows).  Two different entities would
        # have to share a hash to count once: for two million entities the chance is about
        # one in ten million.  NULL stays NULL (not counted).
        entity = quoted("entity")
        selected = f"CASE WHEN {entity} IS NULL THEN NULL ELSE hash({entity}) END AS entity"
    else:
        selected = ", ".join(f"CAST({quoted(name)} AS DOUBLE) AS {name}" for name in measure)
    scope = f"CASE WHEN grouping(district) = 1 THEN '{CITY}' ELSE district END"
    head = (
        "WITH kpi_query AS (\n"
        f"{file_sql}\n"
        "), facts AS (\n"
        f"  SELECT CAST(date_trunc('month', {quoted('month')}) AS DATE) AS month,\n"
        f"         CAST({quoted('district')} AS VARCHAR) AS district, {selected}\n"
        "  FROM kpi_query\n"
        f"  WHERE {quoted('month')} >= {_date_literal(start)}\n"
        f"    AND {quoted('month')} < {_date_literal(end_exclusive)}\n"
        ")"
    )
    grouping = "GROUP BY GROUPING SETS ((month, district), (month))"
    if measure == ("value",):
        return (
            f"{head}\nSELECT {scope} AS scope, month, sum(value) AS a, NULL AS b "
            f"FROM facts {grouping}"
        )
    if measure == ("numerator", "denominator"):
        return (
            f"{head}\nSELECT {scope} AS scope, month, sum(numerator) AS a, sum(denominator) AS b "
            f"FROM facts {grouping}"
        )
    return _distinct_sql(head, start, _months_between(start, end_exclusive))


def _months_between(start: date, end_exclusive: date) -> int:
    return (end_exclusive.year - start.year) * 12 + end_exclusive.month - start.month


def _distinct_sql(head: str, start: date, months: int) -> str:
    """count_distinct with one big aggregation, whatever the number of months and scopes.

    Each entity gets, for every district (and one block for "no district", which counts for
    the city only), a bit mask of the window's months it appears in there (bit i = ``start``
    + i months), packed side by side into a few 128-bit integers: one pass grouped by
    entity.  Entities with identical packed masks are then counted together (a few
    thousand kinds of entity instead of millions), and only those rows are unpacked into
    each district's mask and the city's (the OR of them all), so :func:`_month_rows` reads
    (scope, mask, number of entities) rows.  Districts are numbered by their place in
    ``DISTRICTS``; a district name that is not one counts for the city only, as no
    district scope can show it.
    """
    if start.month != 1 or start.day != 1 or months % 12 or not 0 < months <= 48:
        raise ValueError("count_distinct facts need whole years, at most four, from January 1")
    names = "[" + ", ".join(f"'{name}'" for name in DISTRICTS) + "]"
    per_word = 128 // months  # district blocks in one UHUGEINT
    blocks = len(DISTRICTS) + 1  # block 0: no district (or not a district)
    words = -(-blocks // per_word)
    full = (1 << months) - 1

    def block(number: int) -> str:
        word, slot = divmod(number, per_word)
        return f"CAST((h{word} >> {months * slot}::UHUGEINT) & {full}::UHUGEINT AS BIGINT)"

    packed = ",\n         ".join(
        f"bit_or(CASE WHEN block // {per_word} = {word} "
        f"THEN 1::UHUGEINT << CAST({months} * (block % {per_word}) + month_no AS UHUGEINT) "
        f"ELSE 0::UHUGEINT END) AS h{word}"
        for word in range(words)
    )
    word_names = ", ".join(f"h{word}" for word in range(words))
    city = " | ".join(block(number) for number in range(blocks))
    districts = "\n  UNION ALL\n  ".join(
        f"SELECT {names}[{number}] AS scope, {block(number)} AS months, n FROM kinds"
        for number in range(1, blocks)
    )
    return f"""{head}, numbered AS (
  SELECT entity, coalesce(list_position({names}, district), 0) AS block,
         CAST(datediff('month', {_date_literal(start)}, month) AS INTEGER) AS month_no
  FROM facts WHERE entity IS NOT NULL
), entities AS (
  SELECT {packed}
  FROM numbered GROUP BY entity
), kinds AS MATERIALIZED (
  SELECT {word_names}, count(*) AS n FROM entities GROUP BY ALL
)
SELECT '{CITY}' AS scope, {city} AS months, CAST(sum(n) AS BIGINT) AS n
FROM kinds GROUP BY 2
UNION ALL
SELECT scope, months, CAST(sum(n) AS BIGINT) FROM (
  {districts}
) WHERE months <> 0 GROUP BY scope, months"""


class QueryProblem(Exception):
    """A KPI query that cannot be used; carries the KpiError to report."""

    def __init__(self, error: KpiError, transient: bool = False) -> None:
        super().__init__(error.message)
        self.error = error
        # A query stopped for taking too long may work next time: not to be remembered.
        self.transient = transient


def _line_of_alias(definition: KpiDefinition, column: str, fallback: int) -> int:
    """The file line where the query names an output column (``AS value``), if it does."""
    pattern = re.compile(rf"\bAS\s+\"?{re.escape(column)}\"?\s*(,|$|\bFROM\b)", re.IGNORECASE)
    found = fallback
    for number, line in enumerate(definition.sql.splitlines(), start=1):
        if not line.lstrip().startswith("--") and pattern.search(line):
            found = number
    return found


def duckdb_error(definition: KpiDefinition, exc: Exception, body_line: int) -> KpiError:
    """A DuckDB error as a KpiError whose line is the file's line (not the wrapped SQL's)."""
    # Never a value from the data in a message users see (conversion errors quote it).
    message = safe_message(str(exc))
    file_lines = definition.sql.splitlines()
    line: int | None = None
    match = _LINE.search(message)
    if match:
        sent_line = int(match.group(1))
        line = sent_line - _PREFIX_LINES
        last_code = max(
            (
                n
                for n, text in enumerate(file_lines, 1)
                if text.strip() and not text.strip().startswith("--")
            ),
            default=body_line,
        )
        # An error DuckDB places after the file's text (an unclosed bracket, a trailing
        # comma) belongs to the file's last line of code; one before it to the first.
        line = min(max(line, body_line), last_code)
        message = _LINE.sub(f"LINE {line}:", message, count=1)
    if isinstance(exc, duckdb.InterruptException):
        key = "kpi.error.query_timeout"
    else:
        key = "kpi.error.query_failed"
    return KpiError(
        kpi_id=definition.id,
        path=definition.path,
        message=t(key, "zh", message=message),
        message_en=t(key, "en", message=message),
        line=line,
    )


def _problem(definition: KpiDefinition, exc: Exception, body_line: int) -> QueryProblem:
    return QueryProblem(
        duckdb_error(definition, exc, body_line),
        transient=isinstance(exc, duckdb.InterruptException),
    )


def _column_problem(definition: KpiDefinition, zh: str, en: str, line: int) -> QueryProblem:
    return QueryProblem(
        KpiError(kpi_id=definition.id, path=definition.path, message=zh, message_en=en, line=line)
    )


def output_columns(
    definition: KpiDefinition, described: list[tuple[str, str]], body_line: int
) -> tuple[dict[str, str], tuple[str, ...]]:
    """Check the query's output columns; returns (lower name → name, measure columns).

    Raises QueryProblem naming the missing column or the wrong type.
    """
    columns: dict[str, str] = {}
    types: dict[str, str] = {}
    for name, type_name in described:
        columns.setdefault(name.lower(), name)
        types.setdefault(name.lower(), type_name)
    aggregation = definition.aggregation
    forms = MEASURE_COLUMNS[aggregation]
    measure = next((form for form in forms if all(c in columns for c in form)), None)
    needed = ("month", "district")
    missing = [c for c in needed if c not in columns]
    if measure is None:
        missing += [c for c in forms[0] if c not in columns]
    if missing:
        wanted = " | ".join(", ".join(("month", "district", *form)) for form in forms)
        have = ", ".join(name for name, _ in described)
        params = {
            "missing": ", ".join(missing),
            "aggregation": aggregation,
            "wanted": wanted,
            "have": have,
        }
        raise _column_problem(
            definition,
            t("kpi.error.output_missing_columns", "zh", **params),
            t("kpi.error.output_missing_columns", "en", **params),
            body_line,
        )
    assert measure is not None
    # (column, type ok, expected type in Chinese, expected type in English)
    checks: list[tuple[str, bool, str, str]] = [
        (
            "month",
            types["month"] == "DATE" or types["month"].startswith("TIMESTAMP"),
            "DATE",
            "DATE",
        ),
        ("district", types["district"] == "VARCHAR", "VARCHAR", "VARCHAR"),
    ]
    numeric_zh, numeric_en = t("kpi.error.numeric_type", "zh"), t("kpi.error.numeric_type", "en")
    checks += [
        (c, bool(_NUMERIC.match(types[c])), numeric_zh, numeric_en)
        for c in measure
        if c != "entity"
    ]
    for column, ok, expected_zh, expected_en in checks:
        if not ok:
            actual = types[column]
            raise _column_problem(
                definition,
                t(
                    "kpi.error.output_column_type",
                    "zh",
                    column=column,
                    actual=actual,
                    expected=expected_zh,
                ),
                t(
                    "kpi.error.output_column_type",
                    "en",
                    column=column,
                    actual=actual,
                    expected=expected_en,
                ),
                _line_of_alias(definition, column, body_line),
            )
    return columns, measure


def run_kpi_query(
    definition: KpiDefinition,
    body_line: int,
    cursor: duckdb.DuckDBPyConnection,
    start: date,
    end_exclusive: date,
    timeout_seconds: float,
) -> KpiFacts:
    """Run one KPI file over months in [start, end_exclusive); raises QueryProblem.

    ``cursor`` is this call's own (a cursor of a shared parent connection, used by this
    thread only); it is closed at the end.  The query is interrupted after
    ``timeout_seconds``.
    """
    file_sql = strip_trailing_semicolon(definition.sql)
    timer = threading.Timer(timeout_seconds, cursor.interrupt)
    timer.daemon = True
    timer.start()
    try:
        try:
            description = cursor.execute(
                f"SELECT * FROM (\n{file_sql}\n) AS kpi_query LIMIT 0"
            ).description
        except duckdb.Error as exc:
            raise _problem(definition, exc, body_line) from exc
        described = [(col[0], str(col[1])) for col in description or []]
        columns, measure = output_columns(definition, described, body_line)
        sql = _aggregate_sql(columns, measure, file_sql, start, end_exclusive)
        try:
            result = cursor.execute(sql)
            if measure == ("entity",):
                rows = _month_rows(
                    result.fetchnumpy(), start, _months_between(start, end_exclusive)
                )
            else:
                rows = result.fetchall()
        except duckdb.Error as exc:
            raise _problem(definition, exc, body_line) from exc
    finally:
        timer.cancel()
        timer.join()  # no thread outlives the call holding the cursor
        cursor.close()
    cells: dict[str, dict[date, tuple[float | None, float | None]]] = {}
    for scope, month, a, b in rows:
        if scope is None or month is None:
            continue  # facts without a district count for the city only
        cells.setdefault(scope, {})[month] = (
            None if a is None else float(a),
            None if b is None else float(b),
        )
    return KpiFacts(
        definition=definition, ratio=measure == ("numerator", "denominator"), cells=cells
    )
