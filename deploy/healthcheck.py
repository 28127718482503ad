#!/usr/bin/env python3
"""Health check of 攻势看板 behind nginx, for monitoring or after a deployment.

    python3 deploy/healthcheck.py http://127.0.0.1/kpi http://127.0.0.1:8501/kpi http://127.0.0.1:8502/kpi

Each URL is an app address (the proxy's or one process's); its ``/_stcore/health`` must
answer 200 "ok" within the timeout.  Exit 0 when all do, 1 otherwise; one line per URL.
Standard library only, so it runs without the project's virtual environment.
"""

from __future__ import annotations

import argparse
import sys
import time
import urllib.error
import urllib.request


def check(url: str, timeout: float) -> tuple[bool, str]:
    """Whether ``url``'s health endpoint answers "ok", and what happened."""
    target = url.rstrip("/") + "/_stcore/health"
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(target, timeout=timeout) as response:
            body = response.read(64).decode("utf-8", "replace").strip()
            status = response.status
    except (urllib.error.URLError, OSError) as exc:
        return False, f"{target}: {exc}"
    took = (time.perf_counter() - started) * 1000
    ok = status == 200 and body == "ok"
    return ok, f"{target}: {status} {body!r} in {took:.0f} ms"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("urls", nargs="+", help="app addresses, e.g. http://127.0.0.1/kpi")
    parser.add_argument("--timeout", type=float, default=5.0)
    args = parser.parse_args(argv)
    healthy = True
    for url in args.urls:
        ok, line = check(url, args.timeout)
        print(("OK   " if ok else "FAIL ") + line)
        healthy &= ok
    return 0 if healthy else 1


if __name__ == "__main__":
    sys.exit(main())
