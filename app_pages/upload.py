"""数据上传 Extract upload: see what a file is and what would be excluded, accept, restore."""

from __future__ import annotations

import hashlib

import streamlit as st

from app_pages import _staff, _templates, _ui
from campaign import workbench
from campaign.access import Action
from campaign.reader import EXTRACT_SUFFIXES
from campaign.uploads import (
    UploadRejected,
    accept_upload,
    files_with_history,
    max_upload_bytes,
    preview_upload,
    restore_version,
    versions,
)

ctx = _ui.context()
_staff.require(ctx, Action.UPLOAD)
data_dir = ctx.dataset.data_dir


@st.cache_data(show_spinner=False, max_entries=16)
def preview(name: str, digest: str, data_fingerprint: str, _content: bytes):
    """A candidate's check, once per content and data version (the content is hashed)."""
    return preview_upload(data_dir, name, _content)


st.caption(ctx.t("bench.upload.help", limit=f"{max_upload_bytes() / 1e6:,.0f}"))
_templates.template_download(ctx, "upload_template")
uploads = st.file_uploader(
    ctx.t("bench.upload.choose"),
    type=[suffix.lstrip(".") for suffix in EXTRACT_SUFFIXES],
    accept_multiple_files=True,
    key="uploads",
)
# Files accepted in this session (by content): shown as done, not previewed again.
accepted: set[str] = st.session_state.setdefault("accepted_uploads", set())
for upload in uploads or []:
    content = upload.getvalue()
    digest = hashlib.sha256(content).hexdigest()
    st.subheader(upload.name, anchor=False)
    if digest in accepted:
        st.success(ctx.t("bench.upload.accepted", name=upload.name), icon=":material/check:")
        continue
    try:
        candidate = preview(upload.name, digest, ctx.dataset.fingerprint, content)
    except UploadRejected as refused:
        st.error(ctx.t(refused.key, **refused.params), icon=":material/block:")
        continue
    st.markdown("\n".join(f"- {line}" for line in workbench.upload_summary(candidate, ctx.lang)))
    issues = workbench.upload_issues(candidate, ctx.lang)
    if not issues.empty:
        st.dataframe(issues, hide_index=True, width="stretch")
    if not candidate.acceptable:
        st.error(ctx.t("bench.upload.not_acceptable"), icon=":material/block:")
        continue
    confirmed = True
    if candidate.rows_excluded:
        confirmed = st.checkbox(
            ctx.t("bench.upload.confirm_partial", n=f"{candidate.rows_excluded:,}"),
            key=f"confirm_{digest}",
        )
    if st.button(
        ctx.t("bench.upload.accept"),
        key=f"accept_{digest}",
        type="primary",
        disabled=not confirmed,
        icon=":material/upload:",
    ):
        try:
            with st.spinner(ctx.t("bench.upload.rebuilding")):
                accept_upload(data_dir, upload.name, content, by=_staff.actor())
        except UploadRejected as refused:
            st.error(ctx.t(refused.key, **refused.params), icon=":material/error:")
        else:
            accepted.add(digest)
            ctx.engine.recheck()
            st.rerun()

_ui.heading(ctx.t("bench.upload.history"))
names = files_with_history(data_dir)
if not names:
    st.caption(ctx.t("bench.upload.no_history"))
else:
    name = st.selectbox(ctx.t("bench.upload.file"), names, key="history_file")
    kept = versions(data_dir, name)
    labels = {v.id: workbench.version_label(v, ctx.lang) for v in kept}
    chosen = st.selectbox(
        ctx.t("bench.upload.version"), list(labels), format_func=labels.get, key="history_version"
    )
    clicked = st.button(ctx.t("bench.upload.restore"), icon=":material/history:")
    if chosen:

        def restore(name: str = name, chosen: str = chosen) -> bool:
            try:
                with st.spinner(ctx.t("bench.upload.rebuilding")):
                    restore_version(data_dir, name, chosen, by=_staff.actor())
            except UploadRejected as refused:
                st.error(ctx.t(refused.key, **refused.params), icon=":material/error:")
                return False
            st.toast(ctx.t("bench.upload.restored", name=name), icon=":material/history:")
            ctx.engine.recheck()
            return True

        _staff.ask_first(
            ctx,
            f"restore:{name}:{chosen}",
            clicked,
            ctx.t("bench.upload.restore_confirm", name=name, version=labels[chosen]),
            ctx.t("bench.upload.restore"),
            restore,
        )
