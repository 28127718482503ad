"""数据状态 Data status: rows per extract kind, who reported which month, validation issues."""

from __future__ import annotations

import streamlit as st

from app_pages import _templates, _ui
from campaign import views
from campaign.formatting import format_month

ctx = _ui.context()
files = ctx.dataset.files

planning = ctx.engine.warnings()  # a missing targets.csv first of all: every KPI 无目标
if planning:
    with _ui.section(ctx):
        _ui.heading(ctx.t("ui.data.planning_title"))
        rows = [w for w in planning if w.line is not None]
        for warning in planning:
            if warning.line is None:  # about the whole file: missing, unreadable
                st.warning(f"{warning.where()}：{warning.text(ctx.lang)}", icon=":material/flag:")
        if rows:
            st.html(views.table_html(views.planning_frame(rows, ctx.lang), numeric_from=99))

with _ui.section(ctx):
    _ui.heading(ctx.t("ui.data.kinds_title"))
    if not files:
        st.info(ctx.t("ui.data.no_files"), icon=":material/info:")
    st.html(views.table_html(views.kind_summary(files, ctx.lang)))

with _ui.section(ctx):
    _ui.heading(ctx.t("ui.data.last_title"))
    due = format_month(ctx.filters.as_of, ctx.lang)
    st.caption(ctx.t("ui.data.last_legend", month=due))
    reported = _ui.reported_months(str(ctx.dataset.data_dir), ctx.dataset.fingerprint, ctx.dataset)
    texts, states = views.reporting_grid(
        reported, ctx.filters.as_of, ctx.options.districts, ctx.lang
    )
    st.html(views.grid_html(texts, states, ctx.t("ui.col.district")))

with _ui.section(ctx):
    _ui.heading(ctx.t("ui.data.issues_title"))
    errors = views.issues_frame(files, "error", ctx.lang)
    warnings = views.issues_frame(files, "warning", ctx.lang)
    notes = views.issues_frame(files, "note", ctx.lang)
    error_tab, warning_tab, note_tab = st.tabs(
        [
            ctx.t("ui.data.errors_tab", n=f"{len(errors):,}"),
            ctx.t("ui.data.warnings_tab", n=f"{len(warnings):,}"),
            ctx.t("ui.data.notes_tab", n=f"{len(notes):,}"),
        ]
    )
    for tab, frame in ((error_tab, errors), (warning_tab, warnings), (note_tab, notes)):
        with tab:
            if frame.empty:
                st.caption(ctx.t("ui.data.no_issues"))
            else:
                st.dataframe(frame, hide_index=True, width="stretch")

with _ui.section(ctx):
    _ui.heading(ctx.t("template.title"))
    _templates.template_download(ctx, "data_template")
