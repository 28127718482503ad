"""Facts kept on disk between processes, so a restart does not re-run every KPI query.

A KPI's facts for a fact window are a few hundred numbers (months × scopes) however large
the extracts, while computing them can take seconds on a large database (distinct counts
over millions of rows).  They are stored as small JSON files in ``<data>/.build/kpi-facts/``
named by a hash of everything they depend on: the database fingerprint, the KPI file's full
text and the window (and this format's version).  Nothing is ever stale: a changed extract
changes the fingerprint, an edited file its text.  Files of other fingerprints are removed
when new facts are written; broken queries are never stored.  Any problem reading or
writing is ignored (the facts are then computed).
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from datetime import date
from pathlib import Path

from campaign.kpi.facts import KpiFacts
from campaign.model import KpiDefinition

FORMAT_VERSION = "2"  # 2: facts by day, dated numerators, tables read
# At most this many files are kept (a few KB each).
MAX_FILES = 500


class FactsStore:
    """JSON files of KPI facts in one folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    @staticmethod
    def _name(fingerprint: str, definition: KpiDefinition, start: date, end: date) -> str:
        digest = hashlib.sha256(
            "\0".join(
                (FORMAT_VERSION, fingerprint, definition.sql, start.isoformat(), end.isoformat())
            ).encode()
        ).hexdigest()[:32]
        prefix = hashlib.sha256(fingerprint.encode()).hexdigest()[:12]
        return f"{prefix}-{definition.id}-{digest}.json"

    def load(
        self, fingerprint: str, definition: KpiDefinition, start: date, end: date
    ) -> KpiFacts | None:
        """The stored facts, or None when there are none (or they cannot be read)."""
        path = self.folder / self._name(fingerprint, definition, start, end)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            cells: dict[str, dict[date, tuple[float | None, float | None]]] = {}
            for scope, day, a, b in data["cells"]:
                cells.setdefault(scope, {})[date.fromisoformat(day)] = (a, b)
            dated: dict[str, list[tuple[date, date, float]]] = {}
            for scope, day, counted_from, value in data["dated"]:
                dated.setdefault(scope, []).append(
                    (date.fromisoformat(day), date.fromisoformat(counted_from), float(value))
                )
            return KpiFacts(
                definition=definition,
                ratio=bool(data["ratio"]),
                cells=cells,
                day_grain=bool(data["day_grain"]),
                dated=dated,
                tables=tuple(data["tables"]),
            )
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def save(self, fingerprint: str, facts: KpiFacts, start: date, end: date) -> None:
        """Store ``facts``; forget the facts of other databases."""
        payload = {
            "kpi": facts.definition.id,
            "ratio": facts.ratio,
            "cells": [
                [scope, month.isoformat(), a, b]
                for scope, months in facts.cells.items()
                for month, (a, b) in sorted(months.items())
            ],
            "dated": [
                [scope, day.isoformat(), counted_from.isoformat(), value]
                for scope, rows in facts.dated.items()
                for day, counted_from, value in rows
            ],
            "day_grain": facts.day_grain,
            "tables": list(facts.tables),
        }
        self._write(self._name(fingerprint, facts.definition, start, end), payload)

    @staticmethod
    def _as_of_name(fingerprint: str, this_month: date) -> str:
        prefix = hashlib.sha256(fingerprint.encode()).hexdigest()[:12]
        return f"{prefix}-default-as-of-{this_month.isoformat()}.json"

    def load_as_of(self, fingerprint: str, this_month: date) -> date | None:
        """The default as-of date found for this database in this calendar month, if stored."""
        try:
            text = (self.folder / self._as_of_name(fingerprint, this_month)).read_text("utf-8")
            return date.fromisoformat(json.loads(text)["as_of"])
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def save_as_of(self, fingerprint: str, this_month: date, as_of: date) -> None:
        """Remember the default as-of date of this database for this calendar month."""
        self._write(self._as_of_name(fingerprint, this_month), {"as_of": as_of.isoformat()})

    @staticmethod
    def _spans_name(fingerprint: str) -> str:
        prefix = hashlib.sha256(fingerprint.encode()).hexdigest()[:12]
        return f"{prefix}-reported-{FORMAT_VERSION}.json"

    def load_spans(self, fingerprint: str) -> dict[str, tuple[date, date]] | None:
        """Each extract kind's reported span for this database, if stored."""
        try:
            text = (self.folder / self._spans_name(fingerprint)).read_text("utf-8")
            return {
                kind: (date.fromisoformat(first), date.fromisoformat(last))
                for kind, (first, last) in json.loads(text)["spans"].items()
            }
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def save_spans(self, fingerprint: str, spans: dict[str, tuple[date, date]]) -> None:
        payload = {k: [first.isoformat(), last.isoformat()] for k, (first, last) in spans.items()}
        self._write(self._spans_name(fingerprint), {"spans": payload})

    def _write(self, name: str, payload: dict[str, object]) -> None:
        """Write ``name`` atomically; remove files of other databases; keep MAX_FILES."""
        prefix = name.split("-", 1)[0]
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            tmp = self.folder / f".{name}.{os.getpid()}.{threading.get_ident()}.tmp"
            tmp.write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
            os.replace(tmp, self.folder / name)
            kept = []
            for old in self.folder.glob("*.json"):
                if not old.name.startswith(prefix):
                    old.unlink(missing_ok=True)
                else:
                    kept.append(old)
            if len(kept) > MAX_FILES:  # drafts previewed in the editor add up: oldest go
                kept.sort(key=lambda path: path.stat().st_mtime_ns)
                for old in kept[: len(kept) - MAX_FILES]:
                    old.unlink(missing_ok=True)
        except OSError:
            pass
