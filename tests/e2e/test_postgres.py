"""The dashboard on the PostgreSQL store, in a real browser (docs/store.md, "PostgreSQL"): two servers
(two machines, as far as the store can tell) on one PostgreSQL database; an import made with the
command line shows on both at the next click; and a server that stops and comes back is met with a
clear message and then the page again, without restarting the dashboard."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests import pgserver
from tests.conftest import ROOT
from tests.e2e.conftest import _data_page_indices, _listed_soon, _serve, _settled

pytestmark = pytest.mark.e2e

CSV = """country,year,measure,value
Viet Nam,2024,total,41.5
Thailand,2024,total,52.25
Singapore,2024,total,77.0
"""
NAME = "PostgreSQL shared check"


def _cli(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "AI_DASHBOARD_LOCK_TIMEOUT": "60"}
    return subprocess.run(
        [sys.executable, "-m", "metrics", *args],
        text=True, capture_output=True, cwd=ROOT, env=env, timeout=180,
    )  # fmt: skip


@pytest.fixture(scope="module")
def pg_url(pg_server, pg_seeded_template, tmp_path_factory):
    state = tmp_path_factory.mktemp("pg_state")
    os.environ["AI_DASHBOARD_STATE_DIR"] = str(state)  # the servers' and commands' restore points
    yield pg_server.copy_database(pg_seeded_template)
    os.environ.pop("AI_DASHBOARD_STATE_DIR", None)


@pytest.fixture(scope="module")
def two_servers(pg_url, tmp_path_factory):
    first = _serve(pg_url, tmp_path_factory)
    second = _serve(pg_url, tmp_path_factory)
    try:
        yield next(first), next(second)
    finally:
        first.close()
        second.close()


def test_an_import_shows_on_every_server_of_the_postgresql_database(two_servers, pg_url, page, tmp_path):
    one, two = two_servers
    page.goto(f"{one}/data?lang=en")
    _settled(page)
    assert NAME not in _data_page_indices(page)

    source = tmp_path / "pg_shared_2024.csv"
    source.write_text(CSV, encoding="utf-8")
    imported = _cli(
        "import", str(source), "--index", "PG_SHARED", "--name", NAME, "--unit", "points",
        "--source-url", "https://example.org/pg", "--db", pg_url,
    )  # fmt: skip
    assert imported.returncode == 0, imported.stdout + imported.stderr

    # The same session on the first server, next click; a new session on the second server.
    page.locator('[data-testid="stSidebarNav"]').get_by_text("Data", exact=True).click()
    assert NAME in _listed_soon(page, NAME)
    assert page.locator('[data-testid="stException"]').count() == 0
    other = page.context.new_page()
    other.goto(f"{two}/data?lang=en")
    assert NAME in _listed_soon(other, NAME)
    assert other.locator('[data-testid="stException"]').count() == 0


def test_the_dashboard_reconnects_when_postgresql_comes_back(page, tmp_path_factory):
    if reason := pgserver.missing_reason():
        pytest.skip(reason)
    server = pgserver.start_server()
    try:
        url = server.new_database()
        _cli("seed", "--db", url)
        serving = _serve(url, tmp_path_factory)
        base = next(serving)
        try:
            page.goto(f"{base}/data?lang=en")
            _settled(page)
            server.stop("fast")
            page.locator('[data-testid="stSidebarNav"]').get_by_text("Overview", exact=True).click()
            page.wait_for_selector("text=cannot be reached", timeout=60_000)
            assert page.locator('[data-testid="stException"]').count() == 0  # a message, no traceback
            server.start()
            page.locator('[data-testid="stSidebarNav"]').get_by_text("Data", exact=True).click()
            _settled(page)
            assert page.locator("text=cannot be reached").count() == 0
            assert page.locator('[data-testid="stException"]').count() == 0
            listed = _data_page_indices(page)
            assert "Government AI Readiness Index" in listed, listed
        finally:
            serving.close()
    finally:
        server.destroy()
