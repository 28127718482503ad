"""Application hardening on the pages, under AppTest (the dashboard as `streamlit run` runs
it): a missing targets.csv is a warning on the data status page, and a KPI's description
and owner reach the page escaped."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]

# One worker runs the AppTests, so they share the cached engine.
pytestmark = pytest.mark.xdist_group("apptest")


@pytest.fixture(autouse=True)
def keep_main_module():
    main = sys.modules["__main__"]
    yield
    sys.modules["__main__"] = main


def open_page(page: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    at.run()
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_a_missing_targets_csv_is_a_warning_on_the_data_status_page(tmp_path, monkeypatch):
    data = tmp_path / "data"
    data.mkdir()
    (data / "extracts").symlink_to(ROOT / "data" / "extracts", target_is_directory=True)
    monkeypatch.setenv("CAMPAIGN_DATA", str(data))
    monkeypatch.delenv("CAMPAIGN_QUERIES", raising=False)
    at = open_page("app_pages/data_status.py")
    expected = f"targets.csv：找不到目标表 {data / 'targets.csv'}"
    assert any(w.value.startswith(expected) for w in at.warning), [w.value for w in at.warning]


def test_a_kpi_description_with_a_link_reaches_the_page_escaped(tmp_path, monkeypatch):
    queries = tmp_path / "queries"
    shutil.copytree(ROOT / "queries", queries, ignore=shutil.ignore_patterns(".history"))
    path = queries / "chambers_new.sql"
    text = path.read_text(encoding="utf-8")
    text = text.replace("-- description: ", "-- description: [x](javascript:alert(4)) ", 1)
    path.write_text(text, encoding="utf-8")
    monkeypatch.delenv("CAMPAIGN_DATA", raising=False)
    monkeypatch.setenv("CAMPAIGN_QUERIES", str(queries))
    at = open_page("app_pages/kpi.py")
    at.selectbox(key="w_kpi").select("chambers_new").run()
    assert not at.exception
    (definition,) = [m.value for m in at.markdown if "**说明**" in m.value]
    assert r"\[x\]\(javascript\:alert\(4\)\)" in definition
    assert "[x](javascript" not in definition


def test_a_district_viewer_is_offered_the_note_form_for_their_own_district_only(
    tmp_path, monkeypatch
):
    from argon2 import PasswordHasher

    from app_pages import _ui
    from campaign import auth

    hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    auth.save_users(
        tmp_path / "users.toml",
        [auth.UserRecord("qian", hasher.hash("qian password"), "viewer", "城阳区")],
    )
    config = tmp_path / "auth.toml"
    config.write_text(
        f'mode = "users"\nusers_file = "users.toml"\nsecret = "{"k" * 40}"\n', encoding="utf-8"
    )
    monkeypatch.setenv("CAMPAIGN_AUTH", str(config))
    monkeypatch.setenv("CAMPAIGN_DATA", str(_data_copy(tmp_path / "data")))
    monkeypatch.delenv("CAMPAIGN_QUERIES", raising=False)
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    at.query_params.update({"scope": "city"})
    at.run()
    at.text_input(key="auth_name").input("qian")
    at.text_input(key="auth_password").input("qian password")
    at.button[0].click().run()
    at.switch_page("app_pages/kpi.py").run()
    assert not at.exception
    assert at.session_state[_ui.CONTEXT_KEY].filters.district is None  # 全市
    assert not at.text_area  # no add or edit form for the city's notes
    assert any("你只能为城阳区填写督办说明" in c.value for c in at.caption)
    at.selectbox(key="w_scope").select("城阳区").run()
    assert at.session_state[_ui.CONTEXT_KEY].filters.district == "城阳区"
    assert [a.label for a in at.text_area] == ["滞后原因", "整改措施"]


def _data_copy(folder: Path) -> Path:
    """The shipped sample with its own notes file (so a test writes none into data/)."""
    folder.mkdir(parents=True)
    (folder / "extracts").symlink_to(ROOT / "data" / "extracts", target_is_directory=True)
    (folder / "targets.csv").symlink_to(ROOT / "data" / "targets.csv")
    return folder
