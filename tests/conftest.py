"""Shared fixtures: a real DuckDB file seeded by the app's own loader from data/."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from metrics.store import Store, open_store

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"


@pytest.fixture(scope="session")
def seeded_db_file(tmp_path_factory) -> Path:
    """A seeded database file, built once per session; copy it before writing to it."""
    path = tmp_path_factory.mktemp("db") / "seeded.duckdb"
    store = open_store(path)
    store.close()
    return path


@pytest.fixture(scope="session")
def store(seeded_db_file) -> Store:
    """Read-only use: the seeded store shared by the session's tests."""
    return open_store(seeded_db_file)


@pytest.fixture
def fresh_db(seeded_db_file, tmp_path) -> Path:
    """A private copy of the seeded database for tests that write."""
    path = tmp_path / "fresh.duckdb"
    shutil.copy(seeded_db_file, path)
    return path
