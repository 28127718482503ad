"""Settings shared by the tests in this folder (tests/e2e runs a real server: not these)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from campaign.brief import prepared

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True, scope="session")
def no_pack_made_ahead() -> Iterator[None]:
    """The overview makes its default view's PDF ahead (``prepared.prepare_ahead``): in a
    server once per data version, but here nearly every page test has data of its own and a
    PDF made behind each doubled the page tests' time. The tests of it turn it on again
    (tests/test_pack_prepared.py, tests/test_app.py)."""
    made_ahead = prepared.AHEAD_FORMATS
    prepared.AHEAD_FORMATS = ()
    yield
    prepared.AHEAD_FORMATS = made_ahead


@pytest.fixture(scope="session")
def font():
    """The CJK font the packs and their charts are set in."""
    from campaign.brief.fonts import locate_cjk_font

    return locate_cjk_font()


@pytest.fixture(scope="session")
def city_pack(tmp_path_factory):
    """The meeting pack of the city as of 2022-09-30, from a copy of the shipped 2022 extracts
    (the chart tests draw its charts)."""
    from campaign.brief import content
    from campaign.kpi import KpiEngine
    from campaign.model import Filters

    folder = tmp_path_factory.mktemp("city-pack")
    (folder / "extracts").mkdir()
    for path in sorted((ROOT / "data" / "extracts").glob("*_2022.csv")):
        (folder / "extracts" / path.name).write_bytes(path.read_bytes())
    (folder / "targets.csv").write_bytes((ROOT / "data" / "targets.csv").read_bytes())
    engine = KpiEngine(folder, ROOT / "queries", persist_facts=False)
    return content.build_pack(engine, Filters(2022, date(2022, 9, 30), None), "zh")
