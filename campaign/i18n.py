"""The one catalog of user-visible strings, in Chinese (default) and English.

Sections live in :mod:`campaign.strings` (one module per area, each a dict
``key -> {"zh": ..., "en": ...}``); this module merges them, refuses duplicate keys
and formats a string for a language.
"""

from __future__ import annotations

import importlib
import pkgutil

import campaign.strings

LANGUAGES: tuple[str, ...] = ("zh", "en")
DEFAULT_LANGUAGE = "zh"


def _load_catalog() -> dict[str, dict[str, str]]:
    catalog: dict[str, dict[str, str]] = {}
    for module_info in sorted(
        pkgutil.iter_modules(campaign.strings.__path__), key=lambda m: m.name
    ):
        module = importlib.import_module(f"campaign.strings.{module_info.name}")
        for key, texts in module.STRINGS.items():
            if key in catalog:
                raise ValueError(f"string key {key!r} defined twice (in {module_info.name})")
            missing = [lang for lang in LANGUAGES if lang not in texts]
            if missing:
                raise ValueError(f"string key {key!r} lacks {missing}")
            catalog[key] = texts
    return catalog


CATALOG: dict[str, dict[str, str]] = _load_catalog()


def normalise_language(lang: str | None) -> str:
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


def t(key: str, lang: str = DEFAULT_LANGUAGE, **params: object) -> str:
    """The string ``key`` in ``lang``, with ``{name}`` placeholders filled from ``params``."""
    text = CATALOG[key][normalise_language(lang)]
    return text.format(**params) if params else text
