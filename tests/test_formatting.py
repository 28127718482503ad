"""Numbers and dates as the dashboard shows them, in Chinese and English."""

from __future__ import annotations

import math
from datetime import date, datetime

import pandas as pd
import pytest

from campaign.formatting import (
    DASH,
    display_scale,
    format_date,
    format_datetime,
    format_month,
    format_month_short,
    format_number,
    format_percent,
    format_pp,
    format_signed_percent,
    format_value,
    unit_label,
)


def test_amount_in_yi_keeps_the_unit_with_two_decimals():
    assert format_value(12.3456, "亿元") == "12.35亿元"
    assert format_value(1234.5, "亿元") == "1,234.50亿元"


def test_amount_in_yi_reads_as_billions_in_english():
    # 12.3456 亿元 = 1,234,560,000 yuan = CNY 1.235 bn
    assert format_value(12.3456, "亿元", "en") == "CNY 1.235 bn"


def test_amount_in_wan_has_thousands_separators_and_reads_as_millions_in_english():
    assert format_value(12345.67, "万元") == "12,345.7万元"
    # 12,345.67 万元 = 123,456,700 yuan = CNY 123.457 m
    assert format_value(12345.67, "万元", "en") == "CNY 123.457 m"


def test_counts_carry_their_measure_word_in_chinese_and_a_noun_in_english():
    assert format_value(1234, "家") == "1,234家"
    assert format_value(1234, "家", "en") == "1,234 firms"
    assert format_value(56, "人次", "en") == "56 attendances"


def test_unknown_unit_shows_as_written_in_chinese_and_bare_in_english():
    assert format_value(3, "座") == "3座"
    assert format_value(3, "座", "en") == "3"


def test_percent_unit_means_a_fraction():
    assert format_value(0.853, "%") == "85.3%"


@pytest.mark.parametrize("missing", [None, float("nan"), pd.NA, pd.NaT])
def test_missing_figures_show_a_dash(missing):
    assert format_value(missing, "亿元") == DASH
    assert format_percent(missing) == DASH
    assert format_pp(missing) == DASH
    assert format_month(missing) == DASH


def test_rounding_is_half_up_as_by_hand():
    # Python's round(3.25, 1) is 3.2 (half to even); a reader expects 3.3.
    assert format_pp(3.25, "en") == "+3.3 pp"
    assert format_number(2.5) == "3"
    assert format_number(-2.5) == "−3"


def test_percent_has_one_decimal():
    assert format_percent(0.75) == "75.0%"
    assert format_percent(1.2345) == "123.5%"


def test_gap_in_percentage_points_is_signed():
    # completion 61.8% against 序时进度 75.0%: 61.8 − 75.0 = −13.2 points
    assert format_pp(61.8 - 75.0) == "−13.2个百分点"
    assert format_pp(3.2, "en") == "+3.2 pp"
    assert format_pp(0.0) == "±0.0个百分点"


def test_year_on_year_is_a_signed_percentage():
    assert format_signed_percent(0.123) == "+12.3%"
    assert format_signed_percent(-0.05) == "−5.0%"


def test_months_and_dates():
    assert format_month(date(2022, 9, 30)) == "2022年9月"
    assert format_month("2022-09-01", "en") == "Sep 2022"
    assert format_month(pd.Timestamp("2022-09-01")) == "2022年9月"
    assert format_month_short(9) == "9月"
    assert format_month_short(9, "en") == "Sep"
    assert format_date(date(2022, 9, 30)) == "2022年9月30日"
    assert format_date(date(2022, 9, 30), "en") == "30 Sep 2022"
    assert format_datetime(datetime(2022, 10, 8, 14, 5)) == "2022年10月8日 14:05"


def test_chart_scale_matches_the_cards():
    # A chart plotting value × display_scale shows the card's figure.
    assert display_scale("亿元", "zh") == 1.0
    assert math.isclose(12.3456 * display_scale("亿元", "en"), 1.23456)
    assert display_scale("%", "en") == 100.0
    assert unit_label("亿元", "en") == "CNY bn"
    assert unit_label("家", "zh") == "家"
    assert unit_label("座", "en") == ""
