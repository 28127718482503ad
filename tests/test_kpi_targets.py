"""targets.csv: both header forms, encodings, district aliases, the city rules."""

from __future__ import annotations

from pathlib import Path

import pytest

from campaign.kpi.definitions import parse_kpi_file
from campaign.kpi.targets import load_targets
from campaign.kpi.testing import kpi_file
from campaign.model import KpiDefinition


def definition(tmp_path: Path, kpi_id: str, aggregation: str = "sum") -> KpiDefinition:
    path = kpi_file(tmp_path / "queries", kpi_id, "SELECT 1", aggregation=aggregation)
    parsed = parse_kpi_file(path)
    assert parsed.definition is not None
    return parsed.definition


def write(tmp_path: Path, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / "targets.csv"
    path.write_bytes(text.encode(encoding))
    return path


def test_city_target_is_the_sum_of_district_targets_when_missing(tmp_path: Path) -> None:
    path = write(
        tmp_path, "kpi_id,year,district,target\nsales,2024,市南区,30\nsales,2024,市北区,12.5\n"
    )
    targets, warnings = load_targets(path).resolve([definition(tmp_path, "sales")])
    # 全市 = 30 + 12.5
    assert targets.get("sales", 2024, "全市") == pytest.approx(42.5)
    assert warnings == []


@pytest.mark.parametrize("aggregation", ["rate", "latest"])
def test_level_targets_are_never_summed(tmp_path: Path, aggregation: str) -> None:
    path = write(
        tmp_path, "kpi_id,year,district,target\nshare,2024,市南区,0.9\nshare,2024,市北区,0.8\n"
    )
    targets, _ = load_targets(path).resolve([definition(tmp_path, "share", aggregation)])
    assert targets.get("share", 2024, "全市") is None
    assert targets.get("share", 2024, "市南区") == 0.9


def test_disagreeing_city_target_is_kept_and_warned(tmp_path: Path) -> None:
    text = "kpi_id,year,district,target\nsales,2024,全市,50\nsales,2024,市南区,30\nsales,2024,市北区,12\n"
    targets, warnings = load_targets(write(tmp_path, text)).resolve([definition(tmp_path, "sales")])
    assert targets.get("sales", 2024, "全市") == 50  # the city's own target is used
    assert len(warnings) == 1 and warnings[0].line == 2  # 50 ≠ 30 + 12


def test_distinct_counts_may_have_a_city_target_below_the_districts_sum(tmp_path: Path) -> None:
    # An enterprise served in two districts counts once for the city: 35 < 20 + 20 is consistent.
    text = "kpi_id,year,district,target\nfirms,2024,全市,35\nfirms,2024,市南区,20\nfirms,2024,市北区,20\n"
    targets, warnings = load_targets(write(tmp_path, text)).resolve(
        [definition(tmp_path, "firms", "count_distinct")]
    )
    assert targets.get("firms", 2024, "全市") == 35 and warnings == []


def test_chinese_headers_gb18030_and_district_aliases(tmp_path: Path) -> None:
    text = (
        "指标编号,年度,区市,目标值\nsales,2024年,黄岛,10\nsales,2024,城阳,5\nsales,2024,全市,15\n"
    )
    targets, warnings = load_targets(write(tmp_path, text, "gb18030")).resolve(
        [definition(tmp_path, "sales")]
    )
    assert targets.get("sales", 2024, "西海岸新区") == 10
    assert targets.get("sales", 2024, "城阳区") == 5
    assert warnings == []


def test_utf8_with_bom_and_thousands_separators(tmp_path: Path) -> None:
    text = '\ufeffkpi_id,year,district,target\nsales,2024,全市,"1,200"\n'
    table = load_targets(write(tmp_path, text))
    assert table.values[("sales", 2024, "全市")] == 1200


def test_unreadable_rows_are_skipped_with_their_line(tmp_path: Path) -> None:
    text = (
        "kpi_id,year,district,target\n"
        "sales,2024,火星区,10\n"  # line 2: unknown district
        "sales,2024,市南区,很多\n"  # line 3: not a number
        "sales,2024,市南区,7\n"
    )
    table = load_targets(write(tmp_path, text))
    assert [w.line for w in table.warnings] == [2, 3]
    assert table.values == {("sales", 2024, "市南区"): 7}


def test_a_target_for_an_unknown_kpi_is_warned_about(tmp_path: Path) -> None:
    path = write(tmp_path, "kpi_id,year,district,target\nnope,2024,全市,1\n")
    _, warnings = load_targets(path).resolve([definition(tmp_path, "sales")])
    assert [w.kpi_id for w in warnings] == ["nope"]


def test_missing_file_means_no_targets_and_says_so(tmp_path: Path) -> None:
    table = load_targets(tmp_path / "targets.csv")
    assert table.values == {}
    (warning,) = table.warnings  # a deleted file must not pass silently as "无目标" everywhere
    assert warning.line is None and warning.where() == "targets.csv"
    assert warning.text("zh").startswith(f"找不到目标表 {tmp_path / 'targets.csv'}")
