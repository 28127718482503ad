"""Meeting packs kept per data version and view, and made ahead of the click
(campaign.brief.prepared): the same view again is the same file, made once; a change to the
data, a KPI file or a note makes a new one; a pack being made is waited for, not made twice;
a failure reaches whoever waits."""

from __future__ import annotations

import io
import os
import shutil
import threading
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from campaign.access import LOCAL_USER
from campaign.brief import prepared
from campaign.kpi import KpiEngine
from campaign.model import Filters
from campaign.notes import NotesStore

ROOT = Path(__file__).resolve().parents[1]
CITY = Filters(2022, date(2022, 9, 30), None)

pytestmark = pytest.mark.xdist_group("pack-prepared")


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """The 2022 extracts and the targets, copied (a test changes them), with the queries."""
    (tmp_path / "data" / "extracts").mkdir(parents=True)
    for path in sorted((ROOT / "data" / "extracts").glob("*_2022.csv")):
        shutil.copy2(path, tmp_path / "data" / "extracts" / path.name)
    shutil.copy2(ROOT / "data" / "targets.csv", tmp_path / "data" / "targets.csv")
    shutil.copytree(ROOT / "queries", tmp_path / "queries", ignore=shutil.ignore_patterns(".*"))
    prepared.forget_all()
    return tmp_path


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The formats actually laid out (the real writers, counted)."""
    made: list[str] = []
    real = prepared.pack_bytes

    def counting(pack, fmt, font=None):
        made.append(fmt)
        return real(pack, fmt, font)

    monkeypatch.setattr(prepared, "pack_bytes", counting)
    return made


def engine_for(folder: Path) -> KpiEngine:
    # recheck_seconds=0: every call looks at the files (a test changes them between calls)
    return KpiEngine(folder / "data", folder / "queries", persist_facts=False, recheck_seconds=0)


def test_the_same_view_again_is_the_same_file_made_once(folder: Path, counted: list[str]):
    engine = engine_for(folder)
    first = prepared.pack_for_view(engine, CITY, "zh", "xlsx")
    assert prepared.is_ready(engine, CITY, "zh", "xlsx")
    # another viewer's engine over the same folder: the same pack
    again = prepared.pack_for_view(engine_for(folder), CITY, "zh", "xlsx")
    assert again is first and counted == ["xlsx"]
    # another view, language or format is another pack
    prepared.pack_for_view(engine, Filters(2022, date(2022, 9, 30), "城阳区"), "zh", "xlsx")
    prepared.pack_for_view(engine, CITY, "en", "xlsx")
    prepared.pack_for_view(engine, CITY, "zh", "docx")
    assert counted == ["xlsx", "xlsx", "xlsx", "docx"]


def test_new_data_a_kpi_edit_or_a_note_make_a_new_pack(folder: Path, counted: list[str]):
    engine = engine_for(folder)
    before = prepared.pack_for_view(engine, CITY, "zh", "xlsx")
    # a note for the city: the pack lists it
    NotesStore.for_data(folder / "data").add(
        "financing_amount",
        "全市",
        "2022-09",
        reason="大额贷款延后发放",
        action="十月集中投放",
        due_date=None,
        author="市地方金融监管局",
        user=LOCAL_USER,
    )
    with_note = prepared.pack_for_view(engine, CITY, "zh", "xlsx")
    assert with_note != before and len(counted) == 2
    # a KPI file edited: a new pack with the new name
    sql = folder / "queries" / "financing_amount.sql"
    sql.write_text(
        sql.read_text(encoding="utf-8").replace("name_zh: 融资金额", "name_zh: 融资总额"),
        encoding="utf-8",
    )
    renamed = prepared.pack_for_view(engine, CITY, "zh", "xlsx")
    assert len(counted) == 3
    sheet_text = {
        str(cell.value)
        for sheet in load_workbook(io.BytesIO(renamed)).worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.value is not None
    }
    assert any("融资总额" in text for text in sheet_text)
    # new data: a file with one more financing row
    extract = folder / "data" / "extracts" / "financing_2022.csv"
    lines = extract.read_text(encoding="utf-8").splitlines()
    extract.write_text("\n".join([*lines, lines[-1]]) + "\n", encoding="utf-8")
    prepared.pack_for_view(engine, CITY, "zh", "xlsx")
    assert len(counted) == 4


def test_a_pack_being_made_is_waited_for_not_made_twice(folder: Path, monkeypatch):
    engine = engine_for(folder)
    started, release = threading.Event(), threading.Event()
    made: list[str] = []
    real = prepared.pack_bytes

    def slow(pack, fmt, font=None):
        made.append(fmt)
        started.set()
        release.wait(30)
        return real(pack, fmt, font)

    monkeypatch.setattr(prepared, "pack_bytes", slow)
    prepared.prepare(engine, CITY, "zh", "xlsx")  # the format chosen: made in the background
    assert started.wait(30)
    assert not prepared.is_ready(engine, CITY, "zh", "xlsx")
    got: list[bytes] = []
    clicked = threading.Thread(
        target=lambda: got.append(prepared.pack_for_view(engine, CITY, "zh", "xlsx"))
    )
    clicked.start()  # the click while it is being made
    release.set()
    clicked.join(60)
    assert got and got[0][:2] == b"PK" and made == ["xlsx"]


def test_a_failure_reaches_the_click_and_is_not_kept(folder: Path, monkeypatch):
    engine = engine_for(folder)

    def broken(pack, fmt, font=None):
        raise RuntimeError("writer failed")

    monkeypatch.setattr(prepared, "pack_bytes", broken)
    with pytest.raises(RuntimeError, match="writer failed"):
        prepared.pack_for_view(engine, CITY, "zh", "xlsx")
    assert not prepared.is_ready(engine, CITY, "zh", "xlsx")
    monkeypatch.undo()
    assert prepared.pack_for_view(engine, CITY, "zh", "xlsx")[:2] == b"PK"


def test_the_kept_packs_are_bounded(folder: Path, monkeypatch):
    monkeypatch.setattr(prepared, "MAX_PACKS", 2)
    engine = engine_for(folder)
    views = [Filters(2022, date(2022, month, 28), None) for month in (6, 7, 8)]
    for view in views:
        prepared.pack_for_view(engine, view, "zh", "xlsx")
    assert [prepared.is_ready(engine, v, "zh", "xlsx") for v in views] == [False, True, True]


# ---------------------------------------------------------------- charts kept on disk


def test_drawn_charts_are_kept_beside_the_database_and_not_drawn_again(folder, monkeypatch):
    from campaign.brief import build_pack, drawing, pack_bytes, render

    def forget_in_memory():  # what a new process has: nothing in memory
        monkeypatch.setattr(render, "_cache", type(render._cache)())
        monkeypatch.setattr(render, "_converted_cache", type(render._converted_cache)())

    # (charts drawn by earlier tests in this process would come from memory, never the disk)
    forget_in_memory()
    engine = engine_for(folder)
    pack = build_pack(engine, CITY, "zh")
    assert pack.chart_folder == folder / "data" / ".build" / "charts"
    pack_bytes(pack, "pdf")
    assert pack.chart_folder is not None
    # each chart's SVG and the PDF page made of it
    drawn = sorted(pack.chart_folder.glob("*.svg"))
    assert len(drawn) == len(render_jobs(pack)) == 20
    assert len(list(pack.chart_folder.glob("*.pdf"))) == 20
    # A new process reads them instead of drawing them.
    forget_in_memory()

    def no_drawing(*args, **kwargs):
        raise AssertionError("a kept chart was drawn again")

    monkeypatch.setattr(drawing, "submit", no_drawing)  # in a helper
    monkeypatch.setattr(drawing, "draw_svg", no_drawing)  # or here
    monkeypatch.setattr(drawing, "svg_pdf", no_drawing)
    assert pack_bytes(build_pack(engine, CITY, "zh"), "pdf")[:5] == b"%PDF-"
    # Another view is other charts: they are drawn (and fail here, which proves it).
    with pytest.raises(AssertionError, match="drawn again"):
        pack_bytes(build_pack(engine, Filters(2022, date(2022, 9, 30), "城阳区"), "zh"), "pdf")


def render_jobs(pack):
    from campaign.brief import content

    return content.pack_charts(pack)


def test_the_chart_folder_is_bounded_and_an_unwritable_one_is_not_an_error(tmp_path: Path):
    from campaign.brief.render import ChartFiles

    files = ChartFiles(tmp_path / "charts", max_files=3, max_bytes=1_000)
    for n in range(5):
        files.put(f"d{n}", "svg", b"x" * 100)
        # distinct modification times, as charts drawn one after another have
        stamp = 1_700_000_000 + n
        os.utime(tmp_path / "charts" / f"d{n}.svg", (stamp, stamp))
    files.put("d5", "svg", b"x" * 100)
    assert sorted(p.name for p in (tmp_path / "charts").iterdir()) == [
        "d3.svg",
        "d4.svg",
        "d5.svg",
    ]
    big = ChartFiles(tmp_path / "big", max_files=100, max_bytes=250)
    for n in range(4):
        big.put(f"b{n}", "svg", b"x" * 100)
    assert sum(p.stat().st_size for p in (tmp_path / "big").iterdir()) <= 250
    # a chart folder that cannot be made (its parent is a file): nothing kept, no error
    (tmp_path / "afile").write_text("x")
    blocked = ChartFiles(tmp_path / "afile" / "charts")
    blocked.put("d", "svg", b"<svg/>")
    assert blocked.get("d", "svg") is None


def test_the_default_view_s_pdf_is_made_ahead_and_other_views_are_not(folder, counted, monkeypatch):
    monkeypatch.setattr(prepared, "AHEAD_FORMATS", ("pdf",))  # off for the other tests
    engine = engine_for(folder)
    default = engine.default_filters()
    other = Filters(default.year, date(2022, 6, 30), None)
    assert other != default
    prepared.prepare_ahead(engine, other, "zh")  # another view: nothing made
    prepared.prepare_ahead(engine, default, "zh")
    prepared.prepare_ahead(engine, default, "zh")  # the overview runs again: not made twice
    made = prepared.pack_for_view(engine, default, "zh", "pdf")  # waits for the one ahead
    assert made[:5] == b"%PDF-" and counted == ["pdf"]
    assert not prepared.is_ready(engine, other, "zh", "pdf")
    from campaign.brief import drawing

    assert drawing.helper_pids()  # started with the overview, before any click


def test_a_pack_made_ahead_that_fails_is_not_started_again_on_every_run(folder, monkeypatch):
    monkeypatch.setattr(prepared, "AHEAD_FORMATS", ("pdf",))
    attempts: list[str] = []

    def failing(pack, fmt, font=None):
        attempts.append(fmt)
        raise RuntimeError("no CJK font")

    monkeypatch.setattr(prepared, "pack_bytes", failing)
    engine = engine_for(folder)
    default = engine.default_filters()
    for _ in range(3):  # the overview runs again and again
        prepared.prepare_ahead(engine, default, "zh")
        prepared._worker.submit(lambda: None).result()  # the background attempt is over
    assert attempts == ["pdf"]
    with pytest.raises(RuntimeError, match="no CJK font"):  # a click still says why
        prepared.pack_for_view(engine, default, "zh", "pdf")
    assert attempts == ["pdf", "pdf"]
