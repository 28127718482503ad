"""指标编辑 KPI editing: change a KPI's SQL, preview it against the current one, save, roll back."""

from __future__ import annotations

import streamlit as st

from app_pages import _staff, _ui
from campaign import workbench
from campaign.access import Action, may_change_kpis
from campaign.formatting import format_datetime
from campaign.query_files import (
    QueryFileError,
    create_kpi,
    new_kpi_template,
    preview_draft,
    query_path,
    query_versions,
    rollback_query,
    save_query,
)
from campaign.sandbox import QueryError
from campaign.views import CHINA_TIME

ctx = _ui.context()
_staff.require(ctx, Action.EDIT_KPI)
queries_dir = ctx.engine.queries_dir
# A district-limited user's draft runs on their district's rows only (campaign.sandbox).
user = _staff.current_user()
district = user.district if user is not None else None
# ... and they preview only: a KPI file gives every district's figure (access.may_change_kpis).
may_change = may_change_kpis(user)
kpi_id = _ui.kpi_selector(ctx)
if not may_change:
    st.info(ctx.t("editor.city_only"), icon=":material/lock:")

with st.expander(ctx.t("bench.edit.new_title"), icon=":material/add:"):
    with st.form("new_kpi"):
        new_id = st.text_input(ctx.t("bench.edit.new_id"), placeholder="loans_total")
        if st.form_submit_button(ctx.t("bench.edit.create"), disabled=not may_change):
            try:
                create_kpi(queries_dir, new_id.strip(), new_kpi_template(new_id.strip()), user=user)
            except QueryFileError as refused:
                st.error(ctx.t(refused.key, **refused.params), icon=":material/error:")
            else:
                st.success(ctx.t("bench.edit.created", kpi_id=new_id), icon=":material/check:")

if kpi_id is None:
    st.info(ctx.t("ui.kpi.none"), icon=":material/info:")
    st.stop()

path = query_path(queries_dir, kpi_id)
current_text = path.read_text(encoding="utf-8")
draft_key = f"draft_{kpi_id}"
if st.session_state.get(f"{draft_key}_base") != current_text:
    # The file changed (saved here or edited on disk): start from what is on disk.
    st.session_state[draft_key] = current_text
    st.session_state[f"{draft_key}_base"] = current_text
    st.session_state.pop(f"{draft_key}_preview", None)

st.caption(ctx.t("bench.edit.file", name=path.name))
draft = st.text_area(ctx.t("bench.edit.sql"), key=draft_key, height=360)
preview_clicked, save_clicked = st.columns(2)
with preview_clicked:
    do_preview = st.button(
        ctx.t("bench.edit.preview"), icon=":material/visibility:", type="primary"
    )
if do_preview:
    with st.spinner(ctx.t("bench.edit.previewing")):
        try:
            st.session_state[f"{draft_key}_preview"] = (
                draft,
                preview_draft(ctx.engine, kpi_id, draft, ctx.filters, district),
            )
        except QueryError as stopped:  # too long, too much memory, or the lab is busy
            st.session_state.pop(f"{draft_key}_preview", None)
            st.error(stopped.text(ctx.lang), icon=":material/error:")

previewed = st.session_state.get(f"{draft_key}_preview")
if previewed is not None:
    previewed_text, preview = previewed
    if district is not None:
        st.caption(ctx.t("bench.edit.district_only", district=district))
    if preview.errors:
        for error in preview.errors:
            st.error(f"{error.where()}：{error.text(ctx.lang)}", icon=":material/error:")
    else:
        st.success(ctx.t("bench.edit.check_ok"), icon=":material/check_circle:")
        table = workbench.comparison_frame(preview, ctx.lang)
        changed = preview.comparison["changed"].tolist()
        st.dataframe(
            table.style.apply(
                lambda row: ["background-color: #fde9c8" if changed[row.name] else "" for _ in row],
                axis=1,
            ),
            hide_index=True,
            width="stretch",
        )
    with save_clicked:
        can_save = may_change and not preview.errors and previewed_text == draft
        if st.button(ctx.t("bench.edit.save"), icon=":material/save:", disabled=not can_save):
            save_query(queries_dir, kpi_id, draft, user=user)
            st.session_state.pop(f"{draft_key}_preview", None)
            st.toast(ctx.t("bench.edit.saved", name=path.name), icon=":material/check:")
            ctx.engine.recheck()
            st.rerun()
    if previewed_text != draft:
        st.caption(ctx.t("bench.edit.stale"))

_ui.heading(ctx.t("bench.edit.history"))
versions = query_versions(queries_dir, kpi_id)
if not versions:
    st.caption(ctx.t("bench.edit.no_history"))
for version in versions:
    when = format_datetime(version.saved_at.astimezone(CHINA_TIME), ctx.lang)
    title = " · ".join(
        [
            ctx.t("bench.edit.version", when=when),
            ctx.t(f"bench.edit.action_{version.action}"),
            *([ctx.t("bench.by", who=version.by)] if version.by else []),
        ]
    )
    with st.expander(title):
        st.code(version.text, language="sql")
        clicked = st.button(
            ctx.t("bench.edit.rollback"), key=f"rollback_{version.id}", disabled=not may_change
        )

    def rollback(version_id: str = version.id, when: str = when, kpi: str = kpi_id) -> bool:
        rollback_query(queries_dir, kpi, version_id, user=user)
        st.toast(ctx.t("bench.edit.rolled_back", when=when), icon=":material/undo:")
        ctx.engine.recheck()
        return True

    _staff.ask_first(
        ctx,
        f"rollback:{kpi_id}:{version.id}",
        clicked,
        ctx.t("bench.edit.rollback_confirm", kpi=kpi_id, when=when),
        ctx.t("bench.edit.rollback"),
        rollback,
    )
