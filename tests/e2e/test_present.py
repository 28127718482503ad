"""Presentation mode in a real browser: opened by a link, no sidebar, next/previous, auto-advance;
and a follow-up note written on the KPI page.

Screenshots land in test-output/screenshots/ (present-*.png, notes-*.png).
"""

from __future__ import annotations

import re

import pytest

from campaign.model import DOMAINS
from campaign.views import domain_label

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

APP_DONE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
CHART_DRAWN = '.st-key-present [data-testid="stVegaLiteChart"] svg, .st-key-present canvas'
ERRORS = '[data-testid="stException"], [data-testid="stAlertContentError"]'
LINK = "/present?lang=zh&year=2022&month=9&scope=city"


def open_present(page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector(".st-key-present .pt-title")
    page.wait_for_selector(APP_DONE)
    page.wait_for_selector(CHART_DRAWN)


def title(page) -> str:
    return page.locator(".st-key-present .pt-title").inner_text().strip()


def wait_for_title(page, expected: str, seconds: float) -> None:
    page.wait_for_function(
        "t => document.querySelector('.st-key-present .pt-title')?.innerText.trim() === t",
        arg=expected,
        timeout=seconds * 1000,
    )


def test_a_link_opens_a_domain_full_screen_and_the_buttons_move(page, app_url, screenshots):
    open_present(page, f"{app_url}{LINK}&domain=2")
    assert title(page) == domain_label(DOMAINS[1]) == "订单"
    assert page.locator(ERRORS).count() == 0
    # No sidebar, no menu: the screen is the slide.
    assert not page.locator('[data-testid="stSidebar"]').is_visible()
    assert not page.locator('[data-testid="stHeader"]').is_visible()
    facts = page.locator(".st-key-present .pt-facts").inner_text()
    assert (
        "数据截至 2022年9月30日" in facts and "序时进度 75.0%" in facts and "第 2 / 7 页" in facts
    )
    # Large type: the slide title is far larger than body text.
    size = page.locator(".st-key-present .pt-title").evaluate(
        "e => parseFloat(getComputedStyle(e).fontSize)"
    )
    assert size >= 40
    assert "订单金额" in page.locator(".st-key-present").inner_text()
    page.screenshot(path=str(screenshots / "present-orders.png"))

    page.locator(".st-key-present_next button").click()
    wait_for_title(page, domain_label(DOMAINS[2]), 30)
    assert "第 3 / 7 页" in page.locator(".st-key-present .pt-facts").inner_text()
    page.locator(".st-key-present_previous button").click()
    wait_for_title(page, "订单", 30)
    page.locator(".st-key-present_previous button").click()
    wait_for_title(page, domain_label(DOMAINS[0]), 30)
    page.locator(".st-key-present_previous button").click()  # from the first, wraps round
    wait_for_title(page, domain_label(DOMAINS[-1]), 30)
    assert page.locator(ERRORS).count() == 0


def test_auto_advance_moves_on_by_itself(page, app_url, screenshots):
    open_present(page, f"{app_url}{LINK}&domain=6&auto=5")
    # On a busy machine the first advance may already have happened while the page opened.
    assert title(page) in (domain_label(DOMAINS[5]), domain_label(DOMAINS[6]))
    wait_for_title(page, domain_label(DOMAINS[6]), 20)  # the next screen, by itself
    assert re.search(r"domain=7", page.url)  # the URL follows, so a reload stays put
    wait_for_title(page, domain_label(DOMAINS[0]), 20)  # the last screen wraps to the first
    page.screenshot(path=str(screenshots / "present-auto.png"))
    assert page.locator(ERRORS).count() == 0


def settle(page, quiet_ms: int = 1500) -> None:
    """Wait until the script has finished and stayed finished for ``quiet_ms`` (the page can
    run again right after loading, which would redraw a form being filled)."""
    for _ in range(20):
        page.wait_for_selector(APP_DONE)
        page.wait_for_timeout(quiet_ms)
        if page.locator(APP_DONE).count():
            return


def test_a_follow_up_note_is_written_on_the_kpi_page(page, app_url, screenshots):
    page.goto(f"{app_url}/kpi?lang=zh&year=2022&month=9&scope=city&kpi=investment_signed_amount")
    settle(page)
    form = page.locator('[data-testid="stForm"]').last
    fields = {
        "滞后原因": "两个大项目签约推迟",
        "整改措施": "十月底前集中签约",
        "填写人（姓名/单位）": "市投资促进局",
    }
    for label, text in fields.items():
        form.get_by_label(label).fill(text)
    for label, text in fields.items():
        assert form.get_by_label(label).input_value() == text
    form.get_by_role("button", name="保存").click()
    page.wait_for_function(
        "() => document.body.innerText.includes('市投资促进局 · ')", timeout=30_000
    )
    text = page.locator('[data-testid="stMainBlockContainer"]').inner_text()
    assert "两个大项目签约推迟" in text and "十月底前集中签约" in text
    assert page.locator(ERRORS).count() == 0
    page.screenshot(path=str(screenshots / "notes-kpi.png"), full_page=True)
