"""用户管理 Users (admins): the users file of ``mode = "users"``; the role mapping otherwise."""

from __future__ import annotations

import logging

import pandas as pd
import streamlit as st

from app_pages import _staff, _ui
from campaign import auth, views
from campaign.access import ROLES, Action
from campaign.contracts import DISTRICTS

ctx = _ui.context()
_staff.require(ctx, Action.MANAGE_USERS)
config = _staff.auth_config() or auth.LOCAL_CONFIG
log = logging.getLogger("campaign.auth")


def role_label(role: str) -> str:
    return ctx.t(f"auth.role.{role}")


def district_label(district: str | None) -> str:
    return views.scope_label(district, ctx.lang) if district else "—"


def table(rows: list[tuple[str, str | None, str, str | None]]) -> pd.DataFrame:
    return pd.DataFrame(
        [(n, shown or "—", role_label(role), district_label(d)) for n, shown, role, d in rows],
        columns=[
            ctx.t("auth.users.col.name"),
            ctx.t("auth.users.col.display"),
            ctx.t("auth.users.col.role"),
            ctx.t("auth.users.col.district"),
        ],
    )


if config.mode != "users" or config.users_file is None:
    st.info(
        ctx.t(
            "auth.users.only_users_mode",
            mode=config.mode,
            source=ctx.t(f"auth.users.source.{config.mode}"),
        ),
        icon=":material/info:",
    )
    people = [(n, p.display_name, p.role, p.district) for n, p in sorted(config.people.items())]
    if people:
        st.dataframe(table(people), hide_index=True, width="stretch")
    st.stop()

users_file = config.users_file
users = auth.load_users(users_file)
if users:
    rows = [(r.name, r.display_name, r.role, r.district) for r in users.values()]
    st.dataframe(table(sorted(rows)), hide_index=True, width="stretch")
else:
    st.caption(ctx.t("auth.users.none"))

left, right = st.columns([2, 1])
with left:
    _ui.heading(ctx.t("auth.users.edit"))
    with st.form("auth_user_edit", clear_on_submit=True):
        name = st.text_input(ctx.t("auth.users.col.name"), max_chars=64, key="users_name")
        shown = st.text_input(ctx.t("auth.users.col.display"), max_chars=80, key="users_shown")
        role = st.selectbox(
            ctx.t("auth.users.col.role"), ROLES, format_func=role_label, key="users_role"
        )
        district = st.selectbox(
            ctx.t("auth.users.col.district"),
            [None, *DISTRICTS],
            key="users_district",
            format_func=lambda d: (
                ctx.t("auth.users.no_district") if d is None else district_label(d)
            ),
        )
        password = st.text_input(
            ctx.t("auth.login.password"),
            type="password",
            autocomplete="new-password",
            key="users_password",
            help=ctx.t("auth.users.password_help"),
        )
        if st.form_submit_button(ctx.t("auth.users.save"), type="primary"):
            if password and len(password) < 8:
                st.error(ctx.t("auth.users.short_password"), icon=":material/error:")
            else:
                try:
                    record = auth.put_user(
                        users_file,
                        name,
                        role,
                        password=password or None,
                        district=district,
                        display_name=shown.strip() or None,
                    )
                except (ValueError, auth.AuthConfigError) as exc:
                    st.error(ctx.t("auth.users.invalid", reason=str(exc)), icon=":material/error:")
                else:
                    st.toast(ctx.t("auth.users.saved", name=record.name), icon=":material/check:")
                    st.rerun()
with right:
    _ui.heading(ctx.t("auth.users.remove"))
    if users:
        victim = st.selectbox(ctx.t("auth.users.col.name"), sorted(users), key="auth_remove")
        clicked = st.button(ctx.t("auth.users.remove_button"), icon=":material/person_remove:")
        me = _staff.current_user()
        if clicked and me is not None and victim == me.name:
            st.error(ctx.t("auth.users.not_self"), icon=":material/block:")
        else:

            def remove(name: str = victim) -> bool:
                auth.remove_user(users_file, name)
                log.info("user %s removed by %s", name, _staff.actor())
                st.toast(ctx.t("auth.users.removed", name=name), icon=":material/check:")
                return True

            _staff.ask_first(
                ctx,
                f"remove_user:{victim}",
                clicked,
                ctx.t("auth.users.remove_confirm", name=victim),
                ctx.t("auth.users.remove_button"),
                remove,
            )
