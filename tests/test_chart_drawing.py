"""Drawing the pack's charts fast without changing them (campaign.brief.measure and
campaign.brief.drawing): text set with a small copy of the CJK font gives the very SVG and
PNG the full font gives; helper processes draw the same charts, survive a helper's death,
and a writer that does not wait for them still gets every chart without drawing it twice."""

from __future__ import annotations

import os
import re
import signal
import time

import pytest
import vl_convert
from fontTools.ttLib import TTFont

from campaign import theme
from campaign.brief import content, drawing, measure, render

pytestmark = pytest.mark.xdist_group("chart-drawing")


@pytest.fixture(scope="module")
def pack(city_pack):
    return city_pack


def same_drawing(svg: str) -> str:
    """The SVG without its clip-path numbers (a counter of the JavaScript runtime)."""
    return re.sub(r"clip\d+", "clip", svg)


def some_charts(pack):
    """Three of the pack's charts: a domain's first, one from the middle and the ranking."""
    jobs = content.pack_charts(pack)
    return [jobs[1], jobs[len(jobs) // 2], jobs[0]]


def test_the_small_copy_of_the_font_draws_what_the_full_font_draws(pack, font):
    for chart, width, height in some_charts(pack):
        spec = render.sized(chart, width, height)
        key = render._key(spec)
        fast = drawing.draw_svg(spec, key, font, theme.FONT_STACK)
        full = vl_convert.vegalite_to_svg(spec)
        assert same_drawing(fast) == same_drawing(full)
        assert measure.FAMILY_PREFIX not in fast
        assert drawing.svg_png(fast, font, theme.FONT_STACK, 2.0) == vl_convert.svg_to_png(
            full, scale=2.0
        )
    # ... and it was the copy that set the text (not the full font, silently)
    assert measure.measuring_family(font, "融资") is not None


def test_a_new_character_makes_a_copy_that_holds_every_character_so_far(font, monkeypatch):
    monkeypatch.setattr(measure, "_copies", {})
    first = measure.measuring_family(font, "莱西市")
    assert first is not None and measure.measuring_family(font, "西市") == first
    second = measure.measuring_family(font, "崂山区")
    assert second is not None and second != first
    copy = next(measure._copies_folder().glob(f"{second}/*.otf"))
    held = set(map(chr, TTFont(copy).getBestCmap()))
    assert set("莱西市崂山区0123456789,.−…") <= held
    assert copy.stat().st_size < 300_000  # a copy, not the 19 MB collection


def test_without_a_copy_the_full_font_draws_the_same(pack, font, monkeypatch):
    monkeypatch.setattr(measure, "_copies", {})

    def no_harfbuzz(*args, **kwargs):
        raise ImportError("No module named 'uharfbuzz'")

    monkeypatch.setattr(measure, "subset_font", no_harfbuzz)
    chart, width, height = some_charts(pack)[0]
    spec = render.sized(chart, width, height)
    svg = drawing.draw_svg(spec, render._key(spec), font, theme.FONT_STACK)
    assert measure.measuring_family(font, "区") is None
    assert same_drawing(svg) == same_drawing(vl_convert.vegalite_to_svg(spec))


def test_helpers_draw_the_same_charts_and_a_dead_helper_is_replaced(pack, font):
    chart, width, height = some_charts(pack)[2]
    spec = render.sized(chart, width, height)
    key = render._key(spec)
    job = drawing.Drawing(spec, key, font, theme.FONT_STACK, drawing.png(2.0))
    here = drawing.draw_svg(spec, key, font, theme.FONT_STACK)
    svg, png = drawing.submit(job).result(timeout=120)
    assert same_drawing(svg) == same_drawing(here)
    assert png == drawing.svg_png(here, font, theme.FONT_STACK, 2.0)
    helpers = drawing.helper_pids()
    assert 1 <= len(helpers) <= drawing.HELPERS and os.getpid() not in helpers
    for pid in helpers:
        os.kill(pid, signal.SIGKILL)
    time.sleep(0.2)
    again, _ = drawing.submit(job).result(timeout=120)
    assert same_drawing(again) == same_drawing(here)
    assert drawing.helper_pids() and not set(drawing.helper_pids()) & set(helpers)


def test_a_helper_ends_when_its_pipe_is_closed():
    drawing.start_helpers()
    pids = drawing.helper_pids()
    assert pids
    drawing.stop_helpers()
    for pid in pids:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)  # gone (and reaped), not left behind


def test_a_writer_that_does_not_wait_gets_every_chart_drawn_once(pack, font, monkeypatch):
    monkeypatch.setattr(render, "_cache", type(render._cache)())
    monkeypatch.setattr(render, "_converted_cache", type(render._converted_cache)())
    sent: list[str] = []
    real_submit = drawing.submit

    def counted(job):
        sent.append(job.key)
        return real_submit(job)

    def drawn_here(*args, **kwargs):
        raise AssertionError("a chart being drawn by a helper was drawn again here")

    monkeypatch.setattr(drawing, "submit", counted)
    monkeypatch.setattr(drawing, "draw_svg", drawn_here)
    monkeypatch.setattr(drawing, "svg_png", drawn_here)
    jobs = some_charts(pack)
    render.render_ahead(iter(jobs), font, drawing.png(2.0), wait=False)
    render.render_ahead(iter(jobs), font, drawing.png(2.0), wait=False)  # a second writer
    for chart, width, height in jobs:
        assert render.chart_png(chart, font, width, height, 2.0).startswith(b"\x89PNG")
        assert render.chart_svg(chart, font, width, height).startswith("<svg")
    assert len(sent) == len(set(sent)) == len(jobs)
    deadline = time.monotonic() + 10  # the last drawing's bookkeeping may still be running
    while render._pending and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not render._pending


def test_the_copies_of_a_killed_process_are_removed_and_a_live_one_s_are_kept(tmp_path):
    import subprocess
    import sys

    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)  # fmt: skip
    abandoned = tmp_path / f"{measure.FOLDER_PREFIX}{gone.stdout.strip()}-abc"
    alive = tmp_path / f"{measure.FOLDER_PREFIX}{os.getpid()}-def"
    other = tmp_path / "campaign-measure-notapid"
    for folder in (abandoned, alive, other):
        folder.mkdir()
        (folder / "CampaignMeasure1.otf").write_bytes(b"font")
    assert measure.remove_abandoned_folders(tmp_path) == [abandoned]
    assert not abandoned.exists() and alive.exists() and other.exists()
