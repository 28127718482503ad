"""Who may do what: roles, actions, pages and districts, checked in one place.

Every guarded action in the app asks :func:`allowed` (pages through one helper), so a
role change is a change here only.  Roles are cumulative: an analyst can do what a viewer
can and more; a steward adds uploads; an admin can do everything, users included.

Pages: :data:`PAGE_ACTIONS` names the action each page needs.  A page the user may not use
is left out of the navigation (:func:`pages_for`), and the page script itself checks the
same action, so typing its address is refused too.

Districts (区市): a user may be limited to one district.  The rule is *their own district's
detail, plus the city-wide picture*: the scope selector offers 全市 and their district only,
and a link to another district's scope falls back to their own with a notice
(:func:`scope_for`).  City-wide comparisons that every district receives anyway in the
campaign's published rankings (the 区市对比 ranking and status matrix, the per-district
table of a KPI) stay visible; what they cannot open is another district's scope.

Follow-up notes (督办) follow the same rule for writing: a district-limited user writes notes
for their own district only, never for 全市 or another district (:func:`may_write_note`,
checked by :class:`campaign.notes.NotesStore` itself, so no page can forget it).

KPI files define every district's figure and the city's: a district-limited analyst drafts
and previews (on their own district's rows only) but does not save or roll back a KPI
(:func:`may_change_kpis`, checked by :mod:`campaign.query_files` itself).

In local mode (no login configured) the person at the keyboard is :data:`LOCAL_USER`, an
admin, and the app shows a "本地模式" badge.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
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

# The action each page of the navigation needs (keys as in app_pages/_ui.build_pages and
# app_pages/_staff.staff_pages).  A page missing here is refused: new pages must be listed.
PAGE_ACTIONS: dict[str, Action] = {
    "overview": Action.VIEW,
    "kpi": Action.VIEW,
    "districts": Action.VIEW,
    "data": Action.VIEW,
    "present": Action.VIEW,
    "lab": Action.SQL_LAB,
    "edit": Action.EDIT_KPI,
    "upload": Action.UPLOAD,
    "users": Action.MANAGE_USERS,
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


def actor(user: User | None) -> str:
    """How a history entry names who did it: display name and login name (李娜（li.na）)."""
    if user is None:
        return "?"
    if user.display_name and user.display_name != user.name:
        return f"{user.display_name}（{user.name}）"
    return user.name


def allowed(user: User | None, action: Action) -> bool:
    """Whether ``user`` may do ``action`` (nobody may do anything when not signed in)."""
    if user is None:
        return False
    return action in _ROLE_ACTIONS.get(user.role, frozenset())


def may_open_page(user: User | None, page_key: str) -> bool:
    """Whether ``user`` may open the page ``page_key`` (unknown pages: nobody)."""
    action = PAGE_ACTIONS.get(page_key)
    return action is not None and allowed(user, action)


def pages_for(user: User | None, page_keys: Iterable[str]) -> tuple[str, ...]:
    """The pages of ``page_keys`` that ``user`` may open, in the given order."""
    return tuple(key for key in page_keys if may_open_page(user, key))


def may_see_scope(user: User | None, scope: str | None) -> bool:
    """A district-limited user sees the city overview and their own district only."""
    if user is None:
        return False
    if user.district is None or scope is None:
        return True
    return scope == user.district


def may_write_note(user: User | None, scope: str | None) -> bool:
    """Whether ``user`` may write a follow-up note for ``scope`` (None or 全市 = city-wide).

    Anyone who may view may write for the scopes whose detail they may open; a
    district-limited user reads the city-wide picture but speaks for their district only.
    """
    if not allowed(user, Action.VIEW):
        return False
    assert user is not None
    if user.district is None:
        return True
    return scope == user.district


def may_change_kpis(user: User | None) -> bool:
    """Whether ``user`` may save, create or roll back a KPI file: the KPI editors who are not
    limited to a district (a KPI file gives every district's figure, and a district-limited
    user's preview only ever ran on their own district's rows)."""
    return allowed(user, Action.EDIT_KPI) and user is not None and user.district is None


def scopes_for(user: User | None, districts: Sequence[str]) -> tuple[str, ...]:
    """The districts ``user`` may choose as the scope (all of them unless limited)."""
    return tuple(d for d in districts if may_see_scope(user, d))


def scope_for(user: User | None, district: str | None) -> str | None:
    """The scope ``user`` gets when asking for ``district`` (None = 全市).

    Another district than their own falls back to their own district, the detail they
    may see; the caller tells them so.
    """
    if user is None:
        return None
    return district if may_see_scope(user, district) else user.district
