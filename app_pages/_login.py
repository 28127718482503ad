"""The screens shown instead of the app: the login form, the identity-provider button and
refusals.  Called by the gate in ``app_pages/_staff.py``; the app's pages never run before it
has let the user in.

(A helper module, hence the underscore: Streamlit never lists it as a page, and the
sign-in must not be a page one can navigate to while signed in.)
"""

from __future__ import annotations

import math

import streamlit as st

from app_pages import _staff
from campaign import auth
from campaign.i18n import t


def _narrow() -> st.delta_generator.DeltaGenerator:
    _, middle, _ = st.columns([1, 2, 1])
    return middle


def users_screen(config: auth.AuthConfig, keeper: auth.LoginGuard, lang: str) -> None:
    """The login form of ``mode = "users"``; a success signs in and reruns."""
    with _narrow():
        st.title(t("auth.login.title", lang), anchor=False)
        notice = st.session_state.get(_staff.NOTICE_KEY)
        if notice == "signed_out":
            st.info(t("auth.login.signed_out", lang), icon=":material/logout:")
        elif notice is not None:
            st.info(t("auth.refused.expired", lang), icon=":material/schedule:")
        st.caption(t("auth.login.intro", lang))
        # clear_on_submit: the password does not stay in the session after this run.
        with st.form("auth_login", clear_on_submit=True, enter_to_submit=True):
            name = st.text_input(
                t("auth.login.name", lang), key="auth_name", autocomplete="username", max_chars=64
            )
            password = st.text_input(
                t("auth.login.password", lang),
                key="auth_password",
                type="password",
                autocomplete="current-password",
                max_chars=256,
            )
            submitted = st.form_submit_button(
                t("auth.login.submit", lang), type="primary", icon=":material/login:"
            )
        if submitted:
            req = _staff.request()
            address = auth.client_address(config, req.peer, req.headers)
            result = auth.login(config, keeper, name, password, address)
            if result.session is not None and result.token is not None:
                _staff.signed_in(result.session, result.token)
                st.rerun()
            minutes = max(1, math.ceil(result.retry_after / 60))
            st.error(
                t(f"auth.refused.{result.refused}", lang, minutes=minutes), icon=":material/lock:"
            )
    # Whatever session cookie the browser holds was not accepted: drop it.
    _staff.clear_cookie(config.cookie_name)


def oidc_screen(config: auth.AuthConfig, lang: str) -> None:
    """The button that sends the user to the identity provider (``st.login``)."""
    with _narrow():
        st.title(t("auth.login.title", lang), anchor=False)
        if st.button(t("auth.login.oidc", lang), type="primary", icon=":material/badge:"):
            try:
                if config.oidc_provider:
                    st.login(config.oidc_provider)
                else:
                    st.login()
            except Exception:  # no or wrong [auth] secrets: a configuration error
                _staff.log.exception("st.login failed")
                st.error(t("auth.refused.config", lang), icon=":material/error:")


def refusal_screen(lang: str, key: str, *, signed_in: bool = False, **params: object) -> None:
    """Why this user is not let in; an identity-provider user may sign out and switch."""
    with _narrow():
        st.title(t("auth.login.title", lang), anchor=False)
        st.error(t(key, lang, **params), icon=":material/block:")
        if signed_in:
            st.button(t("auth.logout", lang), icon=":material/logout:", on_click=st.logout)
