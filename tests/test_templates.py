"""The Excel template per kind: a filled-in template reads back with no issue at all."""

from __future__ import annotations

import datetime as dt
import io
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook
from streamlit.testing.v1 import AppTest

from campaign.cli import main
from campaign.contracts import DISTRICTS, KINDS, KINDS_BY_ID
from campaign.storage import load_dataset
from campaign.templates import TEMPLATE_ROWS, template_workbook

ROOT = Path(__file__).resolve().parents[1]


def fill(template: bytes, rows: list[dict[str, object]], out: Path) -> None:
    """Type ``rows`` (header → value) into the data sheet from row 2, as a person would,
    each value under the header the template shows for it."""
    workbook = load_workbook(io.BytesIO(template))
    sheet = workbook.worksheets[0]
    position = {cell.value: cell.column for cell in sheet[1]}
    for r, values in enumerate(rows, start=2):
        for header, value in values.items():
            sheet.cell(row=r, column=position[header], value=value)
    out.parent.mkdir(parents=True, exist_ok=True)
    workbook.save(out)


def issues_besides_the_instructions(file) -> list:
    """Every error, warning and note of a file, except the reader's word that it skipped the
    填报说明 sheet (the one issue a filled-in template may have)."""
    issues = [*file.errors, *file.warnings, *getattr(file, "notes", [])]
    return [i for i in issues if "填报说明" not in i.reason_zh]


def sql(dataset, query: str) -> list[tuple]:
    with dataset.connect() as con:
        return con.execute(query).fetchall()


def test_a_filled_financing_template_loads_every_row_with_no_issue(tmp_path):
    header = ("日期", "区市", "企业名称", "金融机构", "融资方式", "金额（万元）")
    rows = [
        dict(zip(header, values, strict=True))
        for values in (
            (dt.date(2022, 3, 1), "城阳区", "青岛甲机械有限公司", "青岛银行", "贷款", 100.5),
            (dt.date(2022, 3, 9), "西海岸新区", "青岛乙电子有限公司", None, "债券", 200.25),
            (dt.date(2022, 3, 31), "城阳区", "青岛丙食品有限公司", "农商银行", None, 300),
        )
    ]
    fill(
        template_workbook(KINDS_BY_ID["financing"]),
        rows,
        tmp_path / "extracts/融资对接_2022-03.xlsx",
    )
    dataset = load_dataset(tmp_path)
    [file] = dataset.files
    assert (file.kind, issues_besides_the_instructions(file)) == ("financing", [])
    assert (file.rows_total, file.rows_loaded) == (3, 3)
    # 100.5 + 300 = 400.5 for 城阳区; 200.25 for 西海岸新区; 600.75 in all.
    assert sql(
        dataset, "SELECT district, sum(amount_wan) FROM financing GROUP BY 1 ORDER BY 2"
    ) == [
        ("西海岸新区", 200.25),
        ("城阳区", 400.5),
    ]
    assert sql(dataset, "SELECT min(date), max(date), count(channel) FROM financing") == [
        (dt.date(2022, 3, 1), dt.date(2022, 3, 31), 2)
    ]


def _row(kind_id: str, n: int) -> dict[str, object]:
    """Row ``n`` (1..5) of a kind: every value picked from the template's own choices
    (a column of another type is left empty unless required)."""
    kind = KINDS_BY_ID[kind_id]
    values: dict[str, object] = {}
    for column in kind.columns:
        if column.type == "date":
            value: object = dt.date(2022, 3, n)
        elif column.type == "amount":
            value = 10.5 * n
        elif column.type == "integer":
            value = n
        elif column.type == "bool":
            value = "是" if n % 2 else "否"
        elif column.is_district:
            value = DISTRICTS[n]
        elif column.allowed:
            value = column.allowed[n % len(column.allowed)]
        elif column.type == "text" or column.required:
            value = f"{column.header_zh}{n:04d}"
        else:
            continue
        values[column.header_zh] = value
    return values


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.id)
def test_every_kinds_template_filled_with_five_rows_reads_back_clean(tmp_path, kind):
    rows = [_row(kind.id, n) for n in range(1, 6)]
    fill(template_workbook(kind), rows, tmp_path / f"extracts/{kind.name_zh}_2022-03.xlsx")
    dataset = load_dataset(tmp_path)
    [file] = dataset.files
    assert (file.kind, issues_besides_the_instructions(file)) == (kind.id, [])
    assert (file.rows_total, file.rows_loaded) == (5, 5)
    numbers = [c for c in kind.columns if c.type in ("amount", "integer")]
    expected = {"amount": 157.5, "integer": 15}  # 10.5 × (1+2+3+4+5); 1+2+3+4+5
    for column in numbers:
        assert sql(dataset, f'SELECT sum("{column.name}") FROM "{kind.id}"') == [
            (expected[column.type],)
        ]
    assert sql(dataset, f'SELECT count(DISTINCT district) FROM "{kind.id}"') == [(5,)]


def test_the_template_offers_every_allowed_value_from_the_contracts(tmp_path):
    kind = KINDS_BY_ID["chambers"]
    workbook = load_workbook(io.BytesIO(template_workbook(kind)))
    assert workbook.sheetnames == ["商会组织", "填报说明"]
    sheet = workbook["商会组织"]
    assert [c.value for c in sheet[1]] == [c.header_zh for c in kind.columns]
    assert [[c.value for c in row] for row in sheet.iter_rows(min_row=2)] == [
        [None] * len(kind.columns)
    ] * TEMPLATE_ROWS  # no example row to be counted by mistake
    lists = {
        str(v.sqref): v.formula1 for v in sheet.data_validations.dataValidation if v.type == "list"
    }
    last = TEMPLATE_ROWS + 1
    assert lists == {
        f"C2:C{last}": '"异地商会,行业商会,镇街商会,跨界商会"',
        f"D2:D{last}": '"' + ",".join(DISTRICTS) + '"',
        f"F2:F{last}": '"是,否"',
        f"G2:G{last}": '"是,否"',
        f"H2:H{last}": '"全国四好,省四好,市四好,无"',
        f"J2:J{last}": '"正常,已清理"',
    }
    assert sheet["E2"].number_format == "yyyy-mm-dd"
    assert sheet["I2"].number_format == "0"
    assert sheet["A2"].number_format == "@"  # 商会编号 as text keeps leading zeros
    help_sheet = workbook["填报说明"]
    column_lines = {row[0]: row for row in help_sheet.iter_rows(min_row=2, values_only=True)}
    assert column_lines["是否登记"][1:3] == ("*", "是 / 否（下拉选择）")
    assert column_lines["评级"][1:4] == (
        None,
        "从下拉列表中选择：全国四好 / 省四好 / 市四好 / 无",
        "全国四好",
    )


def test_template_command_writes_the_kind_and_refuses_an_unknown_one(tmp_path, capsys):
    out = tmp_path / "financing.xlsx"
    assert main(["template", "融资对接", "--out", str(out)]) == 0
    assert load_workbook(out).sheetnames == ["融资对接", "填报说明"]
    assert capsys.readouterr().out.strip() == f"已写入模板：{out}"
    assert main(["template", "loans", "--out", str(out)]) == 2
    assert "未知的数据类型「loans」" in capsys.readouterr().err


# --- The pages offer the template -------------------------------------------------------------


@pytest.fixture
def apptest_main():
    main_module = sys.modules["__main__"]
    yield
    sys.modules["__main__"] = main_module


@pytest.mark.xdist_group("apptest")
@pytest.mark.parametrize("page", ["app_pages/data_status.py", "app_pages/upload.py"])
def test_the_data_status_and_upload_pages_offer_every_kinds_template(
    apptest_main, monkeypatch, page
):
    monkeypatch.delenv("CAMPAIGN_DATA", raising=False)
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=120)
    at.run()
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    picker = next(s for s in at.selectbox if s.label == "模板数据类型")
    assert picker.options == [k.name_zh for k in KINDS]
    assert [b.proto.label for b in at.get("download_button")].count("下载填报模板") == 1
    picker.select("mediation").run()
    assert not at.exception
    assert [b.proto.label for b in at.get("download_button")].count("下载填报模板") == 1
