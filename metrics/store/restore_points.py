"""Restore points: a checked copy of the database taken before every import, so any import can be
undone by `python -m metrics restore FILE` (the dashboard may keep serving), whatever it did.

They sit beside the database in `<db file>.restore-points/`, one `<time>-v<data version>.duckdb`
each (made by metrics.store.backup.backup: checkpointed, copied, opened and checked) with a small
JSON note (why, by whom). Only the newest `keep` are kept (data/import_limits.toml,
restore_points_kept). An import that changes nothing leaves the data version as it was, so the next
one reuses the same restore point instead of pushing an older one out.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from metrics.errors import StoreError
from metrics.store import backup as ops
from metrics.store.connection import Store
from metrics.store.urls import is_postgres_url, normalise_url, state_dir

_NAME = re.compile(r"(\d{8}-\d{6}-\d{6})-v(\d+)\.duckdb")


@dataclass(kw_only=True)
class RestorePoint:
    path: str
    created_at: dt.datetime
    data_version: int
    size_bytes: int
    reason: str = ""
    actor: str = ""


def restore_point_dir(db_path: str | Path) -> Path:
    """Beside the database file; for PostgreSQL, in this machine's $AI_DASHBOARD_STATE_DIR (default
    var/ of the checkout), one folder per server and database (each machine keeps the restore
    points of the imports it made)."""
    if is_postgres_url(db_path):
        parts = urlsplit(normalise_url(db_path))
        name = re.sub(
            r"[^A-Za-z0-9_.-]+", "_", f"{parts.hostname or 'local'}_{parts.port or 5432}{parts.path}"
        )
        return state_dir() / f"postgresql-{name}.restore-points"
    db = Path(db_path)
    return db.with_name(f"{db.name}.restore-points")


def list_points(db_path: str | Path) -> list[RestorePoint]:
    """The restore points of a database file, newest first ([] for none or an in-memory store)."""
    if str(db_path) == ":memory:":
        return []
    folder = restore_point_dir(db_path)
    if not folder.is_dir():
        return []
    points = []
    for path in folder.iterdir():
        found = _NAME.fullmatch(path.name)
        if not found or not path.is_file():
            continue
        note = _note(path)
        points.append(
            RestorePoint(
                path=str(path),
                created_at=dt.datetime.strptime(found.group(1), "%Y%m%d-%H%M%S-%f"),
                data_version=int(found.group(2)),
                size_bytes=path.stat().st_size,
                reason=str(note.get("reason", "")),
                actor=str(note.get("actor", "")),
            )
        )
    return sorted(points, key=lambda p: p.created_at, reverse=True)


def _note(path: Path) -> dict:
    try:
        return json.loads(Path(str(path) + ".json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def create(store: Store, actor: str, reason: str, keep: int) -> RestorePoint | None:
    """A restore point of the store as it is now (None for an in-memory store); StoreError when the
    copy cannot be made (the caller then refuses to go on)."""
    if store.path == ":memory:":
        return None
    version = store.data_version()
    points = list_points(store.path)
    if points and points[0].data_version == version:
        return points[0]
    now = dt.datetime.now()
    folder = restore_point_dir(store.path)
    out = folder / f"{now:%Y%m%d-%H%M%S-%f}-v{version}.duckdb"
    try:
        info = ops.snapshot(store, out)
        Path(str(out) + ".json").write_text(
            json.dumps(
                {"reason": reason, "actor": actor, "data_version": info.data_version}, ensure_ascii=False
            ),
            encoding="utf-8",
        )
    except OSError as exc:
        raise StoreError("backup_failed", reason=str(exc)) from exc
    prune(store.path, keep)
    return RestorePoint(
        path=str(out),
        created_at=now,
        data_version=info.data_version,
        size_bytes=info.size_bytes,
        reason=reason,
        actor=actor,
    )


def prune(db_path: str | Path, keep: int) -> list[Path]:
    """Delete all but the newest `keep` restore points; the files deleted."""
    removed = []
    for point in list_points(db_path)[max(keep, 1) :]:
        path = Path(point.path)
        for p in (path, Path(str(path) + ".json")):
            p.unlink(missing_ok=True)
        removed.append(path)
    return removed
