"""Who may do what: roles and actions, checked in one place.

Every guarded action in the app asks :func:`allowed` (pages through one helper), so a
role change is a change here only.  Roles are cumulative: an analyst can do what a viewer
can and more; a steward adds uploads; an admin can do everything, users included.

In local mode (no login configured) the person at the keyboard is :data:`LOCAL_USER`, an
admin, and the app shows a "本地模式" badge.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Action(StrEnum):
    VIEW = "view"
    SQL_LAB = "sql_lab"
    EDIT_KPI = "edit_kpi"
    UPLOAD = "upload"
    MANAGE_USERS = "manage_users"


ROLES: tuple[str, ...] = ("viewer", "analyst", "steward", "admin")

_ROLE_ACTIONS: dict[str, frozenset[Action]] = {
    "viewer": frozenset({Action.VIEW}),
    "analyst": frozenset({Action.VIEW, Action.SQL_LAB, Action.EDIT_KPI}),
    "steward": frozenset({Action.VIEW, Action.SQL_LAB, Action.EDIT_KPI, Action.UPLOAD}),
    "admin": frozenset(Action),
}


@dataclass(frozen=True)
class User:
    """A signed-in person; ``district`` limits them to one district's detail when set."""

    name: str
    role: str
    district: str | None = None
    display_name: str | None = None

    @property
    def label(self) -> str:
        return self.display_name or self.name


LOCAL_USER = User(name="local", role="admin", display_name="本地用户")


def allowed(user: User | None, action: Action) -> bool:
    """Whether ``user`` may do ``action`` (nobody may do anything when not signed in)."""
    if user is None:
        return False
    return action in _ROLE_ACTIONS.get(user.role, frozenset())


def may_see_scope(user: User | None, scope: str | None) -> bool:
    """A district-limited user sees the city overview and their own district only."""
    if user is None:
        return False
    if user.district is None or scope is None:
        return True
    return scope == user.district
