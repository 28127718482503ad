"""Annual targets (目标值) from ``targets.csv``.

Columns, English or Chinese header: ``kpi_id`` (指标编号), ``year`` (年度), ``district``
(区市; ``全市`` for the city; the aliases of the extracts are accepted), ``target`` (目标值).

Rules:

- A KPI without a target for a scope is shown without a completion figure, never an error.
- City target missing but district targets present: the city target is their sum (市直
  included, it is part of the breakdown) — except for ``rate`` and ``latest`` KPIs, whose
  target is a level and is never summed.
- City target and district targets both present: the city target is used; a warning when
  they disagree.  For ``count_distinct`` the city figure can legitimately be less than the
  districts' sum (an enterprise served in two districts counts once for the city), so only a
  city target *above* the districts' sum is warned about.
- Unreadable rows (unknown district, year or number) are skipped with a warning naming the
  line; a later row for the same KPI, year and district replaces an earlier one (warned).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

from campaign.contracts import CITY, district_lookup
from campaign.i18n import t
from campaign.kpi.csvfile import fold, parse_number, read_csv
from campaign.kpi.issues import KpiWarning
from campaign.model import KpiDefinition

TARGET_COLUMNS: dict[str, tuple[str, ...]] = {
    "kpi_id": ("kpi_id", "指标编号", "指标id", "kpi"),
    "year": ("year", "年度", "年份"),
    "district": ("district", "区市", "区(市)", "区域"),
    "target": ("target", "目标值", "目标", "年度目标"),
}
CITY_SPELLINGS: tuple[str, ...] = (CITY, "全市合计", "合计", "市级合计", "city")


def scope_lookup() -> dict[str, str]:
    """Accepted spellings (folded) of a scope: the districts with their aliases, and 全市."""
    lookup = {fold(spelling): name for spelling, name in district_lookup().items()}
    lookup.update({fold(spelling): CITY for spelling in CITY_SPELLINGS})
    return lookup


@dataclass(frozen=True)
class TargetTable:
    """The targets as given: ``(kpi_id, year, scope) -> value`` (scope is a district or 全市)."""

    values: dict[tuple[str, int, str], float] = field(default_factory=dict)
    lines: dict[tuple[str, int, str], int] = field(default_factory=dict)
    path: Path | None = None
    warnings: tuple[KpiWarning, ...] = ()

    def resolve(self, definitions: list[KpiDefinition]) -> tuple[ResolvedTargets, list[KpiWarning]]:
        """Apply the city rules for these KPIs; warnings for disagreements and unknown ids."""
        by_id = {d.id: d for d in definitions}
        grouped: dict[tuple[str, int], dict[str, float]] = {}
        for (kpi_id, year, scope), value in self.values.items():
            grouped.setdefault((kpi_id, year), {})[scope] = value
        resolved: dict[tuple[str, int], dict[str, float]] = {}
        warnings: list[KpiWarning] = []
        path = self.path or Path("targets.csv")
        unknown_reported: set[str] = set()
        for (kpi_id, year), scopes in sorted(grouped.items()):
            definition = by_id.get(kpi_id)
            if definition is None:
                if kpi_id not in unknown_reported and by_id:
                    unknown_reported.add(kpi_id)
                    line = min(ln for (k, _, _), ln in self.lines.items() if k == kpi_id)
                    warnings.append(
                        KpiWarning(
                            path,
                            t("kpi.warning.targets_unknown_kpi", "zh", kpi_id=kpi_id),
                            t("kpi.warning.targets_unknown_kpi", "en", kpi_id=kpi_id),
                            line,
                            kpi_id,
                        )
                    )
                continue
            scopes = dict(scopes)
            districts = {s: v for s, v in scopes.items() if s != CITY}
            if not definition.is_level and districts:
                district_sum = math.fsum(districts.values())
                if CITY not in scopes:
                    scopes[CITY] = district_sum
                else:
                    city = scopes[CITY]
                    close = math.isclose(city, district_sum, rel_tol=1e-6, abs_tol=1e-9)
                    odd = (
                        city > district_sum and not close
                        if definition.aggregation == "count_distinct"
                        else not close
                    )
                    if odd:
                        params = {
                            "kpi_id": kpi_id,
                            "year": year,
                            "city": city,
                            "district_sum": district_sum,
                        }
                        warnings.append(
                            KpiWarning(
                                path,
                                t("kpi.warning.targets_city_mismatch", "zh", **params),
                                t("kpi.warning.targets_city_mismatch", "en", **params),
                                self.lines.get((kpi_id, year, CITY)),
                                kpi_id,
                            )
                        )
            resolved[(kpi_id, year)] = scopes
        return ResolvedTargets(resolved), warnings


@dataclass(frozen=True)
class ResolvedTargets:
    """Targets after the city rules: ``(kpi_id, year) -> {scope: target}``."""

    by_kpi_year: dict[tuple[str, int], dict[str, float]] = field(default_factory=dict)

    def get(self, kpi_id: str, year: int, scope: str) -> float | None:
        """The target of a KPI for a scope (全市 or a district) and year, if any."""
        return self.by_kpi_year.get((kpi_id, year), {}).get(scope)

    def scopes(self, kpi_id: str, year: int) -> dict[str, float]:
        """Every scope's target of a KPI in a year."""
        return self.by_kpi_year.get((kpi_id, year), {})


def load_targets(path: Path) -> TargetTable:
    """Read ``targets.csv``; never raises for content.

    An absent file means no targets, and says so: a warning (``kpi.warning.targets_missing``)
    that ``validate``, ``kpis``, ``check`` and the data status page show.  A deleted file
    would otherwise only turn every KPI to 无目标, with nothing pointing at the cause.
    """
    if not path.exists():
        warning = KpiWarning(
            path,
            t("kpi.warning.targets_missing", "zh", path=path),
            t("kpi.warning.targets_missing", "en", path=path),
        )
        return TargetTable(path=path, warnings=(warning,))
    try:
        table = read_csv(path, TARGET_COLUMNS)
    except (OSError, UnicodeDecodeError) as exc:
        warning = KpiWarning(
            path,
            t("kpi.warning.targets_unreadable", "zh", error=exc),
            t("kpi.warning.targets_unreadable", "en", error=exc),
        )
        return TargetTable(path=path, warnings=(warning,))
    warnings: list[KpiWarning] = []
    if table.missing_columns:
        missing = ", ".join(table.missing_columns)
        warnings.append(
            KpiWarning(
                path,
                t("kpi.warning.targets_missing_columns", "zh", missing=missing),
                t("kpi.warning.targets_missing_columns", "en", missing=missing),
                1,
            )
        )
        return TargetTable(path=path, warnings=tuple(warnings))
    scopes = scope_lookup()
    values: dict[tuple[str, int, str], float] = {}
    lines: dict[tuple[str, int, str], int] = {}
    for line, row in table.rows:
        kpi_id = row["kpi_id"].strip()
        year_number = parse_number(row["year"].removesuffix("年"))
        scope = scopes.get(fold(row["district"]))
        target = parse_number(row["target"])
        # The row's problem: a kpi.warning.targets_row.* key and its parameters.
        problem: tuple[str, dict[str, str]] | None = None
        if not kpi_id:
            problem = ("kpi.warning.targets_row.no_kpi_id", {})
        elif year_number is None or year_number != int(year_number):
            problem = ("kpi.warning.targets_row.bad_year", {"year": row["year"]})
        elif scope is None:
            problem = ("kpi.warning.targets_row.bad_district", {"district": row["district"]})
        elif target is None:
            problem = ("kpi.warning.targets_row.bad_target", {"target": row["target"]})
        if problem:
            problem_key, params = problem
            warnings.append(
                KpiWarning(
                    path,
                    t(
                        "kpi.warning.targets_row_ignored",
                        "zh",
                        problem=t(problem_key, "zh", **params),
                    ),
                    t(
                        "kpi.warning.targets_row_ignored",
                        "en",
                        problem=t(problem_key, "en", **params),
                    ),
                    line,
                )
            )
            continue
        assert year_number is not None and scope is not None and target is not None
        key = (kpi_id, int(year_number), scope)
        if key in values:
            warnings.append(
                KpiWarning(
                    path,
                    t(
                        "kpi.warning.targets_duplicate",
                        "zh",
                        kpi_id=kpi_id,
                        year=key[1],
                        scope=scope,
                        first_line=lines[key],
                    ),
                    t(
                        "kpi.warning.targets_duplicate",
                        "en",
                        kpi_id=kpi_id,
                        year=key[1],
                        scope=scope,
                        first_line=lines[key],
                    ),
                    line,
                    kpi_id,
                )
            )
        values[key] = target
        lines[key] = line
    return TargetTable(values=values, lines=lines, path=path, warnings=tuple(warnings))
