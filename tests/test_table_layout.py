"""Where the table is: the header among the first rows, column-number rows, footnotes."""

from __future__ import annotations

import pytest

from campaign.contracts import KINDS_BY_ID
from campaign.table_layout import (
    find_layout,
    is_column_number_row,
    is_footnote,
    trailing_footnotes,
)
from campaign.validation import header_guide

GUIDE = header_guide(KINDS_BY_ID["financing"])
HEADER = ["日期", "区市", "企业名称", "金融机构", "融资方式", "金额（万元）"]


@pytest.mark.parametrize(
    "cells",
    [
        ["1", "2", "3", "4", "5", "6"],
        ["(1)", "(2)", "(3)"],
        ["（1）", "（2）", "（3）"],
        ["甲", "乙", "1", "2", "3", "4"],
        ["栏次", "1", "2", "3"],
        [None, "1", "2", None, "3"],
    ],
)
def test_a_row_of_column_numbers(cells):
    assert is_column_number_row(cells)


@pytest.mark.parametrize(
    "cells",
    [
        ["1", "3", "4"],  # not consecutive
        ["2022-03-01", "城阳区", "1"],  # a data row
        ["1"],  # a single number
        ["甲", "乙"],  # no number at all
    ],
)
def test_not_a_row_of_column_numbers(cells):
    assert not is_column_number_row(cells)


@pytest.mark.parametrize(
    "cells",
    [
        ["注：金额单位为万元"],
        ["注1：日期按放款日期填写"],
        ["备注:单位万元"],
        ["填报人：张三", None, "联系电话：0532-88888888", "审核人："],
        ["审核人"],
        ["※注：以上数据截至月底"],
        ["填报单位（盖章）：城阳区工商联", "填报日期：2022-03-31"],
    ],
)
def test_footnote_rows(cells):
    assert is_footnote(cells)


@pytest.mark.parametrize(
    "cells",
    [
        ["2022-03-01", "城阳区", "注：青岛甲公司", None, "贷款", "5"],
        ["合计", None, None, None, None, "305"],
        ["注意事项较多的公司"],  # 注 not followed by a colon
    ],
)
def test_not_footnote_rows(cells):
    assert not is_footnote(cells)


def test_the_header_below_a_title_and_blank_rows_with_the_column_numbers_skipped():
    rows = [
        (1, ["2022年3月城阳区融资对接情况统计表"]),
        (2, []),
        (3, ["单位：万元"]),
        (4, HEADER),
        (5, ["1", "2", "3", "4", "5", "6"]),
        (6, ["2022-03-01", "城阳区", "青岛甲公司", None, "贷款", "300"]),
    ]
    layout = find_layout(rows, GUIDE)
    assert (layout.header_line, layout.headers, layout.data_start_line) == (4, HEADER, 6)


def test_a_grouped_two_row_header_reads_as_one():
    rows = [
        (1, ["基本情况", "区市", None, "融资情况", None, None]),
        (2, ["日期", None, "企业名称", "金融机构", "融资方式", "金额（万元）"]),
        (3, ["2022-03-01", "城阳区", "青岛甲公司", None, "贷款", "300"]),
    ]
    layout = find_layout(rows, GUIDE)
    # 区市 comes from the upper row (merged down over both); the rest from the lower one,
    # the line reported for the header.
    assert (layout.header_line, layout.headers, layout.data_start_line) == (2, HEADER, 3)


def test_without_any_known_header_the_first_non_empty_row_is_the_header():
    # (and a row that looks like column numbers is data then: nothing says otherwise)
    rows = [(1, []), (2, ["a", "b"]), (3, ["1", "2"])]
    layout = find_layout(rows, GUIDE)
    assert (layout.header_line, layout.headers, layout.data_start_line) == (2, ["a", "b"], 3)


def test_footnotes_at_the_end_with_their_continuation_lines():
    rows = [
        (2, ["2022-03-01", "城阳区", "青岛甲公司", None, "贷款", "300"]),
        (3, ["青岛乙公司"]),  # a one-cell row above the notes stays data
        (5, ["注：1. 金额单位为万元；"]),
        (6, ["2. 日期按放款日期填写。"]),
        (8, ["填报人：张三", None, "审核人：李四"]),
    ]
    assert [line for line, _ in trailing_footnotes(rows, 2)] == [5, 6, 8]
    assert trailing_footnotes(rows[:2], 2) == []
