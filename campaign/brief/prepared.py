"""Meeting packs made once per version of what they show, and made ahead of the click.

A pack is a function of the data (the database's fingerprint), the KPI files, targets and
pacing (the engine's :meth:`~campaign.kpi.KpiEngine.version`), the follow-up notes, the
narrative's wording file, the view (year, as-of date, scope), the language and the format.
:func:`pack_for_view` keeps the bytes of the last packs under that key, so a second request
for the same view (another viewer, a second click) costs nothing, and a change to any of
those files makes a new one.

:func:`prepare` starts making a pack on a background thread (one at a time per process, so
a burst of requests never takes both cores from the viewers) and returns at once; a
request for a pack being made waits for that one instead of making it twice. The overview
calls :func:`prepare_ahead`: the default view's PDF is made before anyone clicks (once per
data version, language and scope), other views when their format is chosen.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from functools import partial
from pathlib import Path

from campaign.brief import build_pack, pack_bytes
from campaign.kpi import KpiEngine
from campaign.model import Filters
from campaign.notes import NotesStore

# The packs kept per process (a PDF is about 0.6 MB, a deck about 2 MB).
MAX_PACKS = 24
# Packs waiting to be made in the background at most; beyond that a request makes its own.
MAX_QUEUED = 4
MAX_BYTES = 96 * 1024 * 1024
# What :func:`prepare_ahead` makes for the default view before anyone asks.
AHEAD_FORMATS: tuple[str, ...] = ("pdf",)

_lock = threading.Lock()
_packs: OrderedDict[tuple[object, ...], bytes] = OrderedDict()
_making: dict[tuple[object, ...], Future[bytes]] = {}
_failed_ahead: OrderedDict[tuple[object, ...], None] = OrderedDict()
_worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="meeting-pack")


def _stamp(path: Path | None) -> tuple[int, int] | None:
    if path is None:
        return None
    try:
        stat = path.stat()
    except OSError:
        return None
    return (stat.st_mtime_ns, stat.st_size)


def pack_key(engine: KpiEngine, filters: Filters, lang: str, fmt: str) -> tuple[object, ...]:
    """Everything the pack's bytes depend on (see the module's docstring)."""
    from campaign.narrative import templates_path

    notes = NotesStore.for_data(engine.data_dir).path if engine.data_dir is not None else None
    return (
        str(engine.data_dir),
        str(engine.queries_dir),
        engine.version(),
        _stamp(notes),
        _stamp(templates_path(engine.queries_dir)),
        filters,
        lang,
        fmt,
    )


def _remember(key: tuple[object, ...], made: bytes) -> None:
    with _lock:
        _packs[key] = made
        _packs.move_to_end(key)
        while len(_packs) > MAX_PACKS or (
            len(_packs) > 1 and sum(map(len, _packs.values())) > MAX_BYTES
        ):
            _packs.popitem(last=False)


def _future(
    key: tuple[object, ...], make: Callable[[], bytes], background: bool
) -> Future[bytes] | bytes:
    """The pack's bytes when kept, else the future of the one being made (started here if
    none is)."""
    with _lock:
        if key in _packs:
            _packs.move_to_end(key)
            return _packs[key]
        running = _making.get(key)
        if running is not None:
            return running
        if background and len(_making) >= MAX_QUEUED:
            return Future()  # not queued: a click later makes it (the queue stays short)
        future: Future[bytes] = Future()
        _making[key] = future

    def run() -> None:
        try:
            made = make()
        except BaseException as exc:  # handed to whoever waits, not lost on a thread
            future.set_exception(exc)
        else:
            _remember(key, made)
            future.set_result(made)
        finally:
            with _lock:
                _making.pop(key, None)

    if background:
        _worker.submit(run)
    else:
        run()
    return future


def _maker(engine: KpiEngine, filters: Filters, lang: str, fmt: str) -> Callable[[], bytes]:
    return lambda: pack_bytes(build_pack(engine, filters, lang), fmt)


def pack_for_view(engine: KpiEngine, filters: Filters, lang: str, fmt: str) -> bytes:
    """The pack's bytes: kept, being made (waited for), or made now on this thread."""
    found = _future(pack_key(engine, filters, lang, fmt), _maker(engine, filters, lang, fmt), False)
    return found if isinstance(found, bytes) else found.result()


def prepare(engine: KpiEngine, filters: Filters, lang: str, fmt: str) -> None:
    """Start making the pack in the background unless it is kept or being made."""
    _future(pack_key(engine, filters, lang, fmt), _maker(engine, filters, lang, fmt), True)


def prepare_ahead(engine: KpiEngine, filters: Filters, lang: str) -> None:
    """What the overview does on every run: start the chart helpers (once), and when the
    view is the default one (the latest as-of date, for the city or the viewer's district)
    start making its PDF in the background, so that the usual click is answered at once.
    Other views are made when their format is chosen or clicked."""
    from campaign.brief import drawing

    drawing.start_helpers()
    default = engine.default_filters()
    if not AHEAD_FORMATS or (filters.year, filters.as_of) != (default.year, default.as_of):
        return
    for fmt in AHEAD_FORMATS:
        key = pack_key(engine, filters, lang, fmt)
        with _lock:
            if key in _failed_ahead:
                continue  # it failed (no CJK font, a broken wording file): a click says why
        found = _future(key, _maker(engine, filters, lang, fmt), True)
        if isinstance(found, Future):
            found.add_done_callback(partial(_note_failure, key))


def _note_failure(key: tuple[object, ...], done: Future[bytes]) -> None:
    """Remember a pack made ahead that failed, so that the overview's next run (every click
    on the page) does not start it again; a change to what it depends on is a new key."""
    if not done.cancelled() and done.exception() is not None:
        with _lock:
            _failed_ahead[key] = None
            while len(_failed_ahead) > MAX_PACKS:
                _failed_ahead.popitem(last=False)


def is_ready(engine: KpiEngine, filters: Filters, lang: str, fmt: str) -> bool:
    """Whether the pack for this view is kept (a download would be immediate)."""
    with _lock:
        return pack_key(engine, filters, lang, fmt) in _packs


def forget_all() -> None:
    """Drop every kept pack (tests)."""
    with _lock:
        _packs.clear()
        _failed_ahead.clear()
