"""区市对比 Districts: the chosen district's profile, the ranking, and the status heat map."""

from __future__ import annotations

import streamlit as st

from app_pages import _ui
from campaign import charts, views

ctx = _ui.context()
filters = ctx.filters
labels = views.district_labels(ctx.options.districts, ctx.lang)

with _ui.section(ctx):
    ranking = ctx.engine.ranking(filters)

if filters.district is not None:
    with _ui.section(ctx):
        _ui.heading(ctx.t("ui.districts.profile_title", district=labels[filters.district]))
        mine = ranking[ranking["district"] == filters.district]
        if mine.empty:
            st.caption(ctx.t("ui.districts.profile_unranked"))
        else:
            row = mine.iloc[0]
            st.markdown(
                ctx.t(
                    "ui.districts.profile_rank",
                    rank=int(row["rank"]),
                    total=len(ranking),
                    movement=views.movement_text(row["movement"], ctx.lang),
                )
            )
        profile = views.profile_frame(ctx.scorecard.results, ctx.lang)
        _ui.chart(charts.profile_chart, profile, ctx.scorecard.expected, ctx.lang)
else:
    st.info(ctx.t("ui.districts.pick_district"), icon=":material/info:")

with _ui.section(ctx):
    _ui.heading(ctx.t("ui.districts.ranking_title"))
    if ranking.empty or not (ranking["score"].fillna(0) > 0).any():
        st.info(ctx.t("ui.districts.no_ranking"), icon=":material/info:")
    else:
        st.caption(ctx.t("ui.districts.ranking_note"))
        _ui.chart(charts.ranking_chart, ranking, labels, ctx.lang)

with _ui.section(ctx):
    _ui.heading(ctx.t("ui.districts.heatmap_title"))
    matrix = ctx.engine.status_matrix(filters)
    if matrix.empty:
        st.info(ctx.t("ui.districts.no_matrix"), icon=":material/info:")
    else:
        kpi_labels = {d.id: d.name(ctx.lang) for d in ctx.definitions}
        _ui.chart(charts.status_heatmap, matrix, kpi_labels, labels, ctx.lang)
