"""A small bounded, thread-safe memo where concurrent callers of one key compute it once.

The Streamlit app shares one engine between sessions running in threads: when two sessions
ask for the same KPI facts at once, the second waits for the first instead of running the
same queries again.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

T = TypeVar("T")


class _Pending:
    """A computation in flight: waiters block on ``done``."""

    def __init__(self) -> None:
        self.done = threading.Event()
        self.value: object = None
        self.error: BaseException | None = None


class MemoCache(Generic[T]):
    """Least-recently-used memo of at most ``size`` entries, single flight per key."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._lock = threading.Lock()
        self._values: OrderedDict[Hashable, T] = OrderedDict()
        self._pending: dict[Hashable, _Pending] = {}

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        """The value for ``key``, computing it (once, even under concurrency) if absent."""
        with self._lock:
            if key in self._values:
                self._values.move_to_end(key)
                return self._values[key]
            pending = self._pending.get(key)
            owner = pending is None
            if owner:
                pending = self._pending[key] = _Pending()
        assert pending is not None
        if not owner:
            pending.done.wait()
            if pending.error is not None:
                raise pending.error
            return pending.value  # type: ignore[return-value]
        try:
            value = compute()
        except BaseException as exc:
            pending.error = exc
            with self._lock:
                del self._pending[key]
            pending.done.set()
            raise
        pending.value = value
        with self._lock:
            self._values[key] = value
            self._values.move_to_end(key)
            while len(self._values) > self._size:
                self._values.popitem(last=False)
            del self._pending[key]
        pending.done.set()
        return value

    def clear(self) -> None:
        """Forget every value (computations in flight still finish)."""
        with self._lock:
            self._values.clear()

    def __len__(self) -> int:
        with self._lock:
            return len(self._values)


class Uncacheable(Exception):
    """Raised by a computation whose result must be returned but not remembered."""

    def __init__(self, value: object) -> None:
        super().__init__("result not to be cached")
        self.value = value


def memo(
    cache: MemoCache[T],
    key: Hashable,
    compute: Callable[[], T],
    on_uncached: Callable[[object], object] | None = None,
) -> T:
    """``cache.get(key, compute)``, where ``compute`` may raise :class:`Uncacheable`: then its
    value is returned (to every caller waiting on the key) and nothing is cached."""
    try:
        return cache.get(key, compute)
    except Uncacheable as passed:
        if on_uncached is not None:
            on_uncached(passed.value)
        return passed.value  # type: ignore[return-value]
