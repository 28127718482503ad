"""A reference implementation of the 18 shipped KPIs in plain pandas, to check and time ours.

It reads the extract CSVs with ``pandas.read_csv`` (no DuckDB, not our reader: only the
column names and districts of ``campaign.contracts``), filters and groups, and computes each
KPI's ``actual`` and ``last_year`` (同比 base) for the city (全市) and every district at one
as-of date, following the rules of docs/kpi-engine.md:

- facts are dated by day: the period is January 1 to the as-of day, inclusive; last year
  is January 1 to the same day a year earlier (29 February → 28 February);
- ``sum``: Σ over the period (0 when nothing was reported); ``count_distinct``: distinct
  entities in the period (the city counts an entity once across districts); ``rate``:
  Σ numerator ÷ Σ denominator, a mediation case counting as successful only when closed by
  the period's last day; ``latest``: the level on the period's last day (party coverage:
  the active chambers founded by then);
- a kind is reported from January 1 of its first fact's year to the last day of its newest
  fact's month: past that the figure stops there and ``last_year`` is None; a year before
  it has no figure at all;
- ``last_year`` is None when the city has no facts of the KPI in last year's period at all,
  or the kind's data does not cover last year.

Targets and 序时进度 are not part of the comparison.  The KPI rules are written out once
more here, by hand, from ``queries/*.sql``: if a query changes, the check says so.

    python benchmarks/pandas_reference.py --data DIR [--as-of 2022-09-30] [--check]

``--check`` also runs the engine and compares every KPI and scope within 1e-9 relative.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
import unicodedata
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from campaign.contracts import (  # noqa: E402
    CITY,
    DISTRICTS,
    KINDS_BY_ID,
    district_lookup,
    kind_for_filename,
)

# The columns each KPI needs, by extract kind.
NEEDED: dict[str, tuple[str, ...]] = {
    "financing": ("date", "district", "enterprise", "amount_wan"),
    "orders": ("date", "district", "enterprise", "amount_wan"),
    "talent": ("date", "district", "category", "hires"),
    "mediation": ("date", "district", "kind", "status", "amount_wan", "closed_date"),
    "investment": ("district", "stage", "amount_wan", "signed_date"),
    "chambers": ("district", "founded_date", "party_org", "status"),
    "events": ("date", "district", "type", "participants"),
}
RELATIVE_TOLERANCE = 1e-9

Figures = dict[tuple[str, str], tuple[float | None, float | None]]  # (kpi, scope) → figures


# ---------------------------------------------------------------- reading the CSVs


def _fold(text: str) -> str:
    """A header as compared: full-width forms folded, spaces removed."""
    return "".join(unicodedata.normalize("NFKC", text).split())


def _encoding(path: Path) -> str:
    head = path.read_bytes()[:65536]
    if head.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    try:
        head.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        if exc.start > len(head) - 4:  # a character cut by the sample's end
            return "utf-8"
        return "gb18030"


def _dates(values: pd.Series) -> pd.Series:
    """2021-03-05, 2021/3/5, 2021.3.5, 2021年3月5日 and 20210305 as datetimes."""
    text = values.astype("string").str.strip()
    text = text.str.replace(r"^(\d{4})(\d{2})(\d{2})$", r"\1-\2-\3", regex=True)
    text = text.str.replace(r"[年月/.]", "-", regex=True).str.replace("日", "", regex=False)
    return pd.to_datetime(text, format="%Y-%m-%d", errors="coerce")


def _numbers(values: pd.Series) -> pd.Series:
    text = values.astype("string").str.replace(",", "", regex=False).str.strip()
    return pd.to_numeric(text, errors="coerce")


def read_kind(data_dir: Path, kind_id: str) -> pd.DataFrame:
    """Every file of one kind, with the needed columns under their canonical names, typed."""
    kind = KINDS_BY_ID[kind_id]
    by_header = {}
    for column in kind.columns:
        by_header[_fold(column.name).lower()] = column.name
        by_header[_fold(column.header_zh).lower()] = column.name
    lookup = district_lookup()
    frames = []
    for path in sorted((data_dir / "extracts").glob("*.csv")):
        found = kind_for_filename(path.name)
        if found is None or found.id != kind_id:
            continue
        encoding = _encoding(path)
        header = pd.read_csv(path, encoding=encoding, nrows=0).columns
        names = {h: by_header.get(_fold(str(h)).lower()) for h in header}
        wanted = [h for h, name in names.items() if name in NEEDED[kind_id]]
        frame = pd.read_csv(
            path, encoding=encoding, usecols=wanted, dtype=str, keep_default_na=False
        )
        frames.append(frame.rename(columns={h: names[h] for h in wanted}))
    frame = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    for name in NEEDED[kind_id]:
        if name not in frame:
            frame[name] = pd.Series(dtype="string")
    for name in NEEDED[kind_id]:
        column_type = kind.column(name).type
        if column_type == "date":
            frame[name] = _dates(frame[name])
        elif column_type in ("amount", "integer"):
            frame[name] = _numbers(frame[name])
        elif column_type == "bool":
            frame[name] = frame[name].str.strip().isin(["是", "y", "yes", "true", "1", "t"])
        elif name == "district":
            text = frame[name].astype("string").map(_fold)
            frame[name] = text.map(lookup).astype("string")
        else:
            frame[name] = frame[name].astype("string").str.strip().replace("", pd.NA)
    return frame


def read_all(data_dir: Path) -> dict[str, pd.DataFrame]:
    """Every kind the KPIs use, read from the data folder's CSVs."""
    return {kind_id: read_kind(data_dir, kind_id) for kind_id in NEEDED}


# ---------------------------------------------------------------- the KPIs' facts


@dataclass(frozen=True)
class Facts:
    """One KPI's facts: ``day``, ``district`` and its measure, and the kind it reads."""

    aggregation: str  # sum | count_distinct | rate | latest
    frame: pd.DataFrame  # day, district, and value | entity | numerator, denominator
    kind: str


def _sum_of(
    frame: pd.DataFrame, when: pd.Series | None, date_col: str, value: pd.Series, kind: str
) -> Facts:
    chosen = frame if when is None else frame[when]
    value = value if when is None else value[when]
    facts = pd.DataFrame({"day": chosen[date_col], "district": chosen["district"], "value": value})
    return Facts("sum", facts, kind)


def _count_of(frame: pd.DataFrame, when: pd.Series | None, date_col: str, kind: str) -> Facts:
    ones = pd.Series(1.0, index=frame.index)
    return _sum_of(frame, when, date_col, ones, kind)


def _entities(frame: pd.DataFrame, kind: str) -> Facts:
    facts = pd.DataFrame(
        {"day": frame["date"], "district": frame["district"], "entity": frame["enterprise"]}
    )
    return Facts("count_distinct", facts, kind)


def kpi_facts(data: dict[str, pd.DataFrame]) -> dict[str, Facts]:
    """The facts of each shipped KPI (queries/*.sql, written again in pandas)."""
    fin, orders, talent = data["financing"], data["orders"], data["talent"]
    med, inv, events = data["mediation"], data["investment"], data["events"]
    chambers = data["chambers"]
    signed = inv["stage"].isin(["签约", "落地"]) & inv["signed_date"].notna()
    mediation = med["kind"] == "调解"
    cases = med[mediation]
    succeeded = cases["status"] == "调解成功"
    success = pd.DataFrame(
        {
            "day": cases["date"],
            "district": cases["district"],
            "numerator": succeeded.astype(float),
            "denominator": 1.0,
            # a success counts from the day the case was closed
            "counted_from": cases["closed_date"].fillna(cases["date"]),
        }
    )
    active = chambers[(chambers["status"] == "正常") & chambers["founded_date"].notna()]
    coverage = pd.DataFrame(
        {
            "day": active["founded_date"],
            "district": active["district"],
            "numerator": active["party_org"].astype(float),
            "denominator": 1.0,
        }
    )
    lectures = events["type"] == "企业家讲堂"
    trainings = events["type"] == "培训讲座"
    return {
        "financing_amount": _sum_of(fin, None, "date", fin["amount_wan"] / 10000, "financing"),
        "financing_enterprises": _entities(fin, "financing"),
        "orders_amount": _sum_of(orders, None, "date", orders["amount_wan"] / 10000, "orders"),
        "orders_enterprises": _entities(orders, "orders"),
        "talent_high_skill": _sum_of(
            talent, talent["category"] == "高技能人才", "date", talent["hires"], "talent"
        ),
        "legal_consultations": _count_of(med, med["kind"] == "法律咨询", "date", "mediation"),
        "mediation_cases": _count_of(med, mediation, "date", "mediation"),
        "mediation_success_rate": Facts("rate", success, "mediation"),
        "mediation_amount": _sum_of(med, mediation, "date", med["amount_wan"] / 10000, "mediation"),
        "investment_signed_projects": _count_of(inv, signed, "signed_date", "investment"),
        "investment_signed_amount": _sum_of(
            inv, signed, "signed_date", inv["amount_wan"] / 10000, "investment"
        ),
        "chambers_new": _count_of(chambers, None, "founded_date", "chambers"),
        "chambers_party_coverage": Facts("latest", coverage, "chambers"),
        "events_lectures": _count_of(events, lectures, "date", "events"),
        "events_trainings": _count_of(events, trainings, "date", "events"),
        "events_trainees": _sum_of(
            events, lectures | trainings, "date", events["participants"], "events"
        ),
        "events_sessions": _count_of(events, None, "date", "events"),
        "events_participants": _sum_of(events, None, "date", events["participants"], "events"),
    }


# ---------------------------------------------------------------- the figures


def _same_day_last_year(day: date) -> date:
    return day.replace(year=day.year - 1, day=28 if (day.month, day.day) == (2, 29) else day.day)


def _month_end(day: pd.Timestamp) -> pd.Timestamp:
    return day + pd.offsets.MonthEnd(0)


def _figure(facts: Facts, rows: pd.DataFrame, end: pd.Timestamp) -> float | None:
    """The KPI over ``rows`` (one scope's facts from 1 January to ``end``)."""
    if facts.aggregation == "sum":
        return float(rows["value"].sum()) if len(rows) else 0.0
    if facts.aggregation == "count_distinct":
        return float(rows["entity"].dropna().nunique())
    if facts.aggregation == "rate":
        denominator = rows["denominator"].sum()
        closed = rows["counted_from"] <= end
        return float(rows.loc[closed, "numerator"].sum() / denominator) if denominator else None
    # latest: the active chambers founded by ``end`` (rows hold every founding up to it)
    denominator = rows["denominator"].sum()
    return float(rows["numerator"].sum() / denominator) if denominator else None


def reference_figures(data: dict[str, pd.DataFrame], as_of: date) -> Figures:
    """``actual`` and ``last_year`` of every KPI for 全市 and each district at ``as_of``."""
    figures: Figures = {}
    year = as_of.year
    for kpi_id, facts in kpi_facts(data).items():
        frame = facts.frame
        kind_days = data[facts.kind][KINDS_BY_ID[facts.kind].period_column].dropna()
        first = pd.Timestamp(kind_days.min().year, 1, 1)
        reported_to = _month_end(kind_days.max().normalize())
        start, end = pd.Timestamp(year, 1, 1), pd.Timestamp(as_of)
        not_reported = reported_to < end
        last_start = pd.Timestamp(year - 1, 1, 1)
        last_end = pd.Timestamp(_same_day_last_year(as_of))
        if not_reported:
            end = reported_to
        # a level (latest) counts every founding before the period too
        since = frame["day"].min() if facts.aggregation == "latest" else start
        since_last = frame["day"].min() if facts.aggregation == "latest" else last_start
        now = frame[(frame["day"] >= since) & (frame["day"] <= end)]
        before = frame[(frame["day"] >= since_last) & (frame["day"] <= last_end)]
        # a level has a value on every day after the first fact
        in_last_year = frame[(frame["day"] >= since_last) & (frame["day"] <= last_end)]
        has_last_year = len(in_last_year) > 0 and first <= last_start and not not_reported
        nothing = first > pd.Timestamp(as_of) or reported_to < start
        now_by = dict(tuple(now.groupby("district")))
        before_by = dict(tuple(before.groupby("district")))
        empty = frame.iloc[0:0]
        for scope in (CITY, *DISTRICTS):
            mine_now = now if scope == CITY else now_by.get(scope, empty)
            mine_before = before if scope == CITY else before_by.get(scope, empty)
            actual = None if nothing else _figure(facts, mine_now, end)
            last_year = _figure(facts, mine_before, last_end) if has_last_year else None
            figures[(kpi_id, scope)] = (actual, last_year)
    return figures


def engine_figures(engine: object, as_of: date | None = None) -> tuple[Figures, date]:
    """The same figures from our engine (``KpiEngine.all_scorecards``) and the as-of used."""
    filters = engine.resolve(as_of=as_of) if as_of else engine.default_filters()  # type: ignore[attr-defined]
    figures: Figures = {}
    for card in engine.all_scorecards(filters):  # type: ignore[attr-defined]
        if card.errors:
            raise RuntimeError(f"broken KPIs: {[e.kpi_id for e in card.errors]}")
        for result in card.results:
            figures[(result.kpi.id, result.scope)] = (result.actual, result.last_year)
    return figures, filters.as_of


def _close(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=RELATIVE_TOLERANCE, abs_tol=1e-12)


def compare(ours: Figures, reference: Figures) -> list[str]:
    """Every (KPI, scope, figure) where the two disagree, as readable lines; [] when none."""
    problems = []
    for key in sorted(set(ours) | set(reference)):
        if key not in ours or key not in reference:
            problems.append(f"{key}: only in {'ours' if key in ours else 'the reference'}")
            continue
        for label, a, b in zip(("actual", "last_year"), ours[key], reference[key], strict=True):
            if not _close(a, b):
                problems.append(f"{key[0]} / {key[1]} / {label}: engine {a!r}, pandas {b!r}")
    return problems


def timed_reference(data_dir: Path, as_of: date) -> dict[str, object]:
    """Read + compute, timed separately: {'read_s', 'compute_s', 'figures'}."""
    started = time.perf_counter()
    data = read_all(data_dir)
    read_s = time.perf_counter() - started
    started = time.perf_counter()
    figures = reference_figures(data, as_of)
    compute_s = time.perf_counter() - started
    rows = sum(len(frame) for frame in data.values())
    return {"read_s": read_s, "compute_s": compute_s, "rows": rows, "figures": figures}


def check(
    data_dir: Path, queries_dir: Path = ROOT / "queries", as_of: date | None = None
) -> dict[str, object]:
    """Run the engine, then the reference at ``as_of`` (default: the engine's default as-of
    date), and compare.

    Returns the reference's timings (``read_s``, ``compute_s``, ``rows``), the as-of date,
    how many (KPI, scope) figures were compared and every ``problem`` (none when they agree).
    """
    from campaign.kpi import KpiEngine

    engine = KpiEngine(data_dir, queries_dir, persist_facts=False)
    ours, as_of = engine_figures(engine, as_of)
    result = timed_reference(data_dir, as_of)
    problems = compare(ours, result.pop("figures"))  # type: ignore[arg-type]
    return {**result, "as_of": as_of.isoformat(), "compared": len(ours), "problems": problems}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT / "data")
    parser.add_argument("--as-of", type=date.fromisoformat, default=date(2022, 9, 30))
    parser.add_argument("--check", action="store_true", help="compare with the engine")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    if args.check:
        result = check(args.data)
        if args.json:
            print(json.dumps(result, ensure_ascii=False))
        else:
            for line in result["problems"]:  # type: ignore[union-attr]
                print(line)
            print(
                f"as of {result['as_of']}: {result['compared']} KPI × scope figures compared, "
                f"{len(result['problems'])} differ; pandas read {result['rows']:,} rows in "  # type: ignore[arg-type]
                f"{result['read_s']:.2f} s, KPIs in {result['compute_s']:.2f} s"
            )
        return 1 if result["problems"] else 0
    result = timed_reference(args.data, args.as_of)
    figures: Figures = result.pop("figures")  # type: ignore[assignment]
    if args.json:
        print(json.dumps(result))
        return 0
    print(
        f"read {result['rows']:,} rows in {result['read_s']:.2f} s, "
        f"KPIs in {result['compute_s']:.2f} s"
    )
    for (kpi_id, scope), (actual, last_year) in sorted(figures.items()):
        if scope == CITY:
            print(f"{kpi_id:28} {actual!r:>22} {last_year!r:>22}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
