"""Faults: an import killed (SIGKILL) at random points leaves a readable database whose editions
are each one whole version: the previous one intact, or the new one complete — never a mix."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time

import pytest

from metrics.store import backup, open_store, queries
from metrics.store.imports import PAUSE_ENV
from tests.conftest import ROOT
from tests.test_reliability_concurrency import INDEX, YEAR, _variant

DRIVER = """
import sys, time
from metrics.auth import CLI_ACTOR
from metrics.ingest import pipeline
from metrics.store import open_store
store = open_store(sys.argv[1])
print("ready", flush=True)
started = time.perf_counter()
pipeline.import_file(store, CLI_ACTOR, sys.argv[2], pipeline.ImportOptions(index_id="GAIRI", edition_year=2023))
print(f"done {time.perf_counter() - started:.4f}", flush=True)
"""

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")


def _start(db, csv, env=None):
    return subprocess.Popen(
        [sys.executable, "-c", DRIVER, str(db), str(csv)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **(env or {})},
    )


def _state(db):
    """(current version of GAIRI 2023, its total scores, every other edition's scores)."""
    store = open_store(db)
    try:
        eds = queries.editions(store, INDEX).set_index("edition_year")
        current = int(eds.loc[YEAR, "version_id"])
        scores = dict(zip(*(queries.scores(store, INDEX, YEAR)[c] for c in ("iso3", "value")), strict=True))
        others = {
            y: queries.scores(store, INDEX, int(y))["value"].round(9).tolist() for y in eds.index if y != YEAR
        }
        with store.reader() as cur:
            stored_rows = cur.execute(
                "SELECT row_count FROM versions WHERE version_id = ?", [current]
            ).fetchall()
            actual_rows = cur.execute(
                "SELECT count(*) FROM observations WHERE version_id = ?", [current]
            ).fetchall()
            imports = cur.execute(
                "SELECT count(*) FROM audit_log WHERE action IN ('import', 'replace')"
            ).fetchall()[0][0]
    finally:
        store.close()
    assert stored_rows[0][0] == actual_rows[0][0], "the current version is incomplete"
    return current, scores, others, imports


@pytest.fixture(scope="module")
def setup(tmp_path_factory, seeded_db_file):
    base = tmp_path_factory.mktemp("faults")
    pristine = base / "pristine.duckdb"
    shutil.copy(seeded_db_file, pristine)
    store = open_store(pristine)
    csv = base / f"gairi_{YEAR}_new.csv"
    _variant(store, csv, 0.5)
    store.close()
    # One run to the end: the import's own duration (after start-up) and the state it leaves.
    done = base / "done.duckdb"
    shutil.copy(pristine, done)
    proc = _start(done, csv)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    duration = float(out.split("done ")[1])
    return pristine, csv, duration, _state(pristine), _state(done)


def test_an_import_killed_at_random_points_leaves_one_whole_version(setup, tmp_path):
    pristine, csv, duration, before, after = setup
    rng = random.Random(20251026)  # fixed: the same kill points every run
    # One point in each quarter of the import's run (reading, checking, writing, committing) and past it.
    points = [rng.uniform(lo, hi) * duration for lo, hi in ((0, 0.3), (0.3, 0.6), (0.6, 0.9), (0.9, 1.3))]
    outcomes = []
    for n, delay in enumerate([*points, "in_transaction"]):
        db = tmp_path / f"trial{n}.duckdb"
        shutil.copy(pristine, db)
        env = {PAUSE_ENV: "30"} if delay == "in_transaction" else None
        proc = _start(db, csv, env)
        assert proc.stdout.readline().strip() == "ready"
        if delay == "in_transaction":
            assert "paused inside the transaction" in proc.stderr.readline()  # every row written, no COMMIT
        else:
            time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        assert proc.returncode == -signal.SIGKILL or proc.returncode == 0

        assert backup.check_file(db).ok  # opens (replaying its log) and reads every table in full
        state = _state(db)
        assert state in (before, after), f"trial {n} (kill after {delay}) left a mixed state"
        assert state[2] == before[2]  # the other editions never move
        outcomes.append("previous" if state == before else "new")
    print("kill outcomes:", list(zip([*points, "in_transaction"], outcomes, strict=True)))
    assert outcomes[-1] == "previous"  # killed before COMMIT: nothing of the import remains
    assert before[1] != after[1] and before[3] + 1 == after[3]


def test_a_killed_import_can_simply_be_run_again(setup, tmp_path):
    pristine, csv, _duration, _before, after = setup
    db = tmp_path / "again.duckdb"
    shutil.copy(pristine, db)
    proc = _start(db, csv, {PAUSE_ENV: "30"})
    assert proc.stdout.readline().strip() == "ready"
    proc.stderr.readline()
    proc.kill()
    proc.wait(timeout=30)
    proc = _start(db, csv)
    _out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    _current, scores, others, imports = _state(db)
    assert (scores, others, imports) == after[1:]
