"""The command line beside a serving dashboard (docs/store.md): with a browser session open on the
real server, backup, report, users add and import run against the same DuckDB file, and the
page then shows the imported dataset without a restart."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from metrics.store import backup
from tests.conftest import ROOT
from tests.e2e.conftest import _data_page_indices, _listed_soon, _settled

pytestmark = pytest.mark.e2e

CSV = """country,year,measure,value
Viet Nam,2024,total,41.5
Thailand,2024,total,52.25
Singapore,2024,total,77.0
"""
NAME = "Shared store check"


def _cli(*args: str, stdin: str = "") -> subprocess.CompletedProcess:
    env = {**os.environ, "AI_DASHBOARD_LOCK_TIMEOUT": "60"}
    return subprocess.run(
        [sys.executable, "-m", "metrics", *args],
        input=stdin, text=True, capture_output=True, cwd=ROOT, env=env, timeout=180,
    )  # fmt: skip


def test_cli_commands_run_while_the_dashboard_serves_the_same_file(server, e2e_db, page, tmp_path):
    page.goto(f"{server}/data?lang=en")
    _settled(page)
    assert NAME not in _data_page_indices(page)

    out = tmp_path / "while-serving.duckdb"
    made = _cli("backup", "--out", str(out), "--db", str(e2e_db))
    assert made.returncode == 0, made.stderr
    assert backup.check_file(out).tables["observations"] > 0

    report = tmp_path / "report.xlsx"
    written = _cli("report", "--format", "xlsx", "--lang", "en", "--out", str(report), "--db", str(e2e_db))
    assert written.returncode == 0, written.stderr
    assert report.stat().st_size > 1000

    added = _cli(
        "users", "add", "shared_viewer", "--role", "viewer", "--password-stdin", "--db", str(e2e_db),
        stdin="a long enough password 1\n",
    )  # fmt: skip
    assert added.returncode == 0, added.stderr

    source = tmp_path / "shared_2024.csv"
    source.write_text(CSV, encoding="utf-8")
    imported = _cli(
        "import", str(source), "--index", "SHARED_CHECK", "--name", NAME, "--unit", "points",
        "--source-url", "https://example.org/shared", "--db", str(e2e_db),
    )  # fmt: skip
    assert imported.returncode == 0, imported.stdout + imported.stderr

    # The same browser session, next click: the page reads the new data version and shows it. The
    # click's run may not have begun when _settled first looks (the status widget appears after a
    # moment), so the list is read until it names the import or 30 s have passed.
    page.locator('[data-testid="stSidebarNav"]').get_by_text("Data", exact=True).click()
    listed = _listed_soon(page, NAME)
    assert page.locator('[data-testid="stException"]').count() == 0
    assert NAME in listed
