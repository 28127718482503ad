"""Run a KPI's SQL file and aggregate its facts per day for every scope at once.

The analyst's query emits facts dated by day × district:

- ``sum``: ``day, district, value``
- ``count_distinct``: ``day, district, entity``
- ``rate``: ``day, district, numerator, denominator`` (optionally ``numerator_date``: the
  numerator counts only from that date, e.g. a mediation case once it is closed)
- ``latest``: ``day, district`` and either ``value`` (a stock: the city level is the sum
  of the districts' values on that day) or ``numerator, denominator`` (a share: the city
  level is Σ numerators ÷ Σ denominators on that day, never an average of shares).

``day`` may be a DATE or TIMESTAMP.  A query may give ``month`` instead: its facts are then
dated on the month's last day (a monthly figure is known once the month is over).  Extra
columns are ignored.  The engine wraps the file's text unchanged (header included, so
DuckDB's ``LINE n`` maps back to the file by a fixed offset), keeps only dates in the fact
window (January of the previous year to December: the previous year is needed for 同比),
and aggregates with GROUPING SETS so one round trip gives every district and the city (全市).

For ``count_distinct`` the city is ``COUNT(DISTINCT entity)`` over all districts, and the
year-to-date figure counts an entity once in the year: each entity is placed in the month it
first appears in the year (per district, and for the city), so the figure up to any month's
end is a running sum of first appearances; a day inside a month needs
:func:`run_distinct_periods`.  Entities are compared by a 64-bit hash (see
``_aggregate_sql``).
"""

from __future__ import annotations

import calendar
import re
import threading
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from datetime import date, timedelta

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


# Cells: (a, b) per date, see KpiFacts.
Cell = tuple[float | None, float | None]
# Extra distinct counts over arbitrary periods: (scope, first day, last day) → entities.
PeriodCounts = dict[tuple[str, date, date], float]


def month_end(day: date) -> date:
    """The last day of ``day``'s month."""
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def is_month_end(day: date) -> bool:
    return day == month_end(day)


@dataclass(frozen=True)
class KpiFacts:
    """Aggregates of one KPI for every scope (全市 and each district), by date.

    ``cells[scope][day] = (a, b)``: the facts dated ``day``.  A query that gives a ``day``
    column dates each fact on its day; one that gives only ``month`` dates a month's facts
    on the month's last day (a monthly figure is known once its month is over).  By
    aggregation: sum / latest-value: a = Σ value; rate / latest-ratio: a = Σ numerator
    (those without a ``numerator_date``), b = Σ denominator; count_distinct (always by
    month, on the month's last day): a = distinct entities in the month, b = entities
    first seen in the year in that month.

    ``dated[scope]`` holds rate numerators that count only from a later date (a case
    counted as successful once it is closed): (day, numerator date, Σ numerator).
    ``tables`` are the extract tables the query reads (for "not reported yet").
    """

    definition: KpiDefinition
    ratio: bool
    cells: dict[str, dict[date, Cell]]
    day_grain: bool = True
    dated: dict[str, list[tuple[date, date, float]]] = field(default_factory=dict)
    tables: tuple[str, ...] = ()
    _index: dict[str, tuple[list[date], list[float], list[float]]] = field(
        default_factory=dict, compare=False, repr=False
    )

    @property
    def aggregation(self) -> str:
        return self.definition.aggregation

    def scopes(self) -> list[str]:
        """Scopes that have any facts in the window (全市 first)."""
        return sorted(set(self.cells) | set(self.dated), key=lambda s: (s != CITY, s))

    def _prefix(self, scope: str) -> tuple[list[date], list[float], list[float]]:
        """Sorted dates of a scope and running sums of a and b (index i: dates[:i])."""
        found = self._index.get(scope)
        if found is None:
            cells = self.cells.get(scope, {})
            days = sorted(cells)
            running_a, running_b = [0.0], [0.0]
            for day in days:
                a, b = cells[day]
                running_a.append(running_a[-1] + (a or 0.0))
                running_b.append(running_b[-1] + (b or 0.0))
            found = (days, running_a, running_b)
            self._index[scope] = found
        return found

    def _sums(self, scope: str, first: date, last: date) -> tuple[float, float]:
        """Σ a and Σ b over the dates first..last (inclusive)."""
        days, running_a, running_b = self._prefix(scope)
        lo, hi = bisect_left(days, first), bisect_right(days, last)
        return running_a[hi] - running_a[lo], running_b[hi] - running_b[lo]

    def _dated_numerator(self, scope: str, first: date, last: date, cutoff: date) -> float:
        return sum(
            value
            for day, counted_from, value in self.dated.get(scope, ())
            if first <= day <= last and counted_from <= cutoff
        )

    def period(
        self,
        scope: str,
        first: date,
        last: date,
        extra: PeriodCounts | None = None,
        cutoff: date | None = None,
    ) -> float | None:
        """The KPI over the dates ``first``..``last`` (inclusive).

        sum and count_distinct: 0 when nothing was reported (zero is a figure); rate and
        latest: None when there is no denominator / no value.  ``cutoff`` (default
        ``last``): rate numerators with a later numerator date are not counted yet.
        count_distinct over a period that does not end on a month's last day needs
        ``extra`` (:func:`run_distinct_periods`); without it only whole months count.
        """
        if last < first:
            return 0.0 if self.aggregation in ("sum", "count_distinct") else None
        if self.aggregation == "latest":
            days, _, _ = self._prefix(scope)
            cells = self.cells.get(scope, {})
            index = bisect_right(days, last)
            while index > 0 and days[index - 1] >= first:
                level = self._level(cells[days[index - 1]])
                if level is not None:
                    return level
                index -= 1
            return None
        if self.aggregation == "count_distinct":
            if extra is not None and (scope, first, last) in extra:
                return extra[(scope, first, last)]
            if first.day == 1 and last == month_end(first):
                cell = self.cells.get(scope, {}).get(last)
                return float(cell[0] or 0.0) if cell else 0.0
            # From 1 January: entities first seen in the year, month by month.
            return self._sums(scope, first, last)[1]
        a, b = self._sums(scope, first, last)
        if self.aggregation == "sum":
            return float(a)
        a += self._dated_numerator(scope, first, last, cutoff or last)
        return a / b if b else None

    def year_to_date(
        self, scope: str, year: int, through: date, extra: PeriodCounts | None = None
    ) -> float | None:
        """The KPI over 1 January of ``year`` to ``through`` (inclusive, capped at 31 Dec)."""
        return self.period(scope, date(year, 1, 1), min(through, date(year, 12, 31)), extra)

    def has_facts(self, year: int, through: date, extra: PeriodCounts | None = None) -> bool:
        """Whether any scope reported anything from 1 January of ``year`` to ``through``."""
        counted = (extra or {}).get((CITY, date(year, 1, 1), through))
        if counted is not None:  # a distinct count to a day inside a month
            return counted > 0
        days, _, _ = self._prefix(CITY)
        index = bisect_left(days, date(year, 1, 1))
        return index < len(days) and days[index] <= through

    def _level(self, cell: Cell) -> float | None:
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
                month = month_end(date(start.year + i // 12, i % 12 + 1, 1))
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


def _time_column(columns: dict[str, str]) -> str:
    """``day`` when the query gives one, else ``month``."""
    return "day" if "day" in columns else "month"


def _quoted(columns: dict[str, str], name: str) -> str:
    return '"' + columns[name].replace('"', '""') + '"'


def _facts_cte(
    columns: dict[str, str], selected: str, file_sql: str, start: date, end_exclusive: date
) -> str:
    """``kpi_query`` (the file's text) and ``facts`` (day, district, measures) in the window."""
    time = _quoted(columns, _time_column(columns))
    if _time_column(columns) == "day":
        day = f"CAST({time} AS DATE)"
    else:  # a monthly figure is known on the month's last day
        day = f"CAST(last_day(CAST({time} AS DATE)) AS DATE)"
    return (
        "WITH kpi_query AS (\n"
        f"{file_sql}\n"
        "), facts AS (\n"
        f"  SELECT {day} AS day,\n"
        f"         CAST({_quoted(columns, 'district')} AS VARCHAR) AS district, {selected}\n"
        "  FROM kpi_query\n"
        f"  WHERE {time} >= {_date_literal(start)}\n"
        f"    AND {time} < {_date_literal(end_exclusive)}\n"
        ")"
    )


def _aggregate_sql(
    columns: dict[str, str],
    measure: tuple[str, ...],
    file_sql: str,
    start: date,
    end_exclusive: date,
) -> str:
    """The statement that aggregates the facts of ``file_sql`` per day for every scope."""
    if measure == ("entity",):
        # Entities are told apart by a 64-bit hash: the two big aggregations then work on
        # integers (a quarter less CPU on millions of rows).  Two different entities would
        # have to share a hash to count once: for two million entities the chance is about
        # one in ten million.  NULL stays NULL (not counted).
        entity = _quoted(columns, "entity")
        selected = f"CASE WHEN {entity} IS NULL THEN NULL ELSE hash({entity}) END AS entity"
    else:
        selected = ", ".join(
            f"CAST({_quoted(columns, name)} AS DOUBLE) AS {name}" for name in measure
        )
        if "numerator_date" in columns and measure == ("numerator", "denominator"):
            selected += f", CAST({_quoted(columns, 'numerator_date')} AS DATE) AS numerator_date"
    head = _facts_cte(columns, selected, file_sql, start, end_exclusive)
    scope = f"CASE WHEN grouping(district) = 1 THEN '{CITY}' ELSE district END"
    grouping = "GROUP BY GROUPING SETS ((day, district), (day))"
    if measure == ("value",):
        return (
            f"{head}\nSELECT {scope} AS scope, day, sum(value) AS a, NULL AS b, "
            f"NULL::DATE AS counted_from FROM facts {grouping}"
        )
    if measure == ("numerator", "denominator"):
        if "numerator_date" not in columns:
            return (
                f"{head}\nSELECT {scope} AS scope, day, sum(numerator) AS a, "
                f"sum(denominator) AS b, NULL::DATE AS counted_from FROM facts {grouping}"
            )
        return (
            f"{head}\nSELECT {scope} AS scope, day, "
            "sum(numerator) FILTER (WHERE numerator_date IS NULL) AS a, "
            f"sum(denominator) AS b, NULL::DATE AS counted_from FROM facts {grouping}\n"
            f"UNION ALL\nSELECT {scope}, day, sum(numerator), NULL, numerator_date "
            "FROM facts WHERE numerator_date IS NOT NULL "
            "GROUP BY GROUPING SETS ((day, district, numerator_date), (day, numerator_date))"
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
         CAST(datediff('month', {_date_literal(start)}, day) AS INTEGER) AS month_no
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
    time = _time_column(columns)
    missing = [c for c in ("district",) if c not in columns]
    if "day" not in columns and "month" not in columns:
        missing.insert(0, "day")
    if measure is None:
        missing += [c for c in forms[0] if c not in columns]
    if missing:
        wanted = " | ".join(", ".join(("day", "district", *form)) for form in forms)
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
    dated = [time]
    if measure == ("numerator", "denominator") and "numerator_date" in columns:
        dated.append("numerator_date")
    checks: list[tuple[str, bool, str, str]] = [
        (
            column,
            types[column] == "DATE" or types[column].startswith("TIMESTAMP"),
            "DATE",
            "DATE",
        )
        for column in dated
    ]
    checks.append(("district", types["district"] == "VARCHAR", "VARCHAR", "VARCHAR"))
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


_SOURCE = re.compile(r"\b(?:FROM|JOIN)\s+(?:\w+\.)?\"?([A-Za-z_]\w*)\"?", re.IGNORECASE)


def tables_read(file_sql: str) -> tuple[str, ...]:
    """The names after FROM / JOIN in a query (comments left out), lower case, sorted.

    Used to tell which extract kinds a KPI reads; CTE names come along and are ignored by
    the caller.  (DuckDB's own ``get_table_names`` expands the kinds' views into their row
    tables and cannot bind an ASOF JOIN, hence the plain reading.)
    """
    code = "\n".join(line.split("--", 1)[0] for line in file_sql.splitlines())
    return tuple(sorted({name.lower() for name in _SOURCE.findall(code)}))


def run_kpi_query(
    definition: KpiDefinition,
    body_line: int,
    cursor: duckdb.DuckDBPyConnection,
    start: date,
    end_exclusive: date,
    timeout_seconds: float,
) -> KpiFacts:
    """Run one KPI file over dates in [start, end_exclusive); raises QueryProblem.

    ``cursor`` is this call's own (a cursor of a shared parent connection, used by this
    thread only); it is closed at the end.  The query is interrupted after
    ``timeout_seconds``.
    """
    file_sql = strip_trailing_semicolon(definition.sql)
    timer = threading.Timer(timeout_seconds, cursor.interrupt)
    timer.daemon = True
    timer.start()
    try:
        columns, measure = _describe(definition, body_line, cursor, file_sql)
        tables = tables_read(file_sql)
        sql = _aggregate_sql(columns, measure, file_sql, start, end_exclusive)
        try:
            result = cursor.execute(sql)
            if measure == ("entity",):
                rows = [
                    (scope, day, a, b, None)
                    for scope, day, a, b in _month_rows(
                        result.fetchnumpy(), start, _months_between(start, end_exclusive)
                    )
                ]
            else:
                rows = result.fetchall()
        except duckdb.Error as exc:
            raise _problem(definition, exc, body_line) from exc
    finally:
        timer.cancel()
        timer.join()  # no thread outlives the call holding the cursor
        cursor.close()
    cells: dict[str, dict[date, Cell]] = {}
    dated: dict[str, list[tuple[date, date, float]]] = {}
    for scope, day, a, b, counted_from in rows:
        if scope is None or day is None:
            continue  # facts without a district count for the city only
        if counted_from is not None:
            dated.setdefault(scope, []).append((day, counted_from, float(a or 0.0)))
            continue
        cells.setdefault(scope, {})[day] = (
            None if a is None else float(a),
            None if b is None else float(b),
        )
    return KpiFacts(
        definition=definition,
        ratio=measure == ("numerator", "denominator"),
        cells=cells,
        day_grain=_time_column(columns) == "day",
        dated=dated,
        tables=tables,
    )


def _describe(
    definition: KpiDefinition,
    body_line: int,
    cursor: duckdb.DuckDBPyConnection,
    file_sql: str,
) -> tuple[dict[str, str], tuple[str, ...]]:
    try:
        description = cursor.execute(
            f"SELECT * FROM (\n{file_sql}\n) AS kpi_query LIMIT 0"
        ).description
    except duckdb.Error as exc:
        raise _problem(definition, exc, body_line) from exc
    described = [(col[0], str(col[1])) for col in description or []]
    return output_columns(definition, described, body_line)


def run_distinct_periods(
    definition: KpiDefinition,
    body_line: int,
    cursor: duckdb.DuckDBPyConnection,
    periods: list[tuple[date, date]],
    timeout_seconds: float,
) -> PeriodCounts:
    """count_distinct over arbitrary periods (first..last day, inclusive), every scope.

    The month masks of :func:`run_kpi_query` count whole months; an as-of date inside a
    month needs the entities up to that day: one more query, only then.  Needs the query's
    ``day`` column; a monthly query has nothing finer to count (an empty answer).
    """
    file_sql = strip_trailing_semicolon(definition.sql)
    timer = threading.Timer(timeout_seconds, cursor.interrupt)
    timer.daemon = True
    timer.start()
    try:
        columns, measure = _describe(definition, body_line, cursor, file_sql)
        if measure != ("entity",) or _time_column(columns) != "day" or not periods:
            return {}
        entity = _quoted(columns, "entity")
        selected = f"CASE WHEN {entity} IS NULL THEN NULL ELSE hash({entity}) END AS entity"
        start = min(first for first, _ in periods)
        end_exclusive = max(last for _, last in periods) + timedelta(days=1)
        head = _facts_cte(columns, selected, file_sql, start, end_exclusive)
        scope = f"CASE WHEN grouping(district) = 1 THEN '{CITY}' ELSE district END"
        counts = ", ".join(
            f"count(DISTINCT entity) FILTER (WHERE day BETWEEN {_date_literal(first)} "
            f"AND {_date_literal(last)}) AS p{number}"
            for number, (first, last) in enumerate(periods)
        )
        sql = (
            f"{head}\nSELECT {scope} AS scope, {counts} FROM facts "
            "GROUP BY GROUPING SETS ((district), ())"
        )
        try:
            rows = cursor.execute(sql).fetchall()
        except duckdb.Error as exc:
            raise _problem(definition, exc, body_line) from exc
    finally:
        timer.cancel()
        timer.join()
        cursor.close()
    found: PeriodCounts = {}
    for row in rows:
        if row[0] is None:
            continue
        for number, period in enumerate(periods):
            found[(row[0], *period)] = float(row[1 + number])
    return found
