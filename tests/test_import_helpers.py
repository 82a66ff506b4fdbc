"""Helpers shared by the tests/test_import_*.py files (no tests here)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from metrics.auth import Actor
from metrics.ingest import pipeline
from metrics.store import Store
from tests.conftest import FIXTURES

IMPORTS = FIXTURES / "imports"
RAW = FIXTURES / "raw"
ANALYST = Actor(name="analyst@example.org", role="analyst")
VIEWER = Actor(name="viewer@example.org", role="viewer")

# What must not change when an import is refused: the data, its versions, the reference tables the
# import may extend, the aliases, the audit log and the data version.
_FINGERPRINT_SQL = {
    "observations": "SELECT * FROM observations ORDER BY version_id, iso3, measure_id",
    "versions": "SELECT * FROM versions ORDER BY version_id",
    "editions": "SELECT * FROM editions ORDER BY index_id, edition_year",
    "indices": "SELECT * FROM indices ORDER BY index_id",
    "frameworks": "SELECT * FROM frameworks ORDER BY index_id, framework",
    "measures": "SELECT * FROM measures ORDER BY index_id, framework, measure_id",
    "aliases": "SELECT alias, iso3, origin FROM country_aliases ORDER BY alias, iso3",
    "audit": "SELECT event_id, actor, action, detail FROM audit_log ORDER BY event_id",
    "meta": "SELECT * FROM meta WHERE key = 'data_version'",
    "measure_aliases": "SELECT index_id, header_key, measure_id FROM measure_aliases ORDER BY ALL",
    "withdrawals": "SELECT version_id, reason FROM version_withdrawals ORDER BY version_id",
}


def fingerprint(store: Store) -> str:
    """A content hash of observations, versions and everything else an import writes."""
    digest = hashlib.sha256()
    with store.reader() as cur:
        for name, sql in _FINGERPRINT_SQL.items():
            rows = cur.execute(sql).fetchall()
            digest.update(name.encode())
            digest.update(json.dumps(rows, default=str).encode())
    return digest.hexdigest()


def run_import(store: Store, path: Path, dry_run: bool = False, actor: Actor = ANALYST, **options):
    options.setdefault("index_id", "GAIRI")
    return pipeline.import_file(store, actor, path, pipeline.ImportOptions(**options), dry_run=dry_run)


def write_csv(path: Path, header: list[str], rows: list[list]) -> Path:
    lines = [",".join(header)] + [",".join(str(c) for c in row) for row in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
