"""`python -m campaign kpis | rank | check` on a small data folder built by the loader."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from campaign.cli import main

SHIPPED = Path(__file__).resolve().parents[1] / "queries"
FINANCING = """date,district,enterprise,amount_wan
2023-03-01,市南区,甲公司,10000
2024-01-10,市南区,甲公司,20000
2024-02-10,市北区,乙公司,10000
2024-03-10,市南区,丙公司,10000
"""
TARGETS = """指标编号,年度,区市,目标值
financing_amount,2024,市南区,8
financing_amount,2024,市北区,4
"""


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("kpi_cli")
    (root / "data" / "extracts").mkdir(parents=True)
    (root / "data" / "extracts" / "financing_2024.csv").write_text(FINANCING, encoding="utf-8")
    (root / "data" / "targets.csv").write_text(TARGETS, encoding="utf-8")
    (root / "queries").mkdir()
    for name in ("financing_amount.sql", "financing_enterprises.sql", "kpi_config.toml"):
        shutil.copy(SHIPPED / name, root / "queries")
    return root


def run(folder: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main([*args, "--data", str(folder / "data"), "--queries", str(folder / "queries")])
    out, err = capsys.readouterr()
    return code, out, err


def test_kpis_json(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(folder, capsys, "kpis", "--json", "--as-of", "2024-03-31")
    assert code == 0
    payload = json.loads(out)
    assert (payload["as_of"], payload["year"], payload["scope"]) == ("2024-03-31", 2024, "全市")
    first = payload["kpis"][0]
    assert list(first) == [
        "id",
        "name",
        "unit",
        "actual",
        "target",
        "completion",
        "expected",
        "gap_pp",
        "status",
        "last_year",
        "yoy",
        "projection",
        "needed_per_month",
        "reported_through",
        "display",
    ]
    # 全市 to March: 2 + 1 + 1 = 4 亿元 of 8 + 4 = 12; 序时进度 3/12
    assert first["id"] == "financing_amount" and first["name"] == "融资金额"
    assert first["actual"] == pytest.approx(4)
    assert first["target"] == 12
    assert first["completion"] == pytest.approx(1 / 3)
    assert first["expected"] == pytest.approx(0.25)
    assert first["status"] == "ahead"
    # last year to March 31, 2023: 1 亿元 → yoy = 4 / 1 − 1 = 3
    assert first["last_year"] == pytest.approx(1) and first["yoy"] == pytest.approx(3)
    distinct = payload["kpis"][1]
    assert distinct["target"] is None and distinct["completion"] is None
    assert distinct["status"] == "no_target"


def test_kpis_for_a_district_in_english(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        folder,
        capsys,
        "kpis",
        "--json",
        "--as-of",
        "2024-03-31",
        "--district",
        "市南",
        "--lang",
        "en",
    )
    payload = json.loads(out)
    assert code == 0 and payload["scope"] == "市南区"
    assert payload["kpis"][0]["name"] == "Financing arranged"
    assert payload["kpis"][0]["actual"] == pytest.approx(3)


def test_kpis_table(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(folder, capsys, "kpis", "--as-of", "2024-03-31")
    assert code == 0
    assert "全市 · 2024年 · 截至 2024-03-31 · 序时进度 25.0%" in out
    assert "融资金额" in out and "超序时" in out


def test_rank_json(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(folder, capsys, "rank", "--json", "--as-of", "2024-03-31")
    payload = json.loads(out)
    assert code == 0
    # 市南区 3/8 = 0.375, 市北区 1/4 = 0.25 at 序时进度 0.25: pace 1.5 (capped) and 1.0
    assert [(r["district"], r["rank"]) for r in payload["ranking"]] == [
        ("市南区", 1),
        ("市北区", 2),
    ]
    assert payload["ranking"][0]["score"] == pytest.approx(150)
    assert payload["ranking"][0]["kpi_ranks"] == {"financing_amount": 1}


def test_bad_district_is_a_usage_error(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(folder, capsys, "kpis", "--district", "火星区")
    assert code == 2 and "火星区" in err


def test_check_passes_and_fails_with_file_and_line(
    folder: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out, _ = run(folder, capsys, "check")
    assert code == 0 and "2 个指标查询全部通过检查" in out
    broken = folder / "queries" / "broken_one.sql"
    text = (SHIPPED / "financing_amount.sql").read_text(encoding="utf-8")
    # The line a reader finds the misspelt table on, counted in the file itself.
    line = 1 + text.splitlines().index("FROM financing")
    broken.write_text(
        text.replace("financing_amount", "broken_one").replace("FROM financing", "FROM financin"),
        encoding="utf-8",
    )
    try:
        code, out, _ = run(folder, capsys, "check")
        assert code == 1
        assert f"broken_one.sql:{line}" in out and "financin" in out
        # `kpis` still reports the working KPIs, lists the broken one and exits 1
        code, out, err = run(folder, capsys, "kpis", "--json", "--as-of", "2024-03-31")
        assert code == 1
        assert [k["id"] for k in json.loads(out)["kpis"]] == [
            "financing_amount",
            "financing_enterprises",
        ]
        assert f"broken_one.sql:{line}" in err
    finally:
        broken.unlink()
