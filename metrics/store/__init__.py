"""The store: the only package that imports duckdb or psycopg (docs/store.md).

`Store(path)` is a DuckDB file (or ':memory:'), or, for a `postgresql://` URL, the PostgreSQL store
(metrics.store.postgres) behind the same interface; every unit of work takes its own cursor.
Driver errors become metrics.errors.StoreError here, so callers never see duckdb or psycopg types.
"""

from metrics.store.connection import Store, default_db_path, open_store

__all__ = ["Store", "default_db_path", "open_store"]
