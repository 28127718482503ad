"""The 填报模板 download on the data-status and upload pages (the engine makes the bytes)."""

from __future__ import annotations

import streamlit as st

from app_pages._ui import PageContext
from campaign import views
from campaign.contracts import KINDS, KINDS_BY_ID
from campaign.templates import XLSX_MIME, template_filename, template_workbook


@st.cache_data(show_spinner=False, max_entries=32)
def _template_bytes(kind_id: str, lang: str) -> bytes:
    return template_workbook(KINDS_BY_ID[kind_id], lang)


def template_download(ctx: PageContext, key: str) -> None:
    """A kind picker and a download button for that kind's Excel template."""
    picker, button = st.columns([2, 1], vertical_alignment="bottom")
    kind_id = picker.selectbox(
        ctx.t("template.download_kind"),
        [k.id for k in KINDS],
        format_func=lambda k: views.kind_label(k, ctx.lang),
        key=f"{key}_kind",
    )
    lang = ctx.lang
    button.download_button(
        ctx.t("template.download"),
        data=lambda: _template_bytes(kind_id, lang),
        file_name=template_filename(KINDS_BY_ID[kind_id]),
        mime=XLSX_MIME,
        on_click="ignore",
        icon=":material/download:",
        key=f"{key}_button",
    )
    st.caption(ctx.t("template.download_help"))
