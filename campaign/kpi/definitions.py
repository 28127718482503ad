"""KPI SQL files: the metadata header and the query that follows it.

A KPI file in ``queries/`` starts with comment lines ``-- key: value`` (a full-width
colon ``：`` is accepted too), then the SELECT::

    -- id: financing_amount
    -- name_zh: 融资金额
    -- name_en: Financing arranged
    -- domain: 资金
    -- unit: 亿元
    -- aggregation: sum
    -- direction: up
    -- description: 各区市为民营企业对接落实的融资金额
    -- owner: 市地方金融监管局
    SELECT ...

The header ends at the first line that is neither a comment nor blank.  Comment lines
whose key is not one of ours (``-- 说明: ...``) are free text.  Every problem found is a
:class:`~campaign.model.KpiError` naming the file and the header line; a file with any
problem yields no definition, so only that KPI is affected.
"""

from __future__ import annotations

import difflib
import os
import re
from dataclasses import dataclass
from pathlib import Path

from campaign.model import DOMAINS, KpiDefinition, KpiError

HEADER_KEYS: tuple[str, ...] = (
    "id",
    "name_zh",
    "name_en",
    "domain",
    "unit",
    "aggregation",
    "direction",
    "description",
    "owner",
)
AGGREGATIONS: tuple[str, ...] = ("sum", "count_distinct", "rate", "latest")
DIRECTIONS: tuple[str, ...] = ("up", "down")

_HEADER_LINE = re.compile(r"^--\s*([A-Za-z_][A-Za-z0-9_]*)\s*[:：]\s*(.*?)\s*$")
_ID = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass(frozen=True)
class ParsedFile:
    """One KPI file: its definition (None when broken) and the problems found."""

    path: Path
    definition: KpiDefinition | None
    errors: tuple[KpiError, ...]
    # 1-based line of the file where the SQL body starts (after the header).
    body_line: int


def _error(path: Path, zh: str, en: str, line: int | None) -> KpiError:
    return KpiError(kpi_id=path.stem, path=path, message=zh, line=line, message_en=en)


def parse_kpi_file(path: Path, text: str | None = None) -> ParsedFile:
    """Parse one KPI file's header and body; never raises for content problems."""
    if text is None:
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            error = _error(path, f"无法读取文件：{exc}", f"cannot read the file: {exc}", None)
            return ParsedFile(path, None, (error,), 1)
    lines = text.splitlines()
    values: dict[str, str] = {}
    key_lines: dict[str, int] = {}
    other_keys: dict[str, int] = {}
    errors: list[KpiError] = []
    body_index = len(lines)
    for index, raw in enumerate(lines):
        stripped = raw.strip()
        if not stripped:
            continue
        if not stripped.startswith("--"):
            body_index = index
            break
        match = _HEADER_LINE.match(stripped)
        if not match:
            continue
        key, value = match.group(1).lower(), match.group(2)
        line_no = index + 1
        if key not in HEADER_KEYS:
            other_keys.setdefault(key, line_no)
            continue
        if key in values:
            errors.append(
                _error(
                    path,
                    f"表头项 {key} 重复（首次出现在第 {key_lines[key]} 行）",
                    f"header key '{key}' given twice (first on line {key_lines[key]})",
                    line_no,
                )
            )
            continue
        values[key] = value
        key_lines[key] = line_no

    body_line = body_index + 1
    for key in HEADER_KEYS:
        if values.get(key):
            continue
        if key in values:  # present but empty
            errors.append(
                _error(path, f"表头项 {key} 为空", f"header key '{key}' is empty", key_lines[key])
            )
            continue
        near = difflib.get_close_matches(key, list(other_keys), n=1, cutoff=0.6)
        hint_zh = f"（第 {other_keys[near[0]]} 行的 {near[0]} 是否拼错？）" if near else ""
        hint_en = f" (is '{near[0]}' on line {other_keys[near[0]]} a misspelling?)" if near else ""
        errors.append(
            _error(
                path,
                f"表头缺少 {key}{hint_zh}",
                f"the header lacks '{key}'{hint_en}",
                other_keys[near[0]] if near else 1,
            )
        )

    def check(key: str, allowed: tuple[str, ...]) -> None:
        value = values.get(key)
        if value and value not in allowed:
            errors.append(
                _error(
                    path,
                    f"{key} 的值 “{value}” 无效，应为：{'、'.join(allowed)}",
                    f"unknown {key} '{value}'; expected one of: {', '.join(allowed)}",
                    key_lines[key],
                )
            )

    check("aggregation", AGGREGATIONS)
    check("direction", DIRECTIONS)
    check("domain", DOMAINS)
    kpi_id = values.get("id")
    if kpi_id and kpi_id != path.stem:
        errors.append(
            _error(
                path,
                f"id “{kpi_id}” 与文件名 {path.name} 不一致",
                f"id '{kpi_id}' does not match the file name {path.name}",
                key_lines["id"],
            )
        )
    elif kpi_id and not _ID.match(kpi_id):
        errors.append(
            _error(
                path,
                f"id “{kpi_id}” 只能包含小写字母、数字和下划线",
                f"id '{kpi_id}' must be lower-case letters, digits and underscores",
                key_lines["id"],
            )
        )
    body = "\n".join(lines[body_index:]).strip()
    if not body:
        errors.append(_error(path, "表头之后没有 SQL 查询", "no SQL query after the header", None))
    if errors:
        return ParsedFile(path, None, tuple(errors), body_line)
    definition = KpiDefinition(
        id=values["id"],
        name_zh=values["name_zh"],
        name_en=values["name_en"],
        domain=values["domain"],
        unit=values["unit"],
        aggregation=values["aggregation"],  # type: ignore[arg-type]
        direction=values["direction"],  # type: ignore[arg-type]
        description=values["description"],
        owner=values["owner"],
        path=path,
        sql=text,
    )
    return ParsedFile(path, definition, (), body_line)


# What identifies one version of a query file cheaply: (name, mtime_ns, size).
FileSignature = tuple[str, int, int]


def scan_query_files(queries_dir: Path) -> tuple[FileSignature, ...]:
    """The ``*.sql`` files of the folder with their modification time and size, sorted."""
    found: list[FileSignature] = []
    try:
        with os.scandir(queries_dir) as entries:
            for entry in entries:
                if entry.name.endswith(".sql") and entry.is_file():
                    stat = entry.stat()
                    found.append((entry.name, stat.st_mtime_ns, stat.st_size))
    except FileNotFoundError:
        return ()
    return tuple(sorted(found))


def display_sorted(definitions: list[KpiDefinition], order: tuple[str, ...]) -> list[KpiDefinition]:
    """KPIs in display order: the config's order first, then by domain and id."""
    position = {kpi_id: index for index, kpi_id in enumerate(order)}
    return sorted(
        definitions,
        key=lambda d: (
            position.get(d.id, len(position)),
            DOMAINS.index(d.domain) if d.domain in DOMAINS else len(DOMAINS),
            d.id,
        ),
    )
