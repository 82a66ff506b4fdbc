"""Backups, restores, checks and rebuilds: a damaged or missing database gives a clear message, and
the recovery documented in docs/OPERATIONS.md works (run here exactly as documented)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading

import pytest

from metrics import i18n
from metrics.auth import CLI_ACTOR
from metrics.cli import main
from metrics.errors import StoreError
from metrics.store import backup, open_store, queries
from metrics.store import users as accounts
from tests.conftest import ROOT

PASSWORD = "correct horse battery"


def _damage(path, how: str) -> None:
    data = bytearray(path.read_bytes())
    if how == "garbage":
        path.write_bytes(os.urandom(len(data)))
    elif how == "truncated":
        path.write_bytes(bytes(data[: len(data) // 2]))
    elif how == "flipped":
        for offset in range(20_000, len(data), 50_000):  # one byte in every data block range
            data[offset] ^= 0xFF
        path.write_bytes(bytes(data))
    elif how == "empty":
        path.write_bytes(b"")


def _code(call) -> StoreError:
    with pytest.raises(StoreError) as err:
        call()
    return err.value


@pytest.mark.parametrize("how", ["garbage", "truncated", "flipped", "empty"])
def test_a_damaged_file_is_reported_with_the_way_out(fresh_db, how):
    _damage(fresh_db, how)
    err = _code(lambda: backup.check_file(fresh_db))
    assert err.code == "store_corrupt"
    assert "python -m metrics restore" in i18n.error_message(err.code, "en", **err.params)
    assert "python -m metrics restore" in i18n.error_message(err.code, "vi", **err.params)


def test_a_missing_file_is_reported(tmp_path, capsys):
    err = _code(lambda: backup.check_file(tmp_path / "nope.duckdb"))
    assert err.code == "store_missing"
    assert main(["check", "--db", str(tmp_path / "nope.duckdb"), "--lang", "vi"]) == 1
    assert "Không có tệp cơ sở dữ liệu" in capsys.readouterr().err
    assert not (tmp_path / "nope.duckdb").exists()  # checking never creates a database


def test_backup_then_restore_brings_back_exactly_the_backed_up_state(fresh_db, tmp_path, capsys):
    store = open_store(fresh_db)
    accounts.add_account(store, CLI_ACTOR, "alice", "admin", PASSWORD)
    info = backup.backup(store, CLI_ACTOR, tmp_path / "backups" / "b1.duckdb")
    accounts.add_account(store, CLI_ACTOR, "mallory", "admin", PASSWORD)  # after the backup
    before = queries.scores(store, "GAIRI", 2023)
    store.close()
    assert info.data_version == backup.check_file(info.path).data_version

    assert main(["restore", info.path, "--db", str(fresh_db)]) == 0
    out = capsys.readouterr().out
    assert "Restored" in out and ".before-restore-" in out
    kept = next(tmp_path.glob("fresh.duckdb.before-restore-*"))
    store = open_store(fresh_db)
    assert [a.name for a in accounts.list_accounts(store, CLI_ACTOR)] == ["alice"]
    assert queries.scores(store, "GAIRI", 2023).equals(before)
    assert accounts.authenticate(store, "alice", PASSWORD).role == "admin"
    store.close()
    assert {a for a in backup.check_file(kept).tables} >= {"users", "observations"}


def test_the_documented_recovery_of_a_damaged_file(fresh_db, tmp_path, capsys):
    db = str(fresh_db)
    assert main(["backup", "--db", db, "--out", str(tmp_path / "nightly.duckdb")]) == 0
    _damage(fresh_db, "flipped")
    assert main(["check", "--db", db]) == 1
    assert "damaged" in capsys.readouterr().err
    assert main(["restore", str(tmp_path / "nightly.duckdb"), "--db", db]) == 0
    assert main(["check", "--db", db]) == 0
    assert "OK" in capsys.readouterr().out


def test_restore_refuses_a_damaged_backup_and_leaves_the_database_alone(fresh_db, tmp_path):
    bad = tmp_path / "bad-backup.duckdb"
    shutil.copy(fresh_db, bad)
    _damage(bad, "garbage")
    original = fresh_db.read_bytes()
    assert _code(lambda: backup.restore(bad, fresh_db)).code == "store_corrupt"
    assert fresh_db.read_bytes() == original
    assert not list(tmp_path.glob("*.before-restore-*"))


def test_restore_and_rebuild_refuse_while_another_process_has_the_file(fresh_db, tmp_path):
    good = tmp_path / "good.duckdb"
    shutil.copy(fresh_db, good)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('open', flush=True); time.sleep(30)",
            str(fresh_db),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "open"
        assert _code(lambda: backup.restore(good, fresh_db)).code == "store_in_use"
        assert _code(lambda: backup.rebuild(fresh_db)).code == "store_in_use"
        assert _code(lambda: backup.check_file(fresh_db)).code == "store_in_use"
        assert fresh_db.exists() and not list(tmp_path.glob("*.broken-*"))
        assert not list(tmp_path.glob("*.before-restore-*"))
    finally:
        holder.kill()
        holder.wait()


def test_rebuild_from_data_keeps_the_accounts_and_sets_the_old_file_aside(fresh_db, tmp_path, capsys):
    store = open_store(fresh_db)
    accounts.add_account(store, CLI_ACTOR, "alice", "analyst", PASSWORD)
    store.close()
    assert main(["rebuild", "--db", str(fresh_db)]) == 0
    out = capsys.readouterr().out
    assert "Carried over 1 accounts" in out and "restore a backup" in out
    assert len(list(tmp_path.glob("fresh.duckdb.broken-*"))) == 1
    report = backup.check_file(fresh_db)
    assert report.seeded and report.current_versions > 0
    store = open_store(fresh_db)
    assert accounts.authenticate(store, "alice", PASSWORD).role == "analyst"
    store.close()


def test_rebuild_of_an_unreadable_file_starts_clean(fresh_db):
    _damage(fresh_db, "garbage")
    report = backup.rebuild(fresh_db)
    assert report.accounts_carried == 0 and report.kept
    assert backup.check_file(fresh_db).ok


def test_a_backup_taken_during_writes_is_complete_and_consistent(fresh_db, tmp_path):
    store = open_store(fresh_db)
    stop = threading.Event()
    errors: list[BaseException] = []

    def writer():
        i = 0
        while not stop.is_set():
            try:
                accounts.add_account(store, CLI_ACTOR, f"user{i}", "viewer")
            except BaseException as exc:  # any failure fails the test below
                errors.append(exc)
                return
            i += 1

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        infos = [backup.backup(store, CLI_ACTOR, tmp_path / f"b{n}.duckdb") for n in range(3)]
    finally:
        stop.set()
        thread.join()
    assert errors == []
    for info in infos:
        report = backup.check_file(info.path)
        # Every account add bumps the data version once: users and version agree in the copy.
        assert report.data_version - report.tables["users"] == infos[0].data_version - _users_at(
            infos[0].path
        )
    store.close()


def _users_at(path) -> int:
    return backup.check_file(path).tables["users"]


def test_check_command_on_the_shipped_default_path_never_creates_a_file(tmp_path, monkeypatch):
    monkeypatch.setenv("AI_DASHBOARD_DB", str(tmp_path / "var" / "dashboard.duckdb"))
    out = subprocess.run(
        [sys.executable, "-m", "metrics", "check"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert out.returncode == 1 and "does not exist" in out.stderr
    assert not (tmp_path / "var" / "dashboard.duckdb").exists()
