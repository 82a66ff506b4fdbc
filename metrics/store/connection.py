"""Short-lived DuckDB connections per unit of work under a cross-process lock (docs/store.md)."""

from __future__ import annotations

import atexit
import contextlib
import hashlib
import json
import os
import re
import threading
import time
import weakref
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import duckdb

from metrics.errors import StoreError
from metrics.store.fingerprint import DATA_KEY, data_fingerprint
from metrics.store.locking import DatabaseLock, LockTimeout
from metrics.store.migrations import migrate

SCHEMA = Path(__file__).with_name("schema.sql")
PROJECT_ROOT = Path(__file__).resolve().parents[2]
DB_ENV = "AI_DASHBOARD_DB"


def _schema_tables() -> frozenset[str]:
    text = SCHEMA.read_text(encoding="utf-8")
    return frozenset(re.findall(r"CREATE TABLE IF NOT EXISTS (\w+)", text))


# Identifiers that may be formatted into SQL: the schema's own tables, never a name from a file.
TABLES = _schema_tables()
# Recorded in meta when the schema is applied: a file with this value needs no schema write.
SCHEMA_SHA = hashlib.sha256(SCHEMA.read_bytes()).hexdigest()[:16]


def record_unit_of_work(
    cur, actor: str, action: str, detail: dict | None, *, bump_data_version: bool
) -> None:
    """The end of every write, on either store, before its commit: the audit-log entry and, unless
    the write changes no figure, the data version one higher (pages drop their caches at it)."""
    cur.execute(
        "INSERT INTO audit_log (actor, action, detail) VALUES (?, ?, ?)",
        [actor, action, json.dumps(detail or {}, ensure_ascii=False, default=str)],
    )
    if bump_data_version:
        cur.execute(
            "INSERT OR REPLACE INTO meta VALUES ('data_version', "
            "CAST(COALESCE((SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'data_version'), 0)"
            " + 1 AS VARCHAR))"
        )


def insert_rows(
    cur: duckdb.DuckDBPyConnection,
    table: str,
    rows: Sequence[Mapping[str, Any]],
    *,
    returning: str | None = None,
) -> list[tuple[Any, ...]]:
    """INSERT rows (dicts with the same keys, None for NULL) into `table` in one statement, on the
    caller's cursor; the RETURNING rows when `returning` names columns of the table.

    Each column is bound as one list and the lists are unnested side by side: a statement per row
    (executemany) costs about 0.6 ms a row here, this about 5 ms for a few hundred. DuckDB casts
    each list's values to the column's type on insert."""
    if table not in TABLES:
        raise ValueError(f"{table!r} is not a table of the schema")
    if not rows:
        return []
    names = list(rows[0])
    if any(not _IDENTIFIER.fullmatch(n) for n in names) or (
        returning is not None and not _COLUMN_LIST.fullmatch(returning)
    ):
        raise ValueError(f"column names {names!r} / {returning!r} are not plain identifiers")
    columns = [[row[name] for row in rows] for name in names]
    values = ", ".join(f"unnest(${i + 1})" for i in range(len(names)))
    sql = f"INSERT INTO {table} ({', '.join(names)}) SELECT {values}"
    if returning is None:
        cur.execute(sql, columns)
        return []
    return cur.execute(f"{sql} RETURNING {returning}", columns).fetchall()


_IDENTIFIER = re.compile(r"[a-z_][a-z0-9_]*")
_COLUMN_LIST = re.compile(r"[a-z_][a-z0-9_]*(, [a-z_][a-z0-9_]*)*")


def insert_frame(cur: duckdb.DuckDBPyConnection, table: str, frame) -> None:
    """INSERT a pandas frame's rows into `table` (columns by name), on the caller's cursor."""
    if table not in TABLES:
        raise ValueError(f"{table!r} is not a table of the schema")
    if frame.empty:
        return
    cur.register("_insert_frame", frame)
    try:
        columns = ", ".join(f'"{c}"' for c in frame.columns)
        cur.execute(f"INSERT INTO {table} ({columns}) SELECT {columns} FROM _insert_frame")  # noqa: S608 - allow-listed table
    finally:
        cur.unregister("_insert_frame")


SECRETS = PROJECT_ROOT / ".streamlit" / "secrets.toml"


def default_db_path() -> Path:
    """$AI_DASHBOARD_DB if set, else a PostgreSQL connection in .streamlit/secrets.toml, else
    var/dashboard.duckdb in the checkout (git-ignored). A `postgresql://` URL passes through Path
    as `postgresql:/...`; Store reads it back (metrics.store.postgres.normalise_url)."""
    env = os.environ.get(DB_ENV)
    if env:
        return Path(env)
    from metrics.store.secrets import secrets_url

    url = secrets_url(SECRETS)
    return Path(url) if url else PROJECT_ROOT / "var" / "dashboard.duckdb"


# Never download extensions (the server may be offline; downloading code at run time is a risk).
DuckDBConfig = dict[str, str | bool | int | float | list[str]]
_CONFIG: DuckDBConfig = {"autoinstall_known_extensions": False, "autoload_known_extensions": False}
LOCK_TIMEOUT_ENV = "AI_DASHBOARD_LOCK_TIMEOUT"
# How long a unit of work waits for the database (another process writing) before giving up.
DEFAULT_LOCK_TIMEOUT = 30.0
# An idle read-only connection stays open this long, so the queries of one page run share it;
# it closes at once when a writer (of any process) is waiting.
READ_LINGER = 1.0


def lock_timeout() -> float:
    try:
        return max(0.0, float(os.environ.get(LOCK_TIMEOUT_ENV, DEFAULT_LOCK_TIMEOUT)))
    except ValueError:
        return DEFAULT_LOCK_TIMEOUT


def _first_line(exc: BaseException) -> str:
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__


def _is_lock_conflict(exc: BaseException) -> bool:
    text = str(exc).lower()
    return ("lock" in text and ("conflicting" in text or "could not set" in text)) or (
        "different configuration" in text
    )


_DAMAGE_MARKERS = ("corrupt", "checksum", "not a valid duckdb database")


def _error(code: str, path: str, exc: BaseException) -> StoreError:
    """StoreError(code), or store_corrupt (whose message gives the recovery steps) when DuckDB
    says the file is damaged."""
    reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    if any(marker in reason.lower() for marker in _DAMAGE_MARKERS):
        return StoreError("store_corrupt", path=path, reason=reason[:300])
    return StoreError(code, path=path, reason=reason)


class Store:
    """A DuckDB database file (or ':memory:') with the project schema applied.

    Several processes share the file (see docs/store.md). Nothing keeps it open between units of
    work: `reader()` borrows a read-only connection (opened under the shared lock of
    metrics.store.locking, kept for READ_LINGER seconds so one page run's queries share it) and
    hands out a fresh cursor, because one cursor shared across Streamlit's threads fails with
    "connection is busy". `transaction()` takes the exclusive lock, opens the file read-write,
    commits or rolls back whole, and closes it, so other processes may read again. Waits are
    bounded (AI_DASHBOARD_LOCK_TIMEOUT, default 30 s); then StoreError("store_busy") names the
    process in the way. `hold(write=...)` keeps one connection for a longer piece of work (a CLI
    import). An in-memory store keeps its one connection for its life.
    """

    def __new__(cls, path: str | Path, *, timeout: float | None = None, will_write: bool = False) -> Store:
        # A postgresql:// URL opens the PostgreSQL store, whoever asks (the CLI's --db, the env).
        if cls is Store and str(path).startswith(("postgresql:/", "postgres:/")):
            from metrics.store.postgres import PgStore

            return super().__new__(PgStore)
        return super().__new__(cls)

    def __init__(self, path: str | Path, *, timeout: float | None = None, will_write: bool = False) -> None:
        self.path = str(path)
        # A process that opens the store to write (a CLI import): its first connection is
        # read-write and kept between leases like a reader's, so the schema check, the seed check
        # and the write share one open of the file instead of a read-only open, a close and a
        # read-write open.
        self._will_write = will_write
        self.timeout = lock_timeout() if timeout is None else timeout
        self._memory = self.path == ":memory:"
        self._cond = threading.Condition()
        self._write_lock = threading.Lock()
        self._local = threading.local()
        self._conn: duckdb.DuckDBPyConnection | None = None
        self._mode: str | None = None  # "read" or "write" while a connection is open
        self._users = 0
        self._writers_waiting = 0
        self._idle_since = 0.0
        self._closed = False
        self._settings: list[tuple[str, list]] = []
        self._lingerer: threading.Thread | None = None
        if self._memory:
            self._conn = self._connect(write=True)
            self._mode = "write"
            self._apply_schema(self._conn)
            self._lock = None
            return
        Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        _OPEN_STORES.add(self)
        self._lock = DatabaseLock(self.path)
        self._version_file = Path(self.path + ".version")
        self._ensure_schema()

    @property
    def _file_lock(self) -> DatabaseLock:
        assert self._lock is not None, "an in-memory store has no file lock"
        return self._lock

    # --- opening --------------------------------------------------------------------------------

    def _connect(self, write: bool) -> duckdb.DuckDBPyConnection:
        try:
            conn = duckdb.connect(self.path, read_only=not write, config=_CONFIG)
        except duckdb.Error as exc:
            if _is_lock_conflict(exc):
                raise _Conflict(str(exc)) from exc
            raise _error("store_open_failed", self.path, exc) from exc
        try:
            for sql, params in self._settings:
                conn.execute(sql, params)
        except duckdb.Error as exc:
            conn.close()
            raise _error("store_open_failed", self.path, exc) from exc
        return conn

    def _apply_schema(self, conn: duckdb.DuckDBPyConnection) -> None:
        """schema.sql and the migrations of an older file, in one transaction: a file is either
        brought up to date whole or left as it was."""
        try:
            conn.execute("BEGIN TRANSACTION")
            conn.execute(SCHEMA.read_text(encoding="utf-8"))
            migrate(conn)
            conn.execute("INSERT OR REPLACE INTO meta VALUES ('schema_sha', ?)", [SCHEMA_SHA])
            conn.execute("COMMIT")
        except duckdb.Error as exc:
            with contextlib.suppress(duckdb.Error):
                conn.execute("ROLLBACK")
            raise _error("store_open_failed", self.path, exc) from exc

    def _ensure_schema(self) -> None:
        """Apply schema.sql when the file lacks it (new file, or the schema changed): a write, so
        only then is the exclusive lock taken; a current file is only read."""
        if Path(self.path).exists():
            with self.reader() as cur:
                tables = {r[0] for r in cur.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
                sha = None
                if "meta" in tables:
                    rows = cur.execute("SELECT value FROM meta WHERE key = 'schema_sha'").fetchall()
                    sha = rows[0][0] if rows else None
            if sha == SCHEMA_SHA and tables >= TABLES:
                return
        with self._lease(write=True) as conn:
            self._apply_schema(conn)

    def _deadline(self) -> float:
        return time.monotonic() + self.timeout

    def _busy(self, holders) -> StoreError:
        who = ", ".join(h.describe() for h in holders) if holders else "?"
        return StoreError("store_busy", path=self.path, holders=who, seconds=f"{self.timeout:g}")

    def _open(self, write: bool, deadline: float) -> None:
        """Take the cross-process lock, then open the file (retrying while a process outside this
        lock, e.g. the duckdb shell, has it open). Caller holds self._cond."""
        assert self._lock is not None
        try:
            self._lock.acquire(write, deadline)
        except LockTimeout as exc:
            raise self._busy(exc.holders) from None
        sleep = 0.01
        try:
            while True:
                try:
                    self._conn = self._connect(write)
                    break
                except _Conflict:
                    if time.monotonic() >= deadline:
                        raise self._busy(self._file_lock.holders()) from None
                    time.sleep(sleep)
                    sleep = min(sleep * 2, 0.1)
        except BaseException:
            self._lock.release()
            raise
        self._mode = "write" if write else "read"

    def _close_conn(self) -> None:
        """Close the open connection and release the lock. Caller holds self._cond."""
        conn, self._conn, mode = self._conn, None, self._mode
        self._mode = None
        version = None
        if conn is not None and mode == "write":
            # Every transaction has ended (the lease is over), so this is the committed version;
            # read now, it spares opening the file again after the close.
            with contextlib.suppress(duckdb.Error):
                version = _meta_version(conn)
        if conn is not None:
            with contextlib.suppress(duckdb.Error):
                conn.close()
        if version is not None:
            # Closing folded the write-ahead log into the file: the identity recorded beside the
            # version is the file's after the close.
            with contextlib.suppress(OSError):
                self._write_version_file(version)
        if self._lock is not None:
            self._lock.release()
        self._cond.notify_all()

    # --- leases ---------------------------------------------------------------------------------

    def _depth(self) -> int:
        return getattr(self._local, "depth", 0)

    @contextlib.contextmanager
    def _lease(self, write: bool) -> Iterator[duckdb.DuckDBPyConnection]:
        """Borrow the process's connection to the file: shared by every reader, read-write for a
        writer (which waits until readers of this process and others have left)."""
        if self._memory:
            assert self._conn is not None  # an in-memory store opens its connection in __init__
            yield self._conn
            return
        deadline = self._deadline()
        mine = self._depth() > 0
        with self._cond:
            if self._closed:
                raise StoreError("store_open_failed", path=self.path, reason="the store is closed")
            if write:
                self._writers_waiting += 1
            try:
                while True:
                    if self._conn is not None:
                        joinable = self._mode == "write" or (
                            not write
                            and (
                                mine or (self._writers_waiting == 0 and not self._file_lock.writer_waiting())
                            )
                        )
                        if joinable:
                            break
                        if write and mine:
                            raise RuntimeError("a write inside a read of the same thread would wait forever")
                        if self._users == 0:
                            self._close_conn()
                            continue
                        remaining = deadline - time.monotonic()
                        if remaining <= 0:
                            raise self._busy(self._file_lock.holders())
                        self._cond.wait(min(remaining, 0.05))
                        continue
                    if not write and not mine and self._writers_waiting:
                        # A writer of this process is next: let it open the file first.
                        remaining = deadline - time.monotonic()
                        if remaining <= 0:
                            raise self._busy(self._file_lock.holders())
                        self._cond.wait(min(remaining, 0.05))
                        continue
                    self._open(write or self._will_write, deadline)
                    break
                self._users += 1
            finally:
                if write:
                    self._writers_waiting -= 1
        self._local.depth = self._depth() + 1
        try:
            assert self._conn is not None  # opened above, before this lease was counted
            yield self._conn
        finally:
            self._local.depth = self._depth() - 1
            with self._cond:
                self._users -= 1
                if self._users == 0:
                    if (self._mode == "write" and not self._will_write) or self._closed:
                        self._close_conn()
                    else:
                        self._idle_since = time.monotonic()
                        self._start_lingerer()
                        self._cond.notify_all()

    def _start_lingerer(self) -> None:
        if self._lingerer is None or not self._lingerer.is_alive():
            self._lingerer = threading.Thread(target=self._linger, name="store-linger", daemon=True)
            self._lingerer.start()

    def _linger(self) -> None:
        """Close the idle read connection after READ_LINGER s, or at once when a writer waits."""
        with self._cond:
            while self._conn is not None and not self._closed:
                if self._users == 0 and (
                    time.monotonic() - self._idle_since >= READ_LINGER
                    or self._writers_waiting
                    or self._file_lock.writer_waiting()
                ):
                    self._close_conn()
                    break
                self._cond.wait(0.05)

    @contextlib.contextmanager
    def hold(self, write: bool = False) -> Iterator[None]:
        """Keep one connection (read-write with write=True) for the block: a piece of work made of
        several readers and transactions that must see one instance (the import's scratch table)."""
        with self._lease(write):
            yield

    @contextlib.contextmanager
    def paused_writes(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """The file with no write of any thread or process in progress or starting, for the block
        (a backup copying it). The read lease keeps other processes' writers out; this process's
        own write lock keeps its other threads out, because a reader of this process joins a write
        connection that is open, and a copy taken then could see half a write."""
        if not self._write_lock.acquire(timeout=self.timeout):
            raise self._busy([])
        try:
            with self._lease(write=False) as conn:
                yield conn
        finally:
            self._write_lock.release()

    # --- units of work --------------------------------------------------------------------------

    @contextlib.contextmanager
    def reader(self) -> Iterator[duckdb.DuckDBPyConnection]:
        with self._lease(write=False) as conn:
            cur = conn.cursor()
            try:
                yield cur
            except duckdb.Error as exc:
                raise _error("store_query_failed", self.path, exc) from exc
            finally:
                cur.close()

    @contextlib.contextmanager
    def transaction(
        self, actor: str, action: str, detail: dict | None = None, *, bump_data_version: bool = True
    ) -> Iterator[duckdb.DuckDBPyConnection]:
        """All or nothing: the body's writes, an audit-log entry and a data-version bump.

        bump_data_version=False for writes that change no figure (sign-ins, account state), so
        they do not empty every page's query cache."""
        if not self._write_lock.acquire(timeout=self.timeout):
            raise self._busy([])
        try:
            with self._lease(write=True) as conn:
                cur = conn.cursor()
                try:
                    cur.execute("BEGIN TRANSACTION")
                    yield cur
                    record_unit_of_work(cur, actor, action, detail, bump_data_version=bump_data_version)
                    cur.execute("COMMIT")
                except BaseException as exc:
                    with contextlib.suppress(duckdb.Error):
                        cur.execute("ROLLBACK")
                    if isinstance(exc, duckdb.Error):
                        raise _error("store_write_failed", self.path, exc) from exc
                    raise
                finally:
                    cur.close()
                # Fold the WAL into the file so a kill after this point cannot lose the import.
                with contextlib.suppress(duckdb.Error):
                    conn.execute("CHECKPOINT")
        finally:
            self._write_lock.release()

    # --- data version ---------------------------------------------------------------------------

    def _file_identity(self) -> str:
        st = os.stat(self.path)
        return f"{st.st_ino}:{st.st_size}:{st.st_mtime_ns}"

    def _write_version_file(self, version: int) -> None:
        """`<db>.version`: the data version and the identity of the file it describes, so a page
        checks for new data with two stat calls and a small read instead of opening the database."""
        tmp = self._version_file.with_name(f"{self._version_file.name}.{os.getpid()}.{threading.get_ident()}")
        tmp.write_text(f"{version} {self._file_identity()}\n", encoding="ascii")
        os.replace(tmp, self._version_file)

    def data_version(self) -> int:
        """Bumped by every write; cache keys include it so an import invalidates cached queries.
        For a file, read from `<db>.version` when it describes the file as it is now."""
        if not self._memory:
            with contextlib.suppress(OSError, ValueError):
                text = self._version_file.read_text(encoding="ascii").split()
                if len(text) == 2 and text[1] == self._file_identity():
                    return int(text[0])
        with self.reader() as cur:
            version = _meta_version(cur)
            if not self._memory and not self._file_lock.writer_waiting():
                # Under the shared lock no writer can change the file meanwhile.
                with contextlib.suppress(OSError):
                    self._write_version_file(version)
        return version

    # --- settings and life ----------------------------------------------------------------------

    def restrict(self, statements: list[tuple[str, list]]) -> None:
        """SET statements run on every connection this Store opens from now on (and on the open
        one): DuckDB settings are per instance, and an instance lives as long as a connection."""
        with self._cond:
            self._settings = [*self._settings, *statements]
            if self._conn is not None:
                for sql, params in statements:
                    self._conn.execute(sql, params)

    def close(self) -> None:
        lingerer = self._lingerer
        with self._cond:
            self._closed = True
            if self._users == 0 and self._conn is not None:
                if self._memory:
                    self._conn.close()
                    self._conn = None
                else:
                    self._close_conn()
            if self._lock is not None and self._users == 0:
                self._lock.close()
            self._cond.notify_all()
        if lingerer is not None and lingerer is not threading.current_thread():
            lingerer.join(timeout=1.0)


# Closed at exit, before the interpreter stops daemon threads: a lingering connection closed by
# its own thread while the runtime shuts down aborts the process inside DuckDB.
_OPEN_STORES: weakref.WeakSet[Store] = weakref.WeakSet()


@atexit.register
def _close_open_stores() -> None:
    for store in list(_OPEN_STORES):
        with contextlib.suppress(Exception):
            store.close()


class _Conflict(Exception):
    """DuckDB's own file lock refused the open (a process outside our lock has the file)."""


def _meta_version(cur) -> int:
    rows = cur.execute("SELECT value FROM meta WHERE key = 'data_version'").fetchall()
    return int(rows[0][0]) if rows else 0


def open_store(path: str | Path | None = None, *, seed: bool = True, will_write: bool = False) -> Store:
    """Open (creating if needed) the database and seed it from data/ on first start. `will_write`:
    the caller is about to write (see Store)."""
    store = Store(path or default_db_path(), will_write=will_write)
    if seed and not _current(store):
        # Imported only when needed: the seed loads data/ with pandas and the models, which a
        # command on a seeded, current database (every one but the first) has no use for.
        from metrics.store.seed import seed_if_empty

        seed_if_empty(store)
    return store


def _current(store: Store) -> bool:
    """Seeded, and from the default data data/ holds now (else the seeder seeds or upgrades)."""
    with store.reader() as cur:
        rows = cur.execute("SELECT key, value FROM meta WHERE key IN ('seeded_at', ?)", [DATA_KEY]).fetchall()
    found = dict(rows)
    return "seeded_at" in found and found.get(DATA_KEY) == data_fingerprint()
