"""The PostgreSQL store: one database shared by any number of processes on any number of machines.

PostgreSQL holds the data; DuckDB stays the engine every process reads and checks with (docs/store.md,
"PostgreSQL"). Each process keeps an in-memory DuckDB copy of the database (the mirror, built from
the same schema.sql), brought up to date before every unit of work: PostgreSQL keeps a revision per
table (`store_revisions`, bumped by each write), and the mirror reloads only the tables whose
revision moved. So every query of the code base, the import's staging checks included, runs as it
does on the DuckDB file, and an import made on one machine shows on every other at its next read.

A write (`transaction()`) takes PostgreSQL's transaction-level advisory lock (writers serialise
across machines, as DuckDB's single writer does), brings the mirror up to date under it, and runs
the body on the mirror in a DuckDB transaction; every statement that changes a schema table is run
with `RETURNING *` and the rows it returned are written to PostgreSQL in the same PostgreSQL
transaction (COPY for inserts, upserts by primary key for updates, deletes by key). PostgreSQL
commits first: if it fails (the server stopped, a constraint), the mirror rolls back too and the
write fails whole with a StoreError; nothing half-written stays anywhere.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import sys
import threading
import time
import warnings
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, cast

import duckdb
import psycopg

from metrics.errors import StoreError
from metrics.store.connection import (
    _CONFIG,
    _OPEN_STORES,
    SCHEMA,
    SCHEMA_SHA,
    TABLES,
    Store,
    _error,
    lock_timeout,
    record_unit_of_work,
)
from metrics.store.migrations import migrate
from metrics.store.urls import normalise_url, redacted

# The key of the advisory lock every writer of the app takes (any number; the same for all).
WRITER_LOCK = 0x41494442
CONNECT_TIMEOUT = 5  # seconds: a stopped server is reported this soon
_REVISIONS_DDL = (
    "CREATE TABLE IF NOT EXISTS store_revisions (table_name VARCHAR PRIMARY KEY, revision BIGINT NOT NULL)"
)
_WRITE = re.compile(r"^\s*(INSERT\s+OR\s+REPLACE\s+INTO|INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+(\w+)", re.I)
# A write of a schema table anywhere in a statement (a CTE, a second statement): refused when the
# statement does not start with it, rather than written to the mirror only.
_WRITE_ANYWHERE = re.compile(
    r"\b(?:INSERT\s+(?:OR\s+REPLACE\s+)?INTO|UPDATE|DELETE\s+FROM|TRUNCATE(?:\s+TABLE)?|DROP\s+TABLE(?:\s+IF\s+EXISTS)?"
    r"|ALTER\s+TABLE)\s+(\w+)",
    re.I,
)
_RETURNING = re.compile(r"\bRETURNING\s+([\w\s,]+?)\s*;?\s*$", re.I)
# The id columns filled from a sequence: the mirror's sequence is moved past the highest id.
_SEQUENCES = re.findall(
    r"CREATE TABLE IF NOT EXISTS (\w+) \(\s*(\w+)\s+INTEGER PRIMARY KEY DEFAULT nextval\('(\w+)'\)",
    SCHEMA.read_text(encoding="utf-8"),
)


def pg_schema() -> str:
    """schema.sql in PostgreSQL's dialect: the one difference in its types is spelled here."""
    text = SCHEMA.read_text(encoding="utf-8")
    return re.sub(r"\bDOUBLE\b", "DOUBLE PRECISION", text) + ";\n" + _REVISIONS_DDL


def _application_name() -> str:
    command = os.path.basename(sys.argv[0]) if sys.argv and sys.argv[0] else "python"
    return f"ai-dashboard pid {os.getpid()} {command}"[:63]


class _Mirror:
    """The process's in-memory DuckDB copy of the PostgreSQL database."""

    def __init__(self) -> None:
        self.conn = duckdb.connect(":memory:", config=_CONFIG)
        self.conn.execute(SCHEMA.read_text(encoding="utf-8"))
        self.columns: dict[str, list[str]] = {}
        self.types: dict[str, list[str]] = {}
        for table, column, data_type in self.conn.execute(
            "SELECT table_name, column_name, data_type FROM duckdb_columns() WHERE NOT internal"
            " ORDER BY table_name, column_index"
        ).fetchall():
            if table in TABLES:
                self.columns.setdefault(table, []).append(column)
                self.types.setdefault(table, []).append(data_type)
        self.keys: dict[str, list[str]] = {
            table: list(names)
            for table, names in self.conn.execute(
                "SELECT table_name, constraint_column_names FROM duckdb_constraints()"
                " WHERE constraint_type = 'PRIMARY KEY'"
            ).fetchall()
        }
        self.revisions: dict[str, int] | None = None  # None: nothing loaded yet
        # Held by a sync and by a write from its sync to its commit: a reader's sync never
        # reloads a table under a write of this process.
        self.lock = threading.RLock()
        self.writing = False  # a write of this process holds `lock` for its whole transaction

    def stale(self, revisions: dict[str, int]) -> list[str]:
        if self.revisions is None:
            return sorted(TABLES)
        return sorted(t for t in TABLES if revisions.get(t, 0) != self.revisions.get(t, 0))

    def load(self, pg: psycopg.Connection, tables: Sequence[str], revisions: dict[str, int]) -> None:
        """Replace `tables` with PostgreSQL's rows (read by `pg`, in its snapshot), in one DuckDB
        transaction: readers see the old rows or the new, never a mix."""
        cur = self.conn.cursor()
        try:
            cur.execute("BEGIN TRANSACTION")
            for table in tables:
                names = self.columns[table]
                quoted = ", ".join(f'"{c}"' for c in names)
                data = _read_table(pg, table, names, self.types[table])
                cur.execute(f"DELETE FROM {table}")  # noqa: S608 - schema table
                if data is not None:
                    cur.register("_mirror_rows", data)
                    cur.execute(f"INSERT INTO {table} ({quoted}) SELECT {quoted} FROM _mirror_rows")  # noqa: S608
                    cur.unregister("_mirror_rows")
            cur.execute("COMMIT")
        except BaseException:
            with contextlib.suppress(duckdb.Error):
                cur.execute("ROLLBACK")
            raise
        finally:
            cur.close()
        self.revisions = dict(revisions)

    def advance_sequences(self, cur: duckdb.DuckDBPyConnection) -> None:
        """Move each id sequence past the highest id loaded, so a new row's id is PostgreSQL's next
        (writers are serialised, so no other process takes it meanwhile)."""
        for table, column, sequence in _SEQUENCES:
            top = cur.execute(f"SELECT coalesce(max({column}), 0) FROM {table}").fetchall()[0][0]  # noqa: S608
            last = cur.execute(
                "SELECT coalesce(last_value, start_value - 1) FROM duckdb_sequences() WHERE sequence_name = ?",
                [sequence],
            ).fetchall()[0][0]
            if top > last:
                cur.execute(f"SELECT max(nextval('{sequence}')) FROM range(?)", [int(top - last)])  # noqa: S608


def _read_table(pg: psycopg.Connection, table: str, names: list[str], types: list[str]):
    """A table's rows as an Arrow table typed as the mirror's columns (None: no rows).

    PostgreSQL writes them as CSV (COPY, in the connection's snapshot) and Arrow parses that: about
    twice as fast as rows through Python objects (1M rows: 1.8 s against 3.6 s, measured). In
    PostgreSQL's CSV a NULL is an unquoted empty field and an empty text a quoted one; no other text
    is read as NULL (a country code 'NA' stays 'NA'); booleans are t/f."""
    import pyarrow as pa
    from pyarrow import csv as pa_csv

    arrow_types = {
        "VARCHAR": pa.string(), "INTEGER": pa.int32(), "BIGINT": pa.int64(), "DOUBLE": pa.float64(),
        "BOOLEAN": pa.bool_(), "DATE": pa.date32(), "TIMESTAMP": pa.timestamp("us"),
    }  # fmt: skip
    quoted = ", ".join(f'"{c}"' for c in names)
    buffer = io.BytesIO()
    with pg.cursor() as cur, cur.copy(f"COPY (SELECT {quoted} FROM {table}) TO STDOUT (FORMAT csv)") as copy:  # noqa: S608
        for chunk in copy:
            buffer.write(chunk)
    if not buffer.tell():
        return None
    buffer.seek(0)
    return pa_csv.read_csv(
        buffer,
        read_options=pa_csv.ReadOptions(column_names=names),
        parse_options=pa_csv.ParseOptions(newlines_in_values=True),
        convert_options=pa_csv.ConvertOptions(
            column_types={n: arrow_types[t] for n, t in zip(names, types, strict=True)},
            null_values=[""],
            strings_can_be_null=True,
            quoted_strings_can_be_null=False,
            true_values=["t"],
            false_values=["f"],
        ),
    )


class _WriteCursor:
    """The cursor a PostgreSQL transaction's body gets: DuckDB's (the mirror's, inside its
    transaction), with each write of a schema table also written to PostgreSQL."""

    def __init__(self, duck: duckdb.DuckDBPyConnection, pg: psycopg.Connection, mirror: _Mirror) -> None:
        self._duck = duck
        self._pg = pg
        self._mirror = mirror
        self.touched: set[str] = set()
        self._rows: list[tuple] | None = None

    def execute(self, sql: str, params: Any = None) -> _WriteCursor:
        self._rows = None
        found = _WRITE.match(sql)
        if not found or found.group(2).lower() not in TABLES:
            hidden = [t for t in _WRITE_ANYWHERE.findall(sql) if t.lower() in TABLES]
            if hidden:
                raise StoreError(
                    "store_write_failed",
                    path="postgresql",
                    reason=f"a write of {hidden[0]} the PostgreSQL store cannot pass on (it must start the statement)",
                )
            self._duck.execute(sql, params) if params is not None else self._duck.execute(sql)
            return self
        verb, table = found.group(1).split()[0].upper(), found.group(2).lower()
        upsert = verb == "UPDATE" or "REPLACE" in found.group(1).upper()
        returning = _RETURNING.search(sql)
        body = sql[: returning.start()] if returning else sql.rstrip().rstrip(";")
        result = (
            self._duck.execute(body + " RETURNING *", params)
            if params is not None
            else self._duck.execute(body + " RETURNING *")
        )
        with warnings.catch_warnings():  # the copy it warns of is the one we want
            warnings.filterwarnings("ignore", "Arrow output on a DB-API result", UserWarning)
            data: Any = result.to_arrow_table()
        columns = data.column_names
        if data.num_rows:
            self.touched.add(table)
            if verb == "INSERT" and not upsert:
                _pg_copy(self._pg, table, data)
            else:
                rows = [tuple(r.values()) for r in data.to_pylist()]
                key = self._mirror.keys.get(table)
                if verb == "DELETE":
                    _pg_delete(self._pg, table, columns, rows, key)
                else:
                    _pg_upsert(self._pg, table, columns, rows, key)
        if returning:
            wanted = [c.strip() for c in returning.group(1).split(",")]
            self._rows = [tuple(r.values()) for r in data.select(wanted).to_pylist()]
        else:
            self._rows = []
        return self

    def executemany(self, sql: str, rows: Sequence[Any]) -> _WriteCursor:
        for params in rows:
            self.execute(sql, params)
        return self

    def fetchall(self) -> list[tuple]:
        if self._rows is not None:
            rows, self._rows = self._rows, None
            return rows
        return self._duck.fetchall()

    def fetchone(self) -> tuple | None:
        if self._rows is not None:
            rows, self._rows = self._rows, None
            return rows[0] if rows else None
        return self._duck.fetchone()

    def __getattr__(self, name: str) -> Any:  # df(), register(), unregister(), description...
        return getattr(self._duck, name)


def _schema_table(table: str) -> None:
    """Only the schema's own tables are ever formatted into a PostgreSQL statement (their columns
    come from the mirror's RETURNING, so from the same schema); values are always bound."""
    if table not in TABLES:
        raise ValueError(f"{table!r} is not a table of the schema")


def _pg_copy(pg: psycopg.Connection, table: str, data) -> None:
    """An Arrow table's rows into `table` by COPY ... (FORMAT csv): every valid value quoted, a NULL
    an unquoted empty field (so an empty text stays an empty text)."""
    from pyarrow import csv as pa_csv

    buffer = io.BytesIO()
    pa_csv.write_csv(
        data, buffer, write_options=pa_csv.WriteOptions(include_header=False, quoting_style="all_valid")
    )
    _schema_table(table)
    quoted = ", ".join(f'"{c}"' for c in data.column_names)
    with pg.cursor() as cur, cur.copy(f"COPY {table} ({quoted}) FROM STDIN (FORMAT csv)") as copy:
        copy.write(buffer.getvalue())


def _pg_upsert(pg: psycopg.Connection, table: str, columns: list[str], rows: list[tuple], key) -> None:
    if not key:
        raise StoreError("store_write_failed", path="postgresql", reason=f"{table} has no key to update by")
    _schema_table(table)
    quoted = ", ".join(f'"{c}"' for c in columns)
    sets = ", ".join(f'"{c}" = EXCLUDED."{c}"' for c in columns if c not in key)
    conflict = ", ".join(f'"{c}"' for c in key)
    action = f"DO UPDATE SET {sets}" if sets else "DO NOTHING"
    sql = (
        f"INSERT INTO {table} ({quoted}) VALUES ({', '.join(['%s'] * len(columns))})"  # noqa: S608
        f" ON CONFLICT ({conflict}) {action}"
    )
    with pg.cursor() as cur:
        cur.executemany(sql, rows)


def _pg_delete(pg: psycopg.Connection, table: str, columns: list[str], rows: list[tuple], key) -> None:
    _schema_table(table)
    names = key or columns
    at = [columns.index(c) for c in names]
    match = " AND ".join(f'"{c}" IS NOT DISTINCT FROM %s' for c in names)
    with pg.cursor() as cur:
        cur.executemany(f"DELETE FROM {table} WHERE {match}", [tuple(r[i] for i in at) for r in rows])  # noqa: S608


def _unreachable(url: str, exc: BaseException) -> StoreError:
    reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return StoreError("store_unreachable", path=url, reason=reason[:300])


class PgStore(Store):
    """A PostgreSQL database (a `postgresql://` URL) with the project schema, read through a
    per-process DuckDB mirror. Same interface as the DuckDB Store (see the module docstring)."""

    def __init__(self, path: str, *, timeout: float | None = None, will_write: bool = False) -> None:
        # will_write: nothing to prepare; PostgreSQL connections are not exclusive.
        self._dsn = normalise_url(path)
        self.path = redacted(self._dsn)
        self.timeout = lock_timeout() if timeout is None else timeout
        self._memory = False
        self._closed = False
        self._lock = None
        self._write_lock = threading.Lock()
        self._reader_lock = threading.Lock()
        self._reader_pg: psycopg.Connection | None = None
        self._mirror = _Mirror()
        _OPEN_STORES.add(self)
        self._ensure_pg_schema()

    # --- PostgreSQL connections -----------------------------------------------------------------

    def _connect_pg(self, autocommit: bool) -> psycopg.Connection:
        try:
            return psycopg.connect(
                self._dsn,
                autocommit=autocommit,
                connect_timeout=CONNECT_TIMEOUT,
                application_name=_application_name(),
            )
        except psycopg.Error as exc:
            raise _unreachable(self.path, exc) from exc

    def _ensure_pg_schema(self) -> None:
        with self._connect_pg(autocommit=False) as pg:
            try:
                pg.execute("SELECT pg_advisory_xact_lock(%s)", [WRITER_LOCK])
                exists = pg.execute("SELECT to_regclass('meta') IS NOT NULL").fetchall()[0][0]
                sha = None
                if exists:
                    rows = pg.execute("SELECT value FROM meta WHERE key = 'schema_sha'").fetchall()
                    sha = rows[0][0] if rows else None
                if sha != SCHEMA_SHA:
                    pg.execute(cast(Any, pg_schema()))
                    migrate(pg)
                    pg.execute(
                        "INSERT INTO meta VALUES ('schema_sha', %s) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
                        [SCHEMA_SHA],
                    )
                    pg.execute(
                        "INSERT INTO store_revisions VALUES ('meta', 1)"
                        " ON CONFLICT (table_name) DO UPDATE SET revision = store_revisions.revision + 1"
                    )
                pg.commit()
            except psycopg.OperationalError as exc:
                raise _unreachable(self.path, exc) from exc
            except psycopg.Error as exc:
                raise _error("store_open_failed", self.path, exc) from exc

    @staticmethod
    def _revisions(pg: psycopg.Connection) -> dict[str, int]:
        return {
            t: int(r) for t, r in pg.execute("SELECT table_name, revision FROM store_revisions").fetchall()
        }

    def _sync(self) -> None:
        """Bring the mirror up to date (one small query when nothing changed). A write of this
        process in progress holds the mirror: readers then read it as it is (the data as of the
        write's start, all committed). Another thread's sync is waited for: it may be loading the
        very change this reader must see."""
        deadline = time.monotonic() + self.timeout
        while not self._mirror.lock.acquire(timeout=0.05):
            if self._mirror.writing:
                return
            if time.monotonic() >= deadline:
                raise StoreError(
                    "store_busy", path=self.path, holders="this process", seconds=f"{self.timeout:g}"
                )
        try:
            with self._reader_lock:
                if self._closed:
                    raise StoreError("store_open_failed", path=self.path, reason="the store is closed")
                if self._reader_pg is None or self._reader_pg.closed:
                    self._reader_pg = self._connect_pg(autocommit=True)
                    self._reader_pg.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
                pg = self._reader_pg
                try:
                    revisions = self._revisions(pg)
                    stale = self._mirror.stale(revisions)
                    if stale:
                        with pg.transaction():
                            revisions = self._revisions(pg)
                            self._mirror.load(pg, self._mirror.stale(revisions), revisions)
                except psycopg.OperationalError as exc:
                    # The server went away: drop the connection, so the next read reconnects.
                    with contextlib.suppress(Exception):
                        pg.close()
                    self._reader_pg = None
                    raise _unreachable(self.path, exc) from exc
                except psycopg.Error as exc:
                    raise _error("store_query_failed", self.path, exc) from exc
        finally:
            self._mirror.lock.release()

    # --- units of work --------------------------------------------------------------------------

    @contextlib.contextmanager
    def reader(self) -> Iterator[duckdb.DuckDBPyConnection]:
        self._sync()
        if self._closed:
            raise StoreError("store_open_failed", path=self.path, reason="the store is closed")
        cur = self._mirror.conn.cursor()
        try:
            yield cur
        except duckdb.Error as exc:
            raise _error("store_query_failed", self.path, exc) from exc
        finally:
            cur.close()

    def _take_writer_lock(self, pg: psycopg.Connection) -> None:
        deadline = time.monotonic() + self.timeout
        sleep = 0.01
        while not pg.execute("SELECT pg_try_advisory_xact_lock(%s)", [WRITER_LOCK]).fetchall()[0][0]:
            if time.monotonic() >= deadline:
                holders = pg.execute(
                    "SELECT a.pid, a.application_name, a.client_addr FROM pg_locks l"
                    " JOIN pg_stat_activity a USING (pid)"
                    " WHERE l.locktype = 'advisory' AND l.objid = %s AND l.granted",
                    [WRITER_LOCK],
                ).fetchall()
                who = ", ".join(
                    f"{name or '?'} (server pid {pid}, {addr or 'local'})" for pid, name, addr in holders
                )
                raise StoreError(
                    "store_busy", path=self.path, holders=who or "?", seconds=f"{self.timeout:g}"
                )
            time.sleep(sleep)
            sleep = min(sleep * 2, 0.2)

    @contextlib.contextmanager
    def transaction(
        self, actor: str, action: str, detail: dict | None = None, *, bump_data_version: bool = True
    ) -> Iterator[duckdb.DuckDBPyConnection]:
        if not self._write_lock.acquire(timeout=self.timeout):
            raise StoreError(
                "store_busy", path=self.path, holders="this process", seconds=f"{self.timeout:g}"
            )
        try:
            with self._mirror.lock, self._connect_pg(autocommit=False) as pg:
                self._mirror.writing = True
                try:
                    yield from self._write(pg, actor, action, detail, bump_data_version)
                finally:
                    self._mirror.writing = False
        finally:
            self._write_lock.release()

    def _write(self, pg, actor, action, detail, bump_data_version) -> Iterator[duckdb.DuckDBPyConnection]:
        mirror = self._mirror
        duck = mirror.conn.cursor()
        began = False
        try:
            try:
                self._take_writer_lock(pg)
                revisions = self._revisions(pg)
                mirror.load(pg, mirror.stale(revisions), revisions)
                duck.execute("BEGIN TRANSACTION")
                began = True
                mirror.advance_sequences(duck)
                cur = _WriteCursor(duck, pg, mirror)
                yield cast(duckdb.DuckDBPyConnection, cur)
                record_unit_of_work(cur, actor, action, detail, bump_data_version=bump_data_version)
                for table in sorted(cur.touched):
                    revisions[table] = pg.execute(
                        "INSERT INTO store_revisions VALUES (%s, 1) ON CONFLICT (table_name)"
                        " DO UPDATE SET revision = store_revisions.revision + 1 RETURNING revision",
                        [table],
                    ).fetchall()[0][0]
                pg.commit()
            except psycopg.OperationalError as exc:
                raise _unreachable(self.path, exc) from exc
            except psycopg.Error as exc:
                raise _error("store_write_failed", self.path, exc) from exc
            except duckdb.Error as exc:
                raise _error("store_write_failed", self.path, exc) from exc
        except BaseException:
            with contextlib.suppress(Exception):
                pg.rollback()
            if began:
                with contextlib.suppress(duckdb.Error):
                    duck.execute("ROLLBACK")
            # The mirror is back to the rows its revisions describe (a refused import is common:
            # no reload for it). Had PostgreSQL committed after all (the connection lost during
            # COMMIT), its revisions moved on and the next read reloads those tables.
            duck.close()
            raise
        try:
            duck.execute("COMMIT")
            mirror.revisions = revisions
        except duckdb.Error:
            mirror.revisions = None  # PostgreSQL has the write; reload everything from it
        finally:
            duck.close()

    @contextlib.contextmanager
    def hold(self, write: bool = False) -> Iterator[None]:
        """Nothing to hold: the mirror lives as long as the Store (scratch tables survive on it)."""
        yield

    @contextlib.contextmanager
    def paused_writes(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """The mirror with no write of this process in progress (PostgreSQL itself is backed up
        with pg_dump, which takes its own consistent snapshot)."""
        with self._write_lock, self._mirror.lock, self.reader() as cur:
            yield cur

    # --- copies as DuckDB files (backups, restore points) ----------------------------------------

    def export_duckdb(self, out: Path) -> None:
        """Write the database, as it is after the last committed write, to a new DuckDB file with
        the same schema: a backup or restore point that `restore` loads back into PostgreSQL and
        that also opens as a DuckDB store. Writes of this process wait for the copy; writers of
        other processes cannot make it inconsistent (the mirror is one snapshot)."""
        with self.paused_writes() as cur:
            copy = duckdb.connect(str(out), config=_CONFIG)
            try:
                copy.execute(SCHEMA.read_text(encoding="utf-8"))
                for table in sorted(TABLES):
                    names = ", ".join(f'"{c}"' for c in self._mirror.columns[table])
                    data = cur.sql(f"SELECT {names} FROM {table}").to_arrow_table()  # noqa: S608
                    copy.register("_copy_rows", data)
                    copy.execute(f"INSERT INTO {table} ({names}) SELECT {names} FROM _copy_rows")  # noqa: S608
                    copy.unregister("_copy_rows")
                self._mirror.advance_sequences(copy)
                copy.execute("CHECKPOINT")
            finally:
                copy.close()

    def replace_from(self, backup_file: Path, detail: dict) -> None:
        """Replace every table's rows with a (checked) DuckDB backup's, in one PostgreSQL
        transaction under the writer lock, then bump the data version past every one the old data
        had (pages drop their caches at the next click). Columns the backup lacks take defaults."""
        source = duckdb.connect(str(backup_file), read_only=True, config=_CONFIG)
        try:
            with self._write_lock, self._mirror.lock, self._connect_pg(autocommit=False) as pg:
                try:
                    self._take_writer_lock(pg)
                    rows = pg.execute("SELECT value FROM meta WHERE key = 'data_version'").fetchall()
                    previous = int(rows[0][0]) if rows else 0
                    present = {
                        (t, c)
                        for t, c in source.execute(
                            "SELECT table_name, column_name FROM duckdb_columns() WHERE NOT internal"
                        ).fetchall()
                    }
                    for table in sorted(TABLES):
                        pg.execute(f"DELETE FROM {table}")  # noqa: S608 - schema table
                        names = [c for c in self._mirror.columns[table] if (table, c) in present]
                        if names:
                            quoted = ", ".join(f'"{c}"' for c in names)
                            data = source.sql(f"SELECT {quoted} FROM {table}").to_arrow_table()  # noqa: S608
                            if data.num_rows:
                                _pg_copy(pg, table, data)
                        pg.execute(
                            "INSERT INTO store_revisions VALUES (%s, 1) ON CONFLICT (table_name)"
                            " DO UPDATE SET revision = store_revisions.revision + 1",
                            [table],
                        )
                    pg.execute(
                        "INSERT INTO meta VALUES ('data_version', %s) ON CONFLICT (key) DO UPDATE SET value ="
                        " CAST(GREATEST(%s, CAST(meta.value AS INTEGER)) AS VARCHAR)",
                        [str(previous), previous],
                    )
                    pg.commit()
                except psycopg.OperationalError as exc:
                    raise _unreachable(self.path, exc) from exc
                except psycopg.Error as exc:
                    raise StoreError("restore_failed", reason=str(exc).splitlines()[0]) from exc
                finally:
                    self._mirror.revisions = None
        finally:
            source.close()
        with self.transaction("cli", "replace_file", detail):
            pass

    def data_version(self) -> int:
        with self.reader() as cur:
            rows = cur.execute("SELECT value FROM meta WHERE key = 'data_version'").fetchall()
        return int(rows[0][0]) if rows else 0

    def restrict(self, statements: list[tuple[str, list]]) -> None:
        with self._mirror.lock:
            for sql, params in statements:
                self._mirror.conn.execute(sql, params)

    def close(self) -> None:
        """Drop the PostgreSQL connection and the mirror (after a write of this process in
        progress); a unit of work after this fails with store_open_failed."""
        with self._mirror.lock, self._reader_lock:
            self._closed = True
            if self._reader_pg is not None:
                with contextlib.suppress(Exception):
                    self._reader_pg.close()
                self._reader_pg = None
            with contextlib.suppress(duckdb.Error):
                self._mirror.conn.close()

    @property
    def dsn(self) -> str:
        """The full connection URL (with its password): for pg_dump, never for messages."""
        return self._dsn
