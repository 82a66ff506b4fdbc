"""Changes to an older database that schema.sql's `ADD COLUMN IF NOT EXISTS` lines cannot make.

Run after schema.sql, in the same transaction, on a DuckDB file (metrics.store.connection) or a
PostgreSQL database (metrics.store.postgres): the statements are written in the SQL both accept.
Each step looks at the columns first, so a database already in shape is left as it is.
"""

from __future__ import annotations

from typing import Any

# observations kept the index, the edition and the source file on every row until 2026-12; they
# are the version's (versions.index_id, edition_year and, new then, source_file). Every row of one
# version had the same source file (the import's file, or the default dataset's publisher file).
_OBSERVATIONS_TO_VERSIONS = (
    """
    UPDATE versions SET source_file = moved.source_file
    FROM (SELECT version_id, max(source_file) AS source_file FROM observations GROUP BY version_id) moved
    WHERE versions.version_id = moved.version_id AND coalesce(versions.source_file, '') = ''
    """,
    "ALTER TABLE observations DROP COLUMN source_file",
    "ALTER TABLE observations DROP COLUMN edition_year",
    "ALTER TABLE observations DROP COLUMN index_id",
)


# information_schema and current_schema() are the same in both (DuckDB's schema is "main").
_OBSERVATION_COLUMNS = (
    "SELECT column_name FROM information_schema.columns"
    " WHERE table_name = 'observations' AND table_schema = current_schema()"
)


def migrate(conn: Any) -> list[str]:
    """Bring an older database to the current schema; the names of the steps taken."""
    done = []
    if "index_id" in {r[0] for r in conn.execute(_OBSERVATION_COLUMNS).fetchall()}:
        for sql in _OBSERVATIONS_TO_VERSIONS:
            conn.execute(sql)
        done.append("observations_to_versions")
    return done
