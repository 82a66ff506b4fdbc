"""Several processes on one DuckDB file (metrics.store.connection, docs/store.md): readers at once,
writers one at a time, a bounded wait that names the process in the way, new data seen by every
process through the data version, and restore/backup while another process has the store open."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from metrics import i18n
from metrics.auth import CLI_ACTOR
from metrics.errors import StoreError
from metrics.store import Store, backup, open_store
from metrics.store import users as accounts
from tests.conftest import ROOT

HOLD = """
import sys, time
from metrics.store import Store
store = Store(sys.argv[1])
with store.hold(write=sys.argv[2] == "write"):
    print("held", flush=True)
    time.sleep(float(sys.argv[3]))
"""


def _cli(*args: str, stdin: str = "", timeout_env: str = "20") -> subprocess.CompletedProcess:
    env = {**os.environ, "AI_DASHBOARD_LOCK_TIMEOUT": timeout_env}
    return subprocess.run(
        [sys.executable, "-m", "metrics", *args],
        input=stdin, text=True, capture_output=True, cwd=ROOT, env=env, timeout=120,
    )  # fmt: skip


def _holder(db, mode: str, seconds: float) -> subprocess.Popen:
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(db), mode, str(seconds)],
        stdout=subprocess.PIPE, text=True, cwd=ROOT,
    )  # fmt: skip
    assert proc.stdout.readline().strip() == "held"
    return proc


def test_commands_read_while_another_process_reads(fresh_db):
    reader = _holder(fresh_db, "read", 30)
    try:
        status = _cli("status", "--json", "--db", str(fresh_db))
        assert status.returncode == 0, status.stderr
        check = _cli("check", "--db", str(fresh_db))
        assert check.returncode == 0, check.stderr
    finally:
        reader.kill()
        reader.wait()


@pytest.mark.parametrize("lang", ["en", "vi"])
def test_a_write_waits_a_bounded_time_then_names_the_holder(fresh_db, lang):
    writer = _holder(fresh_db, "write", 30)
    try:
        started = time.monotonic()
        done = _cli(
            "users", "add", "carol", "--role", "viewer", "--no-password", "--db", str(fresh_db), "--lang", lang,
            timeout_env="1.5",
        )  # fmt: skip
        waited = time.monotonic() - started
    finally:
        writer.kill()
        writer.wait()
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    expected = i18n.error_message("store_busy", lang, path=str(fresh_db), holders="", seconds="1.5")
    assert expected.split(":")[0] in done.stderr  # "The database … is busy" / "Cơ sở dữ liệu … đang bận"
    assert f"PID {writer.pid}" in done.stderr and "write" in done.stderr
    assert "AI_DASHBOARD_LOCK_TIMEOUT" in done.stderr
    assert 1.4 < waited < 60
    # Nothing half-written; once the holder is gone the same command goes through.
    again = _cli("users", "add", "carol", "--role", "viewer", "--no-password", "--db", str(fresh_db))
    assert again.returncode == 0, again.stderr


def test_a_write_waits_for_a_short_holder_and_then_succeeds(fresh_db):
    writer = _holder(fresh_db, "write", 1.0)
    try:
        done = _cli("users", "add", "dave", "--role", "viewer", "--no-password", "--db", str(fresh_db))
    finally:
        writer.wait()
    assert done.returncode == 0, done.stderr
    with Store(fresh_db).reader() as cur:
        assert cur.execute("SELECT role FROM users WHERE name = 'dave'").fetchall() == [("viewer",)]


def test_writes_of_many_processes_are_serialised_and_none_is_lost(fresh_db):
    names = [f"user{i}" for i in range(6)]
    with ThreadPoolExecutor(len(names)) as pool:
        results = list(
            pool.map(
                lambda n: _cli("users", "add", n, "--role", "viewer", "--no-password", "--db", str(fresh_db)),
                names,
            )
        )
    assert [r.returncode for r in results] == [0] * len(names), [r.stderr for r in results]
    store = Store(fresh_db)
    with store.reader() as cur:
        got = {r[0] for r in cur.execute("SELECT name FROM users").fetchall()}
        audit = cur.execute("SELECT count(*) FROM audit_log WHERE action = 'user_add'").fetchall()[0][0]
    assert set(names) <= got
    assert audit >= len(names)
    store.close()


def test_another_process_s_write_shows_through_the_data_version(fresh_db):
    store = open_store(fresh_db)
    before = store.data_version()
    with store.reader() as cur:  # this process is reading while the other one writes
        cur.execute("SELECT count(*) FROM observations").fetchall()
    done = _cli("aliases", "add", "Vietnam Socialist Republic", "VNM", "--db", str(fresh_db))
    assert done.returncode == 0, done.stderr
    assert store.data_version() == before + 1
    with store.reader() as cur:
        assert cur.execute(
            "SELECT iso3 FROM country_aliases WHERE alias = 'Vietnam Socialist Republic'"
        ).fetchall() == [("VNM",)]
    store.close()


def test_a_reading_process_does_not_starve_a_writer(fresh_db):
    """A process that reads without pause (overlapping readers in threads) still lets a writer in
    within its bounded wait: without the writer gate the readers would hold the file for ever."""
    store = Store(fresh_db)
    writing = threading.Event()
    done_writing = threading.Event()
    reads_during = []

    def read_until_written() -> None:
        deadline = time.monotonic() + 120
        while not done_writing.is_set() and time.monotonic() < deadline:
            with store.reader() as cur:
                cur.execute("SELECT count(*) FROM observations").fetchall()
            if writing.is_set():
                reads_during.append(1)

    with ThreadPoolExecutor(3) as pool:
        futures = [pool.submit(read_until_written) for _ in range(3)]
        writing.set()
        done = _cli(
            "users", "add", "erin", "--role", "viewer", "--no-password", "--db", str(fresh_db), timeout_env="10"
        )  # fmt: skip
        done_writing.set()
        for f in futures:
            f.result()
    assert done.returncode == 0, done.stderr
    assert len(reads_during) > 10  # the readers were busy all along
    store.close()


def test_restore_while_another_process_has_the_store_open(fresh_db, tmp_path):
    store = open_store(fresh_db)
    info = backup.backup(store, CLI_ACTOR, tmp_path / "before.duckdb")
    accounts.add_account(store, CLI_ACTOR, "frank", "viewer", None)
    seen = store.data_version()
    done = _cli("restore", str(info.path), "--db", str(fresh_db))
    assert done.returncode == 0, done.stderr
    # The open store reads the restored file, under a version above every one it has seen.
    assert store.data_version() > seen
    assert [a.name for a in accounts.list_accounts(store, CLI_ACTOR) if a.name == "frank"] == []
    store.close()


def test_backup_and_report_while_a_dashboard_process_reads(fresh_db, tmp_path):
    reader = _holder(fresh_db, "read", 60)
    try:
        out = tmp_path / "b.duckdb"
        made = _cli("backup", "--out", str(out), "--db", str(fresh_db))
        assert made.returncode == 0, made.stderr
        assert backup.check_file(out).tables["observations"] > 0
        report = _cli("report", "--format", "xlsx", "--out", str(tmp_path / "r.xlsx"), "--db", str(fresh_db))
        assert report.returncode == 0, report.stderr
        assert (tmp_path / "r.xlsx").stat().st_size > 1000
    finally:
        reader.kill()
        reader.wait()


def test_an_in_process_wait_is_bounded_too(fresh_db):
    holder = Store(fresh_db, timeout=0.5)
    other = Store(fresh_db, timeout=0.5)
    with holder.hold(write=True), pytest.raises(StoreError) as caught, other.reader() as cur:
        cur.execute("SELECT 1")
    assert caught.value.code == "store_busy"
    assert f"PID {os.getpid()}" in caught.value.params["holders"]
    with other.reader() as cur:
        assert cur.execute("SELECT 1").fetchall() == [(1,)]
    holder.close()
    other.close()


def test_after_a_write_the_version_file_describes_the_closed_file(fresh_db):
    """`<db>.version` holds the committed data version and the identity of the file as the close
    left it, so another process reads the new version with two stat calls."""
    store = Store(fresh_db)
    before = store.data_version()
    with store.transaction(CLI_ACTOR.name, "test_write") as conn:
        conn.execute("INSERT OR REPLACE INTO meta VALUES ('test_key', 'x')")
    store.close()
    version, identity = (Path(f"{fresh_db}.version")).read_text(encoding="ascii").split()
    st = os.stat(fresh_db)
    assert int(version) == before + 1
    assert identity == f"{st.st_ino}:{st.st_size}:{st.st_mtime_ns}"
    other = Store(fresh_db)
    assert other.data_version() == before + 1
    other.close()


def test_a_store_opened_to_write_opens_the_file_once(fresh_db, tmp_path, monkeypatch):
    """The CLI import's store (will_write): the schema check, the seed check, the read and the
    write share one read-write open of the file, and it is closed soon after the write, so a
    dashboard process reads again within its bounded wait."""
    from metrics.ingest import detect, pipeline
    from metrics.store import connection
    from tests.test_import_helpers import ANALYST

    monkeypatch.setattr(detect, "FAST_PATH_MIN_BYTES", 0)
    path = tmp_path / "tidy.csv"
    path.write_text("country,year,value\nViet Nam,2024,50.5\nThailand,2024,60.25\n", encoding="utf-8")
    opened: list[bool] = []
    real_connect = connection.duckdb.connect

    def counting_connect(database, *args, **kwargs):
        if str(database) == str(fresh_db):
            opened.append(bool(kwargs.get("read_only")))
        return real_connect(database, *args, **kwargs)

    monkeypatch.setattr(connection.duckdb, "connect", counting_connect)
    store = open_store(fresh_db, will_write=True)
    options = pipeline.ImportOptions(
        index_id="ONCE", name="Once", unit="points", source_url="https://example.org"
    )
    result = pipeline.import_file(store, ANALYST, path, options)
    assert [v["edition_year"] for v in result.versions] == [2024]
    assert opened == [False]  # one open, read-write
    monkeypatch.setattr(connection.duckdb, "connect", real_connect)
    done = _cli("status", "--db", str(fresh_db), timeout_env="5")  # the store is still open here
    assert done.returncode == 0, done.stderr
    store.close()
