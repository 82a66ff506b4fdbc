"""An import killed part-way (SIGKILL inside its transaction) leaves the previous data intact.

The import runs in a real subprocess (`python -m metrics import`). The test hook
METRICS_IMPORT_PAUSE_IN_TRANSACTION makes it sleep after every row is written and before COMMIT;
the test waits for the pause, kills the process, then opens the database file and finds exactly
what was there before, readable, and still writable.
"""

from __future__ import annotations

import csv
import os
import signal
import subprocess
import sys
import time

import pytest

from metrics.store import imports as store_imports
from metrics.store import open_store
from metrics.store import queries as q
from tests.conftest import ROOT
from tests.test_import_helpers import RAW, fingerprint, run_import


def _big_csv(path, rows: int) -> None:
    """A tidy CSV large enough that DuckDB writes data blocks before the commit."""
    with open(ROOT / "data" / "countries.csv", encoding="utf-8") as f:
        names = [r["name_en"] for r in csv.DictReader(f)]
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["country", "year", "measure", "value"])
        n = 0
        for year in range(2000, 2100):
            for m in range(100):
                for c in names:
                    if n == rows:
                        return
                    w.writerow([c, year, f"indicator {m}", (n % 1000) / 10])
                    n += 1


def _kill_mid_import(db, args: list[str]) -> None:
    env = {**os.environ, store_imports.PAUSE_ENV: "60"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "metrics", "import", *args, "--db", str(db)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 120
        for line in proc.stderr:
            if "paused inside the transaction" in line:
                break
            assert time.monotonic() < deadline, "the import never reached its transaction"
        else:
            pytest.fail(f"the import ended before pausing (exit {proc.wait()})")
        proc.send_signal(signal.SIGKILL)
        assert proc.wait(timeout=30) == -signal.SIGKILL
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


@pytest.mark.parametrize(
    "case",
    ["publisher_replacement", "large_new_dataset"],
)
def test_killed_import_leaves_previous_data_intact(fresh_db, tmp_path, case):
    store = open_store(fresh_db)
    before = fingerprint(store)
    seeded_vnm = q.scores(store, "GAIRI", 2023).set_index("iso3").loc["VNM", "value"]
    store.close()
    if case == "publisher_replacement":
        args = [
            str(RAW / "oxford_insights_gairi_2023_public-indicator-data.xlsx"),
            "--index",
            "GAIRI",
            "--edition",
            "2023",
        ]
    else:
        big = tmp_path / "big.csv"
        _big_csv(big, 200_000)
        args = [
            str(big),
            "--index",
            "BIG",
            "--name",
            "Big",
            "--unit",
            "points",
            "--source-url",
            "https://example.org",
        ]

    _kill_mid_import(fresh_db, args)

    store = open_store(fresh_db)  # recovers from the WAL, if any
    try:
        assert fingerprint(store) == before
        assert q.scores(store, "GAIRI", 2023).set_index("iso3").loc["VNM", "value"] == seeded_vnm
        assert "BIG" not in set(q.indices(store)["index_id"])
        # Still writable: the same import now succeeds.
        result = run_import(store, RAW / "oxford_insights_gairi_2021_public-dataset.xlsx", edition_year=2021)
        assert result.status == "imported"
    finally:
        store.close()
