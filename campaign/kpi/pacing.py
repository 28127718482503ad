"""序时进度: the share of the annual target expected to be done by a date.

By default the plan is even across months: the end of June is 6/12.  An optional
``pacing.csv`` gives seasonal plans: ``kpi_id`` (指标编号, or ``*`` for every KPI), ``month``
(月份, 1–12) and ``cumulative_share`` (累计占比, 0–1, ``35%`` accepted).  A KPI's own plan wins
over ``*``.  Months a plan leaves out are interpolated linearly between the months it gives
(a quarterly plan of 3, 6, 9, 12 is enough); the start of the year is 0.  A plan must be
non-decreasing, within 0–1 and reach 1 in December; otherwise it is ignored with a warning.

Within a month the share grows linearly by day: 15 June is 5/12 + (15/30)/12.  Before the
year it is 0; from 31 December on it is 1.
"""

from __future__ import annotations

import calendar
import itertools
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from campaign.i18n import t
from campaign.kpi.csvfile import parse_number, read_csv
from campaign.kpi.issues import KpiWarning

PACING_COLUMNS: dict[str, tuple[str, ...]] = {
    "kpi_id": ("kpi_id", "指标编号", "指标id", "kpi"),
    "month": ("month", "月份", "月"),
    "cumulative_share": ("cumulative_share", "累计占比", "累计进度", "序时进度"),
}
ALL_KPIS = "*"
# Cumulative share at the end of month m, index 0 = start of the year.
EVEN_PLAN: tuple[float, ...] = tuple(m / 12 for m in range(13))


def month_fraction(day: date) -> float:
    """How much of its month a day completes: 15 June → 0.5, 30 June → 1."""
    return day.day / calendar.monthrange(day.year, day.month)[1]


def share_at(plan: tuple[float, ...], year: int, as_of: date) -> float:
    """The plan's cumulative share of ``year`` at the end of day ``as_of``."""
    if as_of < date(year, 1, 1):
        return 0.0
    if as_of >= date(year, 12, 31):
        return 1.0
    month = as_of.month
    return plan[month - 1] + (plan[month] - plan[month - 1]) * month_fraction(as_of)


def elapsed_share(year: int, as_of: date) -> float:
    """The even (monthly) 序时进度: 30 June → 0.5."""
    return share_at(EVEN_PLAN, year, as_of)


def months_remaining(year: int, as_of: date) -> float:
    """Months left in the year after ``as_of``: 30 June → 6.0, 15 June → 6.5."""
    return 12 * (1 - elapsed_share(year, as_of))


@dataclass(frozen=True)
class Pacing:
    """The pacing plans: ``kpi_id`` or ``*`` → 13 cumulative shares (start, Jan, …, Dec)."""

    plans: dict[str, tuple[float, ...]] = field(default_factory=dict)
    warnings: tuple[KpiWarning, ...] = ()

    def plan(self, kpi_id: str) -> tuple[float, ...]:
        """The cumulative shares that apply to a KPI."""
        return self.plans.get(kpi_id) or self.plans.get(ALL_KPIS) or EVEN_PLAN

    def expected_share(self, kpi_id: str, year: int, as_of: date) -> float:
        """序时进度 of a KPI at the end of ``as_of``."""
        return share_at(self.plan(kpi_id), year, as_of)

    def month_end_share(self, kpi_id: str, month: int) -> float:
        """序时进度 of a KPI at the end of month ``month`` (1–12)."""
        return self.plan(kpi_id)[month]

    def is_seasonal(self, kpi_id: str) -> bool:
        """Whether a plan other than the even one applies."""
        return self.plan(kpi_id) is not EVEN_PLAN


def load_pacing(path: Path) -> Pacing:
    """Read ``pacing.csv``; an absent file means the even monthly plan for every KPI."""
    if not path.exists():
        return Pacing()
    try:
        table = read_csv(path, PACING_COLUMNS)
    except (OSError, UnicodeDecodeError) as exc:
        warning = KpiWarning(
            path,
            t("kpi.warning.pacing_unreadable", "zh", error=exc),
            t("kpi.warning.pacing_unreadable", "en", error=exc),
        )
        return Pacing(warnings=(warning,))
    warnings: list[KpiWarning] = []
    if table.missing_columns:
        missing = ", ".join(table.missing_columns)
        warnings.append(
            KpiWarning(
                path,
                t("kpi.warning.pacing_missing_columns", "zh", missing=missing),
                t("kpi.warning.pacing_missing_columns", "en", missing=missing),
                1,
            )
        )
        return Pacing(warnings=tuple(warnings))
    points: dict[str, dict[int, tuple[float, int]]] = {}
    for line, row in table.rows:
        kpi_id = row["kpi_id"].strip() or ALL_KPIS
        month = parse_number(row["month"].removesuffix("月"))
        share = parse_number(row["cumulative_share"])
        if month is None or month != int(month) or not 1 <= month <= 12:
            warnings.append(
                KpiWarning(
                    path,
                    t("kpi.warning.pacing_bad_month", "zh", month=row["month"]),
                    t("kpi.warning.pacing_bad_month", "en", month=row["month"]),
                    line,
                    kpi_id,
                )
            )
            continue
        if share is None:
            warnings.append(
                KpiWarning(
                    path,
                    t("kpi.warning.pacing_bad_share", "zh", share=row["cumulative_share"]),
                    t("kpi.warning.pacing_bad_share", "en", share=row["cumulative_share"]),
                    line,
                    kpi_id,
                )
            )
            continue
        points.setdefault(kpi_id, {})[int(month)] = (share, line)
    plans: dict[str, tuple[float, ...]] = {}
    for kpi_id, given in points.items():
        plan, problem = _complete_plan({m: s for m, (s, _) in given.items()})
        if problem:
            first_line = min(line for _, line in given.values())
            warnings.append(
                KpiWarning(
                    path,
                    t("kpi.warning.pacing_plan_ignored", "zh", kpi_id=kpi_id, problem=problem[0]),
                    t("kpi.warning.pacing_plan_ignored", "en", kpi_id=kpi_id, problem=problem[1]),
                    first_line,
                    kpi_id,
                )
            )
            continue
        plans[kpi_id] = plan
    return Pacing(plans=plans, warnings=tuple(warnings))


def _complete_plan(given: dict[int, float]) -> tuple[tuple[float, ...], tuple[str, str] | None]:
    """Fill the months a plan leaves out; a problem (zh, en) when it is not a usable plan."""
    known = {0: 0.0, **given}
    if 12 not in known or abs(known[12] - 1) > 1e-9:
        key = "kpi.warning.pacing_plan.december"
        return EVEN_PLAN, (t(key, "zh"), t(key, "en"))
    months = sorted(known)
    shares = [known[m] for m in months]
    if any(s < 0 or s > 1 for s in shares):
        key = "kpi.warning.pacing_plan.out_of_range"
        return EVEN_PLAN, (t(key, "zh"), t(key, "en"))
    if any(b < a for a, b in itertools.pairwise(shares)):
        key = "kpi.warning.pacing_plan.decreasing"
        return EVEN_PLAN, (t(key, "zh"), t(key, "en"))
    plan = [0.0] * 13
    for left, right in itertools.pairwise(months):
        for m in range(left, right + 1):
            plan[m] = known[left] + (known[right] - known[left]) * (m - left) / (right - left)
    plan[12] = 1.0
    return tuple(plan), None
