"""Destructive one-click actions ask first; uploads, restores, KPI saves and rollbacks say who.

Removing a user, restoring an extract version and rolling back a KPI open a dialog (请确认):
nothing changes until its confirm button, and 取消 changes nothing. Every upload, restore,
KPI save and rollback writes who did it into the history's log (with the time, the kept
version's id), and the pages show it.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from app_pages import _staff
from campaign import auth
from campaign.access import LOCAL_USER, User, actor
from campaign.query_files import query_versions, rollback_query, save_query
from campaign.uploads import accept_upload, restore_version, versions
from campaign.workbench import version_label
from tests import test_access

# The users-file fixtures and helpers of the access tests.
keep_main_module = test_access.keep_main_module
shipped_data = test_access.shipped_data
users_mode = test_access.users_mode
run_app = test_access.run_app
sign_in = test_access.sign_in

ROOT = Path(__file__).resolve().parents[1]
HEADER = "对接日期,区市,企业名称,金融机构,融资方式,融资金额（万元）"

pytestmark = pytest.mark.xdist_group("apptest")


# ---------------------------------------------------------------- who did it (engine)


def test_a_history_names_a_person_by_display_and_login_name():
    assert actor(User("li.na", "steward", display_name="李娜")) == "李娜（li.na）"
    assert actor(User("zhao", "analyst")) == "zhao"
    assert actor(LOCAL_USER) == "本地用户（local）"


def test_an_upload_and_a_restore_record_who_did_them(tmp_path):
    data = tmp_path / "data"
    (data / "extracts").mkdir(parents=True)
    shutil.copy2(ROOT / "data" / "targets.csv", data / "targets.csv")
    name = "financing_2022_城阳区.csv"
    first = f"{HEADER}\n2022-05-01,城阳区,甲公司,青岛银行,贷款,100\n".encode()
    second = f"{HEADER}\n2022-05-01,城阳区,甲公司,青岛银行,贷款,300\n".encode()
    accept_upload(data, name, first, by="李娜（li.na）")  # keeps "no file"
    accept_upload(data, name, second, by="李娜（li.na）")  # keeps the 100
    kept_100 = versions(data, name)[0]
    restore_version(data, name, kept_100.id, by="zhao")  # keeps the 300
    newest, middle, oldest = versions(data, name)
    assert (newest.action, newest.by) == ("restore", "zhao")
    assert (middle.action, middle.by) == ("upload", "李娜（li.na）")
    assert (oldest.action, oldest.by, oldest.size) == ("upload", "李娜（li.na）", None)
    assert "操作人：zhao" in version_label(newest, "zh")
    assert "by zhao" in version_label(newest, "en")
    log = [json.loads(line) for line in (data / "history" / name / "log.jsonl").open()]
    assert [(e["action"], e["by"]) for e in log] == [
        ("upload", "李娜（li.na）"),
        ("upload", "李娜（li.na）"),
        ("restore", "zhao"),
    ]
    assert (
        "300" in (data / "extracts" / name).read_text()
        or "100" in (data / "extracts" / name).read_text()
    )
    assert ",100\n" in (data / "extracts" / name).read_text()


def test_a_kpi_save_and_rollback_record_who_did_them(tmp_path):
    queries = tmp_path / "queries"
    shutil.copytree(ROOT / "queries", queries, ignore=shutil.ignore_patterns(".history"))
    original = (queries / "financing_amount.sql").read_text("utf-8")
    save_query(queries, "financing_amount", original + "-- edited\n", user=User("zhao", "analyst"))
    (kept,) = query_versions(queries, "financing_amount")
    assert (kept.action, kept.by, kept.text) == ("save", "zhao", original)
    li_na = User("li.na", "steward", display_name="李娜")
    rollback_query(queries, "financing_amount", kept.id, user=li_na)
    newest, _replaced_by_save = query_versions(queries, "financing_amount")
    assert (newest.action, newest.by) == ("rollback", "李娜（li.na）")
    assert newest.text == original + "-- edited\n"
    assert (queries / "financing_amount.sql").read_text("utf-8") == original


def test_versions_kept_before_the_log_existed_have_no_person(tmp_path):
    queries = tmp_path / "queries"
    shutil.copytree(ROOT / "queries", queries, ignore=shutil.ignore_patterns(".history"))
    folder = queries / ".history" / "financing_amount"
    folder.mkdir(parents=True)
    (folder / "20220101T000000000000Z.sql").write_text("SELECT 1\n", encoding="utf-8")
    (old,) = query_versions(queries, "financing_amount")
    assert (old.action, old.by) == ("save", None)


# ---------------------------------------------------------------- the dialogs (pages)


def button(at: AppTest, label: str):
    return next(b for b in at.button if b.label == label)


def test_removing_a_user_asks_first_and_cancel_keeps_them(users_mode):
    at = sign_in(run_app(), "sun", "sun password")
    at.switch_page("app_pages/users.py").run()
    users_file = users_mode.parent / "users.toml"
    at.selectbox(key="auth_remove").select("zhao")
    button(at, "删除").click().run()
    assert not at.exception
    assert "zhao" in auth.load_users(users_file)  # only asked so far
    assert any("删除用户 **zhao**" in m.value for m in at.markdown)
    button(at, "取消").click().run()
    assert "zhao" in auth.load_users(users_file)
    assert not any("删除用户 **zhao**" in m.value for m in at.markdown)


def test_removing_a_user_happens_on_confirm(users_mode):
    at = sign_in(run_app(), "sun", "sun password")
    at.switch_page("app_pages/users.py").run()
    users_file = users_mode.parent / "users.toml"
    at.selectbox(key="auth_remove").select("zhao")
    button(at, "删除").click().run()
    confirm = next(b for b in at.button if b.key == "confirm_yes")
    confirm.click().run()
    assert not at.exception
    assert set(auth.load_users(users_file)) == {"qian", "sun"}


@pytest.fixture
def queries_copy(tmp_path, monkeypatch) -> Path:
    target = tmp_path / "queries"
    shutil.copytree(ROOT / "queries", target, ignore=shutil.ignore_patterns(".history"))
    monkeypatch.setenv("CAMPAIGN_QUERIES", str(target))
    return target


def test_a_kpi_rollback_asks_first_then_records_who_and_shows_it(queries_copy, monkeypatch):
    signed_in = User("li.na", "analyst", display_name="李娜")
    monkeypatch.setattr(_staff, "current_user", lambda: signed_in)
    at = run_app()
    at.switch_page("app_pages/kpi_edit.py").run()
    kpi_id = at.session_state["w_kpi"]
    original = (queries_copy / f"{kpi_id}.sql").read_text("utf-8")
    save_query(queries_copy, kpi_id, original + "-- edited\n", user=User("zhao", "analyst"))
    at.run()
    rollback = next(b for b in at.button if b.key and b.key.startswith("rollback_"))
    rollback.click().run()
    assert not at.exception
    assert (queries_copy / f"{kpi_id}.sql").read_text("utf-8").endswith("-- edited\n")
    next(b for b in at.button if b.key == "confirm_yes").click().run()
    assert not at.exception
    assert (queries_copy / f"{kpi_id}.sql").read_text("utf-8") == original
    newest = query_versions(queries_copy, kpi_id)[0]
    assert (newest.action, newest.by) == ("rollback", "李娜（li.na）")
    titles = [e.label for e in at.expander]
    assert any("被恢复替换 · 操作人：李娜（li.na）" in title for title in titles)
    assert any("被保存替换 · 操作人：zhao" in title for title in titles)
