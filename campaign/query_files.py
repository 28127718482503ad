"""Analysts' edits to KPI SQL files: preview a draft, save with history, roll back, create.

- :func:`preview_draft` runs the draft through the same engine as the dashboard, in a
  scratch copy of the queries folder, inside the sandbox's capped worker (a locked
  connection; a district-limited user's draft sees only their district's rows), and lines
  its numbers (city and every district) up against the current definition's, with the
  contract check (header, output columns).
- :func:`save_query` writes ``queries/<id>.sql`` atomically and keeps the file it replaces
  in ``queries/.history/<id>/<timestamp>.sql``; :func:`rollback_query` restores any kept
  version the same way (so a rollback can itself be undone).
- Files edited on disk by other means are picked up by the engine on its next call: it
  watches the files' modification times and sizes.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import shutil
import tempfile
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from campaign import access, sandbox
from campaign.access import User
from campaign.kpi import KpiEngine
from campaign.kpi.database import DatabaseFile
from campaign.model import DOMAINS, Filters, KpiError, KpiResult

HISTORY = ".history"
HISTORY_LOG = "log.jsonl"  # in each KPI's history folder: what replaced a version, and who
_ID = re.compile(r"^[a-z][a-z0-9_]{1,63}$")
_lock = threading.Lock()


class QueryFileError(Exception):
    """A refused edit; ``key`` names the reason in the catalog."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


@dataclass(frozen=True)
class QueryVersion:
    id: str
    kpi_id: str
    saved_at: datetime  # when it was replaced
    text: str
    action: str = "save"  # what replaced it: "save" or "rollback"
    by: str | None = None  # who did that (access.actor); None for versions older than the log


@dataclass(frozen=True)
class DraftPreview:
    """The draft's numbers beside the current ones; ``errors`` from the contract check."""

    kpi_id: str
    errors: tuple[KpiError, ...]
    comparison: pd.DataFrame  # scope, current, draft, difference, changed

    @property
    def ok(self) -> bool:
        return not self.errors


def check_id(kpi_id: str) -> str:
    if not _ID.match(kpi_id):
        raise QueryFileError("editor.bad_id", kpi_id=kpi_id)
    return kpi_id


def query_path(queries_dir: Path, kpi_id: str) -> Path:
    return Path(queries_dir) / f"{check_id(kpi_id)}.sql"


def _scratch_copy(queries_dir: Path, target: Path) -> None:
    for path in Path(queries_dir).iterdir():
        if path.is_file() and path.suffix in (".sql", ".toml"):
            shutil.copy2(path, target / path.name)


def _values(engine: KpiEngine, kpi_id: str, filters: Filters) -> dict[str, float | None]:
    city = engine.scorecard(Filters(filters.year, filters.as_of))
    values: dict[str, float | None] = {}
    for result in city.results:
        if result.kpi.id == kpi_id:
            values[result.scope] = result.actual
    try:
        districts: list[KpiResult] = engine.district_results(kpi_id, filters)
    except (KeyError, ValueError, LookupError):
        districts = []
    for result in districts:
        values[result.scope] = result.actual
    return values


@dataclass(frozen=True)
class _DraftRequest:
    """What the capped worker needs to run a draft (plain, picklable values)."""

    database: str
    fingerprint: str
    queries_dir: str
    targets_path: str
    pacing_path: str
    facts_dir: str | None
    kpi_id: str
    text: str
    filters: Filters
    district: str | None


def _worker_engine(request: _DraftRequest, queries_dir: Path) -> KpiEngine:
    """An engine over the request's database, as the user may see it (a district-limited
    user: a copy holding their district's rows only, so a draft cannot read the others)."""
    database, fingerprint = Path(request.database), request.fingerprint
    facts_dir = request.facts_dir
    if request.district is not None:
        database = sandbox.scope_database(database, request.district)
        fingerprint, facts_dir = f"{fingerprint}:{request.district}", None
    handle = DatabaseFile(database, fingerprint)
    return KpiEngine(
        None,
        queries_dir,
        database=lambda: handle,
        targets_path=request.targets_path,
        pacing_path=request.pacing_path,
        facts_dir=facts_dir,
        persist_facts=facts_dir is not None,
    )


def _run_draft(
    request: _DraftRequest,
) -> tuple[tuple[KpiError, ...], dict[str, float | None], dict[str, float | None] | None]:
    """In the capped worker: the draft's errors and values (and, for a district-limited
    user, the current definition's values on the same rows)."""
    with tempfile.TemporaryDirectory(prefix="campaign-draft-") as tmp:
        scratch = Path(tmp)
        _scratch_copy(Path(request.queries_dir), scratch)
        (scratch / f"{request.kpi_id}.sql").write_text(request.text, encoding="utf-8")
        draft_engine = _worker_engine(request, scratch)
        errors = tuple(
            e for e in draft_engine.errors(request.filters) if e.kpi_id == request.kpi_id
        )
        draft = {} if errors else _values(draft_engine, request.kpi_id, request.filters)
    current: dict[str, float | None] | None = None
    if request.district is not None:
        current = {}
        if query_path(Path(request.queries_dir), request.kpi_id).exists():
            engine = _worker_engine(request, Path(request.queries_dir))
            current = _values(engine, request.kpi_id, request.filters)
        # Their own district only: on their rows the city figure is their district's.
        draft = {k: v for k, v in draft.items() if k == request.district}
        current = {k: v for k, v in current.items() if k == request.district}
    return errors, draft, current


def preview_draft(
    engine: KpiEngine,
    kpi_id: str,
    text: str,
    filters: Filters | None = None,
    district: str | None = None,
) -> DraftPreview:
    """Run ``text`` as ``queries/<kpi_id>.sql`` beside the current files; change nothing.

    The draft runs in the sandbox's capped worker, on a locked connection.  ``district``
    (a district-limited user's) limits it to that district's rows, and the comparison to
    that district; the current figures are then computed on the same rows.
    """
    check_id(kpi_id)
    filters = filters or engine.default_filters()
    handle = engine.database()
    facts_dir = engine.data_dir / ".build" / "kpi-facts" if engine.data_dir else None
    request = _DraftRequest(
        database=str(handle.database_path),
        fingerprint=handle.fingerprint,
        queries_dir=str(engine.queries_dir),
        targets_path=str(engine.targets_path),
        pacing_path=str(engine.pacing_path),
        facts_dir=str(facts_dir) if facts_dir else None,
        kpi_id=kpi_id,
        text=text,
        filters=filters,
        district=district,
    )
    found, draft, scoped_current = sandbox.run_in_worker(
        sandbox.PREVIEW_TIMEOUT_SECONDS, _run_draft, request
    )
    real_path = query_path(engine.queries_dir, kpi_id)
    errors = tuple(dataclasses.replace(e, path=real_path) for e in found)
    if scoped_current is not None:
        current = scoped_current
    else:
        current = _values(engine, kpi_id, filters) if real_path.exists() else {}
    scopes = list(dict.fromkeys([*current, *draft]))
    rows = []
    for scope in scopes:
        before, after = current.get(scope), draft.get(scope)
        difference = None if before is None or after is None else after - before
        changed = (before is None) != (after is None) or (
            difference is not None and abs(difference) > 1e-9
        )
        rows.append((scope, before, after, difference, changed))
    comparison = pd.DataFrame(rows, columns=["scope", "current", "draft", "difference", "changed"])
    return DraftPreview(kpi_id, errors, comparison)


def _stamp() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")


def _atomic_write(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as out:
        out.write(text)
        out.flush()
        os.fsync(out.fileno())
    os.replace(tmp, path)


def save_query(
    queries_dir: Path, kpi_id: str, text: str, *, user: User | None, action: str = "save"
) -> Path:
    """Write the KPI's file atomically; the version it replaces goes to the history, and
    its log (``log.jsonl``) says what replaced it and who (``user``). Refused
    (``editor.city_only``) unless ``user`` may change KPIs (:func:`access.may_change_kpis`)."""
    if not access.may_change_kpis(user):
        raise QueryFileError("editor.city_only")
    by = access.actor(user)
    path = query_path(queries_dir, kpi_id)
    with _lock:
        if path.exists():
            folder = Path(queries_dir) / HISTORY / kpi_id
            folder.mkdir(parents=True, exist_ok=True)
            stamp = _stamp()
            shutil.copy2(path, folder / f"{stamp}.sql")
            with (folder / HISTORY_LOG).open("a", encoding="utf-8") as log:
                entry = {"id": stamp, "action": action, "by": by}
                log.write(json.dumps(entry, ensure_ascii=False) + "\n")
        _atomic_write(path, text if text.endswith("\n") else text + "\n")
    return path


def query_versions(queries_dir: Path, kpi_id: str) -> list[QueryVersion]:
    """Kept versions of a KPI's file, newest first."""
    folder = Path(queries_dir) / HISTORY / check_id(kpi_id)
    if not folder.is_dir():
        return []
    logged: dict[str, tuple[str, str | None]] = {}
    log = folder / HISTORY_LOG
    if log.exists():
        for line in log.read_text(encoding="utf-8").splitlines():
            entry = json.loads(line)
            logged[entry["id"]] = (entry["action"], entry.get("by"))
    found = []
    for path in folder.glob("*.sql"):
        saved = datetime.strptime(path.stem, "%Y%m%dT%H%M%S%fZ").replace(tzinfo=UTC)
        action, by = logged.get(path.stem, ("save", None))
        text = path.read_text(encoding="utf-8")
        found.append(QueryVersion(path.name, kpi_id, saved, text, action=action, by=by))
    return sorted(found, key=lambda v: v.id, reverse=True)


def rollback_query(queries_dir: Path, kpi_id: str, version_id: str, *, user: User | None) -> Path:
    """Make a kept version current again (the current one is kept in turn, logged with who
    rolled back); refused like :func:`save_query`."""
    if not access.may_change_kpis(user):
        raise QueryFileError("editor.city_only")
    source = Path(queries_dir) / HISTORY / check_id(kpi_id) / Path(version_id).name
    if not source.exists():
        raise QueryFileError("editor.no_such_version", version=version_id)
    text = source.read_text(encoding="utf-8")
    return save_query(queries_dir, kpi_id, text, user=user, action="rollback")


def new_kpi_template(
    kpi_id: str,
    name_zh: str = "新指标",
    name_en: str = "New KPI",
    domain: str = DOMAINS[0],
    unit: str = "亿元",
) -> str:
    """A working starting point for a new KPI file: a sum over the financing extract."""
    check_id(kpi_id)
    return (
        f"-- id: {kpi_id}\n"
        f"-- name_zh: {name_zh}\n"
        f"-- name_en: {name_en}\n"
        f"-- domain: {domain}\n"
        f"-- unit: {unit}\n"
        "-- aggregation: sum\n"
        "-- direction: up\n"
        "-- description: 请填写指标口径说明（统计对象、时间口径、单位换算）。\n"
        "-- owner: 请填写责任部门\n"
        "-- description_en: Please describe the KPI in English (what is counted, when, units).\n"
        "-- owner_en: Please name the owner department in English.\n"
        "SELECT\n"
        "    date_trunc('month', date) AS month,\n"
        "    district,\n"
        "    amount_wan / 10000 AS value  -- 万元 → 亿元\n"
        "FROM financing\n"
    )


def create_kpi(
    queries_dir: Path, kpi_id: str, text: str | None = None, *, user: User | None
) -> Path:
    """Create a new KPI file (refused if the id exists, or like :func:`save_query`)."""
    path = query_path(queries_dir, kpi_id)
    if path.exists():
        raise QueryFileError("editor.exists", kpi_id=kpi_id)
    return save_query(queries_dir, kpi_id, text or new_kpi_template(kpi_id), user=user)


__all__ = [
    "DraftPreview",
    "QueryFileError",
    "QueryVersion",
    "create_kpi",
    "new_kpi_template",
    "preview_draft",
    "query_versions",
    "rollback_query",
    "save_query",
]
