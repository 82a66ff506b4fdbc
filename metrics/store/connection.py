"""One DuckDB connection per file, a cursor per unit of work, writes serialised in transactions."""

from __future__ import annotations

import contextlib
import json
import os
import re
import threading
from collections.abc import Iterator
from pathlib import Path

import duckdb

from metrics.errors import StoreError

SCHEMA = Path(__file__).with_name("schema.sql")
PROJECT_ROOT = Path(__file__).resolve().parents[2]
DB_ENV = "AI_DASHBOARD_DB"


def _schema_tables() -> frozenset[str]:
    text = SCHEMA.read_text(encoding="utf-8")
    return frozenset(re.findall(r"CREATE TABLE IF NOT EXISTS (\w+)", text))


# Identifiers that may be formatted into SQL: the schema's own tables, never a name from a file.
TABLES = _schema_tables()


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


def default_db_path() -> Path:
    """$AI_DASHBOARD_DB if set, else var/dashboard.duckdb in the checkout (git-ignored)."""
    env = os.environ.get(DB_ENV)
    return Path(env) if env else PROJECT_ROOT / "var" / "dashboard.duckdb"


# Never download extensions (the server may be offline; downloading code at run time is a risk).
_CONFIG = {"autoinstall_known_extensions": False, "autoload_known_extensions": False}


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

    Readers call `reader()` and get a fresh cursor, because a connection object shared across
    Streamlit's threads fails with "connection is busy". Writers call `transaction()`, which
    takes one process-wide lock so two imports never interleave, and commits or rolls back whole.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        try:
            self._conn = duckdb.connect(self.path, config=_CONFIG)
            self._conn.execute(SCHEMA.read_text(encoding="utf-8"))
        except duckdb.Error as exc:
            raise _error("store_open_failed", self.path, exc) from exc
        self._write_lock = threading.Lock()

    @contextlib.contextmanager
    def reader(self) -> Iterator[duckdb.DuckDBPyConnection]:
        cur = self._conn.cursor()
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
        with self._write_lock:
            cur = self._conn.cursor()
            try:
                cur.execute("BEGIN TRANSACTION")
                yield cur
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
                self._conn.execute("CHECKPOINT")

    def data_version(self) -> int:
        """Bumped by every write; cache keys include it so an import invalidates cached queries."""
        with self.reader() as cur:
            rows = cur.execute("SELECT value FROM meta WHERE key = 'data_version'").fetchall()
        return int(rows[0][0]) if rows else 0

    def close(self) -> None:
        self._conn.close()


def open_store(path: str | Path | None = None, *, seed: bool = True) -> Store:
    """Open (creating if needed) the database and seed it from data/ on first start."""
    store = Store(path or default_db_path())
    if seed:
        from metrics.store.seed import seed_if_empty

        seed_if_empty(store)
    return store
