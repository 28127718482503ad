"""查询实验室 SQL lab: read-only SQL over the extract tables, in the sandbox."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from app_pages import _staff, _ui
from campaign import workbench
from campaign.access import Action
from campaign.sandbox import (
    CELL_CHAR_CAP,
    DEFAULT_ROW_CAP,
    DEFAULT_TIMEOUT_SECONDS,
    RESULT_BYTE_CAP,
    QueryError,
    run_query,
    table_columns,
)

ctx = _ui.context()
_staff.require(ctx, Action.SQL_LAB)
database = ctx.dataset.database_path
# A district-limited user's lab holds their district's rows only (campaign.sandbox).
user = _staff.current_user()
district = user.district if user is not None else None


@st.cache_data(show_spinner=False, max_entries=32)
def tables(
    database_path: str, fingerprint: str, district: str | None
) -> dict[str, list[tuple[str, str]]]:
    return table_columns(Path(database_path), district)


editor, schema = st.columns([3, 1])
with schema:
    _ui.heading(ctx.t("bench.lab.tables"))
    if district is not None:
        st.caption(ctx.t("bench.lab.district_only", district=district))
    for table, columns in tables(str(database), ctx.dataset.fingerprint, district).items():
        with st.expander(table):
            st.markdown("\n".join(f"- `{name}` {kind.lower()}" for name, kind in columns))
with editor:
    sql = st.text_area(
        ctx.t("bench.lab.sql"),
        value=st.session_state.get("lab_sql", ctx.t("bench.lab.example")),
        height=220,
        key="lab_sql",
    )
    run = st.button(ctx.t("bench.lab.run"), type="primary", icon=":material/play_arrow:")
    st.caption(
        ctx.t(
            "bench.lab.limits",
            cap=f"{DEFAULT_ROW_CAP:,}",
            seconds=f"{DEFAULT_TIMEOUT_SECONDS:g}",
            chars=f"{CELL_CHAR_CAP:,}",
            megabytes=f"{RESULT_BYTE_CAP // 2**20}",
        )
    )

if run and sql.strip():
    try:
        with st.spinner(ctx.t("bench.lab.running")):
            result = run_query(database, sql, district=district)
    except QueryError as error:
        where = ctx.t("bench.lab.where", line=error.line, column=error.column or "?")
        st.error(f"{where if error.line else ''}{error.text(ctx.lang)}", icon=":material/error:")
    else:
        st.session_state["lab_result"] = result
result = st.session_state.get("lab_result")
if result is not None:
    frame = result.frame
    st.caption(ctx.t("bench.lab.rows", n=f"{len(frame):,}", seconds=f"{result.seconds:.2f}"))
    if result.bytes_capped:
        st.warning(
            ctx.t(
                "bench.lab.bytes_capped",
                cap=f"{len(frame):,}",
                megabytes=f"{RESULT_BYTE_CAP // 2**20}",
            ),
            icon=":material/content_cut:",
        )
    elif result.truncated:
        st.warning(
            ctx.t("bench.lab.truncated", cap=f"{len(frame):,}"), icon=":material/content_cut:"
        )
    if result.cells_cut:
        st.warning(
            ctx.t("bench.lab.cells_cut", chars=f"{CELL_CHAR_CAP:,}"), icon=":material/content_cut:"
        )
    st.dataframe(frame, hide_index=True, width="stretch")
    st.download_button(
        ctx.t("bench.lab.download"),
        workbench.result_csv(frame),
        file_name="query.csv",
        mime="text/csv",
        icon=":material/download:",
    )
    _ui.chart(workbench.quick_chart, frame, ctx.lang)
