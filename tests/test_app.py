"""The Streamlit app under AppTest: every page, both languages, city and district, and the
ways things go wrong (broken query, bad rows, no data, unknown link values)."""

from __future__ import annotations

import html
import json
import re
import shutil
import sys
from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from app_pages import _ui
from campaign.kpi import KpiEngine
from campaign.model import Filters

ROOT = Path(__file__).resolve().parents[1]
PAGES = {
    "app_pages/overview.py": ("总览", "Overview"),
    "app_pages/kpi.py": ("指标详情", "KPI detail"),
    "app_pages/districts.py": ("区市对比", "Districts"),
    "app_pages/data_status.py": ("数据状态", "Data status"),
}
HAN = re.compile(r"[\u4e00-\u9fff]")

# One worker runs these, so they share the cached engine and its warm results.
pytestmark = pytest.mark.xdist_group("apptest")


@pytest.fixture(autouse=True)
def keep_main_module():
    """AppTest installs the script as ``sys.modules["__main__"]`` and leaves it there; a later
    test in this worker that spawns processes (multiprocessing re-imports ``__main__`` in the
    child) would then run dashboard.py. Put the real one back."""
    main = sys.modules["__main__"]
    yield
    sys.modules["__main__"] = main


@pytest.fixture(autouse=True)
def shipped_data(monkeypatch):
    """The shipped sample data and queries, unless a test points elsewhere."""
    monkeypatch.delenv("CAMPAIGN_DATA", raising=False)
    monkeypatch.delenv("CAMPAIGN_QUERIES", raising=False)


def open_app(query: dict[str, str] | None = None, page: str | None = None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    at.query_params.update(query or {})
    at.run()
    if page and page != "app_pages/overview.py":
        at.switch_page(page).run()
    return at


def context(at: AppTest) -> _ui.PageContext:
    return at.session_state[_ui.CONTEXT_KEY]


def assert_clean(at: AppTest) -> None:
    assert not at.exception, [e.value for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def visible_texts(at: AppTest) -> list[str]:
    """The words a reader sees: headings, text, HTML, widgets, links, alerts, chart labels."""
    texts: list[str] = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "warning", "info"):
        texts += [node.value for node in getattr(at, kind)]
    texts += [node.proto.body for node in at.get("html")]
    for box in at.selectbox:
        texts += [box.label, *box.options]
    for group in at.get("button_group"):
        texts += list(group.options)
    texts += [node.proto.label for node in at.get("page_link")]
    for chart in at.get("arrow_vega_lite_chart"):
        spec = json.loads(chart.proto.spec)
        spec.pop("config", None)
        texts.append(json.dumps(spec, ensure_ascii=False))
    return texts


def chinese_left_in_english(at: AppTest) -> list[str]:
    """English screens with Chinese in them, after removing what may stay as written:
    the language switch's own name, file names, and the query file (its SQL text and the
    description and owner of its header), which is shown as written."""
    ctx = context(at)
    allowed = ["中文"]
    allowed += [f.path for f in ctx.dataset.files]
    for definition in ctx.definitions:
        allowed += [html.escape(definition.sql), definition.description, definition.owner]
    leftovers = []
    for text in visible_texts(at):
        for fragment in sorted(allowed, key=len, reverse=True):
            text = text.replace(fragment, "")
        if HAN.search(text):
            leftovers.append(text)
    return leftovers


@pytest.mark.parametrize("scope", ["city", "shinan"])
@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("page", list(PAGES))
def test_every_page_in_both_languages_for_city_and_district(page, lang, scope):
    at = open_app({"lang": lang, "scope": scope}, page)
    assert_clean(at)
    titles = PAGES[page]
    assert at.header[0].value == (titles[0] if lang == "zh" else titles[1])
    assert context(at).filters.district == (None if scope == "city" else "市南区")
    header = next(node.proto.body for node in at.get("html") if "kh-facts" in node.proto.body)
    if lang == "zh":
        assert "数据截至 2022年9月30日" in header and "序时进度 75.0%" in header
    else:
        assert "Data as of 30 Sep 2022" in header and "Pro-rata progress 75.0%" in header
        assert chinese_left_in_english(at) == []


def test_overview_has_a_card_per_kpi_linking_to_its_detail():
    at = open_app()
    ctx = context(at)
    links = at.get("page_link")
    assert len(links) == len(ctx.definitions) == len(ctx.scorecard.results)
    first = ctx.definitions[0]
    assert links[0].proto.label == f"**{first.name_zh}**"
    assert f"kpi={first.id}" in links[0].proto.query_string
    counts = [
        node.proto.body
        for node in at.get("html")
        if node.proto.body.startswith('<div class="kc-count"')
    ]
    assert len(counts) == 4 and "已完成" in counts[0] and "严重滞后" in counts[3]


class RecordingEngine(KpiEngine):
    """The real engine, noting what the pages ask it for."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.asked: list[tuple] = []

    def scorecard(self, filters):
        self.asked.append(("scorecard", filters))
        return super().scorecard(filters)

    def monthly(self, kpi_id, filters):
        self.asked.append(("monthly", kpi_id, filters))
        return super().monthly(kpi_id, filters)

    def ranking(self, filters):
        self.asked.append(("ranking", filters))
        return super().ranking(filters)


@pytest.fixture
def recording_engine(monkeypatch):
    monkeypatch.setattr(_ui, "KpiEngine", RecordingEngine)
    _ui.engine_for.clear()
    yield
    _ui.engine_for.clear()


def last_asked(at: AppTest, method: str) -> tuple:
    return [call for call in context(at).engine.asked if call[0] == method][-1]


def test_widget_changes_change_what_the_engine_is_asked(recording_engine):
    at = open_app()
    assert last_asked(at, "scorecard") == ("scorecard", Filters(2022, date(2022, 9, 30)))

    at.selectbox(key="w_scope").select("市南区").run()
    assert last_asked(at, "scorecard")[1] == Filters(2022, date(2022, 9, 30), "市南区")
    assert at.query_params["scope"] == "shinan"

    at.selectbox(key="w_month").select(6).run()
    assert last_asked(at, "scorecard")[1] == Filters(2022, date(2022, 6, 30), "市南区")
    assert at.query_params["month"] == "6"

    at.selectbox(key="w_year").select(2021).run()
    # Another year keeps the month where it exists: June 2021.
    assert last_asked(at, "scorecard")[1] == Filters(2021, date(2021, 6, 30), "市南区")

    at.switch_page("app_pages/kpi.py").run()
    kpi_id = context(at).definitions[2].id
    at.selectbox(key="w_kpi").select(kpi_id).run()
    assert last_asked(at, "monthly") == (
        "monthly",
        kpi_id,
        Filters(2021, date(2021, 6, 30), "市南区"),
    )
    assert at.query_params["kpi"] == kpi_id

    at.switch_page("app_pages/districts.py").run()
    assert last_asked(at, "ranking")[1].as_of == date(2021, 6, 30)

    at.button_group(key="w_lang").set_value("en").run()
    assert at.header[0].value == "Districts"
    assert at.query_params == {
        "lang": "en",
        "year": "2021",
        "month": "6",
        "scope": "shinan",
    }


def test_a_deep_link_sets_every_filter_and_the_kpi():
    at = open_app(
        {"lang": "en", "year": "2021", "month": "12", "scope": "即墨", "kpi": "orders_amount"}
    )
    assert at.selectbox(key="w_year").value == 2021
    assert at.selectbox(key="w_month").value == 12
    assert at.selectbox(key="w_scope").value == "即墨区"
    assert at.button_group(key="w_lang").value == "en"
    at.switch_page("app_pages/kpi.py").run()
    assert_clean(at)
    assert at.selectbox(key="w_kpi").value == "orders_amount"
    assert at.query_params == {
        "lang": "en",
        "year": "2021",
        "month": "12",
        "scope": "jimo",
        "kpi": "orders_amount",
    }


def test_unknown_kpi_and_district_in_the_link_fall_back_with_a_notice():
    at = open_app({"kpi": "no_such_kpi", "scope": "火星区"})
    warnings = [w.value for w in at.warning]
    assert "链接中的指标“no_such_kpi”不存在，已改为显示默认指标。" in warnings
    assert "链接中的区市“火星区”不存在，已改为显示全市。" in warnings
    assert context(at).view.kpi == context(at).definitions[0].id
    assert context(at).filters.district is None
    at.run()  # the notice is shown once, for the link that caused it
    assert not at.warning


def copy_queries(tmp_path: Path) -> Path:
    target = tmp_path / "queries"
    shutil.copytree(ROOT / "queries", target)
    return target


def test_a_broken_query_shows_an_error_card_naming_the_file(tmp_path, monkeypatch):
    queries = copy_queries(tmp_path)
    broken = queries / "orders_amount.sql"
    broken.write_text(
        broken.read_text(encoding="utf-8").replace("FROM orders", "FROM no_such_table"),
        encoding="utf-8",
    )
    monkeypatch.setenv("CAMPAIGN_QUERIES", str(queries))
    at = open_app()
    assert not at.exception
    cards = [
        node.proto.body
        for node in at.get("html")
        if node.proto.body.startswith('<div class="kc kc-error"')
    ]
    assert len(cards) == 1 and "orders_amount.sql" in cards[0]
    # Every other KPI still has its card.
    assert len(at.get("page_link")) == len(context(at).definitions) - 1
    at.switch_page("app_pages/kpi.py").run()
    at.selectbox(key="w_kpi").select("orders_amount").run()
    assert not at.exception
    assert any("orders_amount.sql" in node.proto.body for node in at.get("html"))


BAD_FINANCING = (
    "date,district,enterprise,institution,channel,amount_wan\n"
    "2022-01-05,市南区,青岛甲公司,建设银行,贷款,100\n"
    "2022-02-10,火星区,青岛乙公司,建设银行,贷款,50\n"
    "2022-02-11,市北区,青岛丙公司,建设银行,贷款,-3\n"
    "2022-03-01,市北区,青岛丁公司,建设银行,贷款,80\n"
)


@pytest.fixture
def small_data(tmp_path, monkeypatch) -> Path:
    """A data folder with the shipped targets and one small extract with two bad rows."""
    data = tmp_path / "data"
    (data / "extracts").mkdir(parents=True)
    shutil.copy(ROOT / "data" / "targets.csv", data / "targets.csv")
    (data / "extracts" / "financing_2022.csv").write_text(BAD_FINANCING, encoding="utf-8")
    monkeypatch.setenv("CAMPAIGN_DATA", str(data))
    return data


def test_excluded_rows_are_warned_about_and_listed_with_file_and_line(small_data):
    at = open_app()
    assert_clean(at)
    assert "有 2 行数据未通过校验，已从统计中剔除。" in [w.value for w in at.warning]
    at.switch_page("app_pages/data_status.py").run()
    assert_clean(at)
    issues = at.dataframe[0].value
    assert list(issues.columns) == ["文件", "行", "列", "值", "原因"]
    assert set(issues["文件"]) == {"extracts/financing_2022.csv"}
    assert set(issues["行"]) == {"3", "4"}


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("page", list(PAGES))
def test_pages_explain_missing_data_instead_of_failing(small_data, page, lang):
    # Only one financing file: most KPIs and districts have nothing for the filters.
    at = open_app({"lang": lang, "scope": "laixi"}, page)
    assert_clean(at)
    if page == "app_pages/kpi.py":
        at.selectbox(key="w_kpi").select("talent_high_skill").run()
        assert_clean(at)
        assert at.info, "an explanation instead of an empty chart"


def test_the_overview_starts_making_its_default_view_s_pdf_before_any_click(monkeypatch):
    from campaign.brief import prepared

    monkeypatch.setattr(prepared, "AHEAD_FORMATS", ("pdf",))  # off for the other page tests
    prepared.forget_all()
    at = open_app({"lang": "zh"})
    assert_clean(at)
    ctx = context(at)
    key = prepared.pack_key(ctx.engine, ctx.filters, "zh", "pdf")
    with prepared._lock:
        started = key in prepared._making or key in prepared._packs
    assert started
    assert prepared.pack_for_view(ctx.engine, ctx.filters, "zh", "pdf")[:5] == b"%PDF-"
    # a view other than the default one is not made ahead
    from campaign import app_state

    default = ctx.filters
    at = open_app(
        {"lang": "zh", app_state.PARAM_YEAR: str(default.year), app_state.PARAM_MONTH: "6"}
    )
    assert_clean(at)
    other = context(at).filters
    assert other != ctx.filters
    assert not prepared.is_ready(ctx.engine, other, "zh", "pdf")
    with prepared._lock:
        assert prepared.pack_key(ctx.engine, other, "zh", "pdf") not in prepared._making
