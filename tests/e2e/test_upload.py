"""The upload round trip in a real browser: a GB18030 file with bad rows, accepted for its
valid rows, then rolled back, with the numbers checked before, between and after."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import ROOT, copy_sample_data, start_server, stop_server  # tests/e2e/conftest.py

from campaign.kpi import KpiEngine

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

HEADER = "日期,区市,企业名称,金融机构,融资方式,金额（万元）"
UPLOAD_NAME = "融资对接_2022-09_补报.csv"


@pytest.fixture(scope="module")
def upload_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """Its own server on its own copy of the data: uploads here touch nothing else."""
    folder = tmp_path_factory.mktemp("upload-server")
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


def test_upload_accept_valid_rows_then_roll_back(upload_server, page, tmp_path, screenshots):
    url, data = upload_server
    before = city_financing(data)
    rows = [
        "2022-09-05,黄岛区,青岛补报甲有限公司,青岛银行,贷款,20000",  # 2 亿元
        "2022-09-06,城阳,青岛补报乙有限公司,,贷款,-1",  # line 3: negative, excluded
        "2022/9/7,即墨区,青岛补报丙有限公司,,股权,10000",  # 1 亿元
        "2022-09-31,即墨区,青岛补报丁有限公司,,贷款,5000",  # line 5: no such date, excluded
    ]
    upload = tmp_path / UPLOAD_NAME
    upload.write_bytes((HEADER + "\r\n" + "\r\n".join(rows) + "\r\n").encode("gb18030"))

    # A deep link straight to the upload page (dashboard.py runs first even on a fresh
    # server: tests/test_streamlit_contract.py).
    page.goto(f"{url}/upload")
    page.get_by_text("选择文件").first.wait_for()
    page.locator('input[type="file"]').set_input_files(str(upload))
    page.get_by_text("共 4 行，可导入 2 行，将排除 2 行").wait_for(timeout=60_000)
    # The line-by-line report is a data grid (drawn on a canvas): it must be there.
    page.locator('[data-testid="stDataFrame"]').first.wait_for()
    accept = page.get_by_role("button", name="接受并重建数据")
    assert accept.is_disabled(), "excluding rows needs an explicit confirmation"
    page.get_by_text("我确认只导入有效行").click()
    accept.click()
    page.get_by_text(f"已接受 {UPLOAD_NAME}").wait_for(timeout=60_000)
    page.screenshot(path=str(screenshots / "upload-accepted-zh.png"), full_page=True)

    # Only the two valid rows count: + 2 亿元 + 1 亿元.
    assert city_financing(data) == pytest.approx(before + 3.0)
    assert (data / "extracts" / UPLOAD_NAME).exists()

    page.get_by_text("恢复此版本").wait_for()
    page.get_by_role("button", name="恢复此版本").click()
    # A restore asks first, in a dialog; nothing changes until it is confirmed.
    dialog = page.get_by_role("dialog")
    dialog.get_by_text("请确认").wait_for(timeout=30_000)
    # It names the version, with who replaced it (local mode: the local user).
    dialog.get_by_text("操作人：本地用户（local）").wait_for()
    assert (data / "extracts" / UPLOAD_NAME).exists()
    page.screenshot(path=str(screenshots / "upload-restore-confirm-zh.png"))
    dialog.get_by_role("button", name="恢复此版本").click()
    page.get_by_text(f"已恢复 {UPLOAD_NAME}").wait_for(timeout=60_000)
    assert city_financing(data) == pytest.approx(before)
    assert not (data / "extracts" / UPLOAD_NAME).exists()
    assert not page.locator('[data-testid="stException"]').count()
