"""Follow-up notes (督办): written, revised without loss, safe with concurrent writers and crashes."""

from __future__ import annotations

import multiprocessing
import os
import signal
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from campaign.access import LOCAL_USER
from campaign.notes import NoteError, NotesStore, month_key, notes_path

WRITERS = 2
NOTES_PER_WRITER = 40


def _write_many(path: str, writer: int, count: int, start: object) -> None:
    """One "session": wait for the starting gun, then write ``count`` notes as fast as it can."""
    store = NotesStore(path)
    start.wait(30)  # type: ignore[attr-defined]
    for number in range(count):
        store.add(
            "financing_amount",
            "城阳区",
            "2022-09",
            reason=f"writer {writer} note {number}",
            action="加快审批",
            due_date="2022-10-31",
            author=f"会话{writer}",
            user=LOCAL_USER,
        )


def _write_then_die(path: str) -> None:
    """Write one note, then die the hard way (no close, no exit handlers)."""
    NotesStore(path).add(
        "orders_amount",
        "全市",
        "2022-09",
        reason="订单签约推迟",
        action="10月集中签约",
        due_date=None,
        author="市商务局",
        user=LOCAL_USER,
    )
    os.kill(os.getpid(), signal.SIGKILL)


def _count_in_new_process(path: str, queue: object) -> None:
    queue.put(len(NotesStore(path).all()))  # type: ignore[attr-defined]


def test_a_note_is_read_back_with_who_wrote_it_and_when(tmp_path):
    store = NotesStore.for_data(tmp_path)
    written_at = datetime(2022, 10, 8, 6, 5, tzinfo=UTC)  # 14:05 in China
    note = store.add(
        "talent_high_skill",
        "平度市",
        "2022-09",
        reason="  企业用工需求下降 ",
        action="联合人社局开展专场招聘",
        due_date=date(2022, 11, 30),
        author="平度市工商联",
        user=LOCAL_USER,
        now=written_at,
    )
    assert store.path == tmp_path / "notes.sqlite3" == notes_path(tmp_path)
    [read] = NotesStore(store.path).current("talent_high_skill", "平度市", "2022-09")
    assert read == note
    assert read.reason == "企业用工需求下降"  # trimmed
    assert read.due_date == date(2022, 11, 30)
    assert read.created_at == written_at
    assert read.written("zh") == "平度市工商联 · 2022年10月8日 14:05"
    assert read.written("en") == "平度市工商联 · 8 Oct 2022 14:05"


def test_editing_adds_a_version_and_keeps_the_old_one(tmp_path):
    store = NotesStore(tmp_path / "n.sqlite3")
    first = store.add(
        "financing_amount",
        "全市",
        "2022-09",
        reason="A",
        action="",
        due_date=None,
        author="甲",
        user=LOCAL_USER,
    )
    second = store.revise(
        first.id, reason="A2", action="B", due_date="2022-12-31", author="乙", user=LOCAL_USER
    )
    assert (second.kpi_id, second.scope, second.month) == (first.kpi_id, first.scope, first.month)
    assert second.revises == first.id and second.thread == first.thread == first.id
    assert [n.id for n in store.current("financing_amount")] == [second.id]
    assert [n.reason for n in store.history(second.id)] == ["A", "A2"]
    assert store.versions([second]) == {first.id: 2}
    assert len(store.all()) == 2  # nothing overwritten


def test_two_people_editing_the_same_note_keep_both_versions(tmp_path):
    store = NotesStore(tmp_path / "n.sqlite3")
    first = store.add(
        "x", "全市", "2022-09", reason="r", action="a", due_date=None, author="甲", user=LOCAL_USER
    )
    mine = store.revise(
        first.id, reason="r-甲", action="a", due_date=None, author="甲", user=LOCAL_USER
    )
    theirs = store.revise(
        first.id, reason="r-乙", action="a", due_date=None, author="乙", user=LOCAL_USER
    )
    assert {n.id for n in store.current("x")} == {mine.id, theirs.id}


def test_filters_by_year_and_month_newest_first(tmp_path):
    store = NotesStore(tmp_path / "n.sqlite3")
    for month in ("2021-12", "2022-07", "2022-09", "2022-10"):
        store.add(
            "k", "全市", month, reason=month, action="", due_date=None, author="甲", user=LOCAL_USER
        )
    store.add(
        "k",
        "城阳区",
        "2022-09",
        reason="district",
        action="",
        due_date=None,
        author="甲",
        user=LOCAL_USER,
    )
    months = [n.month for n in store.current("k", "全市", year=2022, up_to="2022-09")]
    assert months == ["2022-09", "2022-07"]
    assert month_key(date(2022, 9, 30)) == "2022-09"


@pytest.mark.parametrize(
    ("changes", "key"),
    [
        ({"month": "2022-9"}, "notes.error.month"),
        ({"month": "2022-13"}, "notes.error.month"),
        ({"kpi_id": " "}, "notes.error.kpi"),
        ({"author": "  "}, "notes.error.author"),
        ({"reason": "", "action": " "}, "notes.error.empty"),
        ({"due_date": "2022-02-30"}, "notes.error.due"),
        ({"reason": "长" * 2001}, "notes.error.too_long"),
    ],
)
def test_a_bad_note_is_refused_in_both_languages(tmp_path, changes, key):
    fields = dict(
        kpi_id="k",
        scope="全市",
        month="2022-09",
        reason="r",
        action="a",
        due_date=None,
        author="甲",
        user=LOCAL_USER,
    )
    fields.update(changes)
    store = NotesStore(tmp_path / "n.sqlite3")
    with pytest.raises(NoteError) as refused:
        store.add(fields.pop("kpi_id"), fields.pop("scope"), fields.pop("month"), **fields)
    assert refused.value.key == key
    assert refused.value.text("zh") != refused.value.text("en")
    assert store.all() == []


def test_the_file_is_durable_wal_with_full_sync(tmp_path):
    store = NotesStore(tmp_path / "n.sqlite3")
    store.add(
        "k", "全市", "2022-09", reason="r", action="", due_date=None, author="甲", user=LOCAL_USER
    )
    connection = store._connect()
    try:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert connection.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
        assert connection.execute("PRAGMA busy_timeout").fetchone()[0] > 0
    finally:
        connection.close()


def test_two_sessions_writing_at_once_lose_nothing_and_a_restart_reads_all(tmp_path: Path):
    path = str(tmp_path / "notes.sqlite3")
    spawn = multiprocessing.get_context("spawn")
    start = spawn.Event()
    writers = [
        spawn.Process(target=_write_many, args=(path, w, NOTES_PER_WRITER, start))
        for w in range(WRITERS)
    ]
    for process in writers:
        process.start()
    start.set()  # both sessions write at the same moment
    for process in writers:
        process.join(60)
        assert process.exitcode == 0
    # "After a restart": a fresh process opens the file and reads every note.
    queue = spawn.Queue()
    reader = spawn.Process(target=_count_in_new_process, args=(path, queue))
    reader.start()
    assert queue.get(timeout=60) == WRITERS * NOTES_PER_WRITER
    reader.join(30)
    notes = NotesStore(path).current("financing_amount", "城阳区", "2022-09")
    expected = {f"writer {w} note {n}" for w in range(WRITERS) for n in range(NOTES_PER_WRITER)}
    assert {n.reason for n in notes} == expected
    assert len({n.id for n in notes}) == len(expected)


def test_a_note_survives_its_writer_being_killed(tmp_path):
    path = str(tmp_path / "notes.sqlite3")
    spawn = multiprocessing.get_context("spawn")
    process = spawn.Process(target=_write_then_die, args=(path,))
    process.start()
    process.join(60)
    assert process.exitcode == -signal.SIGKILL
    [note] = NotesStore(path).current()
    assert note.reason == "订单签约推迟" and note.author == "市商务局"


def test_reading_an_empty_folder_creates_no_file(tmp_path):
    store = NotesStore.for_data(tmp_path)
    assert store.current("k", "全市") == [] and store.history(1) == [] and store.all() == []
    assert not store.path.exists()
