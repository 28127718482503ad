"""Chart specs, checked through ``chart.to_dict()``: theme, language, status not by colour alone."""

from __future__ import annotations

import json
from datetime import date

import altair as alt
import pandas as pd
import pyarrow as pa
import pytest

from campaign import charts, theme
from campaign.i18n import CATALOG


def monthly_frame() -> pd.DataFrame:
    # Target 60 亿元 paced evenly (5 a month); actual 1+2+…+9 = 45 by September.
    return pd.DataFrame(
        {
            "month": [date(2022, m, 1) for m in range(1, 13)],
            "value": [float(m) for m in range(1, 10)] + [None] * 3,
            "cumulative": [float(sum(range(1, m + 1))) for m in range(1, 10)] + [None] * 3,
            "target_cumulative": [5.0 * m for m in range(1, 13)],
            "last_year_value": [0.5 * m for m in range(1, 13)],
            "projection": [None] * 8 + [45.0, 50.0, 55.0, 60.0],
        }
    )


def matrix_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "district": ["市南区", "市北区", "市南区", "市北区"],
            "kpi_id": ["financing_amount"] * 2 + ["orders_amount"] * 2,
            "status": ["ahead", "critical", "no_target", "completed"],
            "completion": [0.82, 0.31, None, 1.05],
            "gap_pp": [7.0, -44.0, None, 30.0],
        }
    )


def spec(chart: alt.TopLevelMixin) -> dict:
    return chart.to_dict()


def data_rows(chart_spec: dict) -> list[dict]:
    return [row for rows in chart_spec.get("datasets", {}).values() for row in rows]


def visible_text(chart_spec: dict) -> str:
    """Everything a reader could see: data, titles, scale domains (not the config)."""
    return json.dumps({k: v for k, v in chart_spec.items() if k != "config"}, ensure_ascii=False)


def has_cjk(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def all_charts(lang: str) -> list[alt.TopLevelMixin]:
    kpis = {"financing_amount": "融资金额" if lang == "zh" else "Financing arranged"}
    kpis["orders_amount"] = "订单金额" if lang == "zh" else "Orders"
    districts = {"市南区": "市南区", "市北区": "市北区"}
    if lang == "en":
        districts = {"市南区": "Shinan", "市北区": "Shibei"}
    ranking = pd.DataFrame(
        {
            "district": ["市北区", "市南区"],
            "score": [88.25, 91.5],
            "rank": [2, 1],
            "previous_rank": [1, None],
            "movement": [-1, None],
        }
    )
    profile = pd.DataFrame(
        {
            "kpi": list(kpis.values()),
            "completion": [1.9, None],
            "status": ["completed", "no_target"],
        }
    )
    return [
        charts.cumulative_chart(monthly_frame(), "亿元", lang),
        charts.monthly_chart(monthly_frame(), "亿元", 2022, lang),
        charts.status_heatmap(matrix_frame(), kpis, districts, lang),
        charts.ranking_chart(ranking, districts, lang),
        charts.profile_chart(profile, 0.75, lang),
        charts.presentation_chart(monthly_frame(), "亿元", lang, False, 210, narrow=False),
        charts.presentation_chart(monthly_frame(), "亿元", lang, False, 180, narrow=True),
    ]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_chart_uses_the_one_theme_with_a_cjk_font(lang):
    for chart in all_charts(lang):
        config = spec(chart)["config"]
        assert config["font"].startswith('"Noto Sans CJK SC"')
        assert config["view"]["stroke"] is None  # no frame around the plot
        assert config["axis"]["labelFontSize"] >= 14  # readable on a projector


def test_english_charts_have_no_chinese_text():
    for chart in all_charts("en"):
        assert not has_cjk(visible_text(spec(chart))), visible_text(spec(chart))


def test_cumulative_chart_has_actual_pacing_and_projection_told_apart_by_dash():
    chart_spec = spec(charts.cumulative_chart(monthly_frame(), "亿元", "zh"))
    rows = data_rows(chart_spec)
    by_series = {}
    for row in rows:
        by_series.setdefault(row["series"], []).append(row)
    assert set(by_series) == {"累计完成", "序时目标", "年末预计"}
    assert len(by_series["累计完成"]) == 9  # January to September
    assert len(by_series["序时目标"]) == 12
    september = next(r for r in by_series["累计完成"] if r["month"] == 9)
    assert september["value"] == 45.0 and september["display"] == "45.00亿元"
    line = chart_spec["layer"][0]
    dash = line["encoding"]["strokeDash"]["scale"]
    assert dash["domain"] == ["累计完成", "序时目标", "年末预计"]
    assert len({json.dumps(d) for d in dash["range"]}) == 3  # three different dash patterns


def test_english_cumulative_chart_scales_yi_to_billions():
    rows = data_rows(spec(charts.cumulative_chart(monthly_frame(), "亿元", "en")))
    september = next(r for r in rows if r["month"] == 9 and r["series"] == "Actual")
    # 45 亿元 = CNY 4.5 bn
    assert september["value"] == pytest.approx(4.5)
    assert september["month_label"] == "Sep"


def test_monthly_chart_groups_this_year_beside_last_year():
    chart_spec = spec(charts.monthly_chart(monthly_frame(), "亿元", 2022, "zh"))
    assert chart_spec["mark"]["type"] == "bar"
    assert chart_spec["encoding"]["xOffset"]["scale"]["domain"] == ["2021年", "2022年"]
    rows = data_rows(chart_spec)
    assert sum(r["series"] == "2022年" for r in rows) == 9
    assert sum(r["series"] == "2021年" for r in rows) == 12


def test_heatmap_cells_show_status_symbol_and_completion_as_text():
    chart_spec = spec(
        charts.status_heatmap(
            matrix_frame(),
            {"financing_amount": "融资金额", "orders_amount": "订单金额"},
            {"市南区": "市南区", "市北区": "市北区"},
        )
    )
    rows = data_rows(chart_spec)
    cells = {(r["kpi"], r["district_label"]): r["cell"] for r in rows}
    assert cells[("融资金额", "市南区")] == "▲ 82%"
    assert cells[("融资金额", "市北区")] == "✖ 31%"
    assert cells[("订单金额", "市南区")] == "○"  # no target: symbol only
    color = chart_spec["layer"][0]["encoding"]["color"]["scale"]
    assert color["domain"][:4] == ["已完成", "超序时", "滞后", "严重滞后"]
    assert color["range"][:4] == [theme.STATUS_STYLES[s].color for s in theme.RATED_STATUSES]
    assert chart_spec["layer"][1]["mark"]["type"] == "text"


def test_ranking_chart_is_sorted_by_rank_with_movement_text():
    ranking = pd.DataFrame(
        {
            "district": ["市北区", "市南区"],
            "score": [88.25, 91.5],
            "rank": [2, 1],
            "movement": [-1, 2],
        }
    )
    chart_spec = spec(charts.ranking_chart(ranking, {"市南区": "市南区", "市北区": "市北区"}))
    rows = data_rows(chart_spec)
    assert [r["label"] for r in rows] == ["1. 市南区", "2. 市北区"]
    assert rows[0]["bar_text"] == "91.5  ↑ 上升 2 位"
    assert rows[1]["bar_text"] == "88.3  ↓ 下降 1 位"


def test_profile_chart_caps_bars_labels_status_and_marks_pacing():
    profile = pd.DataFrame(
        {
            "kpi": ["融资金额", "订单金额"],
            "completion": [1.9, 0.4],
            "status": ["completed", "critical"],
        }
    )
    chart_spec = spec(charts.profile_chart(profile, 0.75, "zh"))
    rows = data_rows(chart_spec)
    bars = [r for r in rows if "kpi" in r]
    assert bars[0]["shown"] == 150.0  # 190% is drawn to the 150% edge …
    assert bars[0]["bar_text"] == "◆ 190.0%"  # … and the label gives the figure
    assert bars[1]["bar_text"] == "✖ 40.0%"
    rule = [r for r in rows if "rule_text" in r]
    assert rule == [{"shown": 75.0, "rule_text": "序时进度 75.0%"}]


def test_every_status_has_its_own_colour_shape_symbol_and_words():
    styles = theme.STATUS_STYLES.values()
    for attribute in ("color", "shape", "symbol"):
        values = [getattr(s, attribute) for s in styles]
        assert len(set(values)) == len(values), attribute
    for style in styles:
        assert f"ui.status.{style.status}" in CATALOG


def test_status_text_colour_is_readable_on_its_fill():
    def luminance(hex_color: str) -> float:
        channels = [int(hex_color[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    for style in theme.STATUS_STYLES.values():
        a, b = sorted((luminance(style.color), luminance(style.text_color)), reverse=True)
        assert (a + 0.05) / (b + 0.05) >= 4.5, style.status


def test_empty_frames_still_give_a_valid_chart():
    empty = monthly_frame().iloc[0:0]
    assert data_rows(spec(charts.cumulative_chart(empty, "家", "zh"))) == []
    assert data_rows(spec(charts.monthly_chart(empty, "家", 2022, "en"))) == []


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_spec_the_dashboard_sends_is_the_chart_with_its_data_as_arrow(lang):
    for chart in all_charts(lang):
        expected = chart.to_dict()  # validated against the Vega-Lite schema
        sent = charts.vega_lite_spec(chart, validate=False)
        assert {k: v for k, v in sent.items() if k != "datasets"} == {
            k: v for k, v in expected.items() if k != "datasets"
        }
        assert sent["datasets"].keys() == expected["datasets"].keys()
        for name, rows in expected["datasets"].items():
            table = pa.ipc.open_stream(sent["datasets"][name]).read_all()
            assert table.to_pylist() == rows, name


def test_presentation_chart_reads_from_the_back_of_the_room():
    wide = spec(charts.presentation_chart(monthly_frame(), "亿元", "zh", False, 210, narrow=False))
    narrow = spec(charts.presentation_chart(monthly_frame(), "亿元", "zh", False, 180, narrow=True))
    assert wide["height"] == 210 and narrow["height"] == 180
    assert wide["config"]["axis"]["labelFontSize"] == 17
    assert narrow["config"]["axis"]["labelFontSize"] == 14
    assert narrow["config"]["axisX"]["labelOverlap"] == "parity"  # every other month
    assert narrow["config"]["legend"]["columns"] == 2
