"""The DuckDB adapter: the only package that imports duckdb.

`Store` owns one connection per database file; every unit of work takes its own cursor.
DuckDB errors become metrics.errors.StoreError here, so callers never see duckdb types.
"""

from metrics.store.connection import Store, default_db_path, open_store

__all__ = ["Store", "default_db_path", "open_store"]
