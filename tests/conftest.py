"""Settings shared by the tests in this folder (tests/e2e runs a real server: not these)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from campaign.brief import prepared


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
