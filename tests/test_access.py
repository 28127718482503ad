"""Who sees what: the role → pages matrix and the district rule (campaign.access), and the
same in the app under AppTest: local mode, a viewer by address, a district user, the
users-file login, a forged proxy header, identity-provider users, a broken config."""

from __future__ import annotations

import shutil
import sys
import time
from dataclasses import replace
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from streamlit.testing.v1 import AppTest

from app_pages import _staff, _ui
from campaign import auth
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


# ---------------------------------------------------------------- in the app (AppTest)

ROOT = Path(__file__).resolve().parents[1]
FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


@pytest.fixture(autouse=True)
def keep_main_module():
    """AppTest leaves the script as ``__main__``; put the real one back (see test_app)."""
    main = sys.modules["__main__"]
    yield
    sys.modules["__main__"] = main


@pytest.fixture(autouse=True)
def shipped_data(monkeypatch):
    monkeypatch.delenv("CAMPAIGN_DATA", raising=False)
    monkeypatch.delenv("CAMPAIGN_QUERIES", raising=False)
    monkeypatch.delenv("CAMPAIGN_AUTH", raising=False)


def run_app(
    user: User | None = None, query: dict[str, str] | None = None, **state: object
) -> AppTest:
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    at.query_params.update(query or {})
    if user is not None:
        at.session_state[_staff.USER_KEY] = user
    for key, value in state.items():
        at.session_state[key] = value
    return at.run()


def nav_pages(at: AppTest) -> tuple[str, ...]:
    return tuple(at.session_state[_ui.CONTEXT_KEY].pages)


def shows_figures(at: AppTest) -> bool:
    """Whether the header with the as-of date and 序时进度 was drawn (its CSS is not)."""
    return any('<div class="kh-facts">' in node.proto.body for node in at.get("html"))


def texts(nodes) -> str:
    return " ".join(str(node.value) for node in nodes)


pytestmark = pytest.mark.xdist_group("apptest")


def test_local_mode_is_an_admin_with_a_visible_badge():
    at = run_app()
    assert not at.exception
    assert nav_pages(at) == EXPECTED_PAGES["admin"]
    assert "本地模式" in texts(at.sidebar.markdown)


def test_a_viewer_is_not_offered_the_lab_or_uploads_and_cannot_open_them_by_address():
    viewer = User("v", "viewer")
    at = run_app(viewer)
    assert nav_pages(at) == READER_PAGES
    # /lab and /upload are not pages of a viewer's app: there is nothing to switch to
    # (in a browser the address opens the overview: tests/e2e/test_nginx.py).
    for script in ("app_pages/lab.py", "app_pages/upload.py"):
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            at.switch_page(script)


def test_the_staff_pages_refuse_a_viewer_by_themselves(monkeypatch):
    """Even where Streamlit runs a page the navigation did not offer (a fresh server runs a
    app_pages/ script for its first request), the page's own role check refuses."""
    staff_pages = _staff.staff_pages
    monkeypatch.setattr(_staff, "allowed_pages", lambda pages, lang: {**pages, **staff_pages(lang)})
    at = run_app(User("v", "viewer"))
    for script in (
        "app_pages/lab.py",
        "app_pages/upload.py",
        "app_pages/kpi_edit.py",
        "app_pages/users.py",
    ):
        at.switch_page(script).run()
        assert "您的角色无权使用此页面。" in texts(at.error), script
        assert not at.text_area and not at.get("file_uploader") and not at.text_input, script


def test_a_district_user_cannot_open_another_districts_detail():
    at = run_app(User("li.na", "viewer", "莱西市"), {"scope": "shinan"})
    assert at.session_state[_ui.CONTEXT_KEY].filters.district == "莱西市"
    assert "您的账号只能查看莱西市的明细" in texts(at.warning)
    scope = next(box for box in at.sidebar.selectbox if box.label == "范围")
    assert scope.options == ["全市", "莱西市"]
    assert at.query_params["scope"] == "laixi"  # the address now says what is shown


@pytest.fixture
def users_mode(tmp_path, monkeypatch) -> Path:
    monkeypatch.setattr(auth, "_hasher", FAST_HASHER)
    users = tmp_path / "users.toml"
    auth.save_users(
        users,
        [
            auth.UserRecord("zhao", FAST_HASHER.hash("zhao password"), "analyst"),
            auth.UserRecord("qian", FAST_HASHER.hash("qian password"), "viewer", "城阳区"),
            auth.UserRecord("sun", FAST_HASHER.hash("sun password"), "admin"),
        ],
    )
    config = tmp_path / "auth.toml"
    config.write_text(
        f'mode = "users"\nusers_file = "users.toml"\nsecret = "{"k" * 40}"\n', encoding="utf-8"
    )
    monkeypatch.setenv("CAMPAIGN_AUTH", str(config))
    return config


def sign_in(at: AppTest, name: str, password: str) -> AppTest:
    at.text_input(key="auth_name").input(name)
    at.text_input(key="auth_password").input(password)
    return at.button[0].click().run()


def test_with_a_users_file_nothing_shows_before_the_right_password(users_mode):
    at = run_app(query={"scope": "chengyang"})
    assert not at.exception and not shows_figures(at) and not at.sidebar.selectbox
    assert at.title[0].value == "登录攻势看板"
    sign_in(at, "zhao", "wrong password")
    assert "用户名或密码不正确。" in texts(at.error) and not shows_figures(at)
    sign_in(at, "zhao", "zhao password")
    assert not at.exception and shows_figures(at)
    assert nav_pages(at) == EXPECTED_PAGES["analyst"]
    assert "zhao · 分析" in texts(at.sidebar.markdown)
    assert at.session_state[_ui.CONTEXT_KEY].filters.district == "城阳区"  # the link survived


def test_a_district_viewer_signs_in_to_their_pages_and_an_expired_session_signs_out(users_mode):
    at = run_app()
    sign_in(at, "QIAN", "qian password")
    assert nav_pages(at) == READER_PAGES
    scope = next(box for box in at.sidebar.selectbox if box.label == "范围")
    assert scope.options == ["全市", "城阳区"]
    session = at.session_state[_staff.SESSION_KEY]
    at.session_state[_staff.SESSION_KEY] = replace(session, expires_at=time.time() - 1)
    at.run()
    assert not shows_figures(at) and "登录已过期，请重新登录。" in texts(at.info)


def test_an_admin_adds_a_user_on_the_users_page_with_a_hashed_password(users_mode):
    at = sign_in(run_app(), "sun", "sun password")
    at.switch_page("app_pages/users.py").run()
    at.text_input(key="users_name").input("zhou")
    at.selectbox(key="users_role").select("steward")
    at.selectbox(key="users_district").select("胶州市")
    at.text_input(key="users_password").input("zhou password")
    next(button for button in at.button if button.label == "保存").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    record = auth.load_users(users_mode.parent / "users.toml")["zhou"]
    assert (record.role, record.district) == ("steward", "胶州市")
    assert auth.verify_password(record.password_hash, "zhou password")
    assert "zhou password" not in (users_mode.parent / "users.toml").read_text()


def test_a_forged_proxy_header_from_an_unlisted_address_is_refused(tmp_path, monkeypatch):
    config = tmp_path / "auth.toml"
    config.write_text(
        'mode = "header"\ntrusted_proxies = ["10.20.0.0/16"]\n'
        '[people."zhang.wei"]\nrole = "steward"\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("CAMPAIGN_AUTH", str(config))
    headers = {"X-Remote-User": "zhang.wei"}
    monkeypatch.setattr(_staff, "request", lambda: _staff.Request("10.9.9.9", headers, {}))
    at = run_app()
    assert "访问被拒绝" in texts(at.error) and not shows_figures(at)
    monkeypatch.setattr(_staff, "request", lambda: _staff.Request("10.20.0.5", headers, {}))
    at = run_app()
    assert shows_figures(at) and nav_pages(at) == EXPECTED_PAGES["steward"]


def test_identity_provider_users_get_the_role_of_the_mapping(tmp_path, monkeypatch):
    config = tmp_path / "auth.toml"
    config.write_text(
        'mode = "oidc"\n[people."li.na@qd.gov.cn"]\nrole = "viewer"\ndistrict = "莱西市"\n',
        encoding="utf-8",
    )
    monkeypatch.setenv("CAMPAIGN_AUTH", str(config))
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    at.user = {"is_logged_in": False}
    at.run()
    assert at.button[0].label == "使用单位账号登录" and not shows_figures(at)
    at.user = {"is_logged_in": True, "email": "li.na@qd.gov.cn"}
    at.run()
    assert shows_figures(at) and nav_pages(at) == READER_PAGES
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    at.user = {"is_logged_in": True, "email": "stranger@example.com"}
    at.run()
    assert "尚未开通看板权限" in texts(at.error) and not shows_figures(at)


def test_a_broken_auth_config_closes_the_dashboard_instead_of_opening_it(tmp_path, monkeypatch):
    config = tmp_path / "auth.toml"
    config.write_text('mode = "users"\n', encoding="utf-8")  # no users file, no secret
    monkeypatch.setenv("CAMPAIGN_AUTH", str(config))
    at = run_app()
    assert "登录配置有误" in texts(at.error) and not shows_figures(at)


def test_the_example_auth_config_in_deploy_is_valid(tmp_path):
    example = tmp_path / "auth.toml"
    shutil.copy(ROOT / "deploy" / "auth.example.toml", example)
    (tmp_path / "session.secret").write_text(auth.new_secret())
    config = auth.load_config(example)
    assert config.mode == "users" and config.people["li.na@qd.gov.cn"].district == "莱西市"
