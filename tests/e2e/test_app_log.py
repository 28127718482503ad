"""The server log of `streamlit run dashboard.py`: a wrong password typed into the login form
in Chromium reaches the log as one line with time, level, logger and message (README
"Access control" promises it; before campaign/logs.py nothing under ``campaign`` had a
handler, so the event was dropped or printed bare).
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from conftest import copy_sample_data, start_server, stop_server  # tests/e2e/conftest.py

from campaign import auth

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

LOGIN_FORM = '[data-testid="stForm"]:has(.st-key-auth_name)'
REFUSED = '[data-testid="stAlertContentError"]'
# 2026-12-03 01:02:03,456 WARNING campaign.auth: login failed: user='zhao' address=127.0.0.1 …
FAILED_LOGIN = re.compile(
    r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} WARNING campaign\.auth: "
    r"login failed: user='zhao' address=127\.0\.0\.1 known_user=True$",
    re.MULTILINE,
)


@pytest.fixture(scope="module")
def users_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    folder = tmp_path_factory.mktemp("logged")
    data = copy_sample_data(folder / "data")
    hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    auth.save_users(
        folder / "users.toml", [auth.UserRecord("zhao", hasher.hash("zhao's password"), "admin")]
    )
    (folder / "session.secret").write_text(auth.new_secret())
    (folder / "auth.toml").write_text(
        'mode = "users"\nusers_file = "users.toml"\nsecret_file = "session.secret"\n',
        encoding="utf-8",
    )
    log = folder / "streamlit.log"
    env = {"CAMPAIGN_DATA": str(data), "CAMPAIGN_AUTH": str(folder / "auth.toml")}
    process, url = start_server(log, env)
    try:
        yield url, log
    finally:
        stop_server(process)


def test_a_failed_login_reaches_the_server_log_with_its_time(users_server, page):
    url, log = users_server
    page.goto(url)
    page.wait_for_selector(LOGIN_FORM)
    page.locator(".st-key-auth_name input").fill("zhao")
    page.locator(".st-key-auth_password input").fill("not zhao's password")
    page.locator(f"{LOGIN_FORM} [data-testid='stFormSubmitButton'] button").click()
    page.wait_for_selector(REFUSED)
    deadline = time.monotonic() + 10
    while not FAILED_LOGIN.search(log.read_text(errors="replace")):
        assert time.monotonic() < deadline, log.read_text(errors="replace")
        time.sleep(0.2)
    text = log.read_text(errors="replace")
    assert len(FAILED_LOGIN.findall(text)) == 1  # one line, not one per handler
    assert "not zhao's password" not in text  # never the password
