"""The PostgreSQL connection in Streamlit's `.streamlit/secrets.toml`, read without Streamlit.

Streamlit's convention for a SQL connection is a `[connections.NAME]` table with either `url` or
`dialect`, `host`, `port`, `database`, `username`, `password`. The store takes
`[connections.postgresql]`, or `[connections.sql]` when its dialect is PostgreSQL, so the same
secrets file serves `st.connection` and this app. $AI_DASHBOARD_DB and --db still come first.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from urllib.parse import quote

_POSTGRES_DIALECTS = ("postgresql", "postgres", "postgresql+psycopg", "postgresql+psycopg2")


def secrets_url(path: Path) -> str | None:
    """The PostgreSQL URL the secrets file names (None: no file, no such connection)."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError):
        return None
    connections = data.get("connections") or {}
    for name in ("postgresql", "sql"):
        entry = connections.get(name)
        if isinstance(entry, dict):
            url = connection_url(entry, default_dialect="postgresql" if name == "postgresql" else "")
            if url:
                return url
    return None


def connection_url(entry: dict, default_dialect: str = "") -> str | None:
    if isinstance(entry.get("url"), str):
        url = entry["url"]
        return _plain_scheme(url) if url.split(":", 1)[0] in _POSTGRES_DIALECTS else None
    dialect = str(entry.get("dialect") or default_dialect)
    if dialect not in _POSTGRES_DIALECTS:
        return None
    user = quote(str(entry.get("username") or ""), safe="")
    password = entry.get("password")
    auth = f"{user}:{quote(str(password), safe='')}@" if password else (f"{user}@" if user else "")
    host = str(entry.get("host") or "localhost")
    port = f":{entry['port']}" if entry.get("port") else ""
    database = quote(str(entry.get("database") or ""), safe="")
    return f"postgresql://{auth}{host}{port}/{database}"


def _plain_scheme(url: str) -> str:
    """SQLAlchemy's `postgresql+psycopg://` as the plain `postgresql://` libpq reads."""
    scheme, rest = url.split(":", 1)
    return ("postgresql:" if scheme.startswith("postgres") else scheme + ":") + rest
