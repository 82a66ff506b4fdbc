"""metrics.store.migrations: a database made before 2026-12, whose observations carried the index,
the edition and the source file on every row, opens in the current schema with every value and
its provenance where they were, on a DuckDB file, on PostgreSQL, and as a backup restored into
either."""

from __future__ import annotations

import shutil

import duckdb
import psycopg

from metrics.store import backup, open_store

OBSERVATIONS_NOW = ["version_id", "iso3", "measure_id", "value", "published_rank", "name_in_source"]

# The schema before the change, as schema.sql had it (table, view and versions without source_file).
OLDER = [
    "DROP VIEW current_observations",
    """CREATE TABLE observations_older (
        version_id INTEGER NOT NULL, index_id VARCHAR NOT NULL, edition_year INTEGER NOT NULL,
        iso3 VARCHAR NOT NULL, measure_id VARCHAR NOT NULL, value DOUBLE NOT NULL,
        published_rank INTEGER, name_in_source VARCHAR NOT NULL DEFAULT '',
        source_file VARCHAR NOT NULL DEFAULT '')""",
    """INSERT INTO observations_older
       SELECT o.version_id, v.index_id, v.edition_year, o.iso3, o.measure_id, o.value, o.published_rank,
              o.name_in_source, v.source_file
       FROM observations o JOIN versions v USING (version_id)""",
    "DROP TABLE observations",
    "ALTER TABLE observations_older RENAME TO observations",
    "ALTER TABLE versions DROP COLUMN source_file",
    "CREATE VIEW current_observations AS SELECT o.* FROM observations o JOIN versions v USING (version_id)"
    " WHERE v.is_current",
    "UPDATE meta SET value = 'before-2026-12' WHERE key = 'schema_sha'",
]
ROWS = "SELECT * FROM current_observations ORDER BY version_id, iso3, measure_id"
SOURCES = "SELECT version_id, source_file FROM versions ORDER BY version_id"
COLUMNS = (
    "SELECT column_name FROM information_schema.columns"
    " WHERE table_name = 'observations' AND table_schema = current_schema() ORDER BY ordinal_position"
)


def _what_it_holds(store) -> tuple[list, list]:
    with store.reader() as cur:
        return cur.execute(ROWS).fetchall(), cur.execute(SOURCES).fetchall()


def _older_duckdb_file(seeded, path) -> tuple[list, list]:
    """`path`: the seeded file as the code before the change made it; what it holds."""
    shutil.copy(seeded, path)
    store = open_store(path)
    try:
        held = _what_it_holds(store)
    finally:
        store.close()
    with duckdb.connect(str(path)) as con:
        for sql in OLDER:
            con.execute(sql)
        assert "index_id" in {r[0] for r in con.execute(COLUMNS).fetchall()}
    return held


def _assert_current(store, held: tuple[list, list]) -> None:
    rows, sources = held
    with store.reader() as cur:
        assert [r[0] for r in cur.execute(COLUMNS).fetchall()] == OBSERVATIONS_NOW
    assert _what_it_holds(store) == (rows, sources)
    assert all(s for _, s in sources)  # every version names its source file (the seed names them all)


def _assert_opens_current(target, held: tuple[list, list]) -> None:
    store = open_store(target)
    try:
        _assert_current(store, held)
    finally:
        store.close()


def test_an_older_duckdb_file_opens_in_the_current_schema_with_every_value_and_source(
    seeded_db_file, tmp_path
):
    path = tmp_path / "older.duckdb"
    held = _older_duckdb_file(seeded_db_file, path)
    _assert_opens_current(path, held)
    _assert_opens_current(path, held)  # a second opening leaves the moved columns alone


def test_an_older_backup_restored_over_a_duckdb_file_is_brought_up_to_date(seeded_db_file, tmp_path):
    older = tmp_path / "older-backup.duckdb"
    held = _older_duckdb_file(seeded_db_file, older)
    db = tmp_path / "dashboard.duckdb"
    shutil.copy(seeded_db_file, db)
    backup.restore(older, db)
    _assert_opens_current(db, held)


def _pg_sql(sql: str) -> str:
    return sql.replace("DOUBLE NOT NULL", "DOUBLE PRECISION NOT NULL")


def test_an_older_postgresql_database_opens_in_the_current_schema(fresh_pg):
    store = open_store(fresh_pg)
    try:
        held = _what_it_holds(store)
    finally:
        store.close()
    with psycopg.connect(fresh_pg) as pg:
        for sql in OLDER:
            pg.execute(_pg_sql(sql))
        pg.execute("UPDATE store_revisions SET revision = revision + 1")
    _assert_opens_current(fresh_pg, held)


def test_an_older_duckdb_backup_restores_into_postgresql_with_its_sources(seeded_db_file, fresh_pg, tmp_path):
    older = tmp_path / "older-backup.duckdb"
    held = _older_duckdb_file(seeded_db_file, older)
    backup.restore(older, fresh_pg)
    _assert_opens_current(fresh_pg, held)
    with duckdb.connect(str(older), read_only=True) as con:  # the backup itself is left as it was
        assert "index_id" in {r[0] for r in con.execute(COLUMNS).fetchall()}
