"""Streamlit glue for the staff pages: who is signed in, and the one role check.

Every guarded page and action calls :func:`require` / :func:`may`; the rules themselves are
in :mod:`campaign.access`.
"""

from __future__ import annotations

import streamlit as st

from campaign.access import LOCAL_USER, Action, User, allowed
from pages._ui import PageContext

USER_KEY = "user"


def current_user() -> User:
    """The signed-in user; in local mode (no login configured) the local admin."""
    return st.session_state.get(USER_KEY) or LOCAL_USER


def may(action: Action) -> bool:
    return allowed(current_user(), action)


def require(ctx: PageContext, action: Action) -> None:
    """Stop the page with a clear message unless the user may do ``action``."""
    if not may(action):
        st.error(ctx.t("bench.denied"), icon=":material/lock:")
        st.stop()
