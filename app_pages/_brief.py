"""The meeting pack (会议材料) download: one call from a page puts the button there.

The pack is for the page's filters and language, so it shows what the page shows. Choosing a
format starts making it in the background (``campaign.brief.prepared``); the button's data
function (which Streamlit calls on its own request when clicked, so the page stays usable)
takes the pack made, waits for the one being made, or makes it. A pack is kept per data
version and view: a second click or another viewer of the same view gets it at once.
"""

from __future__ import annotations

import streamlit as st

from app_pages._ui import PageContext
from campaign.brief import (
    CHART_FORMATS,
    FORMATS,
    FontMissing,
    file_name,
    locate_cjk_font,
    prepared,
)
from campaign.narrative.templates import TemplateError, load_templates, templates_path

FORMAT_KEY = "brief_format"


@st.cache_data(show_spinner=False, ttl=600)
def _font_problem(lang: str) -> str | None:
    """The missing-font message, or None when the CJK font is installed (checked rarely)."""
    try:
        locate_cjk_font()
    except FontMissing as missing:
        return missing.text(lang)
    return None


def _wording_problem(ctx: PageContext) -> str | None:
    """Why the narrative (.docx) cannot be drafted: an unusable queries/narrative.toml."""
    try:
        load_templates(templates_path(ctx.engine.queries_dir))
    except TemplateError as problem:
        return problem.text(ctx.lang)
    return None


def pack_download(ctx: PageContext) -> None:
    """A "会议材料" popover: the format, then the download of the pack for this view."""
    engine, filters, lang = ctx.engine, ctx.filters, ctx.lang
    prepared.prepare_ahead(engine, filters, lang)

    def prepare_chosen() -> None:
        chosen = st.session_state.get(FORMAT_KEY) or "pdf"
        if chosen != "docx" or _wording_problem(ctx) is None:
            prepared.prepare(engine, filters, lang, chosen)

    with st.popover(ctx.t("brief.download.title"), icon=":material/download:"):
        fmt = st.segmented_control(
            ctx.t("brief.download.format"),
            list(FORMATS),
            default="pdf",
            format_func=lambda name: ctx.t(f"brief.format.{name}"),
            key=FORMAT_KEY,
            required=True,
            on_change=prepare_chosen,
        )
        fmt = fmt or "pdf"
        problem = _font_problem(ctx.lang) if fmt in CHART_FORMATS else None
        if fmt == "docx":
            problem = _wording_problem(ctx)
        if problem:
            st.error(problem, icon=":material/error:")

        def make() -> bytes:
            return prepared.pack_for_view(engine, filters, lang, fmt)

        st.download_button(
            ctx.t("brief.download.button"),
            data=make,
            file_name=file_name(filters, lang, fmt),
            mime=FORMATS[fmt],
            on_click="ignore",
            type="primary",
            icon=":material/download:",
            disabled=problem is not None,
            key=f"brief_download_{fmt}",
        )
        st.caption(ctx.t("brief.download.help"))
