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
    -- description_en: Financing arranged for private firms by the districts
    -- owner_en: Municipal Financial Regulatory Bureau
    SELECT ...

``description_en`` and ``owner_en`` are optional (the English page shows the Chinese text
when they are missing); every other key is required.

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

from campaign.i18n import t
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
# Optional keys: the English description and owner (the Chinese ones stand in when absent).
OPTIONAL_HEADER_KEYS: tuple[str, ...] = ("description_en", "owner_en")
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
            error = _error(
                path,
                t("kpi.error.unreadable_file", "zh", error=exc),
                t("kpi.error.unreadable_file", "en", error=exc),
                None,
            )
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
        if key not in HEADER_KEYS and key not in OPTIONAL_HEADER_KEYS:
            other_keys.setdefault(key, line_no)
            continue
        if key in values:
            errors.append(
                _error(
                    path,
                    t("kpi.error.header_duplicate", "zh", field=key, first_line=key_lines[key]),
                    t("kpi.error.header_duplicate", "en", field=key, first_line=key_lines[key]),
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
                _error(
                    path,
                    t("kpi.error.header_empty", "zh", field=key),
                    t("kpi.error.header_empty", "en", field=key),
                    key_lines[key],
                )
            )
            continue
        near = difflib.get_close_matches(key, list(other_keys), n=1, cutoff=0.6)
        hint = {"name": near[0], "line": other_keys[near[0]]} if near else None
        hint_zh = t("kpi.error.header_misspelling_hint", "zh", **hint) if hint else ""
        hint_en = t("kpi.error.header_misspelling_hint", "en", **hint) if hint else ""
        errors.append(
            _error(
                path,
                t("kpi.error.header_missing", "zh", field=key, hint=hint_zh),
                t("kpi.error.header_missing", "en", field=key, hint=hint_en),
                other_keys[near[0]] if near else 1,
            )
        )

    def check(key: str, allowed: tuple[str, ...]) -> None:
        value = values.get(key)
        if value and value not in allowed:
            errors.append(
                _error(
                    path,
                    t(
                        "kpi.error.header_invalid_value",
                        "zh",
                        field=key,
                        value=value,
                        allowed="、".join(allowed),
                    ),
                    t(
                        "kpi.error.header_invalid_value",
                        "en",
                        field=key,
                        value=value,
                        allowed=", ".join(allowed),
                    ),
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
                t("kpi.error.id_file_mismatch", "zh", kpi_id=kpi_id, file_name=path.name),
                t("kpi.error.id_file_mismatch", "en", kpi_id=kpi_id, file_name=path.name),
                key_lines["id"],
            )
        )
    elif kpi_id and not _ID.match(kpi_id):
        errors.append(
            _error(
                path,
                t("kpi.error.id_invalid", "zh", kpi_id=kpi_id),
                t("kpi.error.id_invalid", "en", kpi_id=kpi_id),
                key_lines["id"],
            )
        )
    body = "\n".join(lines[body_index:]).strip()
    if not body:
        errors.append(_error(path, t("kpi.error.no_sql", "zh"), t("kpi.error.no_sql", "en"), None))
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
        description_en=values.get("description_en", ""),
        owner_en=values.get("owner_en", ""),
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
