"""Backups, restores and integrity checks of the DuckDB file.

- `backup(store, actor, out)`: while the app runs, administrators only (a backup holds every
  password hash). With writes paused (no import, edit or sign-in of any thread or process can
  write meanwhile) the file (plus the log, if a checkpoint was skipped) is copied, the copy is opened and
  checked, and only then renamed to `out`. A backup that exists is therefore complete and readable.
- `restore(backup_file, db_path)`: also while the app runs. The backup is checked first; under the
  database's write lock (dashboards wait, then reopen the new file) the current file (if any) is
  kept beside it as `<db>.before-restore-<time>`, the backup is copied in, and its data version is
  raised above the old file's so no cached page outlives the swap.
- `check_file(path)` / `check_store(store, actor)` (administrators): every table read in full (DuckDB verifies a checksum
  for every block it reads) plus the invariants the app relies on. Problems raise StoreError with
  a code translated in metrics/i18n/*/security.toml that says what to do (docs/OPERATIONS.md).

Table names come from schema.sql (our own file), never from input: the identifier allow-list.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb

from metrics import safe_paths
from metrics.auth import Actor
from metrics.errors import MetricsError, StoreError
from metrics.store.connection import SCHEMA, DuckDBConfig, Store, default_db_path, lock_timeout
from metrics.store.locking import DatabaseLock, LockTimeout
from metrics.store.urls import is_postgres_url, state_dir
from metrics.store.users import authorise

# Identifier allow-list: the tables our schema creates, in schema order.
TABLES: tuple[str, ...] = tuple(
    re.findall(r"CREATE TABLE IF NOT EXISTS (\w+)", SCHEMA.read_text(encoding="utf-8"))
)
_CONFIG: DuckDBConfig = {"autoinstall_known_extensions": False, "autoload_known_extensions": False}


@dataclass(kw_only=True)
class CheckReport:
    path: str
    size_bytes: int
    tables: dict[str, int]
    data_version: int
    current_versions: int
    seeded: bool
    problems: list[str]

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(kw_only=True)
class BackupInfo:
    path: str
    size_bytes: int
    data_version: int
    created_at: dt.datetime


def default_backup_dir(db: str | Path | None = None) -> Path:
    """Where a backup of `db` (default: the default database) goes when no file is named: with
    PostgreSQL, this machine's $AI_DASHBOARD_STATE_DIR/backups; else backups/ beside the default
    database file (var/backups). Decided by the database being copied, not only by the default
    one: `--db postgresql://...` without $AI_DASHBOARD_DB wrote into the checkout's var/backups."""
    default = default_db_path()
    if is_postgres_url(default) or (db is not None and is_postgres_url(db)):
        return state_dir() / "backups"
    return default.parent / "backups"


def default_backup_path(db: str | Path | None = None, now: dt.datetime | None = None) -> Path:
    now = now or dt.datetime.now()
    return default_backup_dir(db) / f"dashboard-{now:%Y%m%d-%H%M%S}.duckdb"


def _reason(exc: BaseException) -> str:
    return str(exc).splitlines()[0][:300]


def _is_lock_error(exc: BaseException) -> bool:
    """Another process holds the file (DuckDB's file lock), or this process has it open already."""
    text = str(exc).lower()
    return ("lock" in text and ("conflicting" in text or "could not set" in text)) or (
        "different configuration" in text
    )


# --- checks -------------------------------------------------------------------------------------


def _inspect(cur: duckdb.DuckDBPyConnection, path: str, size: int) -> CheckReport:
    present = {r[0] for r in cur.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    problems = [f"missing table {t}" for t in TABLES if t not in present]
    # Read every column of every row: DuckDB checks each block's checksum as it reads it
    # (hashing the whole row makes the scan touch every column). One statement for all the tables:
    # 21 statements cost a restore point (taken beside every import's read) three times as much.
    scans = [
        f"SELECT {i} AS n, count(*), bit_xor(hash(t)) FROM {table} t"  # noqa: S608 - allow-listed names
        for i, table in enumerate(TABLES)
        if table in present
    ]
    rows = cur.execute(" UNION ALL ".join(scans)).fetchall() if scans else []
    counts = {TABLES[n]: int(count) for n, count, _hash in sorted(rows)}
    meta = dict(cur.execute("SELECT key, value FROM meta").fetchall()) if "meta" in present else {}
    current = 0
    if {"versions", "observations"} <= present:
        dupes = cur.execute(
            "SELECT index_id, edition_year FROM versions WHERE is_current"
            " GROUP BY ALL HAVING count(*) > 1 ORDER BY ALL"
        ).fetchall()
        problems += [f"several current versions of {i} {y}" for i, y in dupes]
        orphans = cur.execute(
            "SELECT count(*) FROM observations o ANTI JOIN versions v USING (version_id)"
        ).fetchall()[0][0]
        if orphans:
            problems.append(f"{orphans} observations without a version")
        current = cur.execute("SELECT count(*) FROM versions WHERE is_current").fetchall()[0][0]
    seeded = "seeded_at" in meta
    if not seeded:
        problems.append("not seeded")
    return CheckReport(
        path=path,
        size_bytes=size,
        tables=counts,
        data_version=int(meta.get("data_version", 0)),
        current_versions=int(current),
        seeded=seeded,
        problems=problems,
    )


def check_file(path: str | Path) -> CheckReport:
    """Open the file read-only and check it. StoreError when missing, in use, corrupt or inconsistent.
    A PostgreSQL URL: the same checks on its data, read through the store."""
    if is_postgres_url(path):
        return _check_pg(Store(path))
    path = Path(path)
    if not path.exists():
        raise StoreError("store_missing", path=str(path))
    size = path.stat().st_size
    try:
        con = duckdb.connect(str(path), read_only=True, config=_CONFIG)
    except duckdb.Error as exc:
        if _is_lock_error(exc):
            raise StoreError("store_in_use", path=str(path)) from exc
        raise StoreError("store_corrupt", path=str(path), reason=_reason(exc)) from exc
    try:
        report = _inspect(con.cursor(), str(path), size)
    except duckdb.Error as exc:
        raise StoreError("store_corrupt", path=str(path), reason=_reason(exc)) from exc
    finally:
        con.close()
    if report.problems:
        raise StoreError("store_inconsistent", path=str(path), problems="; ".join(report.problems))
    return report


def _check_pg(store: Store) -> CheckReport:
    try:
        with store.reader() as cur:
            report = _inspect(cur, store.path, 0)
    finally:
        store.close()
    if report.problems:
        raise StoreError("store_inconsistent", path=store.path, problems="; ".join(report.problems))
    return report


def check_store(store: Store, actor: Actor) -> CheckReport:
    """The same checks on the database the app has open (for the admin page): administrators only."""
    authorise(store, actor, "admin")
    if is_postgres_url(store.path):
        with store.reader() as cur:
            report = _inspect(cur, store.path, 0)
        if report.problems:
            raise StoreError("store_inconsistent", path=store.path, problems="; ".join(report.problems))
        return report
    size = Path(store.path).stat().st_size if store.path != ":memory:" else 0
    try:
        with store.reader() as cur:
            report = _inspect(cur, store.path, size)
    except StoreError as exc:
        raise StoreError("store_corrupt", path=store.path, reason=exc.params.get("reason", "")) from exc
    if report.problems:
        raise StoreError("store_inconsistent", path=store.path, problems="; ".join(report.problems))
    return report


# --- backup and restore -------------------------------------------------------------------------


def _remove(*paths: Path) -> None:
    for p in paths:
        p.unlink(missing_ok=True)


def backup(store: Store, actor: Actor, out: str | Path | None = None) -> BackupInfo:
    """Copy the open database to `out` (default var/backups/dashboard-<time>.duckdb), checked.
    Administrators only. `out` may not be the database, its log, a directory or a device."""
    authorise(store, actor, "admin")
    return snapshot(store, out)


def snapshot(store: Store, out: str | Path | None = None) -> BackupInfo:
    """The checked copy behind `backup`, without the role check: for the store's own restore
    points, taken inside a write that was already authorised (metrics.store.restore_points)."""
    if store.path == ":memory:":
        raise StoreError("backup_needs_file")
    out = Path(out) if out else default_backup_path(store.path)
    if is_postgres_url(store.path):
        return _snapshot_pg(store, out)
    source = Path(store.path).resolve()
    try:
        safe_paths.check_output(out, [source])
    except MetricsError as exc:
        if exc.code == "output_is_database":
            raise StoreError("backup_same_file", path=str(out)) from exc
        raise
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError("backup_failed", reason=_reason(exc)) from exc
    partial = out.with_name(out.name + ".partial")
    partial_wal = Path(str(partial) + ".wal")
    _remove(partial, partial_wal)
    wal = Path(str(source) + ".wal")
    try:
        # Writes of every thread and process wait while we copy; readers go on. A CHECKPOINT is
        # only possible (and only needed) when this process holds the file read-write: writers of
        # other processes close the file after each write, which folds the log in.
        with store.paused_writes() as conn:
            with contextlib.suppress(duckdb.Error):
                conn.execute("CHECKPOINT")
            shutil.copyfile(source, partial)
            logged = wal.exists() and wal.stat().st_size > 0
            if logged:
                # The checkpoint was skipped: the log carries the latest writes; copy it too.
                shutil.copyfile(wal, partial_wal)
        if logged:
            # Opening the copy replays its log; closing folds it in.
            con = duckdb.connect(str(partial), config=_CONFIG)
            con.close()
            _remove(partial_wal)
        # Then check it fully.
        report = check_file(partial)
        with open(partial, "rb") as f:
            os.fsync(f.fileno())
        os.replace(partial, out)
    except StoreError:
        _remove(partial, partial_wal)
        raise
    except (OSError, duckdb.Error) as exc:
        _remove(partial, partial_wal)
        raise StoreError("backup_failed", reason=_reason(exc)) from exc
    return BackupInfo(
        path=str(out),
        size_bytes=out.stat().st_size,
        data_version=report.data_version,
        created_at=dt.datetime.now(),
    )


def _snapshot_pg(store: Store, out: Path) -> BackupInfo:
    """A PostgreSQL database's data as a checked DuckDB file (pg_dump is the server-side backup:
    docs/OPERATIONS.md); it restores into PostgreSQL or serves as a DuckDB store as it is."""
    from metrics.store.postgres import PgStore  # local: psycopg only when PostgreSQL is used

    assert isinstance(store, PgStore)
    partial = out.with_name(out.name + ".partial")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        _remove(partial)
        store.export_duckdb(partial)
        report = check_file(partial)
        with open(partial, "rb") as f:
            os.fsync(f.fileno())
        os.replace(partial, out)
    except StoreError:
        _remove(partial)
        raise
    except (OSError, duckdb.Error) as exc:
        _remove(partial)
        raise StoreError("backup_failed", reason=_reason(exc)) from exc
    return BackupInfo(
        path=str(out),
        size_bytes=out.stat().st_size,
        data_version=report.data_version,
        created_at=dt.datetime.now(),
    )


def _restore_pg(backup_file: Path, url: str) -> tuple[CheckReport, Path | None]:
    """Load a checked DuckDB backup into PostgreSQL; the data it replaces is kept as a DuckDB file
    in var/backups first (a restore can be undone like any other)."""
    report = check_file(backup_file)
    from metrics.store.postgres import PgStore

    with tempfile.TemporaryDirectory(prefix="restore-") as scratch:
        current = _at_current_schema(backup_file, Path(scratch))
        store = Store(url)
        try:
            assert isinstance(store, PgStore)
            kept = default_backup_dir(url) / f"before-restore-{dt.datetime.now():%Y%m%d-%H%M%S-%f}.duckdb"
            _snapshot_pg(store, kept)
            store.replace_from(current, {"backup": str(backup_file), "kept": str(kept)})
        finally:
            store.close()
    return report, kept


def _at_current_schema(backup_file: Path, scratch: Path) -> Path:
    """A copy of the backup in this version's schema (an older backup's columns moved as
    metrics.store.migrations moves them, as a restored DuckDB file's are when it is opened)."""
    copy = scratch / "backup.duckdb"
    try:
        shutil.copyfile(backup_file, copy)
    except OSError as exc:
        raise StoreError("restore_failed", reason=_reason(exc)) from exc
    Store(copy).close()
    return copy


def restore(backup_file: str | Path, db_path: str | Path | None = None) -> tuple[CheckReport, Path | None]:
    """Replace the database file with a checked backup, under the database's write lock.

    Refuses a backup that is the database itself (or its log) and a database path that is a
    directory or a device. The path is never left empty: the backup is copied beside the database
    first, the current file is kept (hard link, or copy) and only then the copy renamed over it.
    Returns the backup's check report and where the replaced file was kept (None if there was none).
    """
    backup_file = safe_paths.check_input(backup_file)
    db = Path(db_path) if db_path else default_db_path()
    if is_postgres_url(db):
        return _restore_pg(backup_file, str(db))
    for guarded in safe_paths.database_files(db):
        if backup_file.resolve() == guarded or safe_paths.same_file(backup_file, guarded):
            raise StoreError("restore_same_file", path=str(db))
    if db.exists() and not db.is_file():
        raise StoreError("restore_target_not_file", path=str(db))
    report = check_file(backup_file)  # refuses a missing, corrupt or inconsistent backup
    previous = _known_version(db)
    with _exclusive(db):
        kept = _replace_with(backup_file, db)
    _bump_past(db, previous, {"backup": str(backup_file), "kept": str(kept) if kept else None})
    return report, kept


def _exclusive(db: Path):
    """The database's write lock (metrics.store.locking), waiting the usual bounded time: no
    dashboard process or command has the file open while it is replaced."""
    lock = DatabaseLock(db)
    db.parent.mkdir(parents=True, exist_ok=True)
    try:
        lock.acquire(True, time.monotonic() + lock_timeout())
    except LockTimeout as exc:
        lock.close()
        who = ", ".join(h.describe() for h in exc.holders) or "?"
        raise StoreError("store_busy", path=str(db), holders=who, seconds=f"{lock_timeout():g}") from None
    return contextlib.closing(lock)


def _known_version(db: Path) -> int:
    """The highest data version dashboards may have cached: the `.version` file's or the file's."""
    seen = [0]
    with contextlib.suppress(OSError, ValueError, IndexError):
        seen.append(int(Path(str(db) + ".version").read_text(encoding="ascii").split()[0]))
    with contextlib.suppress(duckdb.Error, ValueError):
        con = duckdb.connect(str(db), read_only=True, config=_CONFIG)
        try:
            rows = con.execute("SELECT value FROM meta WHERE key = 'data_version'").fetchall()
            seen.append(int(rows[0][0]) if rows else 0)
        finally:
            con.close()
    return max(seen)


def _bump_past(db: Path, previous: int, detail: dict) -> None:
    """Give the replaced file a data version above every one the old file had, so no dashboard
    serves a cached figure of the old file under a version number the new one reuses."""
    store = Store(db)
    try:
        with store.transaction("cli", "replace_file", detail) as cur:
            cur.execute(
                "INSERT OR REPLACE INTO meta VALUES ('data_version', CAST(GREATEST(?, COALESCE("
                "(SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'data_version'), 0)) AS VARCHAR))",
                [previous],
            )
    finally:
        store.close()


def _replace_with(backup_file: Path, db: Path) -> Path | None:
    """Copy the backup over the database file (the old one kept beside it); the caller holds the
    write lock."""
    if db.exists():
        try:
            duckdb.connect(str(db), config=_CONFIG).close()
        except duckdb.Error as exc:
            if _is_lock_error(exc):
                raise StoreError("store_in_use", path=str(db)) from exc
            # A corrupt current file is exactly what a restore is for: carry on.
    kept = None
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    partial = db.with_name(db.name + ".restoring")
    try:
        db.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(backup_file, partial)
        with open(partial, "rb") as f:
            os.fsync(f.fileno())
        if db.exists():
            kept = db.with_name(f"{db.name}.before-restore-{stamp}")
            try:
                os.link(db, kept)  # the old file stays at its path until the final rename
            except OSError:
                shutil.copy2(db, kept)
        wal = Path(str(db) + ".wal")
        if wal.exists():
            # A log left beside the file belongs to the replaced file, never to the backup.
            os.replace(wal, Path(str(kept) + ".wal") if kept else wal.with_name(f"{wal.name}.orphan-{stamp}"))
        os.replace(partial, db)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise StoreError("restore_failed", reason=_reason(exc)) from exc
    return kept


def set_aside(db_path: str | Path) -> Path | None:
    """Move a (broken) database file and its log out of the way; where it went (None: no file)."""
    db = Path(db_path)
    if not db.exists():
        return None
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    kept = db.with_name(f"{db.name}.broken-{stamp}")
    os.replace(db, kept)
    wal = Path(str(db) + ".wal")
    if wal.exists():
        os.replace(wal, Path(str(kept) + ".wal"))
    return kept


# An account as a rebuild carries it into the new database: every column of users.
_ACCOUNT_COLUMNS = (
    "name", "role", "password_hash", "created_at", "created_by", "last_sign_in", "failed_attempts",
    "locked_until",
)  # fmt: skip
_ACCOUNTS_SQL = f"SELECT {', '.join(_ACCOUNT_COLUMNS)} FROM users ORDER BY name"  # noqa: S608 - fixed text
_ACCOUNTS_INSERT = (
    f"INSERT INTO users ({', '.join(_ACCOUNT_COLUMNS)}) VALUES ({', '.join('?' for _ in _ACCOUNT_COLUMNS)})"  # noqa: S608
)


def _carry_accounts(store: Store, accounts: list[tuple]) -> None:
    """Write the accounts read from the old database into the rebuilt one (`store`), then close it."""
    try:
        if accounts:
            with store.transaction("cli", "rebuild_accounts", {"accounts": len(accounts)}) as cur:
                cur.executemany(_ACCOUNTS_INSERT, accounts)
    finally:
        store.close()


@dataclass(kw_only=True)
class RebuildReport:
    path: str
    kept: str | None
    data_version: int
    accounts_carried: int


def rebuild(db_path: str | Path | None = None) -> RebuildReport:
    """Set the file aside (under the write lock) and build a new database from data/.

    Accounts are carried over when the old file can still be read. Imports made after the first
    start are NOT rebuilt: the import pipeline keeps no copy of uploaded files, so they come back
    only from a backup (see docs/OPERATIONS.md).
    """
    from metrics.store.connection import open_store  # local: open_store seeds from data/

    db = Path(db_path) if db_path else default_db_path()
    if is_postgres_url(db):
        return _rebuild_pg(str(db))
    if db.exists():
        try:
            duckdb.connect(str(db), read_only=True, config=_CONFIG).close()
        except duckdb.Error as exc:
            if _is_lock_error(exc):
                raise StoreError("store_in_use", path=str(db)) from exc
    accounts = _read_accounts(db) if db.exists() else []
    previous = _known_version(db) if db.exists() else 0
    with _exclusive(db):
        kept = set_aside(db)
    _carry_accounts(open_store(db), accounts)
    if previous:
        _bump_past(db, previous, {"rebuilt": True})
    store = Store(db)
    try:
        version = store.data_version()
    finally:
        store.close()
    return RebuildReport(
        path=str(db), kept=str(kept) if kept else None, data_version=version, accounts_carried=len(accounts)
    )


def _rebuild_pg(url: str) -> RebuildReport:
    """PostgreSQL: a database built from data/ in a scratch DuckDB file, the accounts carried into
    it, then loaded like a restore (the replaced data kept as a DuckDB file first)."""
    import tempfile

    from metrics.store.connection import open_store

    with tempfile.TemporaryDirectory(prefix="rebuild-") as folder:
        fresh = Path(folder) / "rebuilt.duckdb"
        current = Store(url)
        try:
            with current.reader() as cur:
                accounts = cur.execute(_ACCOUNTS_SQL).fetchall()
        finally:
            current.close()
        _carry_accounts(open_store(fresh), accounts)
        _, kept = _restore_pg(fresh, url)
    store = Store(url)
    try:
        version = store.data_version()
    finally:
        store.close()
    return RebuildReport(
        path=url, kept=str(kept) if kept else None, data_version=version, accounts_carried=len(accounts)
    )


def _read_accounts(db: Path) -> list[tuple]:
    """The users rows of a (possibly damaged) file, or [] when they cannot be read."""
    try:
        con = duckdb.connect(str(db), read_only=True, config=_CONFIG)
    except duckdb.Error:
        return []
    try:
        return con.execute(_ACCOUNTS_SQL).fetchall()
    except duckdb.Error:
        return []
    finally:
        con.close()
