"""The KPI engine: KPIs as SQL files analysts own, targets, 序时进度, status and 区市排名.

Use :class:`KpiEngine`; see ``docs/kpi-engine.md`` for the rules it applies.
"""

from campaign.kpi.engine import KpiEngine
from campaign.kpi.issues import KpiWarning

__all__ = ["KpiEngine", "KpiWarning"]
