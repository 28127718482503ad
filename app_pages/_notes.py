"""督办 follow-up notes on the KPI detail page: the notes of this KPI × scope × month, a form
to add one, and edits that keep every earlier version.

The KPI page calls :func:`notes_section` once. The store and its rules are in
:mod:`campaign.notes`; this file only lays them out.
"""

from __future__ import annotations

import logging
import sqlite3
from datetime import date

import streamlit as st

from app_pages._ui import PageContext, heading
from campaign import views
from campaign.access import User, may_write_note
from campaign.formatting import format_date, format_month
from campaign.notes import Note, NoteError, NotesStore, month_key

log = logging.getLogger("campaign.dashboard")
# The name typed in the form, remembered for the session (local mode has no login).
AUTHOR_KEY = "notes_author"


def _store(ctx: PageContext) -> NotesStore:
    return NotesStore.for_data(ctx.dataset.data_dir)


def _note_body(ctx: PageContext, note: Note) -> str:
    """Reason, action and due date as Markdown (user text escaped)."""
    due = format_date(note.due_date, ctx.lang) if note.due_date else ctx.t("notes.no_due")
    lines = [
        f"**{ctx.t('notes.reason')}**：{views.markdown_literal(note.reason) or '—'}",
        f"**{ctx.t('notes.action')}**：{views.markdown_literal(note.action) or '—'}",
        f"**{ctx.t('notes.due')}**：{due}",
    ]
    if ctx.lang == "en":
        lines = [line.replace("**：", "**: ") for line in lines]
    return "  \n".join(lines)


def _written(ctx: PageContext, note: Note, versions: int) -> str:
    if versions > 1:
        time = note.written(ctx.lang).split(" · ", 1)[-1]
        return ctx.t("notes.revised", author=note.author, time=time, versions=versions)
    return note.written(ctx.lang)


def _author_input(ctx: PageContext, key: str, author: str | None) -> str:
    if author is not None:
        st.caption(f"{ctx.t('notes.author')}：{author}")
        return author
    return st.text_input(
        ctx.t("notes.author"), value=st.session_state.get(AUTHOR_KEY, ""), key=key, max_chars=80
    )


def _form(
    ctx: PageContext, key: str, kpi_id: str, note: Note | None, author: str | None, user: User
) -> None:
    """The add form (``note`` None) or the edit form of ``note``; saving reruns the page."""
    with st.form(key, clear_on_submit=note is None, border=note is None):
        reason = st.text_area(
            ctx.t("notes.reason"), value=note.reason if note else "", max_chars=2000, height=90
        )
        action = st.text_area(
            ctx.t("notes.action"), value=note.action if note else "", max_chars=2000, height=90
        )
        left, right = st.columns(2)
        with left:
            due = st.date_input(
                ctx.t("notes.due"),
                value=note.due_date if note else None,
                min_value=date(2000, 1, 1),
                format="YYYY-MM-DD",
            )
        with right:
            name = _author_input(ctx, f"{key}_author", author)
        saved = st.form_submit_button(ctx.t("notes.save"), icon=":material/save:")
    if not saved:
        return
    try:
        store = _store(ctx)
        if note is None:
            store.add(
                kpi_id,
                ctx.filters.scope,
                month_key(ctx.filters.as_of),
                reason=reason,
                action=action,
                due_date=due,
                author=name,
                user=user,
            )
        else:
            store.revise(
                note.id, reason=reason, action=action, due_date=due, author=name, user=user
            )
    except NoteError as refused:
        st.error(refused.text(ctx.lang), icon=":material/error:")
        return
    if author is None:
        st.session_state[AUTHOR_KEY] = name.strip()
    st.toast(ctx.t("notes.saved"), icon=":material/check:")
    st.rerun()


def _note_card(
    ctx: PageContext,
    store: NotesStore,
    note: Note,
    versions: int,
    author: str | None,
    user: User | None,
) -> None:
    with st.container(border=True):
        st.markdown(_note_body(ctx, note))
        st.caption(_written(ctx, note, versions))
        if versions > 1:
            with st.expander(ctx.t("notes.history")):
                for old in reversed(store.history(note.id)[:-1]):
                    st.markdown(_note_body(ctx, old))
                    st.caption(old.written(ctx.lang))
        if user is not None and may_write_note(user, ctx.filters.district):
            with st.expander(ctx.t("notes.edit"), icon=":material/edit:"):
                _form(ctx, f"notes_edit_{note.id}", note.kpi_id, note, author, user)


def notes_section(
    ctx: PageContext, kpi_id: str, user: User | None, author: str | None = None
) -> None:
    """The 督办 section for ``kpi_id`` in the page's scope and as-of month.

    ``user`` is who is signed in: the forms show only where they may write (a
    district-limited user reads the 全市 notes but writes for their district only).
    ``author`` is the name shown (the login's); None asks for a name in the form and
    remembers it for the session.
    """
    definition = ctx.definition(kpi_id)
    month = month_key(ctx.filters.as_of)
    heading(ctx.t("notes.title"))
    st.caption(
        ctx.t(
            "notes.caption",
            kpi=definition.name(ctx.lang) if definition else kpi_id,
            scope=views.scope_label(ctx.filters.district, ctx.lang),
            month=format_month(ctx.filters.as_of, ctx.lang),
        )
    )
    store = _store(ctx)
    try:
        notes = store.current(kpi_id, ctx.filters.scope, year=ctx.filters.year, up_to=month)
        versions = store.versions(notes)
    except sqlite3.Error as exc:  # the page goes on without its notes; the log has details
        log.exception("notes store failed")
        st.error(
            ctx.t("notes.storage_error", path=str(store.path), detail=exc),
            icon=":material/error:",
        )
        return
    this_month = [n for n in notes if n.month == month]
    earlier = [n for n in notes if n.month != month]
    if not this_month:
        st.caption(ctx.t("notes.none"))
    for note in this_month:
        _note_card(ctx, store, note, versions.get(note.thread, 1), author, user)
    if earlier:
        with st.expander(f"{ctx.t('notes.earlier')} ({len(earlier)})"):
            for note in earlier:
                st.markdown(f"**{format_month(note.month + '-01', ctx.lang)}**")
                st.markdown(_note_body(ctx, note))
                st.caption(_written(ctx, note, versions.get(note.thread, 1)))
    if user is None or not may_write_note(user, ctx.filters.district):
        if user is not None and user.district:
            district = views.scope_label(user.district, ctx.lang)
            st.caption(ctx.t("notes.read_only_scope", district=district))
        return
    with st.expander(ctx.t("notes.add"), icon=":material/add_comment:", expanded=not this_month):
        _form(ctx, "notes_add", kpi_id, None, author, user)
