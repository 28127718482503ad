"""The dashboard in a real browser: pages open, charts draw, links reproduce views.

Run alone with ``python -m pytest tests/e2e``; screenshots land in test-output/screenshots/.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

APP_DONE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
CHART_DRAWN = '[data-testid="stVegaLiteChart"] canvas, [data-testid="stVegaLiteChart"] svg'
ERRORS = '[data-testid="stException"], [data-testid="stAlertContentError"]'
SIDEBAR_FILTERS = '[data-testid="stSidebar"] [data-testid="stSelectbox"] input'


def wait_for_sidebar(page) -> None:
    """Wait until the sidebar shows its three filters (year, month, scope).

    The script can be done, the header and charts drawn, and the sidebar still empty for a
    moment: a fresh browser profile fetches the sidebar's code after the main area's.
    """
    page.wait_for_function("s => document.querySelectorAll(s).length >= 3", arg=SIDEBAR_FILTERS)


def open_view(page, url: str, charts: int = 0) -> None:
    """Load a URL and wait until the script has finished and ``charts`` charts are drawn."""
    page.goto(url)
    page.wait_for_selector('[data-testid="stMainBlockContainer"]')
    page.wait_for_selector(APP_DONE)
    page.wait_for_selector(".kh-facts")  # the header every page has
    wait_for_sidebar(page)
    if charts:
        page.wait_for_function(
            f"n => document.querySelectorAll('{CHART_DRAWN}').length >= n", arg=charts
        )


def header_text(page) -> str:
    return page.locator(".kh-facts").inner_text()


def selected(page, area: str = "stSidebar") -> list[str]:
    """The values shown in the select boxes of the sidebar (or the main area)."""
    boxes = page.locator(f'[data-testid="{area}"] [data-testid="stSelectbox"] input')
    return [box.input_value() for box in boxes.all()]


def assert_no_errors(page) -> None:
    errors = page.locator(ERRORS)
    assert errors.count() == 0, errors.all_inner_texts()
    # Streamlit's "Page not found" and similar dialogs.
    assert page.get_by_role("dialog").count() == 0


def query(page) -> dict[str, str]:
    return {k: v[-1] for k, v in parse_qs(urlparse(page.url).query).items()}


def screenshot(page, folder: Path, name: str) -> Path:
    path = folder / f"{name}.png"
    page.screenshot(path=str(path))
    return path


def test_deep_link_on_a_fresh_server_reproduces_the_view(page, app_url, screenshots):
    # The first request a fresh server gets is a deep link (as from a chat message).
    link = f"{app_url}/kpi?lang=en&year=2022&month=6&scope=shinan&kpi=financing_amount"
    open_view(page, link, charts=2)
    assert_no_errors(page)
    assert "Data as of 30 Jun 2022" in header_text(page)
    assert "Scope: Shinan" in header_text(page)
    assert selected(page) == ["2022", "Jun 2022", "Shinan"]
    assert selected(page, "stMain") == ["Financing · Financing arranged"]
    assert query(page) == {
        "lang": "en",
        "year": "2022",
        "month": "6",
        "scope": "shinan",
        "kpi": "financing_amount",
    }
    screenshot(page, screenshots, "deep-link-kpi-en-shinan")


@pytest.mark.parametrize(
    ("path", "name", "charts"),
    [
        ("/", "overview", 0),
        ("/kpi", "kpi", 2),
        ("/districts?scope=xihaian", "districts", 3),
        ("/data", "data", 0),
    ],
)
def test_each_page_opens_with_its_charts(page, app_url, screenshots, path, name, charts):
    open_view(page, app_url + path, charts=charts)
    assert_no_errors(page)
    assert re.search(r"数据截至 \d{4}年\d{1,2}月\d{1,2}日", header_text(page))
    assert "序时进度" in header_text(page)
    # The view is in the address bar as soon as the page has run.
    assert {"lang", "year", "month", "scope"} <= set(query(page))
    screenshot(page, screenshots, f"{name}-zh")
    # The whole page, not only the first screen, for review.
    page.set_viewport_size({"width": 1366, "height": 2400})
    page.wait_for_timeout(500)
    screenshot(page, screenshots, f"{name}-zh-full")


def test_card_link_opens_the_kpi_detail_and_the_url_can_be_shared(
    page, browser, app_url, screenshots
):
    open_view(page, f"{app_url}/?lang=en&scope=laoshan")
    page.locator('[data-testid="stPageLink"] a').nth(1).click()  # the second KPI's card
    page.wait_for_url(re.compile(r"/kpi\?"))
    page.wait_for_selector(APP_DONE)
    page.wait_for_function(f"() => document.querySelectorAll('{CHART_DRAWN}').length >= 2")
    wait_for_sidebar(page)
    assert_no_errors(page)
    kpi_shown = selected(page, "stMain")
    shared = query(page)
    assert shared["scope"] == "laoshan" and shared["lang"] == "en" and "kpi" in shared
    # Another machine (a new browser context, no session) opens the same view.
    other = browser.new_context(viewport={"width": 1366, "height": 768})
    try:
        second = other.new_page()
        open_view(second, page.url, charts=2)
        assert selected(second, "stMain") == kpi_shown
        assert selected(second) == selected(page)
        assert query(second) == shared
        screenshot(second, screenshots, "shared-link-en")
    finally:
        other.close()


def test_sidebar_change_goes_into_the_url(page, app_url):
    open_view(page, f"{app_url}/districts")
    page.locator('[data-testid="stSidebar"] [data-testid="stSelectbox"]').nth(2).click()
    page.get_by_role("option", name="胶州市").click()
    page.wait_for_function("() => location.search.includes('scope=jiaozhou')")
    page.wait_for_selector(APP_DONE)
    page.wait_for_function("() => document.body.innerText.includes('胶州市概况')")
    assert "范围 胶州市" in header_text(page)


def test_unknown_kpi_in_the_link_falls_back_with_a_notice(page, app_url, screenshots):
    open_view(page, f"{app_url}/kpi?kpi=no_such_kpi&scope=atlantis", charts=2)
    notices = page.locator('[data-testid="stAlertContentWarning"]').all_inner_texts()
    assert any("链接中的指标“no_such_kpi”不存在" in n for n in notices), notices
    assert any("链接中的区市“atlantis”不存在" in n for n in notices), notices
    assert_no_errors(page)
    screenshot(page, screenshots, "fallback-notice-zh")
