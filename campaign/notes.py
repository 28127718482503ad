"""Follow-up notes (督办): why a KPI lags in a scope and month, what will be done, by when.

The responsible department writes a note for one KPI × scope (全市 or a district) × month.
Notes are evidence in the next meeting, so none may be lost:

- they live in one SQLite file beside the data, ``<data>/notes.sqlite3``, in WAL mode with
  ``synchronous=FULL``: a note whose :meth:`NotesStore.add` returned is on disk and survives a
  crash or a power cut;
- every write is one ``BEGIN IMMEDIATE`` transaction on its own connection, and waiting
  writers queue behind ``busy_timeout``, so any number of sessions and processes can write at
  once;
- nothing is overwritten or deleted: editing a note adds a new row that names the row it
  revises (``revises``), and every row of one note shares its ``thread``.  The current
  version of a note is a row no other row revises; if two people edit the same note at the
  same moment, both versions stay current and both are shown.

Who may write where is checked here, on every write: each write names the ``user`` doing it,
and a district-limited user may write for their own district only
(:func:`campaign.access.may_write_note`; the page hides the form too, but the rule lives
here).  The author shown is a separate parameter: typed into the form in local mode, the
login name otherwise.  No Streamlit here.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from campaign.access import User, may_write_note
from campaign.contracts import CITY
from campaign.formatting import format_datetime
from campaign.i18n import t

NOTES_FILENAME = "notes.sqlite3"
SCHEMA_VERSION = 1
# How long a writer waits for another writer's transaction before giving up (ms).
BUSY_TIMEOUT_MS = 30_000
# Lengths people write in a meeting follow-up; far beyond that is a paste by mistake.
MAX_TEXT = 2000
MAX_AUTHOR = 80
_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS notes (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    kpi_id     TEXT NOT NULL,
    scope      TEXT NOT NULL,
    month      TEXT NOT NULL,          -- YYYY-MM
    reason     TEXT NOT NULL,
    action     TEXT NOT NULL,
    due_date   TEXT,                   -- YYYY-MM-DD or NULL
    author     TEXT NOT NULL,
    created_at TEXT NOT NULL,          -- UTC, ISO 8601
    revises    INTEGER REFERENCES notes(id),
    thread     INTEGER NOT NULL        -- id of the note's first version
);
CREATE INDEX IF NOT EXISTS notes_subject ON notes (kpi_id, scope, month);
CREATE INDEX IF NOT EXISTS notes_revises ON notes (revises);
"""
_COLUMNS = "id, kpi_id, scope, month, reason, action, due_date, author, created_at, revises, thread"


class NoteError(ValueError):
    """A note that cannot be written; the message is in the catalog (zh and en)."""

    def __init__(self, key: str, **params: object) -> None:
        self.key = key
        self.params = params
        super().__init__(t(key, "en", **params))

    def text(self, lang: str = "zh") -> str:
        return t(self.key, lang, **self.params)


@dataclass(frozen=True)
class Note:
    """One version of a follow-up note."""

    id: int
    kpi_id: str
    scope: str
    month: str  # YYYY-MM
    reason: str
    action: str
    due_date: date | None
    author: str
    created_at: datetime  # timezone-aware, UTC
    revises: int | None  # the version this one replaces; None for a first version
    thread: int  # the id of the note's first version

    @property
    def is_revision(self) -> bool:
        return self.revises is not None

    def written(self, lang: str = "zh") -> str:
        """``张三 · 2022年10月8日 14:05`` in China time (UTC+8)."""
        return t("notes.written", lang, author=self.author, time=_local_time(self.created_at, lang))


def _local_time(moment: datetime, lang: str) -> str:
    # Imported here: views pulls in the page helpers, which the store does not need.
    from campaign.views import CHINA_TIME

    return format_datetime(moment.astimezone(CHINA_TIME), lang)


def month_key(day: date) -> str:
    """The month a note is filed under: ``date(2022, 9, 30)`` → ``"2022-09"``."""
    return f"{day.year:04d}-{day.month:02d}"


def notes_path(data_dir: Path | str) -> Path:
    """Where the notes of a data folder live."""
    return Path(data_dir) / NOTES_FILENAME


def _clean_text(value: str | None, field: str, limit: int) -> str:
    text = (value or "").strip()
    if len(text) > limit:
        raise NoteError("notes.error.too_long", field=field, limit=limit)
    return text


def _due(value: date | str | None) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise NoteError("notes.error.due", value=value) from None


def _row_note(row: Sequence[object]) -> Note:
    (id_, kpi_id, scope, month, reason, action, due, author, created, revises, thread) = row
    return Note(
        id=int(id_),  # type: ignore[call-overload]
        kpi_id=str(kpi_id),
        scope=str(scope),
        month=str(month),
        reason=str(reason),
        action=str(action),
        due_date=date.fromisoformat(str(due)) if due else None,
        author=str(author),
        created_at=datetime.fromisoformat(str(created)),
        revises=int(revises) if revises is not None else None,  # type: ignore[call-overload]
        thread=int(thread),  # type: ignore[call-overload]
    )


def _check_writer(user: User, scope: str) -> None:
    """Refuse a write ``user`` may not make (the viewing rule of :mod:`campaign.access`)."""
    if not may_write_note(user, None if scope == CITY else scope):
        raise NoteError(
            "notes.error.scope_denied",
            user=user.label,
            district=user.district or "—",
            scope=scope,
        )


class NotesStore:
    """The follow-up notes of one data folder (or any SQLite file).

    Thread- and process-safe: each call opens its own connection, so one store may be shared
    by every Streamlit session, and several processes may write the same file.
    """

    def __init__(self, path: Path | str, *, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> None:
        self.path = Path(path)
        self.busy_timeout_ms = busy_timeout_ms
        self._ready = False

    @classmethod
    def for_data(cls, data_dir: Path | str) -> NotesStore:
        """The store in ``<data_dir>/notes.sqlite3`` (created on the first write or read)."""
        return cls(notes_path(data_dir))

    # ------------------------------------------------------------------ connections

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(
            self.path,
            timeout=self.busy_timeout_ms / 1000,
            isolation_level=None,  # autocommit: transactions are explicit below
            check_same_thread=False,
        )
        connection.execute(f"PRAGMA busy_timeout = {int(self.busy_timeout_ms)}")
        # WAL: readers never block the writer; FULL: a committed note is on disk (fsync).
        connection.execute("PRAGMA journal_mode = WAL")
        connection.execute("PRAGMA synchronous = FULL")
        connection.execute("PRAGMA foreign_keys = ON")
        if not self._ready:
            self._create_schema(connection)
            self._ready = True
        return connection

    def _create_schema(self, connection: sqlite3.Connection) -> None:
        version = connection.execute("PRAGMA user_version").fetchone()[0]
        if version >= SCHEMA_VERSION:
            return
        connection.execute("BEGIN IMMEDIATE")
        try:
            for statement in filter(None, (s.strip() for s in _SCHEMA.split(";"))):
                connection.execute(statement)
            connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            connection.execute("COMMIT")
        except BaseException:
            connection.execute("ROLLBACK")
            raise

    @contextmanager
    def _reading(self) -> Iterator[sqlite3.Connection]:
        with closing(self._connect()) as connection:
            yield connection

    # ------------------------------------------------------------------ writing

    def add(
        self,
        kpi_id: str,
        scope: str,
        month: str,
        *,
        reason: str,
        action: str,
        due_date: date | str | None,
        author: str,
        user: User,
        now: datetime | None = None,
    ) -> Note:
        """Write a new note for ``kpi_id`` × ``scope`` × ``month`` (YYYY-MM); returns it.

        When this returns, the note is committed and on disk. Raises :class:`NoteError` for a
        note that is empty, has no author, a bad month or due date, or text that is too long,
        and for a ``user`` who may not write for ``scope`` (``notes.error.scope_denied``).
        """
        kpi_id = (kpi_id or "").strip()
        scope = (scope or "").strip()
        month = (month or "").strip()
        if not kpi_id:
            raise NoteError("notes.error.kpi")
        if not scope:
            raise NoteError("notes.error.scope")
        if not _MONTH.match(month):
            raise NoteError("notes.error.month", value=month)
        _check_writer(user, scope)
        return self._insert(kpi_id, scope, month, reason, action, due_date, author, None, now)

    def revise(
        self,
        note_id: int,
        *,
        reason: str,
        action: str,
        due_date: date | str | None,
        author: str,
        user: User,
        now: datetime | None = None,
    ) -> Note:
        """Write a new version of note ``note_id`` (same KPI, scope and month); the old stays.

        Refused like :meth:`add` when ``user`` may not write for the note's scope."""
        with self._reading() as connection:
            row = connection.execute(
                f"SELECT {_COLUMNS} FROM notes WHERE id = ?", (note_id,)
            ).fetchone()
        if row is None:
            raise NoteError("notes.error.unknown", id=note_id)
        old = _row_note(row)
        _check_writer(user, old.scope)
        return self._insert(
            old.kpi_id, old.scope, old.month, reason, action, due_date, author, old, now
        )

    def _insert(
        self,
        kpi_id: str,
        scope: str,
        month: str,
        reason: str,
        action: str,
        due_date: date | str | None,
        author: str,
        revises: Note | None,
        now: datetime | None,
    ) -> Note:
        reason = _clean_text(reason, t("notes.reason"), MAX_TEXT)
        action = _clean_text(action, t("notes.action"), MAX_TEXT)
        author = _clean_text(author, t("notes.author"), MAX_AUTHOR)
        if not author:
            raise NoteError("notes.error.author")
        if not reason and not action:
            raise NoteError("notes.error.empty")
        due = _due(due_date)
        created = (now or datetime.now(UTC)).astimezone(UTC)
        with closing(self._connect()) as connection:
            connection.execute("BEGIN IMMEDIATE")  # take the write lock now, not mid-way
            try:
                cursor = connection.execute(
                    "INSERT INTO notes (kpi_id, scope, month, reason, action, due_date, author,"
                    " created_at, revises, thread) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0)",
                    (
                        kpi_id,
                        scope,
                        month,
                        reason,
                        action,
                        due.isoformat() if due else None,
                        author,
                        created.isoformat(),
                        revises.id if revises else None,
                    ),
                )
                note_id = int(cursor.lastrowid)  # type: ignore[arg-type]
                thread = revises.thread if revises else note_id
                connection.execute("UPDATE notes SET thread = ? WHERE id = ?", (thread, note_id))
                connection.execute("COMMIT")
            except BaseException:
                connection.execute("ROLLBACK")
                raise
        return Note(
            note_id,
            kpi_id,
            scope,
            month,
            reason,
            action,
            due,
            author,
            created,
            revises.id if revises else None,
            thread,
        )

    # ------------------------------------------------------------------ reading

    def current(
        self,
        kpi_id: str | None = None,
        scope: str | None = None,
        month: str | None = None,
        *,
        year: int | None = None,
        up_to: str | None = None,
    ) -> list[Note]:
        """The current version of every note matching the filters, newest month first, then
        newest written first.

        ``year`` keeps months of that year; ``up_to`` (YYYY-MM) keeps months up to it.
        """
        where = ["NOT EXISTS (SELECT 1 FROM notes AS later WHERE later.revises = notes.id)"]
        params: list[object] = []
        for column, value in (("kpi_id", kpi_id), ("scope", scope), ("month", month)):
            if value is not None:
                where.append(f"{column} = ?")
                params.append(value)
        if year is not None:
            where.append("month LIKE ?")
            params.append(f"{year:04d}-%")
        if up_to is not None:
            where.append("month <= ?")
            params.append(up_to)
        if not self.path.exists():
            return []  # reading never creates the file
        sql = (
            f"SELECT {_COLUMNS} FROM notes WHERE {' AND '.join(where)} "
            "ORDER BY month DESC, created_at DESC, id DESC"
        )
        with self._reading() as connection:
            return [_row_note(row) for row in connection.execute(sql, params)]

    def history(self, note_id: int) -> list[Note]:
        """Every version of the note ``note_id`` belongs to, oldest first."""
        if not self.path.exists():
            return []
        with self._reading() as connection:
            row = connection.execute("SELECT thread FROM notes WHERE id = ?", (note_id,)).fetchone()
            if row is None:
                return []
            rows = connection.execute(
                f"SELECT {_COLUMNS} FROM notes WHERE thread = ? ORDER BY id", (row[0],)
            ).fetchall()
        return [_row_note(r) for r in rows]

    def versions(self, notes: Sequence[Note]) -> dict[int, int]:
        """How many versions each of ``notes``' threads has (``{thread: count}``)."""
        threads = sorted({n.thread for n in notes})
        if not threads or not self.path.exists():
            return {}
        marks = ",".join("?" for _ in threads)
        with self._reading() as connection:
            rows = connection.execute(
                f"SELECT thread, count(*) FROM notes WHERE thread IN ({marks}) GROUP BY thread",
                threads,
            ).fetchall()
        return {int(thread): int(count) for thread, count in rows}

    def all(self) -> list[Note]:
        """Every row ever written, in writing order (for exports and audits)."""
        if not self.path.exists():
            return []
        with self._reading() as connection:
            return [
                _row_note(row)
                for row in connection.execute(f"SELECT {_COLUMNS} FROM notes ORDER BY id")
            ]
