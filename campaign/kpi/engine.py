"""The KPI engine: KPI files + database + targets + 序时进度 → scorecards, months, ranking.

One engine serves the CLI, the pages and the tests; the Streamlit app shares one engine per
data folder between all sessions, so every method is thread-safe: caches sit behind locks,
each query runs on its own cursor, and concurrent callers of the same work wait for one
computation instead of repeating it.

What is cached, and what invalidates it (checked cheaply on every call):

- the database fingerprint (``load_dataset`` re-fingerprints only changed extracts);
- the query files: name, mtime and size of every ``*.sql`` in the queries folder, so an
  edited file is used on the next call, without a restart;
- ``targets.csv``, ``pacing.csv`` and ``kpi_config.toml``: mtime and size.

Facts are computed once per KPI file version and year, for every scope and month at once
(January of the previous year to December of the year), and the as-of date is applied in
Python, so changing the as-of month or the district never re-runs a query.  Results are
then derived per (year, as-of) for every scope, and the frames the pages ask for are cached
on top.  Each cache is a bounded LRU.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pandas as pd

from campaign import sandbox
from campaign.contracts import CITY, DISTRICTS, KINDS, district_lookup
from campaign.i18n import t
from campaign.kpi import ranking as ranking_rules
from campaign.kpi.cache import MemoCache, Uncacheable, memo
from campaign.kpi.config import CONFIG_FILENAME, ConfigError, KpiConfig, load_config
from campaign.kpi.database import DatabaseHandle, DatabaseProvider, dataset_provider, file_provider
from campaign.kpi.definitions import (
    FileSignature,
    ParsedFile,
    display_sorted,
    parse_kpi_file,
    scan_query_files,
)
from campaign.kpi.facts import (
    KpiFacts,
    PeriodCounts,
    QueryProblem,
    is_month_end,
    month_end,
    run_distinct_periods,
    run_kpi_query,
)
from campaign.kpi.issues import KpiWarning
from campaign.kpi.pacing import Pacing, elapsed_share, load_pacing
from campaign.kpi.results import ReportedSpan, build_result, reported_span_of, same_day_last_year
from campaign.kpi.store import FactsStore
from campaign.kpi.targets import ResolvedTargets, TargetTable, load_targets
from campaign.model import Filters, KpiDefinition, KpiError, KpiResult, Scorecard
from campaign.storage import reported_span

MONTHLY_COLUMNS: tuple[str, ...] = (
    "month",
    "value",
    "cumulative",
    "target_cumulative",
    "last_year_value",
    "last_year_cumulative",
    "projection",
    "expected",
)
RANKING_COLUMNS: tuple[str, ...] = (
    "district",
    "score",
    "rank",
    "previous_score",
    "previous_rank",
    "movement",
    "kpis_counted",
)
RANKING_BY_KPI_COLUMNS: tuple[str, ...] = (
    "district",
    "kpi_id",
    "completion",
    "expected",
    "pace_ratio",
    "capped",
    "weight",
    "rank",
)
STATUS_MATRIX_COLUMNS: tuple[str, ...] = ("district", "kpi_id", "status", "completion", "gap_pp")

# (mtime_ns, size) of a planning file, or None when it does not exist.
_Stat = tuple[int, int] | None


def _stat(path: Path) -> _Stat:
    try:
        stat = path.stat()
    except OSError:
        return None
    return (stat.st_mtime_ns, stat.st_size)


def previous_month_end(day: date) -> date:
    """The last day of the month before ``day``'s month."""
    return day.replace(day=1) - timedelta(days=1)


@dataclass(frozen=True)
class _Snapshot:
    """What the engine's answers depend on, as of this call."""

    database: DatabaseHandle
    fingerprint: str
    queries: tuple[FileSignature, ...]
    planning: tuple[_Stat, _Stat, _Stat]  # targets, pacing, config

    @property
    def key(self) -> tuple[object, ...]:
        return (self.fingerprint, self.queries, self.planning)


@dataclass(frozen=True)
class _Catalog:
    """The KPI definitions of one version of the queries folder, and its problems."""

    definitions: tuple[KpiDefinition, ...]
    parsed: dict[str, ParsedFile]  # kpi id (file stem) → parse
    signatures: dict[str, FileSignature]
    errors: tuple[KpiError, ...]
    config: KpiConfig


@dataclass(frozen=True)
class _Plans:
    targets: ResolvedTargets
    pacing: Pacing
    warnings: tuple[KpiWarning, ...]


@dataclass(frozen=True)
class _Evaluation:
    """Every KPI for every scope at one (year, as-of)."""

    year: int
    as_of: date
    results: dict[str, dict[str, KpiResult]]  # kpi id → scope → result
    facts: dict[str, KpiFacts]
    errors: tuple[KpiError, ...]
    definitions: tuple[KpiDefinition, ...]
    scopes: tuple[str, ...]
    targets: ResolvedTargets
    pacing: Pacing
    lagging_max_pp: float
    spans: dict[str, ReportedSpan | None]  # kpi id → what its extracts cover
    extras: dict[str, PeriodCounts]  # kpi id → distinct counts to a day inside a month
    transient: bool = False  # holds a query stopped for taking too long


class KpiEngine:
    """Computes every KPI for any filter from the KPI SQL files and a built database.

    ``KpiEngine(data_dir, queries_dir)`` builds/reuses the data folder's database with
    ``campaign.storage.load_dataset`` and reads ``targets.csv`` / ``pacing.csv`` from the data
    folder.  Tests and benchmarks pass ``database=`` (a provider: a callable returning an
    object with ``fingerprint`` and ``connect()``) and the planning files' paths instead;
    :meth:`for_database` does that for a plain DuckDB file.

    Facts are also kept on disk (``facts_dir``, by default ``<data>/.build/kpi-facts`` for an
    engine over a data folder; none for :meth:`for_database` unless given), so a new process
    over unchanged data and query files does not re-run the queries; ``persist_facts=False``
    turns that off.
    """

    def __init__(
        self,
        data_dir: Path | str | None = None,
        queries_dir: Path | str = "queries",
        *,
        database: DatabaseProvider | None = None,
        targets_path: Path | str | None = None,
        pacing_path: Path | str | None = None,
        config_path: Path | str | None = None,
        today: Callable[[], date] = date.today,
        workers: int | None = None,
        cache_size: int = 64,
        facts_dir: Path | str | None = None,
        persist_facts: bool = True,
        recheck_seconds: float = 0.0,
    ) -> None:
        if database is None and data_dir is None:
            raise ValueError("KpiEngine needs a data folder or a database provider")
        self.data_dir = Path(data_dir) if data_dir is not None else None
        self.queries_dir = Path(queries_dir)
        self._database = database or dataset_provider(Path(data_dir))  # type: ignore[arg-type]
        base = self.data_dir or Path(".")
        self.targets_path = Path(targets_path) if targets_path else base / "targets.csv"
        self.pacing_path = Path(pacing_path) if pacing_path else base / "pacing.csv"
        self.config_path = Path(config_path) if config_path else self.queries_dir / CONFIG_FILENAME
        self._today = today
        # DuckDB runs each query on every core already; two Python workers overlap the
        # per-query overhead (parse, bind, fetch) that dominates on small data.
        self._workers = workers if workers is not None else min(2, os.cpu_count() or 1)
        self._lock = threading.Lock()
        self._connection_lock = threading.Lock()
        self._connection: tuple[tuple[str, object], duckdb.DuckDBPyConnection] | None = None
        self._parsed_files: dict[tuple[str, FileSignature], ParsedFile] = {}
        self._catalogs: MemoCache[_Catalog] = MemoCache(8)
        self._plans: MemoCache[_Plans] = MemoCache(8)
        self._facts: MemoCache[KpiFacts | KpiError] = MemoCache(cache_size * 8)
        self._evaluations: MemoCache[_Evaluation] = MemoCache(cache_size)
        self._frames: MemoCache[object] = MemoCache(cache_size * 4)
        self._as_of: MemoCache[date] = MemoCache(8)
        self._spans: MemoCache[dict[str, tuple[date, date]]] = MemoCache(8)
        # Each call looks at the files (extracts, queries, planning files) to see whether they
        # changed; with ``recheck_seconds`` it looks at most that often (a busy dashboard
        # server: 50 viewers' reruns share one look) and ``recheck()`` forces the next look.
        self.recheck_seconds = recheck_seconds
        self._looked: dict[str, tuple[float, object]] = {}
        # Facts survive a restart in <data>/.build/kpi-facts (see campaign.kpi.store).
        folder = Path(facts_dir) if facts_dir else None
        if folder is None and self.data_dir is not None:
            folder = self.data_dir / ".build" / "kpi-facts"
        self._store = FactsStore(folder) if persist_facts and folder is not None else None

    @classmethod
    def for_database(
        cls,
        database_path: Path | str,
        queries_dir: Path | str,
        *,
        targets_path: Path | str | None = None,
        pacing_path: Path | str | None = None,
        **options: object,
    ) -> KpiEngine:
        """An engine over a plain DuckDB file (tests, benchmarks)."""
        folder = Path(database_path).parent
        return cls(
            None,
            queries_dir,
            database=file_provider(database_path),
            targets_path=targets_path or folder / "targets.csv",
            pacing_path=pacing_path or folder / "pacing.csv",
            **options,  # type: ignore[arg-type]
        )

    # ------------------------------------------------------------------ public API

    def definitions(self) -> list[KpiDefinition]:
        """The working KPI definitions in display order (broken files are in errors())."""
        return list(self._catalog(self._queries_signature()).definitions)

    def default_filters(self) -> Filters:
        """The whole city, as of the end of the last complete month present in the data."""
        as_of = self._default_as_of(self._snapshot())
        return Filters(year=as_of.year, as_of=as_of)

    def resolve(
        self, year: int | None = None, as_of: date | str | None = None, district: str | None = None
    ) -> Filters:
        """Filters from optional parts; raises ValueError for an unknown district or a date
        outside the year.

        as-of defaults to :meth:`default_filters`' date when it is in ``year``, to 31 December
        for an earlier year; the year defaults to the as-of date's year.  An as-of date after
        the year's end is moved to 31 December.  ``district`` accepts the aliases of the
        extracts; ``全市`` or None is the city.
        """
        if isinstance(as_of, str):
            as_of = date.fromisoformat(as_of)
        if as_of is None:
            default = self.default_filters().as_of
            if year is None or year == default.year:
                as_of = default
            elif year < default.year:
                as_of = date(year, 12, 31)
            else:
                raise ValueError(f"no data for {year} yet (the data reaches {default})")
        if year is None:
            year = as_of.year
        if as_of < date(year, 1, 1):
            raise ValueError(f"as-of date {as_of} is before the year {year}")
        as_of = min(as_of, date(year, 12, 31))
        return Filters(year=year, as_of=as_of, district=self._normalise_district(district))

    def scorecard(self, filters: Filters) -> Scorecard:
        """Every KPI for ``filters.scope`` (全市 or a district), broken KPIs in ``errors``."""
        return self._scorecard(self._snapshot(), filters)

    def all_scorecards(self, filters: Filters) -> list[Scorecard]:
        """The scorecard of the city and of every district (``filters.district`` ignored)."""
        snapshot = self._snapshot()  # one look at the files for all eleven scopes
        return [
            self._scorecard(snapshot, Filters(filters.year, filters.as_of, district))
            for district in (None, *DISTRICTS)
        ]

    def _scorecard(self, snapshot: _Snapshot, filters: Filters) -> Scorecard:
        evaluation = self._evaluation(snapshot, filters.year, filters.as_of)
        scope = filters.scope
        results = tuple(
            self._result(evaluation, d.id, scope)
            for d in evaluation.definitions
            if d.id in evaluation.results
        )
        return Scorecard(
            filters=filters,
            expected=elapsed_share(filters.year, filters.as_of),
            results=results,
            errors=evaluation.errors,
        )

    def district_results(self, kpi_id: str, filters: Filters) -> list[KpiResult]:
        """One KPI for each district (contracts order, 市直 last); empty if the KPI is broken."""
        evaluation = self._evaluation(self._snapshot(), filters.year, filters.as_of)
        self._require(evaluation, kpi_id)
        if kpi_id not in evaluation.results:
            return []
        return [
            self._result(evaluation, kpi_id, scope) for scope in evaluation.scopes if scope != CITY
        ]

    def result(self, kpi_id: str, filters: Filters) -> KpiResult | None:
        """One KPI for ``filters.scope``; None when the KPI is broken."""
        evaluation = self._evaluation(self._snapshot(), filters.year, filters.as_of)
        self._require(evaluation, kpi_id)
        if kpi_id not in evaluation.results:
            return None
        return self._result(evaluation, kpi_id, filters.scope)

    def monthly(self, kpi_id: str, filters: Filters) -> pd.DataFrame:
        """One KPI for ``filters.scope`` month by month: twelve rows, January to December.

        Columns: ``month`` (Timestamp, first day), ``value`` (the KPI over that month alone;
        a level for rate/latest), ``cumulative`` (January to that month: the year-to-date
        figure, for latest the level), both NaN after the as-of month; ``target_cumulative``
        (the target × 序时进度 at the month's end; the target itself for level KPIs; NaN
        without a target); ``last_year_value`` and ``last_year_cumulative`` (the same for the
        previous year, NaN when it has no data); ``projection`` (from the as-of month on: the
        path to the year-end projection at the current pace; the current level for level
        KPIs); ``expected`` (序时进度 at the month's end).  Empty frame if the KPI is broken.
        """
        snapshot = self._snapshot()
        key = ("monthly", snapshot.key, kpi_id, filters.year, filters.as_of, filters.scope)
        frame = self._frame(key, lambda: self._monthly(snapshot, kpi_id, filters))
        return frame.copy()  # type: ignore[attr-defined]

    def status_matrix(self, filters: Filters) -> pd.DataFrame:
        """Every district × every working KPI: district, kpi_id, status, completion, gap_pp."""
        snapshot = self._snapshot()
        key = ("matrix", snapshot.key, filters.year, filters.as_of)
        frame = self._frame(key, lambda: self._status_matrix(snapshot, filters))
        return frame.copy()  # type: ignore[attr-defined]

    def ranking(self, filters: Filters) -> pd.DataFrame:
        """区市排名 (``filters.district`` ignored): one row per ranked district, best first.

        Columns: ``district``; ``score`` (composite, in points: 100 = on 序时进度 across the
        KPIs, at most 100 × cap); ``rank`` (1 = best, ties share); ``previous_score`` and
        ``previous_rank`` (the same at the previous month's end; <NA> if not ranked then);
        ``movement`` (previous_rank − rank: positive = moved up); ``kpis_counted``.
        Districts with no scorable KPI (no targets) are not listed.
        """
        snapshot = self._snapshot()
        key = ("ranking", snapshot.key, filters.year, filters.as_of)
        frame = self._frame(key, lambda: self._ranking(snapshot, filters))
        return frame.copy()  # type: ignore[attr-defined]

    def ranking_by_kpi(self, filters: Filters) -> pd.DataFrame:
        """Each ranked district's rank on each KPI with a district target (long format).

        Columns: district, kpi_id, completion, expected, pace_ratio (completion ÷ expected,
        direction-adjusted), capped (what the score counts), weight, rank (<NA> without a
        figure).
        """
        snapshot = self._snapshot()
        key = ("ranking_by_kpi", snapshot.key, filters.year, filters.as_of)
        frame = self._frame(key, lambda: self._ranking_by_kpi(snapshot, filters))
        return frame.copy()  # type: ignore[attr-defined]

    def errors(self, filters: Filters | None = None) -> list[KpiError]:
        """Every broken KPI file or query (and a broken config), for ``filters`` or the
        default filters."""
        snapshot = self._snapshot()
        if filters is None:
            filters = Filters(*self._year_as_of_default(snapshot))
        return list(self._evaluation(snapshot, filters.year, filters.as_of).errors)

    def config(self) -> KpiConfig:
        """The settings in force (``queries/kpi_config.toml``, or the defaults)."""
        return self._catalog(self._queries_signature()).config

    def warnings(self) -> list[KpiWarning]:
        """Problems in targets.csv / pacing.csv the engine worked around."""
        snapshot = self._snapshot()
        return list(self._plans_for(snapshot).warnings)

    def clear_cache(self) -> None:
        """Forget every cached result (the next call recomputes from the files)."""
        for cache in (
            self._catalogs,
            self._plans,
            self._facts,
            self._evaluations,
            self._frames,
            self._spans,
        ):
            cache.clear()
        self._as_of.clear()
        self._looked.clear()

    # ------------------------------------------------------------------ snapshot

    def version(self) -> tuple[object, ...]:
        """What every answer depends on, as of now: the database's fingerprint and the KPI,
        targets, pacing and settings files' signatures. Equal versions give equal answers
        (the meeting pack keeps its files under it: campaign.brief.prepared)."""
        return self._snapshot().key

    def database(self) -> DatabaseHandle:
        """The database the results come from (for an engine over a data folder, its
        ``campaign.storage.Dataset``)."""
        return self._snapshot().database

    def recheck(self) -> None:
        """Look at the files again on the next call (say, after this process changed one)."""
        self._looked.clear()

    def _recent(self, what: str, look: Callable[[], object]) -> object:
        """``look()``, or its result from less than ``recheck_seconds`` ago."""
        if self.recheck_seconds > 0:
            seen = self._looked.get(what)
            if seen is not None and time.monotonic() - seen[0] < self.recheck_seconds:
                return seen[1]
        looked_at = time.monotonic()
        value = look()
        self._looked[what] = (looked_at, value)
        return value

    def _queries_signature(self) -> tuple[FileSignature, ...]:
        return self._recent("queries", lambda: scan_query_files(self.queries_dir))  # type: ignore[return-value]

    def _planning_stats(self) -> tuple[_Stat, _Stat, _Stat]:
        return self._recent(  # type: ignore[return-value]
            "planning",
            lambda: (_stat(self.targets_path), _stat(self.pacing_path), _stat(self.config_path)),
        )

    def _snapshot(self) -> _Snapshot:
        return self._recent("snapshot", self._look)  # type: ignore[return-value]

    def _look(self) -> _Snapshot:
        handle = self._database()
        return _Snapshot(
            database=handle,
            fingerprint=handle.fingerprint,
            queries=self._queries_signature(),
            planning=self._planning_stats(),
        )

    def _normalise_district(self, district: str | None) -> str | None:
        if district is None or district.strip() in ("", CITY):
            return None
        name = district_lookup().get(district.strip())
        if name is None:
            raise ValueError(
                f"unknown district {district!r}; expected one of {', '.join(DISTRICTS)}"
            )
        return name

    # ------------------------------------------------------------------ definitions, plans

    def _catalog(self, queries: tuple[FileSignature, ...]) -> _Catalog:
        config_stat = self._planning_stats()[2]
        return self._catalogs.get((queries, config_stat), lambda: self._read_catalog(queries))

    def _read_catalog(self, queries: tuple[FileSignature, ...]) -> _Catalog:
        errors: list[KpiError] = []
        try:
            config = load_config(self.config_path)
        except ConfigError as exc:
            config = KpiConfig()
            errors.append(
                KpiError(
                    kpi_id=self.config_path.stem,
                    path=self.config_path,
                    message=t("kpi.error.config_invalid", "zh", error=exc),
                    message_en=t("kpi.error.config_invalid", "en", error=exc),
                    line=exc.line,
                )
            )
        parsed: dict[str, ParsedFile] = {}
        signatures: dict[str, FileSignature] = {}
        for signature in queries:
            path = self.queries_dir / signature[0]
            key = (str(path), signature)
            with self._lock:
                known = self._parsed_files.get(key)
            if known is None:
                known = parse_kpi_file(path)
                with self._lock:
                    self._parsed_files[key] = known
            parsed[path.stem] = known
            signatures[path.stem] = signature
            errors.extend(known.errors)
        with self._lock:  # forget versions of files that are gone or changed
            current = {(str(self.queries_dir / s[0]), s) for s in queries}
            for key in [k for k in self._parsed_files if k not in current]:
                del self._parsed_files[key]
        definitions = [p.definition for p in parsed.values() if p.definition is not None]
        return _Catalog(
            definitions=tuple(display_sorted(definitions, config.display_order)),
            parsed=parsed,
            signatures=signatures,
            errors=tuple(errors),
            config=config,
        )

    def _plans_for(self, snapshot: _Snapshot) -> _Plans:
        catalog = self._catalog(snapshot.queries)

        def read() -> _Plans:
            table: TargetTable = load_targets(self.targets_path)
            targets, target_warnings = table.resolve(list(catalog.definitions))
            pacing = load_pacing(self.pacing_path)
            return _Plans(targets, pacing, (*table.warnings, *target_warnings, *pacing.warnings))

        return self._plans.get((snapshot.queries, snapshot.planning), read)

    # ------------------------------------------------------------------ dates

    def _default_as_of(self, snapshot: _Snapshot) -> date:
        this_month = self._today().replace(day=1)
        return self._as_of.get(
            (snapshot.fingerprint, this_month),
            lambda: self._find_default_as_of(snapshot, this_month),
        )

    def _find_default_as_of(self, snapshot: _Snapshot, this_month: date) -> date:
        """The end of the latest month with any fact that has ended before today's month."""
        if self._store is not None:
            stored = self._store.load_as_of(snapshot.fingerprint, this_month)
            if stored is not None:
                return stored
        cursor = self._cursor(snapshot)
        try:
            tables = {
                row[0]
                for row in cursor.execute(
                    "SELECT table_name FROM information_schema.tables"
                ).fetchall()
            }
            parts = [
                f'SELECT max("{k.period_column}") AS last FROM "{k.id}" '
                f"WHERE \"{k.period_column}\" < DATE '{this_month.isoformat()}'"
                for k in KINDS
                if k.id in tables
            ]
            last = None
            if parts:
                last = cursor.execute(
                    f"SELECT max(last) FROM ({' UNION ALL '.join(parts)})"
                ).fetchone()[0]  # type: ignore[index]
        finally:
            cursor.close()
        as_of = previous_month_end(this_month) if last is None else month_end(last)
        if self._store is not None:
            self._store.save_as_of(snapshot.fingerprint, this_month, as_of)
        return as_of

    def _cursor(self, snapshot: _Snapshot) -> duckdb.DuckDBPyConnection:
        """A new cursor on the engine's read-only connection to this snapshot's database.

        One parent connection per database version is kept open (opening a large database
        reads its catalog: ~0.2 s); a newer fingerprint replaces it, and so does a new file
        with the same content (``Dataset.file_id``: a damaged file rebuilt by
        ``campaign.storage``, which this connection would otherwise keep reading).  The old
        one is not closed here, since another thread may still be using a cursor of it; it
        closes when the last reference goes.
        """
        key = (snapshot.fingerprint, getattr(snapshot.database, "file_id", None))
        with self._connection_lock:
            if self._connection is None or self._connection[0] != key:
                # KPI files are user-written SQL: the connection is the sandbox's, locked
                # (no files, network or extensions, a memory limit; campaign.sandbox).
                connection = sandbox.open_locked(snapshot.database.database_path)
                self._connection = (key, connection)
            return sandbox.locked_cursor(self._connection[1])

    def _year_as_of_default(self, snapshot: _Snapshot) -> tuple[int, date]:
        as_of = self._default_as_of(snapshot)
        return as_of.year, as_of

    def _kind_spans(self, snapshot: _Snapshot) -> dict[str, tuple[date, date]]:
        """Each extract kind's first and last reported day (campaign.storage.reported_span)."""

        def read() -> dict[str, tuple[date, date]]:
            store = self._store
            stored = store.load_spans(snapshot.fingerprint) if store is not None else None
            if stored is not None:
                return stored
            cursor = self._cursor(snapshot)
            try:
                spans = reported_span(cursor)
            finally:
                cursor.close()
            if store is not None:
                store.save_spans(snapshot.fingerprint, spans)
            return spans

        return self._spans.get(snapshot.fingerprint, read)

    def _distinct_to_day(
        self,
        snapshot: _Snapshot,
        catalog: _Catalog,
        definition: KpiDefinition,
        year: int,
        as_of: date,
        stopped: list[object],
    ) -> PeriodCounts:
        """Distinct counts up to an as-of day inside a month (this year, last year to the
        same day, and the as-of month so far): one more query, cached like facts."""
        last_year_day = same_day_last_year(as_of)
        periods = [
            (date(year, 1, 1), as_of),
            (date(year - 1, 1, 1), last_year_day),
            (as_of.replace(day=1), as_of),
        ]
        key = (
            snapshot.fingerprint,
            str(definition.path),
            catalog.signatures[definition.id],
            "to-day",
            year,
            as_of,
        )

        def run() -> PeriodCounts:
            try:
                return run_distinct_periods(
                    definition,
                    catalog.parsed[definition.id].body_line,
                    self._cursor(snapshot),
                    periods,
                    catalog.config.query_timeout_seconds,
                )
            except QueryProblem as problem:
                if problem.transient:
                    raise Uncacheable({}) from problem
                return {}

        return memo(self._facts, key, run, stopped.append)  # type: ignore[arg-type,return-value]

    # ------------------------------------------------------------------ facts and results

    def _facts_for(
        self, snapshot: _Snapshot, catalog: _Catalog, year: int
    ) -> tuple[dict[str, KpiFacts | KpiError], bool]:
        """Each KPI's facts for January of ``year − 1`` to December of ``year``, and whether a
        query was stopped for taking too long (then nothing built on them is cached)."""
        stopped: list[object] = []
        start, end_exclusive = date(year - 1, 1, 1), date(year + 1, 1, 1)

        def one(definition: KpiDefinition) -> KpiFacts | KpiError:
            key = (
                snapshot.fingerprint,
                str(definition.path),
                catalog.signatures[definition.id],
                start,
                end_exclusive,
            )

            def run() -> KpiFacts | KpiError:
                store = self._store
                if store is not None:
                    stored = store.load(snapshot.fingerprint, definition, start, end_exclusive)
                    if stored is not None:
                        return stored
                try:
                    facts = run_kpi_query(
                        definition,
                        catalog.parsed[definition.id].body_line,
                        self._cursor(snapshot),
                        start,
                        end_exclusive,
                        catalog.config.query_timeout_seconds,
                    )
                except QueryProblem as problem:
                    if problem.transient:
                        raise Uncacheable(problem.error) from problem
                    return problem.error
                if store is not None:
                    store.save(snapshot.fingerprint, facts, start, end_exclusive)
                return facts

            return memo(self._facts, key, run, stopped.append)

        # The distinct counts are the heavy queries: start them first so the light ones fill
        # the other worker meanwhile.
        definitions = sorted(catalog.definitions, key=lambda d: d.aggregation != "count_distinct")
        if self._workers > 1 and len(definitions) > 1:
            with ThreadPoolExecutor(self._workers, thread_name_prefix="kpi") as pool:
                found = list(pool.map(one, definitions))
        else:
            found = [one(d) for d in definitions]
        return {d.id: f for d, f in zip(definitions, found, strict=True)}, bool(stopped)

    def _evaluation(
        self, snapshot: _Snapshot, year: int, as_of: date, facts_year: int | None = None
    ) -> _Evaluation:
        facts_year = facts_year or year
        key = (snapshot.key, year, as_of, facts_year)
        return memo(
            self._evaluations, key, lambda: self._evaluate(snapshot, year, as_of, facts_year)
        )

    def _evaluate(
        self, snapshot: _Snapshot, year: int, as_of: date, facts_year: int
    ) -> _Evaluation:
        """Every KPI for every scope; ``facts_year`` picks the fact window to read from
        (the previous-month ranking in January reads last year's figures from this year's
        window, which holds them)."""
        catalog = self._catalog(snapshot.queries)
        plans = self._plans_for(snapshot)
        facts_by_kpi, transient = self._facts_for(snapshot, catalog, facts_year)
        errors = list(catalog.errors)
        facts: dict[str, KpiFacts] = {}
        for definition in catalog.definitions:
            found = facts_by_kpi[definition.id]
            if isinstance(found, KpiError):
                errors.append(found)
            else:
                facts[definition.id] = found
        reported = {s for f in facts.values() for s in f.cells}
        targeted = {s for kpi_id in facts for s in plans.targets.scopes(kpi_id, year)}
        extra = sorted((reported | targeted) - {CITY, *DISTRICTS})
        scopes = (CITY, *DISTRICTS, *extra)
        lagging = catalog.config.lagging_max_pp
        kind_spans = self._kind_spans(snapshot)
        spans = {kpi_id: reported_span_of(f.tables, kind_spans) for kpi_id, f in facts.items()}
        # A day inside a month, this year or a year earlier (28 Feb 2021 → 28 Feb 2020 is
        # inside a leap February): distinct counts to that day need one more query.
        inside_month = as_of < date(year, 12, 31) and not (
            is_month_end(as_of) and is_month_end(same_day_last_year(as_of))
        )
        stopped: list[object] = []
        extras = {
            d.id: self._distinct_to_day(snapshot, catalog, d, year, as_of, stopped)
            for d in catalog.definitions
            if inside_month and d.id in facts and d.aggregation == "count_distinct"
        }
        transient = transient or bool(stopped)
        results: dict[str, dict[str, KpiResult]] = {}
        for definition in catalog.definitions:
            kpi_facts = facts.get(definition.id)
            if kpi_facts is None:
                continue
            results[definition.id] = {
                scope: build_result(
                    definition,
                    scope,
                    kpi_facts,
                    plans.targets.get(definition.id, year, scope),
                    year,
                    as_of,
                    plans.pacing,
                    lagging,
                    spans[definition.id],
                    extras.get(definition.id),
                )
                for scope in scopes
            }
        evaluation = _Evaluation(
            year=year,
            as_of=as_of,
            results=results,
            facts=facts,
            errors=tuple(errors),
            definitions=catalog.definitions,
            scopes=scopes,
            targets=plans.targets,
            pacing=plans.pacing,
            lagging_max_pp=lagging,
            spans=spans,
            extras=extras,
            transient=transient,
        )
        if transient:  # a query was stopped for taking too long: try again next call
            raise Uncacheable(evaluation)
        return evaluation

    def _result(self, evaluation: _Evaluation, kpi_id: str, scope: str) -> KpiResult:
        by_scope = evaluation.results[kpi_id]
        found = by_scope.get(scope)
        if found is not None:
            return found
        # A scope nobody reported and no target names: not precomputed, cheap to build.
        definition = next(d for d in evaluation.definitions if d.id == kpi_id)
        return build_result(
            definition,
            scope,
            evaluation.facts[kpi_id],
            evaluation.targets.get(kpi_id, evaluation.year, scope),
            evaluation.year,
            evaluation.as_of,
            evaluation.pacing,
            evaluation.lagging_max_pp,
            evaluation.spans.get(kpi_id),
            evaluation.extras.get(kpi_id),
        )

    @staticmethod
    def _require(evaluation: _Evaluation, kpi_id: str) -> None:
        known = {d.id for d in evaluation.definitions} | {e.kpi_id for e in evaluation.errors}
        if kpi_id not in known:
            raise KeyError(f"unknown KPI {kpi_id!r}")

    # ------------------------------------------------------------------ frames

    def _frame(self, key: tuple[object, ...], build: Callable[[], pd.DataFrame]) -> pd.DataFrame:
        """A cached frame (builders raise Uncacheable when a query was stopped)."""
        return memo(self._frames, key, build)  # type: ignore[arg-type,return-value]

    @staticmethod
    def _done(frame: pd.DataFrame, *evaluations: _Evaluation) -> pd.DataFrame:
        """``frame``, not to be cached if it rests on an evaluation with a stopped query."""
        if any(e.transient for e in evaluations):
            raise Uncacheable(frame)
        return frame

    def _monthly(self, snapshot: _Snapshot, kpi_id: str, filters: Filters) -> pd.DataFrame:
        evaluation = self._evaluation(snapshot, filters.year, filters.as_of)
        self._require(evaluation, kpi_id)
        if kpi_id not in evaluation.results:
            return self._done(pd.DataFrame(columns=list(MONTHLY_COLUMNS)), evaluation)
        facts = evaluation.facts[kpi_id]
        definition = facts.definition
        result = self._result(evaluation, kpi_id, filters.scope)
        pacing = self._plans_for(snapshot).pacing
        year, scope = filters.year, filters.scope
        as_of = min(filters.as_of, date(year, 12, 31))
        span = evaluation.spans.get(kpi_id)
        extra = evaluation.extras.get(kpi_id)
        # Months after the extracts' last reported day have no data (NaN), not zero.
        known_to = as_of if span is None else min(as_of, span[1])
        last_year_known = facts.has_facts(year - 1, date(year - 1, 12, 31)) and (
            span is None or span[0] <= date(year - 1, 1, 1)
        )
        nan = float("nan")

        def figure(value: float | None) -> float:
            return nan if value is None else value

        rows = []
        for number in range(1, 13):
            month = date(year, number, 1)
            through = min(month_end(month), known_to)
            reached = month <= known_to and (span is None or span[0] <= through)
            share = 1.0 if definition.is_level else pacing.month_end_share(kpi_id, number)
            last_month = date(year - 1, number, 1)
            projection = nan
            if not result.not_reported and (month > as_of or month == as_of.replace(day=1)):
                if result.actual is not None and definition.is_level:
                    projection = result.actual
                elif result.actual is not None and result.expected:
                    projection = result.actual * share / result.expected
            rows.append(
                {
                    "month": pd.Timestamp(month),
                    "value": figure(facts.period(scope, month, through, extra)) if reached else nan,
                    "cumulative": figure(facts.year_to_date(scope, year, through, extra))
                    if reached
                    else nan,
                    "target_cumulative": nan if result.target is None else result.target * share,
                    "last_year_value": figure(
                        facts.period(scope, last_month, month_end(last_month))
                    )
                    if last_year_known
                    else nan,
                    "last_year_cumulative": figure(
                        facts.year_to_date(scope, year - 1, month_end(last_month))
                    )
                    if last_year_known
                    else nan,
                    "projection": projection,
                    "expected": share,
                }
            )
        frame = pd.DataFrame(rows, columns=list(MONTHLY_COLUMNS))
        frame = frame.astype({c: "float64" for c in MONTHLY_COLUMNS if c != "month"})
        return self._done(frame, evaluation)

    def _status_matrix(self, snapshot: _Snapshot, filters: Filters) -> pd.DataFrame:
        evaluation = self._evaluation(snapshot, filters.year, filters.as_of)
        rows = [
            (scope, d.id, r.status, r.completion, r.gap_pp)
            for scope in evaluation.scopes
            if scope != CITY
            for d in evaluation.definitions
            if d.id in evaluation.results
            for r in (evaluation.results[d.id][scope],)
        ]
        frame = pd.DataFrame(rows, columns=list(STATUS_MATRIX_COLUMNS))
        frame = frame.astype({"completion": "float64", "gap_pp": "float64"})
        return self._done(frame, evaluation)

    def _paces(
        self, snapshot: _Snapshot, year: int, as_of: date, facts_year: int
    ) -> tuple[list[ranking_rules.KpiPace], list[str], _Evaluation]:
        evaluation = self._evaluation(snapshot, year, as_of, facts_year)
        config = self._catalog(snapshot.queries).config
        districts = [s for s in evaluation.scopes if s != CITY and s not in config.ranking_exclude]
        by_kpi = {
            kpi_id: [by_scope[d] for d in districts]
            for kpi_id, by_scope in evaluation.results.items()
        }
        return ranking_rules.district_paces(by_kpi, districts, config), districts, evaluation

    def _ranking(self, snapshot: _Snapshot, filters: Filters) -> pd.DataFrame:
        paces, districts, evaluation = self._paces(
            snapshot, filters.year, filters.as_of, filters.year
        )
        now = ranking_rules.scores(paces, districts)
        previous_day = previous_month_end(filters.as_of)
        previous_paces, _, previous = self._paces(
            snapshot, previous_day.year, previous_day, filters.year
        )
        before = ranking_rules.scores(previous_paces, districts)
        ranks = ranking_rules.competition_ranks({d: s for d, (s, _) in now.items()})
        previous_ranks = ranking_rules.competition_ranks({d: s for d, (s, _) in before.items()})
        rows = []
        for district in districts:
            score, counted = now[district]
            if score is None:
                continue
            previous_rank = previous_ranks.get(district)
            previous_score = before[district][0]
            rank = ranks[district]
            rows.append(
                {
                    "district": district,
                    "score": score * 100,
                    "rank": rank,
                    "previous_score": None if previous_score is None else previous_score * 100,
                    "previous_rank": previous_rank,
                    "movement": None if previous_rank is None else previous_rank - rank,  # type: ignore[operator]
                    "kpis_counted": counted,
                }
            )
        frame = pd.DataFrame(rows, columns=list(RANKING_COLUMNS))
        frame = frame.astype(
            {
                "score": "float64",
                "previous_score": "float64",
                "rank": "Int64",
                "previous_rank": "Int64",
                "movement": "Int64",
                "kpis_counted": "int64",
            }
        )
        frame = frame.sort_values(["rank", "district"], kind="stable").reset_index(drop=True)
        return self._done(frame, evaluation, previous)

    def _ranking_by_kpi(self, snapshot: _Snapshot, filters: Filters) -> pd.DataFrame:
        paces, _, evaluation = self._paces(snapshot, filters.year, filters.as_of, filters.year)
        rows = []
        for kpi_id in dict.fromkeys(p.kpi_id for p in paces):
            of_kpi = [p for p in paces if p.kpi_id == kpi_id]
            if all(p.pace_ratio is None for p in of_kpi):
                continue  # no district has a target for this KPI
            ranks = ranking_rules.competition_ranks({p.district: p.pace_ratio for p in of_kpi})
            rows += [
                {
                    "district": p.district,
                    "kpi_id": kpi_id,
                    "completion": p.completion,
                    "expected": p.expected,
                    "pace_ratio": p.pace_ratio,
                    "capped": p.capped,
                    "weight": p.weight,
                    "rank": ranks[p.district],
                }
                for p in of_kpi
            ]
        frame = pd.DataFrame(rows, columns=list(RANKING_BY_KPI_COLUMNS))
        frame = frame.astype(
            {
                "completion": "float64",
                "expected": "float64",
                "pace_ratio": "float64",
                "capped": "float64",
                "weight": "float64",
                "rank": "Int64",
            }
        )
        return self._done(frame, evaluation)
