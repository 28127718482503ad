"""KPI files: the header carries the metadata; every problem names the file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from campaign.kpi.definitions import parse_kpi_file
from campaign.kpi.facts import strip_trailing_semicolon

GOOD = """\
-- id: sales
-- name_zh: 销售额
-- name_en: Sales
-- domain: 订单
-- unit: 亿元
-- aggregation: sum
-- direction: up
-- description: 测试
-- owner: 市工信局
SELECT 1
"""


def parse(tmp_path: Path, text: str, name: str = "sales.sql"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return parse_kpi_file(path)


def test_a_complete_header_gives_a_definition(tmp_path: Path) -> None:
    parsed = parse(tmp_path, GOOD)
    assert parsed.errors == ()
    assert parsed.definition is not None
    assert (parsed.definition.id, parsed.definition.aggregation) == ("sales", "sum")
    assert parsed.definition.name("en") == "Sales"
    assert parsed.body_line == 10  # the SELECT is on line 10


def test_english_description_and_owner_are_optional(tmp_path: Path) -> None:
    plain = parse(tmp_path, GOOD).definition
    assert plain is not None
    # Without them the English page shows the Chinese text rather than nothing.
    assert (plain.described("en"), plain.owned_by("en")) == ("测试", "市工信局")
    text = GOOD.replace(
        "-- owner: 市工信局\n",
        "-- owner: 市工信局\n-- description_en: A test\n-- owner_en: MIIT bureau\n",
    )
    parsed = parse(tmp_path, text)
    assert parsed.errors == () and parsed.definition is not None
    assert parsed.body_line == 12
    definition = parsed.definition
    assert (definition.described("en"), definition.owned_by("en")) == ("A test", "MIIT bureau")
    assert (definition.described("zh"), definition.owned_by("zh")) == ("测试", "市工信局")


def test_full_width_colon_and_free_comments_are_accepted(tmp_path: Path) -> None:
    text = "-- 说明: 由分析员维护\n" + GOOD.replace("-- unit: 亿元", "-- unit：亿元")
    parsed = parse(tmp_path, text)
    assert parsed.errors == () and parsed.definition is not None
    assert parsed.definition.unit == "亿元"


@pytest.mark.parametrize(
    ("old", "new", "line", "words"),
    [
        ("-- aggregation: sum", "-- aggregation: average", 6, "average"),
        ("-- direction: up", "-- direction: sideways", 7, "sideways"),
        ("-- domain: 订单", "-- domain: 其他", 4, "其他"),
        ("-- id: sales", "-- id: revenue", 1, "revenue"),
        ("-- owner: 市工信局", "-- owner_dept: 市工信局", 9, "owner"),  # misspelt key
    ],
)
def test_header_problems_name_the_line(
    tmp_path: Path, old: str, new: str, line: int, words: str
) -> None:
    parsed = parse(tmp_path, GOOD.replace(old, new))
    assert parsed.definition is None
    (error,) = parsed.errors
    assert error.line == line
    assert words in error.message and words in error.message_en
    assert error.where() == f"sales.sql:{line}"


def test_every_missing_key_is_reported(tmp_path: Path) -> None:
    text = "\n".join(
        line for line in GOOD.splitlines() if "unit" not in line and "owner" not in line
    )
    parsed = parse(tmp_path, text)
    assert sorted(e.message_en for e in parsed.errors) == [
        "the header lacks 'owner'",
        "the header lacks 'unit'",
    ]


def test_a_header_without_a_query_is_an_error(tmp_path: Path) -> None:
    parsed = parse(tmp_path, GOOD.replace("SELECT 1\n", ""))
    assert [e.message_en for e in parsed.errors] == ["no SQL query after the header"]


def test_trailing_semicolon_and_comments_are_tolerated() -> None:
    assert strip_trailing_semicolon("SELECT 1;\n-- end\n") == "SELECT 1\n-- end"
    assert strip_trailing_semicolon("SELECT ';'") == "SELECT ';'"


def test_every_shipped_query_has_a_valid_header() -> None:
    folder = Path(__file__).resolve().parents[1] / "queries"
    files = sorted(folder.glob("*.sql"))
    assert len(files) == 18  # 15, then 企业家讲堂期数, 培训讲座场次 and 参训人次
    for path in files:
        parsed = parse_kpi_file(path)
        assert parsed.errors == (), parsed.errors
        definition = parsed.definition
        assert definition is not None
        # The English page describes every shipped KPI in English.
        for text in (definition.described("en"), definition.owned_by("en")):
            assert text and not any(
                "\u4e00" <= ch <= "\u9fff"
                for ch in text.replace("正常", "").replace("高技能人才", "")
            ), (path.name, text)
