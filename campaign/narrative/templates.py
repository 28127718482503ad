"""The wording of the drafted narrative: ``queries/narrative.toml``, checked and rendered.

The office edits the sentences in that file without touching code; this module reads it,
checks it against :data:`PLACEHOLDERS` (every sentence the engine uses, and the placeholders
the engine fills for it) and renders a sentence for a language. A file that cannot be used
raises :class:`TemplateError` naming the file, the line, the key and what is wrong, in
Chinese and English, before any text is drafted: a draft with a hole in it is worse than none.

A sentence is a string, or ``{ one = "...", other = "..." }`` when it depends on a count
(English plurals; a Chinese sentence may use it too). Which sentence is used is the engine's
choice, made from the facts (see :mod:`campaign.narrative.draft`).
"""

from __future__ import annotations

import re
import string
import threading
import tomllib
from dataclasses import dataclass
from pathlib import Path

from campaign.i18n import LANGUAGES, t

TEMPLATES_FILENAME = "narrative.toml"
# The shipped file; a queries folder without its own copy uses it.
SHIPPED_TEMPLATES = Path(__file__).resolve().parents[2] / "queries" / TEMPLATES_FILENAME

_KPI = frozenset({"kpi", "actual", "target", "completion", "gap", "yoy", "needed"})

# Every sentence the engine uses → the placeholders it fills. One place: the engine renders
# only these keys, and the check below holds the file to them.
PLACEHOLDERS: dict[str, frozenset[str]] = {
    "title": frozenset({"scope"}),
    "dateline": frozenset({"date", "expected"}),
    "heading": frozenset({"number", "title"}),
    "heading.overall": frozenset(),
    "heading.kpis": frozenset(),
    "heading.districts": frozenset(),
    "heading.problems": frozenset(),
    "heading.next": frozenset(),
    "list.separator": frozenset(),
    "list.last": frozenset(),
    "clauses.separator": frozenset(),
    "clauses.last": frozenset(),
    "overall.intro": frozenset({"date", "scope", "total", "expected"}),
    "overall.counts": frozenset({"list"}),
    "overall.count.completed": frozenset({"n"}),
    "overall.count.ahead": frozenset({"n"}),
    "overall.count.lagging": frozenset({"n"}),
    "overall.count.critical": frozenset({"n"}),
    "overall.count.no_target": frozenset({"n"}),
    "overall.count.no_data": frozenset({"n"}),
    "overall.count.not_reported": frozenset({"n"}),
    "overall.all_on_pace": frozenset(),
    "overall.errors": frozenset({"n"}),
    "overall.empty": frozenset(),
    "kpis.domain": frozenset({"number", "domain"}),
    "kpi.completed": _KPI,
    "kpi.ahead": _KPI,
    "kpi.lagging": _KPI,
    "kpi.critical": _KPI,
    "kpi.level_met": _KPI,
    "kpi.level_below": _KPI,
    "kpi.no_target": _KPI,
    "kpi.no_data": _KPI,
    "kpi.not_reported": _KPI | {"through"},
    "kpi.not_reported_at_all": _KPI,
    "kpi.not_reported_level": _KPI | {"through"},
    "yoy.up": frozenset({"value"}),
    "yoy.down": frozenset({"value"}),
    "yoy.flat": frozenset({"value"}),
    "needed": frozenset({"months", "amount"}),
    "districts.top": frozenset({"n", "list"}),
    "districts.bottom": frozenset({"n", "list"}),
    "districts.item": frozenset({"district", "score", "rank", "movement"}),
    "districts.own": frozenset({"scope", "score", "rank", "total", "movement"}),
    "districts.own_unranked": frozenset({"scope"}),
    "districts.none": frozenset(),
    "districts.note": frozenset(),
    "movement.up": frozenset({"n"}),
    "movement.down": frozenset({"n"}),
    "movement.same": frozenset(),
    "movement.new": frozenset(),
    "problems.streak": frozenset({"kpi", "months", "completion", "gap", "actual", "owner"}),
    "problems.new_critical": frozenset({"n", "list"}),
    "problems.lagging": frozenset({"n", "list"}),
    "problems.none": frozenset(),
    "problems.none_others": frozenset(),
    "problems.not_reported": frozenset({"n", "list"}),
    "problems.errors": frozenset({"n", "list"}),
    "next.focus": frozenset({"n", "list"}),
    "next.note": frozenset({"kpi", "owner", "reason", "action", "due", "month", "author"}),
    "next.due": frozenset({"date"}),
    "next.overdue": frozenset({"date"}),
    "next.no_note": frozenset({"n", "list"}),
    "next.keep": frozenset(),
    "next.not_reported": frozenset({"n", "list", "date"}),
}
_FORMS = ("one", "other")


class TemplateError(ValueError):
    """The wording file cannot be used; :meth:`text` says where and why (zh or en)."""

    def __init__(
        self, message_key: str, path: Path, line: int | None = None, **params: object
    ) -> None:
        self.message_key = message_key
        self.path = path
        self.line = line
        self.params = params
        super().__init__(self.text("en"))

    def where(self) -> str:
        return f"{self.path}:{self.line}" if self.line else str(self.path)

    def text(self, lang: str = "zh") -> str:
        return t("narrative.error.where", lang, where=self.where()) + t(
            self.message_key, lang, **self.params
        )


@dataclass(frozen=True)
class Template:
    """One sentence in every language: a string, or its ``one`` and ``other`` forms."""

    key: str
    texts: dict[str, str | dict[str, str]]

    def form(self, lang: str, count: float | None) -> str:
        text = self.texts[lang]
        if isinstance(text, str):
            return text
        return text["one"] if count == 1 else text["other"]


def _placeholders(text: str) -> list[str]:
    """The ``{names}`` in ``text`` (``{{`` and ``}}`` are literal braces)."""
    return [field for _, field, _, _ in string.Formatter().parse(text) if field is not None]


def _line_of(source: str, key: str, lang: str | None = None) -> int | None:
    """The line of ``[key]`` (or of its ``lang =`` line) in the file, for messages."""
    lines = source.splitlines()
    header = re.compile(rf"^\s*\[\s*{re.escape(key)}\s*\]\s*(#.*)?$")
    for number, line in enumerate(lines, start=1):
        if header.match(line):
            if lang is None:
                return number
            for offset, below in enumerate(lines[number:], start=number + 1):
                if below.lstrip().startswith("["):
                    break
                if re.match(rf"^\s*{lang}\s*=", below):
                    return offset
            return number
    return None


def _flatten(table: dict[str, object], prefix: str = "") -> dict[str, dict[str, object]]:
    """``{"kpi": {"ahead": {"zh": ..., "en": ...}}}`` → ``{"kpi.ahead": {"zh": ..., ...}}``."""
    found: dict[str, dict[str, object]] = {}
    texts = {k: v for k, v in table.items() if k in LANGUAGES}
    if texts:
        found[prefix] = texts
    for name, value in table.items():
        if name in LANGUAGES:
            continue
        key = f"{prefix}.{name}" if prefix else name
        if isinstance(value, dict):
            found.update(_flatten(value, key))
        else:
            found[key] = {"?": value}  # a stray value: reported as an unknown key
    return found


class Templates:
    """The checked sentences of one wording file."""

    def __init__(self, path: Path, source: str) -> None:
        self.path = path
        try:
            data = tomllib.loads(source)
        except tomllib.TOMLDecodeError as exc:
            found = re.search(r"line (\d+)", str(exc))
            raise TemplateError(
                "narrative.error.toml",
                path,
                int(found.group(1)) if found else None,
                message=str(exc),
            ) from None
        entries = _flatten(data)
        unknown = sorted(set(entries) - set(PLACEHOLDERS))
        if unknown:
            raise TemplateError(
                "narrative.error.unknown_key",
                path,
                _line_of(source, unknown[0]),
                template=unknown[0],
            )
        self.templates: dict[str, Template] = {}
        for key, allowed in PLACEHOLDERS.items():
            texts = entries.get(key)
            if texts is None:
                raise TemplateError("narrative.error.missing_key", path, template=key)
            for lang in LANGUAGES:
                self._check(source, key, lang, texts.get(lang), allowed)
            self.templates[key] = Template(key, {lang: texts[lang] for lang in LANGUAGES})  # type: ignore[misc]

    def _check(
        self, source: str, key: str, lang: str, text: object, allowed: frozenset[str]
    ) -> None:
        line = _line_of(source, key, lang)
        if text is None:
            raise TemplateError(
                "narrative.error.missing_lang",
                self.path,
                _line_of(source, key),
                template=key,
                language=lang,
            )
        if isinstance(text, dict):
            if set(text) != set(_FORMS) or not all(isinstance(v, str) for v in text.values()):
                raise TemplateError(
                    "narrative.error.forms", self.path, line, template=key, language=lang
                )
            variants = list(text.values())
        elif isinstance(text, str):
            variants = [text]
        else:
            raise TemplateError(
                "narrative.error.forms", self.path, line, template=key, language=lang
            )
        for variant in variants:
            try:
                names = _placeholders(variant)
            except ValueError as exc:  # an unmatched brace
                raise TemplateError(
                    "narrative.error.braces",
                    self.path,
                    line,
                    template=key,
                    language=lang,
                    message=exc,
                ) from None
            for name in names:
                if name not in allowed:
                    raise TemplateError(
                        "narrative.error.placeholder",
                        self.path,
                        line,
                        template=key,
                        language=lang,
                        name=name,
                        allowed="、".join(f"{{{a}}}" for a in sorted(allowed)) or "—",
                    )

    def render(self, key: str, lang: str, count: float | None = None, **params: object) -> str:
        """The sentence ``key`` in ``lang`` (its ``one`` form when ``count`` is 1)."""
        allowed = PLACEHOLDERS[key]
        # The engine fills every placeholder a key allows (an empty string where a clause does
        # not apply), so an edited sentence never loses a figure silently. A mismatch here is
        # the engine's own mistake, never the office's.
        if set(params) != allowed:
            raise KeyError(
                f"{self.path}: [{key}] needs {sorted(allowed)}; the engine passed {sorted(params)}"
            )
        return self.templates[key].form(lang, count).format(**params)

    def join(self, names: list[str], lang: str, kind: str = "list") -> str:
        """Names joined as ``A、B和C`` / ``A, B and C`` (``kind="clauses"``: ``A，B，C``)."""
        if len(names) <= 1:
            return "".join(names)
        separator = self.render(f"{kind}.separator", lang)
        last = self.render(f"{kind}.last", lang)
        return separator.join(names[:-1]) + last + names[-1]


_cache: dict[Path, tuple[tuple[int, int], Templates]] = {}
_lock = threading.Lock()


def templates_path(queries_dir: Path | str | None) -> Path:
    """``<queries>/narrative.toml`` when that folder has one, else the shipped file."""
    if queries_dir is not None:
        candidate = Path(queries_dir) / TEMPLATES_FILENAME
        if candidate.is_file():
            return candidate
    return SHIPPED_TEMPLATES


def load_templates(path: Path | str) -> Templates:
    """The checked wording of ``path`` (re-read when the file changes)."""
    path = Path(path)
    try:
        stat = path.stat()
        signature = (stat.st_mtime_ns, stat.st_size)
    except OSError:
        raise TemplateError("narrative.error.unreadable", path) from None
    with _lock:
        cached = _cache.get(path)
        if cached is not None and cached[0] == signature:
            return cached[1]
    try:
        source = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        raise TemplateError("narrative.error.unreadable", path) from None
    templates = Templates(path, source)
    with _lock:
        _cache[path] = (signature, templates)
    return templates
