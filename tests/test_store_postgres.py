"""The PostgreSQL store (metrics/store/postgres.py) on a throw-away cluster (tests/pgserver.py):
the same data as the DuckDB file, writes seen by every other process, writes serialised, a real
import end to end, backups as DuckDB files that restore, and PostgreSQL stopped during an import."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from metrics.auth import CLI_ACTOR
from metrics.errors import StoreError
from metrics.store import Store, backup, open_store
from metrics.store import imports as store_imports
from metrics.store import queries as q
from metrics.store.postgres import PgStore
from metrics.store.secrets import secrets_url
from metrics.store.urls import normalise_url, redacted
from tests.conftest import ROOT
from tests.test_import_helpers import ANALYST, RAW, fingerprint, run_import

GAIRI_2022 = RAW / "oxford_insights_gairi_2022_public-data.xlsx"


@pytest.fixture
def pg(fresh_pg):
    store = open_store(fresh_pg)
    yield store
    store.close()


def _cli(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "AI_DASHBOARD_LOCK_TIMEOUT": "20"}
    return subprocess.run(
        [sys.executable, "-m", "metrics", *args],
        text=True, capture_output=True, cwd=ROOT, env=env, timeout=120,
    )  # fmt: skip


def test_a_postgresql_url_opens_the_postgresql_store_even_through_path(fresh_pg):
    assert normalise_url(Path(fresh_pg)) == fresh_pg  # Path folds '//': the CLI's --db does that
    store = Store(Path(fresh_pg))
    try:
        assert isinstance(store, PgStore)
        assert store.data_version() >= 1
    finally:
        store.close()
    assert redacted("postgresql://app:s3cret@db.example:5432/dash") == "postgresql://app@db.example:5432/dash"


def test_secrets_toml_names_the_postgresql_connection(tmp_path):
    secrets = tmp_path / "secrets.toml"
    secrets.write_text(
        '[connections.postgresql]\nurl = "postgresql+psycopg://app@db:5432/dash"\n', encoding="utf-8"
    )
    assert secrets_url(secrets) == "postgresql://app@db:5432/dash"
    secrets.write_text(
        '[connections.sql]\ndialect = "postgresql"\nhost = "db.internal"\nport = 5433\n'
        'database = "dash"\nusername = "app"\npassword = "p@ss word"\n',
        encoding="utf-8",
    )
    assert secrets_url(secrets) == "postgresql://app:p%40ss%20word@db.internal:5433/dash"
    secrets.write_text('[connections.sql]\ndialect = "mysql"\nhost = "db"\n', encoding="utf-8")
    assert secrets_url(secrets) is None
    assert secrets_url(tmp_path / "absent.toml") is None


def test_the_seeded_postgresql_database_holds_what_the_duckdb_file_holds(pg, store):
    """`store` is the session's seeded DuckDB file: every table the pages and imports read agrees."""
    for name in ("indices", "countries", "peer_groups", "strategies", "targets", "agencies"):
        duck, post = getattr(q, name)(store), getattr(q, name)(pg)
        assert post.equals(duck), name
    assert q.editions(pg).drop(columns="imported_at").equals(q.editions(store).drop(columns="imported_at"))
    assert q.observations(pg, "GAIRI", 2023).equals(q.observations(store, "GAIRI", 2023))
    assert (
        q.progress_records(pg)
        .drop(columns="created_at")
        .equals(q.progress_records(store).drop(columns="created_at"))
    )


def test_every_kind_of_value_reaches_another_process_unchanged(pg, fresh_pg):
    """Texts that CSV or NULL handling could bend, floats to the last bit, dates, timestamps with
    microseconds, NULLs and booleans: what another process's mirror loads equals what was written."""
    import datetime as dt

    texts = ["", "NA", "NULL", 'a "quoted", text', "two\nlines", " spaced ", "Việt Nam", "\\N"]
    target = q.targets(pg)["target_id"].iloc[0]
    with pg.transaction("t", "edit", {}) as cur:
        for i, text in enumerate(texts):
            cur.execute(
                "INSERT INTO progress_records (target_id, recorded_on, value, note_en, note_vi, created_at,"
                " withdrawn_at, replaces) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [target, dt.date(2026, 1, 1 + i), 0.1 + 0.2 * i if i % 3 else None, text, text,
                 dt.datetime(2026, 5, 4, 3, 2, 1, 123456 + i), None if i % 2 else dt.datetime(2026, 1, 1), None],
            )  # fmt: skip
        cur.execute("UPDATE indices SET higher_is_better = false WHERE index_id = 'GAIRI'")
    sql = "SELECT * FROM progress_records ORDER BY record_id"
    with pg.reader() as cur:
        written = cur.execute(sql).fetchall()
        flags = cur.execute("SELECT index_id, higher_is_better FROM indices ORDER BY 1").fetchall()
    other = Store(fresh_pg)
    try:
        with other.reader() as cur:
            assert cur.execute(sql).fetchall() == written
            assert (
                cur.execute("SELECT index_id, higher_is_better FROM indices ORDER BY 1").fetchall() == flags
            )
            notes = [
                r[0]
                for r in cur.execute("SELECT note_en FROM progress_records ORDER BY record_id").fetchall()
            ]
    finally:
        other.close()
    assert notes[-len(texts) :] == texts
    assert ("GAIRI", False) in flags


def test_processes_starting_at_once_on_an_empty_database_seed_it_once(pg_server, store):
    url = pg_server.new_database()
    opened: list[Store] = []
    threads = [threading.Thread(target=lambda: opened.append(open_store(url))) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert len(opened) == 3
    for s in opened:
        assert len(q.versions(s)) == len(q.versions(store))  # `store`: the seeded DuckDB file
        s.close()


def test_another_process_s_write_shows_at_the_next_read(pg, fresh_pg):
    before = pg.data_version()
    done = _cli("users", "add", "carol@example.org", "--role", "viewer", "--no-password", "--db", fresh_pg)
    assert done.returncode == 0, done.stderr
    assert pg.data_version() == before + 1
    with pg.reader() as cur:
        assert cur.execute("SELECT role FROM users WHERE name = 'carol@example.org'").fetchall() == [
            ("viewer",)
        ]
    other = Store(fresh_pg)
    try:
        with other.transaction("someone", "edit", {}):
            pass
    finally:
        other.close()
    assert pg.data_version() == before + 2


def test_writes_of_many_stores_are_serialised_and_none_is_lost(fresh_pg):
    """Separate Store objects stand for separate processes: each has its own mirror."""
    stores = [Store(fresh_pg) for _ in range(3)]
    errors: list[BaseException] = []

    def write(store: Store, n: int) -> None:
        try:
            for i in range(5):
                with store.transaction("t", "edit", {}) as cur:
                    cur.execute("INSERT INTO users (name, role) VALUES (?, 'viewer')", [f"u{n}-{i}"])
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(s, n)) for n, s in enumerate(stores)]
    start = stores[0].data_version()
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert errors == []
    for store in stores:
        assert store.data_version() == start + 15
        with store.reader() as cur:
            assert cur.execute("SELECT count(*) FROM users WHERE name LIKE 'u%-%'").fetchall() == [(15,)]
            ids = [r[0] for r in cur.execute("SELECT event_id FROM audit_log").fetchall()]
        assert len(ids) == len(set(ids))
        store.close()


def test_a_write_waits_a_bounded_time_then_names_the_holder(fresh_pg):
    holder, waiter = Store(fresh_pg), Store(fresh_pg, timeout=1.0)
    inside, done = threading.Event(), threading.Event()

    def hold() -> None:
        with holder.transaction("t", "long_edit", {}):
            inside.set()
            done.wait(30)

    thread = threading.Thread(target=hold)
    thread.start()
    try:
        assert inside.wait(30)
        started = time.monotonic()
        with pytest.raises(StoreError) as caught, waiter.transaction("t", "edit", {}):
            pass
        assert 1.0 <= time.monotonic() - started < 5
        assert caught.value.code == "store_busy"
        assert f"ai-dashboard pid {os.getpid()}" in caught.value.params["holders"]
    finally:
        done.set()
        thread.join(30)
    with waiter.transaction("t", "edit", {}):  # the holder has left: the write goes through
        pass
    holder.close()
    waiter.close()


def test_a_failed_write_changes_neither_postgresql_nor_the_mirror(pg, fresh_pg):
    before = fingerprint(pg)
    with pytest.raises(StoreError) as caught, pg.transaction("t", "edit", {}) as cur:
        cur.execute("INSERT INTO users (name, role) VALUES ('dora', 'viewer')")
        cur.execute("INSERT INTO users (name, role) VALUES ('dora', 'viewer')")  # primary key
    assert caught.value.code == "store_write_failed"
    assert fingerprint(pg) == before
    other = Store(fresh_pg)
    try:
        assert fingerprint(other) == before
    finally:
        other.close()


def test_a_write_the_store_cannot_pass_on_is_refused_not_kept_in_the_mirror(pg):
    before = fingerprint(pg)
    with pytest.raises(StoreError) as caught, pg.transaction("t", "edit", {}) as cur:
        cur.execute(
            "WITH n AS (SELECT 'fay' AS name) INSERT INTO users (name, role) SELECT name, 'viewer' FROM n"
        )
    assert caught.value.code == "store_write_failed" and "users" in caught.value.params["reason"]
    assert fingerprint(pg) == before


def test_a_real_workbook_imports_end_to_end_and_every_process_sees_it(pg, fresh_pg):
    other = Store(fresh_pg)
    try:
        seen = other.data_version()
        result = run_import(pg, GAIRI_2022, edition_year=2022)
        assert result.status == "imported" and result.action == "replace"
        (written,) = result.versions
        assert other.data_version() > seen
        got = q.observations(other, "GAIRI", 2022)
        assert set(got["version_id"]) == {written["version_id"]}
        versions = q.versions(other, "GAIRI")
        assert versions.loc[versions["version_id"] == written["replaced"], "is_current"].tolist() == [False]
        # Compare and roll back work on PostgreSQL too, and the rollback is seen elsewhere.
        diff = store_imports.compare(pg, written["replaced"], written["version_id"])
        assert diff.changed_count == 0
        store_imports.rollback(pg, ANALYST, written["replaced"])
        assert set(q.observations(other, "GAIRI", 2022)["version_id"]) == {written["replaced"]}
    finally:
        other.close()


def test_a_backup_is_a_duckdb_file_that_restores_into_postgresql(pg, fresh_pg, tmp_path):
    before = fingerprint(pg)
    out = tmp_path / "pg-backup.duckdb"
    done = _cli("backup", "--db", fresh_pg, "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert backup.check_file(out).seeded
    file_store = open_store(out)  # the backup serves as a DuckDB store as it is
    try:
        assert q.observations(file_store, "GAIRI", 2023).equals(q.observations(pg, "GAIRI", 2023))
    finally:
        file_store.close()
    run_import(pg, GAIRI_2022, edition_year=2022)
    assert fingerprint(pg) != before
    version = pg.data_version()
    report, kept = backup.restore(out, fresh_pg)
    assert report.seeded and kept is not None and backup.check_file(kept).seeded
    # this machine's folder for a PostgreSQL database ($AI_DASHBOARD_STATE_DIR, set by fresh_pg),
    # however the database was named: here by URL, with $AI_DASHBOARD_DB unset
    assert kept.parent == tmp_path / "state" / "backups"
    assert pg.data_version() > version  # no page serves a cached figure of the replaced data
    assert fingerprint(pg) != before  # the restore wrote its own audit row and data version...
    with pg.reader() as cur:  # ...and the data are the backup's
        restored = cur.execute("SELECT count(*), sum(value) FROM observations").fetchall()
    file_store = open_store(out)
    try:
        with file_store.reader() as cur:
            assert cur.execute("SELECT count(*), sum(value) FROM observations").fetchall() == restored
        assert q.versions(file_store).equals(q.versions(pg))
    finally:
        file_store.close()


def test_rebuild_of_a_postgresql_database_keeps_accounts_and_the_replaced_data(pg, fresh_pg, tmp_path):
    seeded = fingerprint(pg)
    with pg.transaction("t", "edit", {}) as cur:
        cur.execute("INSERT INTO users (name, role) VALUES ('erin', 'viewer')")
    run_import(pg, GAIRI_2022, edition_year=2022)
    version = pg.data_version()
    report = backup.rebuild(fresh_pg)
    assert report.accounts_carried == 1 and report.kept and backup.check_file(report.kept).seeded
    assert Path(report.kept).parent == tmp_path / "state" / "backups"
    assert report.data_version > version
    replaced = open_store(report.kept)
    try:
        assert len(q.versions(pg)) == len(q.versions(replaced)) - 1  # the import is gone
    finally:
        replaced.close()
    with pg.reader() as cur:
        assert cur.execute("SELECT name FROM users").fetchall() == [("erin",)]
    assert fingerprint(pg) != seeded  # audit rows and the data version moved on


def test_a_backup_without_out_goes_to_this_machines_folder(fresh_pg, tmp_path, monkeypatch):
    """`backup --db postgresql://...` with no --out and no $AI_DASHBOARD_DB writes into
    $AI_DASHBOARD_STATE_DIR/backups, as docs/OPERATIONS.md says (it wrote into the checkout's
    var/backups: the folder was chosen by the default database, not by the one copied)."""
    monkeypatch.delenv("AI_DASHBOARD_DB", raising=False)
    done = _cli("backup", "--db", fresh_pg)
    assert done.returncode == 0, done.stderr
    [written] = (tmp_path / "state" / "backups").glob("dashboard-*.duckdb")
    assert backup.check_file(written).seeded


def test_check_reads_the_postgresql_database(fresh_pg):
    done = _cli("check", "--db", fresh_pg)
    assert done.returncode == 0, done.stderr
    report = backup.check_store(Store(fresh_pg), CLI_ACTOR)
    assert report.seeded and report.tables["observations"] > 0


def test_postgresql_stopped_during_an_import_fails_it_whole_and_the_store_reconnects(tmp_path, monkeypatch):
    """The server stops while the import's rows are written (inside the transaction): the import
    fails with a clear message; after a restart the previous data is intact, and the same Store
    (a dashboard process) reads again without being reopened."""
    from tests import pgserver

    if reason := pgserver.missing_reason():
        pytest.skip(reason)
    monkeypatch.setenv("AI_DASHBOARD_STATE_DIR", str(tmp_path / "state"))
    server = pgserver.start_server()
    try:
        url = server.new_database()
        store = open_store(url)
        before, version = fingerprint(store), store.data_version()
        monkeypatch.setenv(store_imports.PAUSE_ENV, "3")
        failure: list[BaseException] = []

        def import_it() -> None:
            try:
                run_import(store, GAIRI_2022, edition_year=2022)
            except BaseException as exc:
                failure.append(exc)

        worker = threading.Thread(target=import_it)
        worker.start()
        time.sleep(1.5)  # the rows are in PostgreSQL's open transaction, the commit not yet sent
        server.stop("fast")
        worker.join(60)
        assert len(failure) == 1 and isinstance(failure[0], StoreError), failure
        assert failure[0].code in {"store_unreachable", "store_write_failed"}
        from metrics import i18n

        message = i18n.error_message(failure[0].code, "en", **failure[0].params)
        assert "nothing was changed" in message
        with pytest.raises(StoreError) as down:
            store.data_version()
        assert down.value.code == "store_unreachable"
        monkeypatch.delenv(store_imports.PAUSE_ENV)
        server.start()
        assert store.data_version() == version
        assert fingerprint(store) == before
        again = run_import(store, GAIRI_2022, edition_year=2022)
        assert again.status == "imported"
        store.close()
    finally:
        server.destroy()
