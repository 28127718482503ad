"""The shipped deployment on loopback, for the tests (tests/e2e) and the load tool
(benchmarks/loadtest.py): free ports, the health check, and the shipped nginx site file
run from a private prefix.

Only the site file's listen port, upstream ports and log folder are replaced; everything
else nginx writes (pid, logs, temp files) goes under the prefix, so it runs without root's
folders and several copies can run at once.
"""

from __future__ import annotations

import os
import re
import socket
import urllib.request
from collections.abc import Sequence
from pathlib import Path

SITE = Path(__file__).resolve().parent / "nginx-campaign-kpi.conf"


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def healthy(base_url: str) -> bool:
    """Whether the Streamlit app at ``base_url`` answers its health check."""
    try:
        with urllib.request.urlopen(f"{base_url}/_stcore/health", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def render_site(listen: int, backends: Sequence[int], logs: Path) -> str:
    """The shipped site file with this run's listen port, upstream ports and log folder."""
    text = SITE.read_text(encoding="utf-8")
    text, count = re.subn(r"listen 80;", f"listen 127.0.0.1:{listen};", text)
    if count != 1:
        raise RuntimeError(f"{SITE.name} no longer has exactly one 'listen 80;'")
    servers = re.findall(r"^\s*server 127\.0\.0\.1:\d+[^;]*;\n", text, flags=re.MULTILINE)
    if not servers:
        raise RuntimeError(f"{SITE.name}: no upstream servers found")
    template = servers[0]
    lines = "".join(re.sub(r"127\.0\.0\.1:\d+", f"127.0.0.1:{port}", template) for port in backends)
    text = text.replace("".join(servers), lines, 1)
    text, count = re.subn(r"/var/log/nginx/", f"{logs}/", text)
    if count != 2:
        raise RuntimeError(f"{SITE.name}: expected an access and an error log under /var/log/nginx")
    return text


def main_config(prefix: Path, site: Path) -> str:
    """A minimal nginx.conf around ``site``, everything nginx writes inside ``prefix``."""
    user = "user root;" if os.geteuid() == 0 else ""  # workers may write the temp folders
    temp = prefix / "temp"
    return f"""{user}
worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/logs/main-error.log warn;
events {{ worker_connections 1024; }}
http {{
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
    access_log off;
    include {site};
}}
"""
