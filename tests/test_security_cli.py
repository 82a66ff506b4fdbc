"""No command destroys what it manages, and every bad argument is a message, not a traceback.

Each command is run in-process through metrics.cli.main (the real parser and handlers) on a real
seeded database file; the database is checked afterwards to be exactly as it was.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys

import pytest

from metrics import cli
from metrics.store import backup, open_store
from tests.conftest import ROOT


def _digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def db(fresh_db):
    return fresh_db


def _run(capsys, *argv) -> tuple[int, str]:
    code = cli.main([*argv, "--lang", "en"])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err + captured.out
    return code, captured.err


@pytest.mark.parametrize("target", ["db", "wal", "folder", "device"])
def test_report_out_refuses_the_database_its_log_a_folder_and_a_device(db, tmp_path, capsys, target):
    before = _digest(db)
    wal = db.with_name(db.name + ".wal")
    out = {"db": db, "wal": wal, "folder": tmp_path, "device": "/dev/null"}[target]
    code, err = _run(capsys, "report", "--format", "xlsx", "--db", str(db), "--out", str(out))
    assert code == 1
    assert str(out) in err
    assert _digest(db) == before
    assert not wal.exists() or target != "wal"
    assert os.path.exists("/dev/null") and not os.path.isfile("/dev/null")  # the device is untouched


def test_report_out_at_an_unwritable_place_is_a_message_before_any_work(db, capsys):
    code, err = _run(capsys, "report", "--format", "pdf", "--db", str(db), "--out", "/proc/version")
    assert code == 1 and "cannot be written" in err


def test_report_through_a_symlink_to_the_database_is_refused(db, tmp_path, capsys):
    link = tmp_path / "innocent.pdf"
    link.symlink_to(db)
    before = _digest(db)
    code, err = _run(capsys, "report", "--format", "xlsx", "--db", str(db), "--out", str(link))
    assert code == 1 and "is the database" in err
    assert _digest(db) == before


@pytest.mark.parametrize("target", ["wal", "device", "folder"])
def test_backup_out_refuses_the_log_a_device_and_a_folder(db, tmp_path, capsys, target):
    wal = db.with_name(db.name + ".wal")
    out = {"wal": wal, "device": "/dev/null", "folder": tmp_path}[target]
    before = sorted(p.name for p in tmp_path.iterdir())
    code, err = _run(capsys, "backup", "--db", str(db), "--out", str(out))
    assert code == 1 and str(out) in err
    assert sorted(p.name for p in tmp_path.iterdir()) == before
    assert not os.path.isfile("/dev/null")
    assert backup.check_file(db).ok


def test_restore_refuses_the_database_itself_and_leaves_it_in_place(db, capsys):
    before = _digest(db)
    code, err = _run(capsys, "restore", str(db), "--db", str(db))
    assert code == 1 and "the database itself" in err
    assert db.exists() and _digest(db) == before


def test_restore_onto_a_folder_changes_nothing(db, tmp_path, capsys):
    folder = tmp_path / "somewhere"
    folder.mkdir()
    (folder / "keep.txt").write_text("mine")
    code, err = _run(capsys, "restore", str(db), "--db", str(folder))
    assert code == 1 and "not a file" in err
    assert (folder / "keep.txt").read_text() == "mine"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fresh.duckdb", "somewhere"]


def test_restore_that_fails_mid_copy_never_leaves_the_path_empty(db, tmp_path, monkeypatch):
    good = tmp_path / "good.duckdb"
    shutil.copy(db, good)
    before = _digest(db)

    def broken_copy(src, dst, *a, **k):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(shutil, "copyfile", broken_copy)
    with pytest.raises(Exception) as err:
        backup.restore(good, db)
    assert getattr(err.value, "code", "") == "restore_failed"
    assert db.exists() and _digest(db) == before
    assert not list(tmp_path.glob("*.restoring"))


def test_restore_keeps_the_replaced_file_and_installs_the_backup(db, tmp_path):
    good = tmp_path / "good.duckdb"
    shutil.copy(db, good)
    _report, kept = backup.restore(good, db)
    assert kept is not None and kept.exists() and db.exists()
    assert _digest(db) == _digest(good)


@pytest.mark.parametrize("kind", ["folder", "device", "fifo"])
def test_import_refuses_non_regular_files_at_once(db, tmp_path, capsys, kind):
    if kind == "folder":
        path = tmp_path
    elif kind == "device":
        path = "/dev/zero"  # would be read until memory runs out
    else:
        path = tmp_path / "pipe"
        os.mkfifo(path)  # would block forever on open
    code, err = _run(capsys, "import", str(path), "--index", "GAIRI", "--edition", "2023", "--db", str(db))
    assert code == 1 and str(path) in err
    assert ("folder" in err) if kind == "folder" else ("not a regular file" in err)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["status", "--as-of", "99999999999999999999"], "is not an edition year"),
        (["status", "--as-of", "-5"], "is not an edition year"),
        (["rank", "--edition", "99999999999999999999"], "is not an edition year"),
        (["report", "--format", "pdf", "--as-of", "99999999999999999999"], "is not an edition year"),
        (["rank", "--country", "XYZ"], "No country with the code XYZ"),
        (["status", "--country", "ATL"], "No country with the code ATL"),
    ],
)
def test_absurd_arguments_are_messages(db, capsys, argv, message):
    code, err = _run(capsys, *argv, "--db", str(db))
    assert code == 1 and message in err


def test_argument_syntax_errors_are_usage_messages_not_tracebacks(db, capsys):
    with pytest.raises(SystemExit) as exit_:
        cli.main(["status", "--as-of", "soon", "--db", str(db)])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert "invalid int value" in err and "Traceback" not in err


def test_a_damaged_database_gives_the_recovery_steps_on_read_commands(db, capsys):
    with open(db, "r+b") as f:  # break the header: DuckDB no longer recognises the file
        f.write(os.urandom(4096))
    for argv in (["status"], ["rank"], ["versions"]):
        code, err = _run(capsys, *argv, "--db", str(db))
        assert code == 1
        assert "python -m metrics restore" in err and "python -m metrics rebuild" in err, err


def test_a_damaged_block_gives_the_recovery_steps_not_duckdb_text(db, capsys):
    size = db.stat().st_size
    with open(db, "r+b") as f:  # overwrite data blocks, keep the header: a checksum failure
        for offset in range(3 * 4096 + 262144, size, 524288):
            f.seek(offset)
            f.write(os.urandom(262144))
    code, err = _run(capsys, "rank", "--db", str(db))
    assert code == 1
    assert "python -m metrics restore" in err, err


def test_smoke_a_refused_output_exits_1_with_one_line_in_a_real_process(db):
    result = subprocess.run(
        [sys.executable, "-m", "metrics", "backup", "--db", str(db), "--out", "/dev/null", "--lang", "vi"],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "không phải là tệp thông thường" in result.stderr
    store = open_store(db)
    store.close()
