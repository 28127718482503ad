"""What the pages lay out: header lines, cards, worst-first tables, the reporting grid."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path

import pandas as pd

from campaign import views
from campaign.model import Filters, KpiDefinition, KpiError, KpiResult, Scorecard

FILTERS = Filters(2022, date(2022, 9, 30))


def definition(kpi_id: str, domain: str = "资金", unit: str = "亿元", aggregation="sum"):
    return KpiDefinition(
        id=kpi_id,
        name_zh=f"{kpi_id}中文",
        name_en=f"{kpi_id} English",
        domain=domain,
        unit=unit,
        aggregation=aggregation,
        direction="up",
        description="说明",
        owner="市工商联",
        path=Path(f"queries/{kpi_id}.sql"),
        sql="SELECT 1",
    )


def result(kpi, scope="全市", status="lagging", completion=0.7, gap=-5.0, **more):
    figures = dict(
        actual=42.0,
        target=60.0,
        expected=0.75,
        last_year=40.0,
        yoy=0.05,
        projection=56.0,
        needed_per_month=6.0,
    )
    figures.update(more)
    return KpiResult(
        kpi=kpi, scope=scope, completion=completion, gap_pp=gap, status=status, **figures
    )


def text_of(html: str) -> str:
    return re.sub(r"<[^>]+>", " ", html)


def test_header_says_as_of_date_pacing_scope_and_freshness_in_china_time():
    scorecard = Scorecard(FILTERS, 0.75, (), ())
    built = datetime(2022, 10, 8, 6, 5, tzinfo=UTC)  # 14:05 in Beijing
    top = views.header(scorecard, built, date(2022, 9, 1), 12, None, "zh")
    assert top.facts == ("数据截至 2022年9月30日", "序时进度 75.0%", "范围 全市")
    assert top.freshness == "数据更新于 2022年10月8日 14:05，最新报送月份 2022年9月"
    assert top.excluded_text == "有 12 行数据未通过校验，已从统计中剔除。"
    english = views.header(scorecard, built, None, 0, None, "en")
    assert english.facts[0] == "Data as of 30 Sep 2022"
    assert english.excluded_text is None


def test_district_names_have_pinyin_in_english():
    assert views.scope_label("西海岸新区", "en") == "West Coast New Area"
    assert views.scope_label("市南区", "en") == "Shinan"
    assert views.scope_label(None, "en") == "Whole city"
    assert views.scope_label("市南区", "zh") == "市南区"


def test_status_counts_cover_the_four_rated_statuses():
    kpi = definition("a")
    results = [result(kpi, status=s) for s in ("lagging", "lagging", "critical", "no_target")]
    assert views.status_counts(results) == {"completed": 0, "ahead": 0, "lagging": 2, "critical": 1}


def test_card_shows_value_target_progress_marker_gap_and_yoy():
    card = views.card_html(result(definition("a")), 0.75, "zh")
    words = text_of(card)
    for expected in ("▼ 滞后", "42.00亿元", "目标 60.00亿元", "完成 70.0%", "序时 75.0%"):
        assert expected in words
    assert "差距 −5.0个百分点" in words and "同比 +5.0%" in words
    assert 'class="kc-marker" style="left:75.0%"' in card  # 序时进度 on the bar
    assert "width:70.0%" in card


def test_card_without_target_has_no_bar():
    kpi = definition("a")
    card = views.card_html(
        result(kpi, status="no_target", completion=None, gap=None, target=None), 0.75, "en"
    )
    assert "kc-bar" not in card
    assert "No annual target" in text_of(card)


def test_cards_grouped_by_domain_in_campaign_order_with_broken_kpis_in_place():
    money, talent, broken = definition("m"), definition("t", "人才"), definition("b", "人才")
    error = KpiError("b", Path("queries/b.sql"), "列不存在", 3, "column not found")
    headless = KpiError("x", Path("queries/x.sql"), "表头缺少 id", 1)
    scorecard = Scorecard(FILTERS, 0.75, (result(talent), result(money)), (error, headless))
    groups = views.card_groups(scorecard, [money, talent, broken], "en")
    assert [g.title for g in groups] == ["", "Financing", "Talent"]
    assert groups[0].errors == (headless,)  # domain unknown: shown first
    assert groups[2].errors == (error,) and groups[2].cards[0].kpi_id == "t"
    error_card = text_of(views.error_card_html(error, "b English", "en"))
    assert "b.sql:3" in error_card and "other KPIs are not affected" in error_card


def test_district_table_is_sorted_worst_first():
    kpi = definition("a")
    results = [
        result(kpi, "市南区", "ahead", 0.8, 5.0),
        result(kpi, "市北区", "critical", 0.4, -35.0),
        result(kpi, "李沧区", "lagging", 0.7, -5.0),
        result(kpi, "崂山区", "critical", 0.2, -55.0),
        result(kpi, "市直", "no_target", None, None),
    ]
    frame = views.results_frame(results, "zh")
    assert list(frame["区市"]) == ["崂山区", "市北区", "李沧区", "市南区", "市直"]
    assert frame.loc[0, "状态"] == "✖ 严重滞后"
    assert frame.loc[0, "与序时差距"] == "−55.0个百分点"
    table = views.results_table_html(frame)
    assert "崂山区" in table and "_severity" not in table


def test_reporting_grid_marks_late_and_missing_districts():
    reported = pd.DataFrame(
        {
            "kind": ["financing", "financing", "financing"],
            "district": ["市南区", "市北区", "李沧区"],
            "last_month": [pd.Timestamp("2022-09-01"), pd.Timestamp("2022-07-01"), pd.NaT],
        }
    )
    texts, states = views.reporting_grid(
        reported, date(2022, 9, 30), ["市南区", "市北区", "李沧区"]
    )
    assert list(states["融资对接"]) == ["ok", "late", "missing"]
    assert list(texts["融资对接"]) == ["2022年9月", "▼ 2022年7月", "✖ 未报送"]
    # A kind nobody reported is missing everywhere.
    assert set(states["活动培训"]) == {"missing"}
    grid = views.grid_html(texts, states, "区市")
    assert grid.count("background:") == 2 + 3 * 6  # late + missing cells are highlighted


def test_newest_month_is_the_freshest_report():
    reported = pd.DataFrame(
        {"last_month": [pd.Timestamp("2022-08-01"), pd.Timestamp("2022-09-01"), pd.NaT]}
    )
    assert views.newest_month(reported) == date(2022, 9, 1)
    assert views.newest_month(reported.iloc[0:0]) is None
