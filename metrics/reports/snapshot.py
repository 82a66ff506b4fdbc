"""The store as one report build reads it: each distinct read query runs once per build.

A report asks the engine's services for the same things many times over (every yardstick's
editions, each with its scores and its group's members, for the headline, the status histories,
the second opinions, the strategy scorecard and the data pack): about 300 queries for 20-30
distinct ones on the default data (metrics.store.queries asks for a measure's scores of every
edition, every index's editions and a group's whole membership, and cuts them). The services
take a store and query it; rather than thread a cache through each of them, the build hands
them a `ReadCache`, whose cursors answer a query already asked in this build from its first
answer; the store's own reader is taken only for a query not yet answered.

The two shapes of metrics.store.queries are cached: `cur.execute(sql, params).fetchall()` with
its `.description` (the typed rows; what a report reads) and `.df()` (the pages' frames). A cached
answer is never shared for change: rows are tuples of plain values in a new list each time, and a
frame is a copy, so a caller that changes its answer changes only its own. Anything else a cursor
is asked (fetchone, ...) runs the query for real. The cache lives as long as the build: a report
is one reading of the data, and the next report reads afresh.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Hashable, Iterator
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    import pandas as pd

    from metrics.store import Store

Key = tuple[str, str, tuple[Hashable, ...]]
Fetched = tuple[tuple[Any, ...], tuple[tuple[Any, ...], ...]]  # a cursor's description and its rows


def read_cache(store: Store) -> Store:
    """`store` with its read queries memoised for one report build (the services take a Store)."""
    return store if isinstance(store, ReadCache) else cast("Store", ReadCache(store))


class ReadCache:
    """A wrapper of a Store: `reader()` memoises the answers of queries (their rows or their frames);
    everything else is the store's."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._answers: dict[Key, Any] = {}  # a Fetched or a DataFrame, by shape and query
        self._memo: dict[Hashable, Any] = {}
        self._version: int | None = None
        self.asked = 0  # queries the build asked for (rows or a frame)
        self.queries = 0  # queries that reached the store (for tests and benchmarks)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)

    def memo(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        """`compute()`'s answer, computed once per build for `key`: for a service that turns the
        same frames into the same models many times over (services.yardstick_editions)."""
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    def data_version(self) -> int:
        if self._version is None:
            self._version = self._store.data_version()
        return self._version

    @contextlib.contextmanager
    def reader(self) -> Iterator[Any]:
        # The store's own reader (a lease and a file lock) is taken only when a query misses the
        # cache: most of a build's reads are answered here.
        with contextlib.ExitStack() as stack:
            yield _Cursor(self, lambda: stack.enter_context(self._store.reader()))

    def fetched(self, cursor: _Cursor, sql: str, params: list | tuple | None) -> Fetched:
        """The query's description and rows (tuples, shared: nobody can change them)."""

        def run() -> Fetched:
            result = cursor.real().execute(sql, params or [])
            return tuple(result.description), tuple(result.fetchall())

        answer: Fetched = self._answer("rows", sql, params, run)
        return answer

    def frame(self, cursor: _Cursor, sql: str, params: list | tuple | None) -> pd.DataFrame:
        """The query's `.df()`, a copy for each caller."""
        frame: pd.DataFrame = self._answer(
            "df", sql, params, lambda: cursor.real().execute(sql, params or []).df()
        )
        return frame.copy()

    def _answer(self, shape: str, sql: str, params: list | tuple | None, run: Callable[[], Any]) -> Any:
        self.asked += 1
        key = _key(shape, sql, params)
        if key is None:
            self.queries += 1
            return run()
        if key not in self._answers:
            self.queries += 1
            self._answers[key] = run()
        return self._answers[key]


def _key(shape: str, sql: str, params: list | tuple | None) -> Key | None:
    """The cache key of a query in one shape, or None when a parameter is not hashable (then it is
    not cached)."""
    values = tuple(params or ())
    try:
        hash(values)
    except TypeError:
        return None
    # the type too: 2024 and 2024.0 (or True and 1) are equal keys but may not be equal queries
    return shape, sql, tuple((type(v).__name__, v) for v in values)


class _Cursor:
    """A cursor whose `execute(...)` is run when its answer is asked for: `.fetchall()` (with
    `.description`) and `.df()` through the cache, anything else on the real cursor."""

    def __init__(self, cache: ReadCache, open_reader: Callable[[], Any]) -> None:
        self._cache = cache
        self._open_reader = open_reader
        self._cur: Any = None
        self._last: _Pending | None = None

    def real(self) -> Any:
        """The store's cursor, opened on first use."""
        if self._cur is None:
            self._cur = self._open_reader()
        return self._cur

    def execute(self, sql: str, params: list | tuple | None = None) -> _Pending:
        self._last = _Pending(self, sql, params)
        return self._last

    def __getattr__(self, name: str) -> Any:
        # `cur.execute(sql); cur.fetchone()`: the query must have run on the real cursor
        if self._last is not None:
            self._last.run()
        return getattr(self.real(), name)


class _Pending:
    def __init__(self, cursor: _Cursor, sql: str, params: list | tuple | None) -> None:
        self._cursor = cursor
        self._sql = sql
        self._params = params
        self._ran: Any = None
        self._fetched: Fetched | None = None

    def df(self) -> pd.DataFrame:
        return self._cursor._cache.frame(self._cursor, self._sql, self._params)

    @property
    def description(self) -> tuple[Any, ...]:
        return self._answer()[0]

    def fetchall(self) -> list[tuple[Any, ...]]:
        return list(self._answer()[1])

    def _answer(self) -> Fetched:
        # one question of the cache for `.description` and `.fetchall()` of this execute
        if self._fetched is None:
            self._fetched = self._cursor._cache.fetched(self._cursor, self._sql, self._params)
        return self._fetched

    def run(self) -> Any:
        if self._ran is None:
            self._cursor._cache.queries += 1
            self._ran = self._cursor.real().execute(self._sql, self._params or [])
        return self._ran

    def __getattr__(self, name: str) -> Any:
        return getattr(self.run(), name)
