"""What the dashboard relies on in Streamlit beyond its documented API, checked on a real server.

- ``runner.postScriptGC`` (hidden option, ``.streamlit/config.toml`` sets it false): the load
  result (docs/benchmarks.md, p95 320 ms instead of 10 s with 50 viewers) depends on it. If an
  upgrade drops the option or it stops meaning "a full gc.collect() after every script run",
  these tests fail.
- The page scripts' folder: a folder named ``pages/`` beside the main script makes Streamlit
  run a deep-linked page without ``dashboard.py`` on a fresh server's first run (its legacy
  multipage mode). The scripts live in ``app_pages/``; the first run of a fresh server on a
  deep link must run ``dashboard.py`` (its navigation, its frame).
- ``st.login`` (``mode = "oidc"``) needs Authlib and httpx, the ``streamlit[auth]`` extra.
"""

from __future__ import annotations

import asyncio
import importlib
import os
import subprocess
import sys
import tempfile
import time
import tomllib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from streamlit import config
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from websockets.asyncio.client import connect
from websockets.typing import Subprotocol

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "deploy"))
from loopback import free_port, healthy  # noqa: E402  (deploy/loopback.py)

pytestmark = pytest.mark.xdist_group("streamlit_servers")

FINISHED = ForwardMsg.ScriptFinishedStatus.FINISHED_SUCCESSFULLY
START_SECONDS = 90

# A script that writes one line to gc.log each time a full (generation 2) collection starts
# inside Streamlit's end-of-run step (ScriptRunner._on_script_finished).
GC_PROBE_APP = """
import gc, os, sys
from pathlib import Path
import streamlit as st

LOG = Path(__file__).with_name("gc.log")
if "GC_PROBE" not in os.environ:
    os.environ["GC_PROBE"] = "installed"

    def probe(phase, info):
        if phase != "start" or info["generation"] != 2:
            return
        frame = sys._getframe(1)
        while frame is not None:
            if frame.f_code.co_name == "_on_script_finished":
                with LOG.open("a") as out:
                    out.write("full collection after the run\\n")
                return
            frame = frame.f_back

    gc.callbacks.append(probe)
st.write("ran")
"""


def start(
    script: Path, *options: str, env: dict[str, str] | None = None
) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    # The server's output goes to the temp folder, never into the checkout.
    log = (Path(tempfile.gettempdir()) / f"streamlit-{port}.log").open("wb")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            script.name,
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--server.headless",
            "true",
            "--browser.gatherUsageStats",
            "false",
            *options,
        ],
        cwd=script.parent,
        stdout=log,
        stderr=subprocess.STDOUT,
        env={**os.environ, **(env or {})},
        start_new_session=True,
    )
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited: {log.name}")
        if healthy(url):
            return process, url
        time.sleep(0.25)
    process.kill()
    raise RuntimeError("streamlit did not answer in time")


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


def first_run(url: str, page_name: str = "") -> list[ForwardMsg]:
    """Open a session as a browser tab on ``url/page_name`` would; the messages of its run."""

    async def run() -> list[ForwardMsg]:
        ws_url = url.replace("http", "ws", 1) + "/_stcore/stream"
        async with connect(ws_url, subprotocols=[Subprotocol("streamlit")], max_size=None) as ws:
            msg = BackMsg()
            msg.rerun_script.page_name = page_name
            msg.rerun_script.query_string = ""
            msg.rerun_script.context_info.timezone = "Asia/Shanghai"
            await ws.send(msg.SerializeToString())
            received: list[ForwardMsg] = []
            while True:
                data = await asyncio.wait_for(ws.recv(), 120)
                if not isinstance(data, bytes):
                    continue
                forward = ForwardMsg.FromString(data)
                received.append(forward)
                if forward.WhichOneof("type") == "script_finished" and (
                    forward.script_finished == FINISHED
                ):
                    return received

    # In a thread of its own: the browser tests in the same worker keep an event loop running.
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, run()).result()


# ---------------------------------------------------------------- runner.postScriptGC


def test_post_script_gc_is_still_a_streamlit_option_that_defaults_to_on():
    option = config.get_config_options().get("runner.postScriptGC")
    assert option is not None, "Streamlit no longer has runner.postScriptGC"
    assert option.type is bool
    assert option.default_val is True


def test_the_shipped_settings_turn_post_script_gc_off():
    settings = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert settings["runner"]["postScriptGC"] is False


@pytest.mark.slow
@pytest.mark.parametrize(("setting", "full_collections"), [("true", 1), ("false", 0)])
def test_post_script_gc_means_one_full_collection_after_each_run(
    tmp_path, setting, full_collections
):
    script = tmp_path / "probe.py"
    script.write_text(GC_PROBE_APP, encoding="utf-8")
    process, url = start(script, "--runner.postScriptGC", setting)
    try:
        first_run(url)
        time.sleep(0.5)  # the end-of-run step follows the script_finished message
    finally:
        stop(process)
    log = tmp_path / "gc.log"
    lines = log.read_text().splitlines() if log.exists() else []
    assert len(lines) == full_collections


# ---------------------------------------------------------------- the page scripts' folder


def test_no_pages_folder_beside_the_dashboard():
    """A ``pages/`` folder (even empty) turns on Streamlit's legacy multipage mode."""
    assert not (ROOT / "pages").exists()


@pytest.mark.slow
def test_a_fresh_servers_first_run_on_a_deep_link_runs_the_dashboard(tmp_path):
    from tests.e2e.conftest import copy_sample_data

    data = copy_sample_data(tmp_path / "data")
    process, url = start(ROOT / "dashboard.py", env={"CAMPAIGN_DATA": str(data)})
    try:
        messages = first_run(url, page_name="kpi")
    finally:
        stop(process)
    navigations = [m.navigation for m in messages if m.WhichOneof("type") == "navigation"]
    # One navigation, the dashboard's own (a legacy run lists dashboard.py and every file).
    assert len(navigations) == 1
    paths = {p.url_pathname: p.page_script_hash for p in navigations[0].app_pages}
    # The dashboard's URL paths (app_pages/_ui.py build_pages), not one per file as the
    # legacy mode makes them (data_status, _ui, ...).
    assert {"kpi", "districts", "data", "present"} <= set(paths)
    assert "data_status" not in paths and "_ui" not in paths
    assert navigations[0].page_script_hash == paths["kpi"]
    kinds = [
        m.delta.new_element.WhichOneof("type")
        for m in messages
        if m.WhichOneof("type") == "delta" and m.delta.WhichOneof("type") == "new_element"
    ]
    assert "exception" not in kinds
    assert "selectbox" in kinds  # the sidebar's filters and the KPI chooser
    # The favicon is the shipped SVG, inline: nothing fetched from a font host.
    favicons = [
        m.page_config_changed.favicon for m in messages if m.HasField("page_config_changed")
    ]
    assert any(f.startswith("data:image/svg+xml;base64,") for f in favicons)
    assert not any("material" in f or f.startswith("http") for f in favicons)


# ---------------------------------------------------------------- sign-in dependencies


@pytest.mark.parametrize("module", ["authlib", "httpx", "authlib.integrations.httpx_client"])
def test_the_oidc_sign_in_dependencies_are_installed(module):
    """st.login answers HTTP 500 without them (streamlit[auth] in pyproject.toml)."""
    importlib.import_module(module)
