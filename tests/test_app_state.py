"""The view in the URL: parsing with fallbacks and notices, and writing it back."""

from __future__ import annotations

from datetime import date

from campaign.app_state import (
    View,
    clamp_view,
    options_for,
    parse_view,
    to_filters,
    url_decides,
    view_query,
)
from campaign.model import Filters

OPTIONS = options_for(
    Filters(year=2022, as_of=date(2022, 9, 30)),
    first_year=2021,
    kpi_ids=("financing_amount", "orders_amount"),
)


def notice_keys(notices):
    return [n.key for n in notices]


def test_no_query_is_the_default_view_without_notices():
    view, notices = parse_view({}, OPTIONS)
    assert view == View("zh", 2022, 9, None, "financing_amount")
    assert notices == []
    assert view.as_of == date(2022, 9, 30)


def test_a_full_link_is_read_back_exactly():
    view = View("en", 2021, 12, "西海岸新区", "orders_amount")
    query = view_query(view, with_kpi=True)
    assert query == {
        "lang": "en",
        "year": "2021",
        "month": "12",
        "scope": "xihaian",
        "kpi": "orders_amount",
    }
    assert parse_view(query, OPTIONS) == (view, [])


def test_scope_accepts_chinese_names_and_aliases():
    assert parse_view({"scope": "市南区"}, OPTIONS)[0].district == "市南区"
    assert parse_view({"scope": "黄岛区"}, OPTIONS)[0].district == "西海岸新区"
    assert parse_view({"scope": "city"}, OPTIONS)[0].district is None
    assert parse_view({"scope": "全市"}, OPTIONS)[0].district is None


def test_unknown_kpi_falls_back_to_the_default_with_a_notice():
    view, notices = parse_view({"kpi": "no_such_kpi"}, OPTIONS)
    assert view.kpi == "financing_amount"
    assert notice_keys(notices) == ["ui.notice.unknown_kpi"]
    assert notices[0].params["value"] == "no_such_kpi"


def test_unknown_district_falls_back_to_the_city_with_a_notice():
    view, notices = parse_view({"scope": "火星区", "year": "2022"}, OPTIONS)
    assert view.district is None
    assert notice_keys(notices) == ["ui.notice.unknown_scope"]


def test_month_after_the_data_is_refused_but_a_complete_year_has_twelve():
    # The data ends in September 2022: October 2022 cannot be chosen, December 2021 can.
    view, notices = parse_view({"year": "2022", "month": "10"}, OPTIONS)
    assert (view.year, view.month) == (2022, 9)
    assert notice_keys(notices) == ["ui.notice.unknown_month"]
    assert parse_view({"year": "2021", "month": "12"}, OPTIONS) == (
        View("zh", 2021, 12, None, "financing_amount"),
        [],
    )


def test_another_year_without_a_month_opens_at_its_last_month():
    assert parse_view({"year": "2021"}, OPTIONS)[0].month == 12


def test_month_may_be_written_as_year_dash_month():
    assert parse_view({"year": "2022", "month": "2022-06"}, OPTIONS)[0].month == 6


def test_bad_year_and_language_fall_back_with_notices():
    view, notices = parse_view({"year": "1999", "month": "3", "lang": "fr"}, OPTIONS)
    assert (view.lang, view.year, view.month) == ("zh", 2022, 9)
    assert notice_keys(notices) == ["ui.notice.unknown_lang", "ui.notice.unknown_year"]


def test_repeated_parameters_use_the_last_value():
    assert parse_view({"lang": ["zh", "en"]}, OPTIONS)[0].lang == "en"


def test_clamp_after_a_year_change_keeps_the_month_in_range():
    view = View("zh", 2022, 12, "市直", None)
    assert clamp_view(view, OPTIONS) == View("zh", 2022, 9, "市直", "financing_amount")


def test_the_url_decides_on_a_first_run_and_after_an_outside_change_only():
    written = {"lang": "zh", "year": "2022", "month": "9", "scope": "city"}
    assert url_decides({"year": "2021"}, None)  # a deep link opens a session
    assert not url_decides(dict(written), written)  # our own write
    assert not url_decides({}, written)  # sidebar navigation clears the query
    assert url_decides({**written, "kpi": "orders_amount"}, written)  # a card's link


def test_filters_for_the_engine():
    view = View("en", 2022, 2, "胶州市", None)
    assert to_filters(view) == Filters(2022, date(2022, 2, 28), "胶州市")
