"""The staff pages under AppTest: SQL lab, KPI editing and upload, in both languages."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

ROOT = Path(__file__).resolve().parents[1]

# One worker runs these with the other AppTests, sharing the cached engine.
pytestmark = pytest.mark.xdist_group("apptest")


@pytest.fixture(autouse=True)
def keep_main_module():
    main = sys.modules["__main__"]
    yield
    sys.modules["__main__"] = main


@pytest.fixture
def queries_copy(tmp_path, monkeypatch) -> Path:
    """A private queries folder, so a test that saves never touches the shipped files."""
    target = tmp_path / "queries"
    shutil.copytree(ROOT / "queries", target, ignore=shutil.ignore_patterns(".history"))
    monkeypatch.delenv("CAMPAIGN_DATA", raising=False)
    monkeypatch.setenv("CAMPAIGN_QUERIES", str(target))
    return target


def open_page(page: str, lang: str = "zh") -> AppTest:
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    at.query_params.update({"lang": lang})
    at.run()
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_lab_runs_a_query_and_shows_rows_chart_and_download(queries_copy, lang):
    at = open_page("app_pages/lab.py", lang)
    at.text_area(key="lab_sql").input(
        "SELECT district, sum(amount_wan) AS total FROM financing GROUP BY 1 ORDER BY 2 DESC"
    )
    at.button[0].click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    (frame,) = [d.value for d in at.dataframe]
    assert len(frame) == 11 and list(frame.columns) == ["district", "total"]
    assert frame["total"].iloc[0] == frame["total"].max()
    charts = [*at.get("vega_lite_chart"), *at.get("arrow_vega_lite_chart")]
    assert charts, "the quick chart is drawn"
    assert at.get("download_button")


def test_the_lab_refuses_a_write_with_a_message_not_a_traceback(queries_copy):
    at = open_page("app_pages/lab.py")
    at.text_area(key="lab_sql").input("COPY financing TO '/tmp/leak.csv'")
    at.button[0].click().run()
    assert not at.exception
    assert any("只允许只读查询" in e.value for e in at.error)


def test_the_lab_names_line_and_column_of_an_error(queries_copy):
    at = open_page("app_pages/lab.py", "en")
    at.text_area(key="lab_sql").input("SELECT\n  nope\nFROM financing")
    at.button[0].click().run()
    (error,) = at.error
    assert error.value.startswith("line 2, column 3: ") and "nope" in error.value


def test_editing_a_kpi_previews_the_draft_beside_the_current_numbers(queries_copy):
    at = open_page("app_pages/kpi_edit.py")
    kpi_id = at.session_state["w_kpi"]
    draft_key = f"draft_{kpi_id}"
    text = at.text_area(key=draft_key).value
    at.text_area(key=draft_key).input(text.replace("SELECT", "SELECT -- edited\n", 1))
    preview = next(b for b in at.button if b.label == "预览")
    preview.click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert any("检查通过" in s.value for s in at.success)
    (table,) = [d.value for d in at.dataframe]
    assert len(table) >= 2  # the city and the districts
    # Saving writes the private copy and keeps the previous version.
    save = next(b for b in at.button if b.label == "保存")
    save.click().run()
    assert "-- edited" in (queries_copy / f"{kpi_id}.sql").read_text("utf-8")
    assert list((queries_copy / ".history" / kpi_id).glob("*.sql"))


def test_a_district_limited_analyst_previews_a_kpi_but_cannot_save_or_roll_back(
    queries_copy, monkeypatch
):
    from app_pages import _staff
    from campaign.access import LOCAL_USER, User
    from campaign.query_files import query_versions, save_query

    monkeypatch.setattr(_staff, "current_user", lambda: User("li", "analyst", district="莱西市"))
    at = open_page("app_pages/kpi_edit.py")
    kpi_id = at.session_state["w_kpi"]
    original = (queries_copy / f"{kpi_id}.sql").read_text("utf-8")
    save_query(queries_copy, kpi_id, original + "-- v2\n", user=LOCAL_USER)  # a version to undo
    at.run()
    assert any("限定区市的账号只能预览指标" in i.value for i in at.info)
    draft_key = f"draft_{kpi_id}"
    text = at.text_area(key=draft_key).value or ""
    at.text_area(key=draft_key).input(text.replace("SELECT", "SELECT -- edited\n", 1))
    next(b for b in at.button if b.label == "预览").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert any("检查通过" in s.value for s in at.success)  # the preview works (莱西市 only)
    assert next(b for b in at.button if b.label == "保存").disabled
    rollbacks = [b for b in at.button if b.key and b.key.startswith("rollback_")]
    assert rollbacks and all(b.disabled for b in rollbacks)
    assert at.get("form_submit_button")[0].proto.disabled
    assert (queries_copy / f"{kpi_id}.sql").read_text("utf-8") == original + "-- v2\n"
    assert len(query_versions(queries_copy, kpi_id)) == 1


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_upload_page_explains_itself(queries_copy, lang):
    at = open_page("app_pages/upload.py", lang)
    assert not at.error
    caption = " ".join(c.value for c in at.caption)
    assert ("CSV" in caption) and (("MB" in caption) or ("兆" in caption))
