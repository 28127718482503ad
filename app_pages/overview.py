"""总览 Overview: how many KPIs are in each status, the drafted meeting narrative (文字稿),
then one card per KPI by domain."""

from __future__ import annotations

import streamlit as st

from app_pages import _brief, _ui
from campaign import views
from campaign.narrative import TemplateError, draft_narrative

ctx = _ui.context()
scorecard = ctx.scorecard
CARDS_PER_ROW = 3
_brief.pack_download(ctx)

with _ui.section(ctx):
    counts = views.status_counts(scorecard.results)
    _ui.heading(ctx.t("ui.overview.status_title"))
    for column, (status, count) in zip(st.columns(len(counts)), counts.items(), strict=True):
        column.html(views.status_count_html(status, count, ctx.lang))
    if scorecard.errors:
        st.caption(ctx.t("ui.overview.errors_count", n=len(scorecard.errors)))

with st.expander(ctx.t("narrative.overview.title"), icon=":material/article:"):
    try:
        narrative = draft_narrative(ctx.engine, ctx.filters, ctx.lang)
    except TemplateError as problem:
        st.error(
            ctx.t("narrative.overview.broken", message=problem.text(ctx.lang)),
            icon=":material/error:",
        )
    else:
        st.caption(ctx.t("narrative.overview.help"))
        st.code(narrative.text(), language=None, wrap_lines=True)  # with a copy button

groups = views.card_groups(scorecard, ctx.definitions, ctx.lang)
if not groups:
    st.info(ctx.t("ui.overview.empty"), icon=":material/info:")

for group in groups:
    with _ui.section(ctx):
        if group.title:
            _ui.heading(group.title)
        items = [("error", e) for e in group.errors] + [("card", c) for c in group.cards]
        for start in range(0, len(items), CARDS_PER_ROW):
            row = st.columns(CARDS_PER_ROW)
            for column, (kind, item) in zip(
                row, items[start : start + CARDS_PER_ROW], strict=False
            ):
                with column.container(border=True):
                    if kind == "error":
                        definition = ctx.definition(item.kpi_id)
                        name = definition.name(ctx.lang) if definition else None
                        st.html(views.error_card_html(item, name, ctx.lang))
                        with st.expander(ctx.t("ui.card.error_details")):
                            st.html(views.code_html(f"{item.where()}\n{item.text(ctx.lang)}"))
                    else:
                        st.page_link(
                            ctx.pages["kpi"],
                            label=f"**{item.name}**",
                            icon=":material/arrow_forward:",
                            icon_position="right",
                            query_params=ctx.link(kpi=item.kpi_id),
                        )
                        st.html(item.html)
