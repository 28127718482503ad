"""Streamlit glue for sign-in and the staff pages: who is signed in, the login gate, the
user badge, the pages and districts a user is offered, and the one role check.

Every guarded page and action calls :func:`require` / :func:`may`; the rules themselves are
in :mod:`campaign.access`, the sign-in logic in :mod:`campaign.auth`.  ``app_pages/_ui.frame``
calls :func:`gate` before anything is computed or drawn, :func:`allowed_pages` when it
declares the navigation, :func:`limit_view` after reading the view, :func:`scopes` for the
scope selector and :func:`badge` at the end of the sidebar.
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import streamlit as st

from campaign import access, auth, views
from campaign.access import LOCAL_USER, Action, User, allowed
from campaign.app_state import Notice, View
from campaign.contracts import CITY
from campaign.i18n import normalise_language, t

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from app_pages._ui import PageContext

log = logging.getLogger("campaign.auth")

USER_KEY = "user"
SESSION_KEY = "auth_session"  # the auth.Session of a users-file sign-in
TOKEN_KEY = "auth_token"  # its token, written into the browser's cookie
DROPPED_KEY = "auth_dropped_cookie"  # a cookie refused or signed out in this browser tab
NOTICE_KEY = "auth_notice"  # why the login screen is shown (expired, signed out)


@dataclass(frozen=True)
class Request:
    """What the browser's connection says: peer address, headers, cookies."""

    peer: str | None
    headers: Mapping[str, str]
    cookies: Mapping[str, str]


def request() -> Request:
    """The current connection (tests replace this function to play a proxy or a browser).

    Streamlit reports a loopback peer as ``None`` (``st.context.ip_address``), and a
    session with no browser connection (AppTest) too; both are this machine, so ``None``
    becomes 127.0.0.1, which is trusted only if ``trusted_proxies`` lists it.
    """
    return Request(
        peer=st.context.ip_address or "127.0.0.1",
        headers=st.context.headers.to_dict(),
        cookies=st.context.cookies.to_dict(),
    )


@st.cache_resource(show_spinner=False)
def _guard(path: str | None) -> auth.LoginGuard:
    """One failed-login store per process (its SQLite file is shared between processes)."""
    from pathlib import Path

    try:
        return auth.LoginGuard(Path(path) if path else None)
    except (OSError, sqlite3.Error) as exc:  # e.g. state_dir not writable: count per process
        log.error("cannot open %s (%s): failed logins counted in this process only", path, exc)
        return auth.LoginGuard(None)


def guard(config: auth.AuthConfig) -> auth.LoginGuard:
    path = config.attempts_path
    return _guard(str(path) if path else None)


def auth_config() -> auth.AuthConfig | None:
    """The auth config, or None when it is broken (logged; everyone is refused then)."""
    try:
        config = auth.load_config()
    except auth.AuthConfigError as exc:
        log.error("auth config unusable, refusing everyone: %s", exc)
        return None
    if config.trusted_proxies and os.environ.get("FORWARDED_ALLOW_IPS") != "":
        _warn_once(
            "trusted_proxies is set but FORWARDED_ALLOW_IPS is not empty: Streamlit's server "
            "may replace a loopback peer's address with X-Forwarded-For (see "
            "deploy/campaign-kpi@.service)"
        )
    return config


@st.cache_resource(show_spinner=False)
def _warn_once(message: str) -> None:
    log.warning(message)


def current_user() -> User | None:
    """The signed-in user; in local mode (no login configured) the local admin."""
    user = st.session_state.get(USER_KEY)
    if user is not None:
        return user
    config = auth_config()
    return LOCAL_USER if config is not None and config.is_local else None


def author() -> str | None:
    """Who writes (e.g. a follow-up note): the signed-in user's name; None in local mode,
    where the form asks for it."""
    config = auth_config()
    user = current_user()
    if config is None or config.is_local or user is None:
        return None
    return user.label


def may(action: Action) -> bool:
    return allowed(current_user(), action)


def require(ctx: PageContext, action: Action) -> None:
    """Stop the page with a clear message unless the user may do ``action``."""
    if not may(action):
        st.error(ctx.t("bench.denied"), icon=":material/lock:")
        st.stop()


# ---------------------------------------------------------------- the gate


def gate(lang: str | None = None) -> User:
    """The user for this run, or the login screen (or a refusal) and stop.

    Runs before the frame opens the data, so nothing is computed or shown to anyone who
    is not let in.  ``lang`` defaults to the session's view, else the link's ``lang``.
    """
    lang = lang or _language()
    config = auth_config()
    if config is None:
        _closed(lang, "auth.refused.config")
    assert config is not None
    if config.is_local:
        address = st.get_option("server.address")
        if auth.serves_network(address):
            _warn_once(
                f"local mode (no login, everyone is an admin) is served on {address or 'every'}"
                " interface: anyone who can reach this machine is an admin; set CAMPAIGN_AUTH"
                " or bind 127.0.0.1 (make run does)"
            )
        return st.session_state.get(USER_KEY) or LOCAL_USER
    if config.mode == "header":
        user = _header_user(config, lang)
    elif config.mode == "oidc":
        user = _oidc_user(config, lang)
    else:
        user = _users_file_user(config, lang)
    st.session_state[USER_KEY] = user
    return user


def _language() -> str:
    from app_pages import _ui

    view: View | None = st.session_state.get(_ui.VIEW_KEY)
    if view is not None:
        return view.lang
    return normalise_language(str(st.query_params.get("lang", "")).lower())


def _header_user(config: auth.AuthConfig, lang: str) -> User:
    req = request()
    try:
        return auth.header_user(config, req.peer, req.headers)
    except auth.Refused as refused:
        st.session_state.pop(USER_KEY, None)
        _closed(lang, f"auth.refused.{refused.reason}", name=refused.detail)
        raise  # not reached: _closed stops the run


def _oidc_user(config: auth.AuthConfig, lang: str) -> User:
    from app_pages import _login

    try:
        return auth.oidc_user(config, st.user.to_dict())
    except auth.Refused as refused:
        st.session_state.pop(USER_KEY, None)
        if refused.reason == "signed_out":
            _hidden_navigation(lang)
            _login.oidc_screen(config, lang)
            st.stop()
        if refused.reason == "expired":
            st.logout()
        _closed(
            lang,
            f"auth.refused.{refused.reason}",
            signed_in=True,
            name=refused.detail,
            claim=config.oidc_claim,
        )
        raise


def _users_file_user(config: auth.AuthConfig, lang: str) -> User:
    from app_pages import _login

    state = st.session_state
    keeper = guard(config)
    session: auth.Session | None = state.get(SESSION_KEY)
    if session is not None:
        try:
            session = auth.recheck(config, keeper, session)
        except auth.Refused as refused:
            log.info("session of %r ended: %s", session.user.name, refused.reason)
            _forget_session(notice=refused.reason)
            session = None
    if session is None:
        session = _session_from_cookie(config, keeper)
    if session is None:
        _hidden_navigation(lang)
        _login.users_screen(config, keeper, lang)
        st.stop()
    assert session is not None
    state[SESSION_KEY] = session
    return session.user


def _session_from_cookie(config: auth.AuthConfig, keeper: auth.LoginGuard) -> auth.Session | None:
    req = request()
    token = req.cookies.get(config.cookie_name)
    if not token or token == st.session_state.get(DROPPED_KEY):
        return None
    try:
        session = auth.restore_session(config, keeper, token)
    except auth.Refused as refused:
        level = logging.WARNING if refused.reason in ("tampered", "malformed") else logging.INFO
        address = auth.client_address(config, req.peer, req.headers)
        log.log(level, "session cookie refused (%s) from %s", refused.reason, address)
        st.session_state[DROPPED_KEY] = token
        if refused.reason == "expired":
            st.session_state[NOTICE_KEY] = "expired"
        return None
    st.session_state[TOKEN_KEY] = token
    return session


def signed_in(session: auth.Session, token: str) -> None:
    """Keep a fresh sign-in: in the session, and (on the next run) in the browser's cookie."""
    st.session_state[SESSION_KEY] = session
    st.session_state[TOKEN_KEY] = token
    st.session_state[USER_KEY] = session.user
    st.session_state.pop(NOTICE_KEY, None)


def _forget_session(notice: str | None) -> None:
    """Sign this tab out; the cookie its connection carries is never taken again."""
    state = st.session_state
    config = auth_config() or auth.LOCAL_CONFIG
    cookie = request().cookies.get(config.cookie_name)
    if cookie:
        state[DROPPED_KEY] = cookie
    for key in (SESSION_KEY, USER_KEY, TOKEN_KEY):
        state.pop(key, None)
    if notice:
        state[NOTICE_KEY] = notice


def sign_out() -> None:
    """End the session here and for its cookie everywhere (the sign-out button)."""
    config = auth_config()
    if config is None:
        return
    if config.mode == "users":
        session: auth.Session | None = st.session_state.get(SESSION_KEY)
        if session is not None:
            guard(config).end_session(session.session_id, session.expires_at)
            log.info("logout: user=%r", session.user.name)
        _forget_session(notice="signed_out")
    elif config.mode == "oidc":
        st.session_state.pop(USER_KEY, None)
        st.logout()


def _hidden_navigation(lang: str) -> None:
    """Declare every page, hidden, so the address the user asked for survives the login
    (and Streamlit does not list the app_pages/ folder by itself)."""
    from app_pages import _ui

    pages = {**_ui.build_pages(lang), **staff_pages(lang)}
    st.navigation(list(pages.values()), position="hidden")


def _closed(lang: str, key: str, signed_in: bool = False, **params: object) -> None:
    """A refusal instead of the app: a message, no navigation, nothing else; stops."""
    from app_pages import _login

    _hidden_navigation(lang)
    _login.refusal_screen(lang, key, signed_in=signed_in, **params)
    st.stop()


# ---------------------------------------------------------------- navigation and scope


def staff_pages(lang: str) -> dict[str, st.Page]:
    """The staff pages, keyed as in :data:`campaign.access.PAGE_ACTIONS`."""
    return {
        "lab": st.Page(
            "app_pages/lab.py",
            title=t("bench.page.lab", lang),
            icon=":material/terminal:",
            url_path="lab",
        ),
        "edit": st.Page(
            "app_pages/kpi_edit.py",
            title=t("bench.page.edit", lang),
            icon=":material/edit_note:",
            url_path="edit",
        ),
        "upload": st.Page(
            "app_pages/upload.py",
            title=t("bench.page.upload", lang),
            icon=":material/upload_file:",
            url_path="upload",
        ),
        "users": st.Page(
            "app_pages/users.py",
            title=t("auth.page.users", lang),
            icon=":material/group:",
            url_path="users",
        ),
    }


def allowed_pages(pages: dict[str, st.Page], lang: str) -> dict[str, st.Page]:
    """``pages`` plus the staff pages, less every page the user may not open."""
    user = current_user()
    every = {**pages, **staff_pages(lang)}
    return {key: page for key, page in every.items() if access.may_open_page(user, key)}


def scopes(districts: Sequence[str]) -> tuple[str, ...]:
    """The districts the scope selector offers this user."""
    return access.scopes_for(current_user(), districts)


def limit_view(view: View, notices: list[Notice]) -> tuple[View, list[Notice]]:
    """The view with a scope the user may see; another district's becomes their own."""
    from app_pages import _ui

    scope = access.scope_for(current_user(), view.district)
    if scope == view.district:
        return view, notices
    view = replace(view, district=scope)
    st.session_state[_ui.VIEW_KEY] = view
    st.session_state[_ui.WIDGET_KEYS["district"]] = scope or CITY
    label = views.scope_label(scope, view.lang)
    return view, [*notices, Notice("auth.notice.district_limited", {"district": label})]


# ---------------------------------------------------------------- the badge


def badge(lang: str) -> None:
    """Who is signed in (or "本地模式"), a sign-out button, and the session cookie."""
    config = auth_config() or auth.LOCAL_CONFIG
    user = current_user()
    if config.is_local or user is None:
        st.badge(t("auth.badge.local", lang), icon=":material/computer:", color="orange")
        st.caption(t("auth.badge.local_help", lang))
        return
    role = t(f"auth.role.{user.role}", lang)
    st.badge(
        t("auth.badge.user", lang, name=user.label, role=role),
        icon=":material/person:",
        color="blue",
    )
    if user.district:
        st.caption(t("auth.badge.district", lang, district=views.scope_label(user.district, lang)))
    if config.mode in ("users", "oidc"):
        st.button(
            t("auth.logout", lang), icon=":material/logout:", on_click=sign_out, key="auth_logout"
        )
    token = st.session_state.get(TOKEN_KEY)
    session: auth.Session | None = st.session_state.get(SESSION_KEY)
    if config.mode == "users" and token and session is not None:
        if request().cookies.get(config.cookie_name) != token:
            set_cookie(config.cookie_name, token, max(0, int(session.expires_at - time.time())))


def cookie_path() -> str:
    """The app's path (``/kpi`` behind nginx): the cookie is sent to the app only."""
    base = str(st.get_option("server.baseUrlPath") or "").strip("/")
    return f"/{base}" if base else "/"


def set_cookie(name: str, value: str, max_age: int) -> None:
    """Write a cookie from the page (Streamlit has no server-side Set-Cookie for apps).

    ``name`` and ``value`` are a checked cookie name and a base64url token, so nothing
    from a user reaches the script.
    """
    cookie = f"{name}={value}; Path={cookie_path()}; Max-Age={max_age}; SameSite=Strict"
    st.html(
        "<script>document.cookie = "
        f"{json.dumps(cookie)} + (location.protocol === 'https:' ? '; Secure' : '');</script>",
        unsafe_allow_javascript=True,
    )


def clear_cookie(name: str) -> None:
    set_cookie(name, "", 0)


# ---------------------------------------------------------------- confirmations


def actor() -> str:
    """Who is doing something now, as the histories record it (access.actor)."""
    return access.actor(current_user())


CONFIRM_KEY = "confirm_pending"  # the action whose confirmation dialog is open


def ask_first(
    ctx: PageContext,
    action: str,
    clicked: bool,
    question: str,
    confirm_label: str,
    do: Callable[[], bool],
) -> None:
    """Confirm a destructive action in a dialog before ``do`` runs.

    ``action`` names the action and its target (``remove_user:zhao``); ``clicked`` is its
    button's value this run. The dialog opens on the click and stays open over reruns until
    its confirm button (``do`` runs; when it returns True the page reruns, else its error
    stays shown in the dialog), its cancel button or its close button.
    """
    state = st.session_state
    if clicked:
        state[CONFIRM_KEY] = action
    if state.get(CONFIRM_KEY) != action:
        return

    def forget() -> None:
        state.pop(CONFIRM_KEY, None)

    @st.dialog(ctx.t("ui.confirm.title"), on_dismiss=forget)
    def ask() -> None:
        st.markdown(question)
        yes, no = st.columns(2)
        if yes.button(confirm_label, type="primary", key="confirm_yes", width="stretch"):
            if do():
                forget()
                st.rerun()
        if no.button(ctx.t("ui.confirm.cancel"), key="confirm_no", width="stretch"):
            forget()
            st.rerun()

    ask()
