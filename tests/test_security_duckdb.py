"""DuckDB hardening: no extension downloads, no file access from the app's SQL once it runs."""

from __future__ import annotations

import sys

import pytest
from streamlit.testing.v1 import AppTest

from metrics.auth import CLI_ACTOR
from metrics.errors import StoreError
from metrics.store import backup, open_store, queries
from metrics.store import users as accounts
from metrics.store.hardening import external_access_enabled, restrict_file_access
from tests.conftest import ROOT


@pytest.fixture
def locked(fresh_db, tmp_path):
    store = open_store(fresh_db)
    (tmp_path / "staging").mkdir()
    (tmp_path / "staging" / "ok.csv").write_text("a\n1\n")
    (tmp_path / "secret.csv").write_text("password\nhunter2\n")
    assert restrict_file_access(store, [tmp_path / "staging"]) is True
    yield store
    store.close()


def _sql(store, sql: str):
    with store.reader() as cur:
        return cur.execute(sql).fetchall()


def test_extensions_are_never_downloaded(store):
    settings = _sql(
        store,
        "SELECT current_setting('autoinstall_known_extensions'), current_setting('autoload_known_extensions')",
    )
    assert settings == [(False, False)]


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT * FROM read_csv('{tmp}/secret.csv')",
        "SELECT * FROM read_text('/etc/passwd')",
        "SELECT * FROM read_text('{tmp}/staging/../secret.csv')",
        "COPY (SELECT 1) TO '{tmp}/out.csv'",
        "ATTACH '{tmp}/other.duckdb' AS other",
        "INSTALL httpfs",
        "LOAD httpfs",
        "SET enable_external_access = true",
    ],
)
def test_sql_cannot_reach_files_once_locked(locked, tmp_path, sql):
    with pytest.raises(StoreError):
        _sql(locked, sql.format(tmp=tmp_path))
    assert not (tmp_path / "out.csv").exists()


def test_reads_writes_backups_and_allowed_folders_still_work(locked, tmp_path):
    assert not external_access_enabled(locked)
    assert restrict_file_access(locked) is False  # idempotent
    assert len(queries.scores(locked, "GAIRI", 2023)) > 150
    accounts.add_account(locked, CLI_ACTOR, "alice", "analyst", "correct horse battery")  # a transaction
    assert _sql(locked, f"SELECT * FROM read_csv('{tmp_path}/staging/ok.csv')") == [(1,)]
    info = backup.backup(locked, CLI_ACTOR, tmp_path / "b.duckdb")  # file copy from Python, not SQL
    assert backup.check_file(info.path).tables["users"] == 1


def test_the_running_dashboard_locks_its_store(fresh_db, monkeypatch):
    monkeypatch.setattr(sys, "argv", ["dashboard.py", "--db", str(fresh_db)])
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.run()
    assert not at.exception
    # The app's Store opens a new connection per unit of work: each one it opens is locked down.
    from app_pages import common

    app_store = common._store(str(fresh_db))
    assert not external_access_enabled(app_store)
    with pytest.raises(StoreError):
        _sql(app_store, "SELECT * FROM read_text('/etc/passwd')")
