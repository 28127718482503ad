"""One view, every surface, the same figures: CLI JSON, the Excel workbook and the PDF text.

A small data folder written as district extracts (CSV) is rendered through the commands a
user runs (``kpis --json``, ``brief --out x.xlsx``, ``brief --out x.pdf``); every figure of
every KPI must read the same in all three, rounded once (campaign.formatting.kpi_figures).
Hand-computed at 30 September 2024 (序时进度 75%):

- 新成立商会: 17 of 16 = 106.25% → 106.3%, gap +31.25 → +31.3个百分点 (half away from zero
  in every surface; Python's own formatting said 106.2% / +31.2);
- 签约项目: 8 of 11, projection 8 ÷ 0.75 = 10.67 → 11个 (a count projects to a count);
  月均尚需 (11 − 8) ÷ 3 = 1个;
- 融资金额: 3.25 + 1.5 = 4.75 亿元 of 10, 同比 4.75 ÷ 2 − 1 = +137.5%, 月均尚需 1.75 亿元.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from openpyxl import load_workbook

from campaign import cli
from campaign.formatting import FIGURE_FIELDS
from campaign.kpi import KpiEngine
from campaign.narrative import draft_narrative

ROOT = Path(__file__).resolve().parents[1]
KPIS = ("financing_amount", "investment_signed_projects", "chambers_new")

FINANCING = """date,district,enterprise,amount_wan
2023-04-01,市南区,甲公司,20000
2024-02-01,市南区,甲公司,32500
2024-09-20,市北区,乙公司,15000
"""
INVESTMENT_HEAD = "project_id,project,district,stage,amount_wan,signed_date\n"
CHAMBERS_HEAD = "chamber_id,name,kind,district,founded_date,registered,party_org,status\n"
TARGETS = """指标编号,年度,区市,目标值
financing_amount,2024,全市,10
investment_signed_projects,2024,全市,11
chambers_new,2024,全市,16
"""


def investment_rows() -> str:
    # 2023: 6 signed; 2024: 8 signed by 30 September (the last on 9 September)
    rows = [f"P23-{n},项目{n},市南区,签约,1000,2023-0{n}-10" for n in range(1, 7)] + [
        f"P24-{n},项目{n},市北区,落地,2000,2024-0{n + 1}-09" for n in range(1, 9)
    ]
    return INVESTMENT_HEAD + "\n".join(rows) + "\n"


def chamber_rows() -> str:
    # 17 chambers founded in 2024 to 30 September (the last on 12 September), 11 in 2023
    rows = [
        f"C23-{n},商会{n},行业商会,市南区,2023-{n % 9 + 1:02d}-05,是,是,正常" for n in range(11)
    ] + [f"C24-{n},新商会{n},异地商会,市北区,2024-{n % 9 + 1:02d}-12,是,否,正常" for n in range(17)]
    return CHAMBERS_HEAD + "\n".join(rows) + "\n"


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("everywhere")
    extracts = root / "data" / "extracts"
    extracts.mkdir(parents=True)
    (extracts / "financing_2024.csv").write_text(FINANCING, encoding="utf-8")
    (extracts / "investment_2024.csv").write_text(investment_rows(), encoding="utf-8")
    (extracts / "chambers_2024.csv").write_text(chamber_rows(), encoding="utf-8")
    (root / "data" / "targets.csv").write_text(TARGETS, encoding="utf-8")
    (root / "queries").mkdir()
    for kpi_id in KPIS:
        shutil.copy(ROOT / "queries" / f"{kpi_id}.sql", root / "queries")
    return root


def command(folder: Path, *args: str) -> int:
    return cli.main([*args, "--data", str(folder / "data"), "--queries", str(folder / "queries")])


def cli_json(folder: Path, capsys: pytest.CaptureFixture[str], as_of: str) -> dict:
    assert command(folder, "kpis", "--json", "--as-of", as_of) == 0
    return json.loads(capsys.readouterr().out)


def pdf_text(path: Path) -> str:
    tool = shutil.which("pdftotext")
    assert tool, "pdftotext is needed (apt-get install poppler-utils)"
    text = subprocess.run(
        [tool, "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    return re.sub(r"\s+", " ", text)


def number(text: str) -> float:
    """A displayed figure as a number: "106.3%" → 1.063, "1,234人次" → 1234, "−3.0" → −3."""
    found = re.search(r"[−+±-]?[\d,]+(?:\.\d+)?", text)
    assert found, text
    value = float(found.group().replace(",", "").replace("−", "-").lstrip("+±"))
    return value / 100 if "%" in text else value


@pytest.fixture(scope="module")
def rendered(folder: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("everywhere-out")
    files = {}
    for suffix in ("xlsx", "pdf"):
        path = out / f"pack.{suffix}"
        assert command(folder, "brief", "--as-of", "2024-09-30", "--out", str(path)) == 0
        files[suffix] = path
    return files


def test_the_hand_computed_figures_in_the_cli(folder: Path, capsys) -> None:
    kpis = {k["id"]: k["display"] for k in cli_json(folder, capsys, "2024-09-30")["kpis"]}
    assert kpis["chambers_new"]["completion"] == "106.3%"
    assert kpis["chambers_new"]["gap"] == "+31.3个百分点"
    assert kpis["investment_signed_projects"]["projection"] == "11个"
    assert kpis["investment_signed_projects"]["needed"] == "1个"
    assert kpis["financing_amount"]["actual"] == "4.75亿元"
    assert kpis["financing_amount"]["yoy"] == "+137.5%"
    assert kpis["financing_amount"]["needed"] == "1.75亿元"
    assert command(folder, "kpis", "--as-of", "2024-09-30") == 0
    table = capsys.readouterr().out
    assert "106.3%" in table and "+31.3个百分点" in table and "106.2%" not in table


def test_cli_json_xlsx_and_pdf_show_every_figure_alike(
    folder: Path, rendered: dict[str, Path], capsys
) -> None:
    payload = cli_json(folder, capsys, "2024-09-30")
    shown = {k["id"]: k["display"] for k in payload["kpis"]}
    assert set(shown) == set(KPIS)
    # Excel: numbers rounded as shown, so each cell equals the displayed figure
    sheet = load_workbook(rendered["xlsx"]).worksheets[0]
    header = [c.value for c in sheet[4]]
    column = {name: header.index(name) for name in header if name}
    rows = {
        row[column["指标编号"]].value: row for row in sheet.iter_rows(min_row=5) if row[0].value
    }
    xlsx_names = {
        "actual": "累计完成",
        "target": "年度目标",
        "completion": "完成率",
        "expected": "序时进度",
        "gap": "差距（百分点）",
        "last_year": "去年同期",
        "yoy": "同比",
        "projection": "年末预计",
        "needed": "月均尚需",
    }
    assert set(xlsx_names) == set(FIGURE_FIELDS)
    for kpi_id, figures in shown.items():
        row = rows[kpi_id]
        for field, name in xlsx_names.items():
            cell = row[column[name]].value
            if figures[field] == "—":
                assert cell is None, (kpi_id, field)
            else:
                assert cell == pytest.approx(number(figures[field]), abs=1e-12), (kpi_id, field)
        assert row[column["累计完成（显示）"]].value == figures["actual"]
        assert row[column["年度目标（显示）"]].value == figures["target"]
    # PDF: the summary row reads the same strings, in the table's order
    text = pdf_text(rendered["pdf"])
    order = ("actual", "target", "completion", "expected", "gap", "yoy", "projection", "needed")
    for kpi_id, figures in shown.items():
        name = next(k["name"] for k in payload["kpis"] if k["id"] == kpi_id)
        row = " ".join([name, *(figures[f] for f in order)])
        assert row in text, row


def test_not_reported_is_said_in_the_cli_the_workbook_and_the_pdf(
    folder: Path, tmp_path: Path, capsys
) -> None:
    # every kind stops at September: at 31 December nothing is judged
    assert command(folder, "kpis", "--as-of", "2024-12-31") == 0
    out = capsys.readouterr().out
    assert "只报送至 2024年9月30日" in out and "未报送" in out
    payload = cli_json(folder, capsys, "2024-12-31")
    assert {k["status"] for k in payload["kpis"]} == {"not_reported"}
    assert {k["yoy"] for k in payload["kpis"]} == {None}
    assert {k["reported_through"] for k in payload["kpis"]} == {"2024-09-30"}
    xlsx, pdf = tmp_path / "late.xlsx", tmp_path / "late.pdf"
    for path in (xlsx, pdf):
        assert command(folder, "brief", "--as-of", "2024-12-31", "--out", str(path)) == 0
    notice = load_workbook(xlsx).worksheets[0]["A3"].value
    assert notice and "只报送至 2024年9月30日" in notice
    assert "只报送至 2024年9月30日" in pdf_text(pdf)
    # The drafted narrative (the PDF's first pages, the .docx) says it too, and judges nothing.
    engine = KpiEngine(folder / "data", folder / "queries", persist_facts=False)
    filters = engine.resolve(as_of="2024-12-31")
    zh = draft_narrative(engine, filters, "zh").text()
    assert "数据只报送至2024年9月30日" in zh and "暂不评价进度" in zh
    assert "项数据尚未报送至本期" in zh
    assert (
        "的数据尚未报送至本期，无法判断进度" in zh
        and "请责任单位尽快补报截至2024年12月31日的数据" in zh
    )
    assert not re.search("落后序时进度|超序时进度|严重滞后|同比|均达到或超过序时进度", zh)
    en = draft_narrative(engine, filters, "en").text()
    assert "reported only to 30 Sep 2024" in en or "reported only to Sep 30, 2024" in en, en
