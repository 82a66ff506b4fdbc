"""Lock down what SQL run by the app can reach beyond its own database file.

DuckDB's `enable_external_access` is a setting of the whole database instance (every connection
and cursor of the process on that file), and it can only be switched off, never back on, while the
database is open (checked on DuckDB 2.0.1: `SET enable_external_access=false` works after startup,
`=true` afterwards fails). With it off, read_csv/read_text/COPY/ATTACH/EXPORT/INSTALL/LOAD on any
path fail with a Permission Error, and Python replacement scans are off too (frames must be
`register`ed explicitly, which this project's writers already do).

`allowed_directories` (set before the switch, frozen after it) keeps named folders reachable,
so an import that stages an upload in a temporary folder and reads it with read_csv still can.

The dashboard calls `restrict_file_access` once its store is open and seeded; the command line
does not (it runs with the server's rights, and backups/rebuilds there need files anyway).
Backups copy the database file from Python and open the copy as a separate DuckDB instance, so
they work with access off.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import duckdb

from metrics.errors import StoreError
from metrics.store.connection import Store


def external_access_enabled(store: Store) -> bool:
    with store.reader() as cur:
        return bool(cur.execute("SELECT current_setting('enable_external_access')").fetchall()[0][0])


def restrict_file_access(store: Store, allowed_dirs: Iterable[str | Path] = ()) -> bool:
    """Switch external file access off for `store`'s database (idempotent). True if it did now.

    The Store opens short-lived connections (docs/store.md), so the settings are kept and run on
    every connection it opens from now on, as well as on the one open now."""
    if not external_access_enabled(store):
        return False
    folders = [str(Path(d).resolve()) + "/" for d in allowed_dirs]
    statements: list[tuple[str, list]] = [("SET allowed_directories = ?", [folders])] if folders else []
    statements.append(("SET enable_external_access = false", []))
    try:
        store.restrict(statements)
    except duckdb.Error as exc:
        raise StoreError("store_query_failed", reason=str(exc).splitlines()[0]) from exc
    return True
