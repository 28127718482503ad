"""The deployment as shipped: nginx (deploy/nginx-campaign-kpi.conf) at /kpi/ on loopback in
front of two dashboard processes with sticky sessions, sign-in from the users file, and
every page loaded through the proxy in Chromium.

nginx runs unprivileged-style from a prefix in a temporary folder (pid, logs and temp
paths there); only the listen port, the two upstream ports and the log folder of the
shipped file are replaced.  On CI a missing nginx is a failure, never a skip.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from conftest import (  # tests/e2e/conftest.py: the server and browser helpers
    ROOT,
    SERVER_START_SECONDS,
    VIEWPORT,
    copy_sample_data,
    stop_server,
)
from loopback import free_port, healthy, main_config, render_site  # deploy/loopback.py

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

APP_DONE = '[data-testid="stApp"][data-test-script-state="notRunning"]'
ERRORS = '[data-testid="stException"], [data-testid="stAlertContentError"]'
LOGIN_FORM = '[data-testid="stForm"]:has(.st-key-auth_name)'
ADMIN = ("zhao.admin", "admin", "zhao admin password")
VIEWER = ("qian.viewer", "viewer", "qian viewer password")
# Every page an admin has, its address below /kpi/ and what shows it has drawn.
PAGES = {
    "overview": ("", ".kh-facts"),
    "kpi": ("kpi", ".kh-facts"),
    "districts": ("districts", ".kh-facts"),
    "data": ("data", ".kh-facts"),
    "present": ("present", ".st-key-present .pt-title"),
    "lab": ("lab", '[data-testid="stTextArea"] textarea'),
    "edit": ("edit", '[data-testid="stTextArea"] textarea'),
    "upload": ("upload", '[data-testid="stFileUploader"]'),
    "users": ("users", '[data-testid="stForm"]'),
}


def nginx_binary() -> str:
    found = shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if Path(p).exists()), None
    )
    if found:
        return found
    reason = "nginx is not installed (apt-get install nginx)"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI must run the nginx test: {reason}")
    pytest.skip(reason)


def start_dashboards(
    folder: Path, env: dict[str, str], count: int = 2
) -> tuple[list[subprocess.Popen[bytes]], list[int]]:
    """``count`` dashboard processes at /kpi on free loopback ports, started together."""
    processes: list[subprocess.Popen[bytes]] = []
    ports: list[int] = []
    for number in range(count):
        port = free_port()
        log = (folder / f"streamlit-{number}.log").open("wb")
        command = [
            sys.executable, "-m", "streamlit", "run", "dashboard.py",
            "--server.headless", "true",
            "--server.address", "127.0.0.1",
            "--server.port", str(port),
            "--server.baseUrlPath", "kpi",
            "--browser.gatherUsageStats", "false",
        ]  # fmt: skip
        processes.append(
            subprocess.Popen(
                command,
                cwd=ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
                env={**os.environ, **env},
                start_new_session=True,
            )
        )
        ports.append(port)
    deadline = time.monotonic() + SERVER_START_SECONDS
    waiting = set(range(count))
    while waiting and time.monotonic() < deadline:
        for number in list(waiting):
            if processes[number].poll() is not None:
                for process in processes:
                    stop_server(process)
                log_text = (folder / f"streamlit-{number}.log").read_text(errors="replace")
                raise RuntimeError(f"streamlit exited early:\n{log_text}")
            if healthy(f"http://127.0.0.1:{ports[number]}/kpi"):
                waiting.discard(number)
        time.sleep(0.25)
    if waiting:
        for process in processes:
            stop_server(process)
        raise RuntimeError("streamlit did not answer in time")
    return processes, ports


@dataclass(frozen=True)
class Proxy:
    url: str  # http://127.0.0.1:PORT/kpi
    backends: tuple[int, int]
    access_log: Path
    timings: dict[str, float]


@pytest.fixture(scope="module")
def proxy(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Proxy]:
    binary = nginx_binary()
    folder = tmp_path_factory.mktemp("nginx")
    data = copy_sample_data(folder / "data")
    # The users file, written as `python -m campaign users add` would (cheap argon2id
    # parameters: verification follows the parameters stored in the hash).
    from campaign import auth

    hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    users = [
        auth.UserRecord(name, hasher.hash(password), role)
        for name, role, password in (ADMIN, VIEWER)
    ]
    auth.save_users(folder / "users.toml", users)
    (folder / "session.secret").write_text(auth.new_secret())
    (folder / "auth.toml").write_text(
        'mode = "users"\nusers_file = "users.toml"\nsecret_file = "session.secret"\n'
        'trusted_proxies = ["127.0.0.1"]\nsession_hours = 1\n',
        encoding="utf-8",
    )
    env = {
        "CAMPAIGN_DATA": str(data),
        "CAMPAIGN_AUTH": str(folder / "auth.toml"),
        "FORWARDED_ALLOW_IPS": "",  # as the systemd unit sets it
        "STREAMLIT_SERVER_COOKIE_SECRET": auth.new_secret(),
    }
    started = time.perf_counter()
    processes, ports = start_dashboards(folder, env)
    timings = {"start_two_dashboards_s": time.perf_counter() - started}

    prefix = folder / "nginx"
    for sub in ("logs", "temp"):
        (prefix / sub).mkdir(parents=True)
    listen = free_port()
    site = prefix / "site.conf"
    site.write_text(render_site(listen, ports, prefix / "logs"))
    conf = prefix / "nginx.conf"
    conf.write_text(main_config(prefix, site))
    check = subprocess.run(
        [binary, "-t", "-p", str(prefix), "-c", str(conf)], capture_output=True, text=True
    )
    assert check.returncode == 0, check.stderr
    nginx = subprocess.Popen(
        [binary, "-p", str(prefix), "-c", str(conf), "-g", "daemon off;"],
        stdout=subprocess.DEVNULL,
        stderr=(prefix / "logs" / "stderr.log").open("wb"),
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{listen}/kpi"
    try:
        deadline = time.monotonic() + 20
        while not healthy(url):
            assert nginx.poll() is None, (prefix / "logs" / "stderr.log").read_text()
            assert time.monotonic() < deadline, "nginx did not answer"
            time.sleep(0.1)
        yield Proxy(url, (ports[0], ports[1]), prefix / "logs" / "campaign-kpi.access.log", timings)
    finally:
        stop_server(nginx)
        for process in processes:
            stop_server(process)
        print("nginx test timings:", {k: round(v, 2) for k, v in timings.items()})


def fetch(url: str, cookie: str | None = None) -> tuple[int, str, dict[str, str]]:
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status, response.read().decode(), dict(response.headers)


def _median_ms(url: str, times: int = 15) -> float:
    took = []
    for _ in range(times):
        started = time.perf_counter()
        fetch(url)
        took.append((time.perf_counter() - started) * 1000)
    return sorted(took)[times // 2]


def test_the_health_check_answers_through_the_proxy_and_from_each_process(proxy):
    assert fetch(f"{proxy.url}/_stcore/health")[:2] == (200, "ok")
    # What the proxy adds to a request (median of 15, printed with the other timings).
    direct = f"http://127.0.0.1:{proxy.backends[0]}/kpi/_stcore/health"
    proxy.timings["health_direct_ms"] = _median_ms(direct)
    proxy.timings["health_via_nginx_ms"] = _median_ms(f"{proxy.url}/_stcore/health")
    # deploy/healthcheck.py, as monitoring would run it, on the proxy and both processes.
    backends = [f"http://127.0.0.1:{port}/kpi" for port in proxy.backends]
    result = subprocess.run(
        [sys.executable, str(ROOT / "deploy" / "healthcheck.py"), proxy.url, *backends],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count("OK ") == 3


def test_nginx_hands_out_a_route_cookie_and_each_route_sticks_to_one_process(proxy):
    _, page, headers = fetch(f"{proxy.url}/")
    assert "<title>" in page.lower() or "streamlit" in page.lower()  # the app's index.html
    assert re.search(r"kh_route=\w+; Path=/kpi/; HttpOnly", headers.get("Set-Cookie", ""))
    routes = [f"r{n}" for n in range(24)]
    for route in routes:
        for _ in range(3):
            fetch(f"{proxy.url}/", cookie=f"kh_route={route}")
    upstream_of: dict[str, set[str]] = {}
    for line in proxy.access_log.read_text().splitlines():
        found = re.search(r"upstream=(\S+) route=(r\d+) ", line)
        if found:
            upstream_of.setdefault(found.group(2), set()).add(found.group(1))
    assert set(upstream_of) == set(routes)
    assert all(len(upstreams) == 1 for upstreams in upstream_of.values()), upstream_of
    # 24 routes on two processes: both serve (all on one would be a 2⁻²³ chance).
    used = set().union(*upstream_of.values())
    assert used == {f"127.0.0.1:{port}" for port in proxy.backends}


def _sign_in(page, url: str, name: str, password: str) -> None:
    page.goto(url)
    page.wait_for_selector(LOGIN_FORM)
    page.locator(".st-key-auth_name input").fill(name)
    page.locator(".st-key-auth_password input").fill(password)
    page.locator(f"{LOGIN_FORM} [data-testid='stFormSubmitButton'] button").click()


def _open(page, url: str, ready: str) -> float:
    started = time.perf_counter()
    page.goto(url)
    page.wait_for_selector(ready)
    page.wait_for_selector(APP_DONE)
    return time.perf_counter() - started


@pytest.fixture
def tab(browser) -> Iterator[object]:
    """A fresh browser profile (no cookies) and tab."""
    context = browser.new_context(viewport=VIEWPORT, locale="zh-CN")
    page = context.new_page()
    page.set_default_timeout(30_000)
    try:
        yield page
    finally:
        context.close()


def test_every_page_loads_through_the_proxy_after_signing_in(proxy, tab, screenshots):
    page = tab
    # Nothing before signing in: the login form, no figures.
    _sign_in(page, f"{proxy.url}/kpi", ADMIN[0], "wrong password")
    page.wait_for_selector('[data-testid="stAlertContentError"]')
    assert "用户名或密码不正确" in page.locator('[data-testid="stAlertContentError"]').inner_text()
    assert page.locator(".kh-facts").count() == 0
    started = time.perf_counter()
    _sign_in(page, f"{proxy.url}/kpi", *ADMIN[::2])
    page.wait_for_selector(".kh-facts")
    page.wait_for_selector(APP_DONE)
    proxy.timings["sign_in_to_kpi_page_s"] = time.perf_counter() - started
    assert "/kpi/kpi" in page.url  # the address asked for survived the login
    cookies = {c["name"]: c for c in page.context.cookies()}
    assert cookies["kh_session"]["path"] == "/kpi" and cookies["kh_route"]["httpOnly"]
    # Each page is a full load (a new websocket through nginx): the cookie keeps us in.
    for key, (path, ready) in PAGES.items():
        seconds = _open(page, f"{proxy.url}/{path}", ready)
        proxy.timings[f"page_{key}_s"] = seconds
        assert page.locator(LOGIN_FORM).count() == 0, key
        errors = page.locator(ERRORS)
        assert errors.count() == 0, (key, errors.all_inner_texts())
        assert page.get_by_role("dialog").count() == 0, key  # e.g. "Page not found"
    page.screenshot(path=str(screenshots / "nginx-users-page.png"))
    # Signing out ends the session: a reload shows the login form again.
    page.locator(".st-key-auth_logout button").click()
    page.wait_for_selector(LOGIN_FORM)
    _open(page, f"{proxy.url}/", LOGIN_FORM)


def test_a_tampered_session_cookie_is_refused_through_the_proxy(proxy, tab):
    page = tab
    _sign_in(page, f"{proxy.url}/", *VIEWER[::2])
    page.wait_for_selector(".kh-facts")
    page.wait_for_function("document.cookie.includes('kh_session=')")
    session = next(c for c in page.context.cookies() if c["name"] == "kh_session")
    version, body, signature = session["value"].split(".")
    page.context.add_cookies([{**session, "value": f"{version}.{body}x.{signature}"}])
    _open(page, f"{proxy.url}/", LOGIN_FORM)
    assert page.locator(".kh-facts").count() == 0


def test_a_viewer_cannot_reach_the_lab_or_uploads_by_address(proxy, tab):
    page = tab
    _sign_in(page, f"{proxy.url}/", *VIEWER[::2])
    page.wait_for_selector(".kh-facts")
    page.wait_for_function("document.cookie.includes('kh_session=')")
    for path in ("lab", "upload"):
        _open(page, f"{proxy.url}/{path}", APP_DONE)
        page.wait_for_selector(".kh-facts")  # the overview instead
        assert (
            page.locator('[data-testid="stTextArea"], [data-testid="stFileUploader"]').count() == 0
        )
        assert page.locator(LOGIN_FORM).count() == 0
