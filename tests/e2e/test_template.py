"""The template round trip in a real browser: download the 融资对接 template from the upload
page, fill two rows as a district office would, upload it, and see exactly those rows counted."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import ROOT, copy_sample_data, start_server, stop_server  # tests/e2e/conftest.py
from openpyxl import load_workbook

from campaign.kpi import KpiEngine

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

UPLOAD_NAME = "融资对接_2022-09_模板.xlsx"


@pytest.fixture(scope="module")
def template_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """Its own server on its own copy of the data: the upload here touches nothing else."""
    folder = tmp_path_factory.mktemp("template-server")
    data = copy_sample_data(folder / "data")
    process, url = start_server(folder / "streamlit.log", {"CAMPAIGN_DATA": str(data)})
    try:
        yield url, data
    finally:
        stop_server(process)


def city_financing(data: Path) -> float:
    engine = KpiEngine(data, ROOT / "queries")
    card = engine.scorecard(engine.default_filters())
    return next(r.actual for r in card.results if r.kpi.id == "financing_amount")


def test_a_downloaded_template_filled_in_uploads_clean(template_server, page, tmp_path):
    url, data = template_server
    before = city_financing(data)
    page.goto(url)
    page.get_by_text("数据截至").first.wait_for(timeout=60_000)
    page.goto(f"{url}/upload")
    page.get_by_text("选择文件").first.wait_for()
    with page.expect_download(timeout=60_000) as download:
        page.get_by_role("button", name="下载填报模板").click()
    assert download.value.suggested_filename == "融资对接_模板.xlsx"
    template = tmp_path / "template.xlsx"
    download.value.save_as(template)

    workbook = load_workbook(template)
    sheet = workbook["融资对接"]
    # Filled in by header, as a person does (the template's columns come from the contract).
    rows = [
        {"日期": dt.date(2022, 9, 12), "区市": "城阳区", "企业名称": "青岛模板甲有限公司",
         "金融机构": "青岛银行", "融资方式": "贷款", "金额（万元）": 300},
        {"日期": dt.date(2022, 9, 13), "区市": "即墨区", "企业名称": "青岛模板乙有限公司",
         "融资方式": "股权", "金额（万元）": 200},
    ]  # fmt: skip
    columns = {cell.value: cell.column for cell in sheet[1] if cell.value}
    for r, values in enumerate(rows, start=2):
        for header, value in values.items():
            sheet.cell(row=r, column=columns[header], value=value)
    upload = tmp_path / UPLOAD_NAME
    workbook.save(upload)

    page.locator('input[type="file"]').set_input_files(str(upload))
    page.get_by_text("共 2 行，可导入 2 行，将排除 0 行").wait_for(timeout=60_000)
    accept = page.get_by_role("button", name="接受并重建数据")
    assert accept.is_enabled(), "nothing excluded: no confirmation needed"
    accept.click()
    page.get_by_text(f"已接受 {UPLOAD_NAME}").wait_for(timeout=60_000)
    # 300 + 200 万元 = 0.05 亿元 more.
    assert city_financing(data) == pytest.approx(before + 0.05)
    assert not page.locator('[data-testid="stException"]').count()
