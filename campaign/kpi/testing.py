"""Small hand-made databases and KPI files, for tests and for trying out a KPI query.

``build_database(path, {"financing": [{"date": "2024-01-05", ...}, ...]})`` writes a DuckDB
file with every extract table of :mod:`campaign.contracts` (typed as the real database:
canonical columns plus ``source_file`` and ``source_line``) and the given rows; columns
left out of a row are NULL.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

import duckdb

from campaign.contracts import KINDS, KINDS_BY_ID
from campaign.kpi.definitions import HEADER_KEYS


def build_database(path: Path, rows: Mapping[str, Iterable[Mapping[str, object]]]) -> Path:
    """Create ``path`` with all seven extract tables and insert ``rows`` (kind id → rows)."""
    unknown = set(rows) - set(KINDS_BY_ID)
    if unknown:
        raise KeyError(f"unknown extract kinds: {sorted(unknown)}")
    path.unlink(missing_ok=True)
    with duckdb.connect(str(path)) as con:
        for kind in KINDS:
            columns = ", ".join(f'"{c.name}" {c.sql_type}' for c in kind.stored_columns)
            con.execute(
                f'CREATE TABLE "{kind.id}" ({columns}, source_file VARCHAR, source_line BIGINT)'
            )
            names = [c.name for c in kind.stored_columns]
            records = [
                (*(row.get(name) for name in names), f"extracts/{kind.id}.csv", line)
                for line, row in enumerate(rows.get(kind.id, ()), start=2)
            ]
            if records:
                marks = ", ".join("?" for _ in range(len(names) + 2))
                con.executemany(f'INSERT INTO "{kind.id}" VALUES ({marks})', records)
    return path


def kpi_file(
    folder: Path,
    kpi_id: str,
    sql: str,
    *,
    aggregation: str = "sum",
    unit: str = "亿元",
    domain: str = "资金",
    direction: str = "up",
    **header: str,
) -> Path:
    """Write ``folder/<kpi_id>.sql`` with a complete header and ``sql`` as its body."""
    values = {
        "id": kpi_id,
        "name_zh": header.pop("name_zh", kpi_id),
        "name_en": header.pop("name_en", kpi_id),
        "domain": domain,
        "unit": unit,
        "aggregation": aggregation,
        "direction": direction,
        "description": header.pop("description", "测试指标"),
        "owner": header.pop("owner", "测试部门"),
        **header,
    }
    lines = [f"-- {key}: {values[key]}" for key in HEADER_KEYS if key in values]
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{kpi_id}.sql"
    path.write_text("\n".join(lines) + "\n" + sql.strip() + "\n", encoding="utf-8")
    return path


def targets_csv(
    path: Path, rows: Iterable[tuple[str, int, str, float]], chinese: bool = False
) -> Path:
    """Write a targets file: (kpi_id, year, district, target) rows."""
    header = "指标编号,年度,区市,目标值" if chinese else "kpi_id,year,district,target"
    body = "\n".join(f"{k},{y},{d},{v}" for k, y, d, v in rows)
    path.write_text(f"{header}\n{body}\n", encoding="utf-8")
    return path
