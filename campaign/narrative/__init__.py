"""The drafted meeting narrative (文字稿): :func:`draft_narrative` turns the engine's results
into the text analysts write before each 攻势调度会; its wording is ``queries/narrative.toml``.
"""

from __future__ import annotations

from campaign.narrative.draft import (
    Narrative,
    NarrativeFacts,
    Paragraph,
    Section,
    Sentence,
    compose,
    draft_narrative,
    gather_facts,
)
from campaign.narrative.templates import TemplateError, Templates, load_templates, templates_path

__all__ = [
    "Narrative",
    "NarrativeFacts",
    "Paragraph",
    "Section",
    "Sentence",
    "TemplateError",
    "Templates",
    "compose",
    "draft_narrative",
    "gather_facts",
    "load_templates",
    "templates_path",
]
