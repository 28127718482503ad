"""Plain data the engine hands to its callers (CLI, pages, exports, tests).

No logic beyond small derived properties: the engine computes, these carry.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Literal

Aggregation = Literal["sum", "count_distinct", "rate", "latest"]
Direction = Literal["up", "down"]
# completed 已完成 · ahead 超序时 · lagging 滞后 · critical 严重滞后;
# no_target: shown without a completion figure; no_data: a rate/stock with nothing to
# measure; not_reported: the KPI's extracts do not reach the as-of date yet (no status, no 同比).
Status = Literal[
    "completed", "ahead", "lagging", "critical", "no_target", "no_data", "not_reported"
]
STATUSES: tuple[str, ...] = (
    "completed",
    "ahead",
    "lagging",
    "critical",
    "no_target",
    "no_data",
    "not_reported",
)

# Domains (领域) in the order the overview shows them.
DOMAINS: tuple[str, ...] = ("资金", "订单", "人才", "法律服务", "双招双引", "商会建设", "活动培训")


@dataclass(frozen=True)
class KpiDefinition:
    """A KPI as its SQL file's header describes it."""

    id: str
    name_zh: str
    name_en: str
    domain: str
    unit: str
    aggregation: Aggregation
    direction: Direction
    description: str
    owner: str
    path: Path
    sql: str
    description_en: str = ""  # optional in the file's header
    owner_en: str = ""

    def name(self, lang: str = "zh") -> str:
        return self.name_en if lang == "en" else self.name_zh

    def described(self, lang: str = "zh") -> str:
        """The description in ``lang`` (the Chinese one when the file has no English)."""
        return self.description_en if lang == "en" and self.description_en else self.description

    def owned_by(self, lang: str = "zh") -> str:
        """The owner department in ``lang`` (the Chinese name when the file has none)."""
        return self.owner_en if lang == "en" and self.owner_en else self.owner

    @property
    def is_level(self) -> bool:
        """Rates and stocks have a level as target: not paced, never summed over districts."""
        return self.aggregation in ("rate", "latest")


@dataclass(frozen=True)
class KpiError:
    """A KPI whose file or query is broken; only that KPI is affected."""

    kpi_id: str
    path: Path
    message: str
    line: int | None = None
    # The same message in English, when the engine has one (``message`` is Chinese).
    message_en: str = ""

    def where(self) -> str:
        return f"{self.path.name}:{self.line}" if self.line else self.path.name

    def text(self, lang: str = "zh") -> str:
        """The message in ``lang`` (falls back to ``message``)."""
        return self.message_en if lang == "en" and self.message_en else self.message


@dataclass(frozen=True)
class Filters:
    """What every page and command filters by. ``district`` None means the whole city (全市)."""

    year: int
    as_of: date
    district: str | None = None

    @property
    def scope(self) -> str:
        return self.district or "全市"


@dataclass(frozen=True)
class KpiResult:
    """One KPI for one scope (全市 or a district) at one as-of date.

    Fractions are fractions (0.5, not 50); ``gap_pp`` is in percentage points;
    ``actual``, ``target``, ``projection``, ``needed_per_month`` are in the KPI's unit.
    None where a figure does not apply.
    """

    kpi: KpiDefinition
    scope: str
    actual: float | None
    target: float | None
    completion: float | None
    expected: float | None
    gap_pp: float | None
    status: Status
    last_year: float | None
    yoy: float | None
    projection: float | None
    needed_per_month: float | None
    # The last day the KPI's extracts are reported to (the end of their newest month);
    # None when unknown.  Before the as-of date: the figures stop there (``not_reported``).
    reported_through: date | None = None

    @property
    def not_reported(self) -> bool:
        """The extracts stop before the as-of date: a partial figure, no status, no 同比."""
        return self.status == "not_reported"


@dataclass(frozen=True)
class Scorecard:
    """Every KPI for one scope; broken KPIs are in ``errors``, the rest in ``results``."""

    filters: Filters
    expected: float  # the default (monthly) 序时进度 at the as-of date
    results: tuple[KpiResult, ...]
    errors: tuple[KpiError, ...]
