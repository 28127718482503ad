"""The log of the app and the command line: one format, set up in one place.

``dashboard.py`` and ``python -m campaign`` call :func:`configure_logging` first thing.
Without it nothing under ``campaign`` had a handler: under ``streamlit run`` the sign-in
events the README promises (failed logins, lock-outs, refused cookies, forged headers) were
dropped or printed bare, with no time.  Each line is::

    2026-12-03 01:02:03,456 WARNING campaign.auth: login failed: user='admin' address=10.0.0.5

on standard error, which systemd's journal keeps (``journalctl -u campaign-kpi@8501``).
``CAMPAIGN_LOG_LEVEL`` (``DEBUG``, ``INFO``, ``WARNING``…; default ``INFO``) sets how much.
Streamlit's own loggers are left as Streamlit configures them.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Mapping
from typing import TextIO

LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
LEVEL_ENV_VAR = "CAMPAIGN_LOG_LEVEL"
DEFAULT_LEVEL = "INFO"
_LOGGER = "campaign"


class _StandardError(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever ``sys.stderr`` is at the time (a test or a runner may swap it)."""

    def __init__(self) -> None:
        super().__init__(sys.stderr)

    @property  # type: ignore[override]
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, value: object) -> None:
        pass


def configure_logging(environ: Mapping[str, str] | None = None) -> logging.Logger:
    """Give the ``campaign`` loggers their handler and level (once; later calls only
    re-read the level).  Returns the ``campaign`` logger."""
    logger = logging.getLogger(_LOGGER)
    name = (environ if environ is not None else os.environ).get(LEVEL_ENV_VAR, DEFAULT_LEVEL)
    level = logging.getLevelName(name.strip().upper() or DEFAULT_LEVEL)
    logger.setLevel(level if isinstance(level, int) else logging.INFO)
    if not any(isinstance(h, _StandardError) for h in logger.handlers):
        handler = _StandardError()
        handler.setFormatter(logging.Formatter(LOG_FORMAT))
        logger.addHandler(handler)
    return logger
