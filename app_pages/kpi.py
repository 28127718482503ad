"""指标详情 KPI detail: one KPI's progress, months, districts and definition."""

from __future__ import annotations

import streamlit as st

from app_pages import _notes, _staff, _ui
from campaign import charts, views

ctx = _ui.context()
kpi_id = _ui.kpi_selector(ctx)
definition = ctx.definition(kpi_id)
if definition is None:
    st.info(ctx.t("ui.kpi.none"), icon=":material/info:")
    st.stop()

result = next((r for r in ctx.scorecard.results if r.kpi.id == kpi_id), None)
error = next((e for e in ctx.scorecard.errors if e.kpi_id == kpi_id), None)
scope = views.scope_label(ctx.filters.district, ctx.lang)

if error is not None:
    st.html(views.error_card_html(error, definition.name(ctx.lang), ctx.lang))
    st.html(views.code_html(f"{error.where()}\n{error.text(ctx.lang)}"))
elif result is not None:
    with _ui.section(ctx):
        st.html(views.status_pill(result.status, ctx.lang))
        st.html(views.figures_html(views.detail_figures(result, ctx.lang)))
        if definition.is_level:
            st.caption(ctx.t("ui.kpi.level_note"))

    with _ui.section(ctx):
        monthly = ctx.engine.monthly(kpi_id, ctx.filters)
        if not views.has_figures(monthly):
            st.info(
                ctx.t("ui.kpi.no_monthly", scope=scope, year=ctx.filters.year),
                icon=":material/info:",
            )
        else:
            left, right = st.columns(2)
            with left:
                level = definition.is_level
                _ui.heading(ctx.t("ui.kpi.chart_level" if level else "ui.kpi.chart_cumulative"))
                _ui.chart(charts.cumulative_chart, monthly, definition.unit, ctx.lang, level)
            with right:
                _ui.heading(ctx.t("ui.kpi.chart_monthly"))
                _ui.chart(
                    charts.monthly_chart, monthly, definition.unit, ctx.filters.year, ctx.lang
                )

    with _ui.section(ctx):
        _ui.heading(ctx.t("ui.kpi.districts_title"))
        table = views.results_frame(ctx.engine.district_results(kpi_id, ctx.filters), ctx.lang)
        if table.empty:
            st.info(ctx.t("ui.kpi.no_districts"), icon=":material/info:")
        else:
            st.html(views.results_table_html(table))

_notes.notes_section(ctx, kpi_id, _staff.current_user(), author=_staff.author())

_ui.heading(ctx.t("ui.kpi.definition"))
st.caption(ctx.t("ui.kpi.as_written"))
st.markdown(views.definition_markdown(definition, ctx.lang))
st.html(views.code_html(definition.sql))
