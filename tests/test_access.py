"""Who sees what (campaign.access): the role → pages matrix and the district rule."""

from __future__ import annotations

import pytest

from campaign.access import (
    LOCAL_USER,
    PAGE_ACTIONS,
    ROLES,
    Action,
    User,
    allowed,
    may_see_scope,
    pages_for,
    scope_for,
    scopes_for,
)
from campaign.contracts import DISTRICTS

EVERY_PAGE = tuple(PAGE_ACTIONS)
READER_PAGES = ("overview", "kpi", "districts", "data", "present")

# The roles, written out: each adds to the one before.
EXPECTED_PAGES = {
    "viewer": READER_PAGES,
    "analyst": (*READER_PAGES, "lab", "edit"),
    "steward": (*READER_PAGES, "lab", "edit", "upload"),
    "admin": (*READER_PAGES, "lab", "edit", "upload", "users"),
}


@pytest.mark.parametrize("role", ROLES)
def test_each_role_is_offered_exactly_its_pages(role):
    assert pages_for(User("someone", role), EVERY_PAGE) == EXPECTED_PAGES[role]


def test_nobody_signed_in_and_unknown_roles_get_nothing():
    assert pages_for(None, EVERY_PAGE) == ()
    assert pages_for(User("x", "superuser"), EVERY_PAGE) == ()
    assert not allowed(None, Action.VIEW)
    assert pages_for(User("x", "admin"), ["some_new_page"]) == ()  # unlisted pages: refused


def test_the_local_user_is_an_admin():
    assert pages_for(LOCAL_USER, EVERY_PAGE) == EVERY_PAGE


def test_a_district_user_sees_the_city_and_their_own_district_only():
    laixi = User("li.na", "viewer", "莱西市")
    assert scopes_for(laixi, DISTRICTS) == ("莱西市",)
    assert may_see_scope(laixi, None) and may_see_scope(laixi, "莱西市")
    assert not may_see_scope(laixi, "市南区")
    # A link to another district falls back to their own; the city stays the city.
    assert scope_for(laixi, "市南区") == "莱西市"
    assert scope_for(laixi, None) is None
    everyone = User("zhang", "admin")
    assert scopes_for(everyone, DISTRICTS) == DISTRICTS
    assert scope_for(everyone, "市南区") == "市南区"
