"""Warnings the KPI engine reports without failing (targets and pacing files, config)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class KpiWarning:
    """Something odd in a planning file that the engine worked around; names file and line."""

    path: Path
    message: str  # Chinese
    message_en: str
    line: int | None = None
    kpi_id: str | None = None

    def where(self) -> str:
        """``targets.csv:12`` or ``targets.csv``."""
        return f"{self.path.name}:{self.line}" if self.line else self.path.name

    def text(self, lang: str = "zh") -> str:
        """The message in ``lang``."""
        return self.message_en if lang == "en" else self.message
