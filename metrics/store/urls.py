"""Which database a path names, without importing a driver: a `postgresql://` URL is the
PostgreSQL store (metrics/store/postgres.py), anything else a DuckDB file. Light on purpose: the
command line asks this before it knows whether it needs psycopg at all."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

PROJECT_ROOT = Path(__file__).resolve().parents[2]
STATE_DIR_ENV = "AI_DASHBOARD_STATE_DIR"


def state_dir() -> Path:
    """Where a machine using a PostgreSQL store keeps its own files (restore points, backups by
    default): $AI_DASHBOARD_STATE_DIR, else var/ of the checkout."""
    env = os.environ.get(STATE_DIR_ENV)
    return Path(env) if env else PROJECT_ROOT / "var"


def is_postgres_url(path: object) -> bool:
    return str(path).startswith(("postgresql:/", "postgres:/"))


def normalise_url(path: object) -> str:
    """The URL as given, or as Path() left it (`postgresql:/host/db`: Path folds the `//`)."""
    text = str(path)
    scheme, _, rest = text.partition(":")
    if not rest.startswith("//"):
        rest = "/" + rest
    return f"{scheme}:{rest}"


def redacted(url: str) -> str:
    """The URL without its password, for messages and the audit record."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"{parts.username}@{host}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))
