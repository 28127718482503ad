"""KPI settings read from one TOML file (``queries/kpi_config.toml``).

The one place for the status thresholds, the district-ranking cap and weights, the
display order of KPIs and the per-query time limit.  A missing file means the defaults
below; a broken file is reported (``check`` fails) and the defaults are used meanwhile.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

CONFIG_FILENAME = "kpi_config.toml"


@dataclass(frozen=True)
class KpiConfig:
    """Status thresholds, ranking weights and display order."""

    # 滞后 (lagging) when completion trails 序时进度 by at most this many percentage points;
    # beyond it 严重滞后 (critical).
    lagging_max_pp: float = 10.0
    # In the district ranking a KPI's pace ratio (completion ÷ 序时进度) counts at most this
    # much, so one runaway KPI cannot carry a district.
    ranking_cap: float = 1.5
    ranking_weights: dict[str, float] = field(default_factory=dict)
    # Not districts but city departments (市直): not ranked against the districts.
    ranking_exclude: tuple[str, ...] = ("市直",)
    display_order: tuple[str, ...] = ()
    query_timeout_seconds: float = 30.0

    def weight(self, kpi_id: str) -> float:
        """The ranking weight of a KPI (1 when the config does not name it)."""
        return self.ranking_weights.get(kpi_id, 1.0)


class ConfigError(ValueError):
    """The config file cannot be used; ``line`` is set when TOML reports it."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line


def load_config(path: Path) -> KpiConfig:
    """Read the config file; defaults when it does not exist. Raises ConfigError."""
    if not path.exists():
        return KpiConfig()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        line = getattr(exc, "lineno", None)
        raise ConfigError(str(exc), line) from exc
    return _parse(data)


def _number(value: object, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ConfigError(f"{where} must be a number, not {value!r}")
    return float(value)


def _parse(data: dict) -> KpiConfig:
    defaults = KpiConfig()
    status = data.get("status", {})
    ranking = data.get("ranking", {})
    display = data.get("display", {})
    engine = data.get("engine", {})
    lagging = _number(
        status.get("lagging_max_pp", defaults.lagging_max_pp), "status.lagging_max_pp"
    )
    cap = _number(ranking.get("cap", defaults.ranking_cap), "ranking.cap")
    if lagging < 0 or cap <= 0:
        raise ConfigError("status.lagging_max_pp must be ≥ 0 and ranking.cap > 0")
    weights = {
        str(kpi_id): _number(weight, f"ranking.weights.{kpi_id}")
        for kpi_id, weight in ranking.get("weights", {}).items()
    }
    if any(weight < 0 for weight in weights.values()):
        raise ConfigError("ranking weights must be ≥ 0")
    exclude = ranking.get("exclude", list(defaults.ranking_exclude))
    order = display.get("order", [])
    if not isinstance(exclude, list) or not isinstance(order, list):
        raise ConfigError("ranking.exclude and display.order must be lists")
    timeout = _number(
        engine.get("query_timeout_seconds", defaults.query_timeout_seconds),
        "engine.query_timeout_seconds",
    )
    return KpiConfig(
        lagging_max_pp=lagging,
        ranking_cap=cap,
        ranking_weights=weights,
        ranking_exclude=tuple(str(d) for d in exclude),
        display_order=tuple(str(k) for k in order),
        query_timeout_seconds=timeout,
    )
