"""`make serve`: two dashboard processes behind Debian's nginx (deploy/serve.py), on one DuckDB file
and on one PostgreSQL database (a throw-away cluster, tests/pgserver.py).

Each browser stays on one process (a cookie); an import shows on every process; a process killed
mid-page leaves the others serving, nginx sends new sessions (and the killed one's browser) to
them, and the supervisor starts it again."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from http.cookies import SimpleCookie

import pytest

from tests.conftest import ROOT
from tests.e2e.conftest import _free_port
from tests.e2e.conftest import _settled as settled

pytestmark = pytest.mark.e2e
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
CSV = """country,year,measure,value
Viet Nam,2024,total,12.5
Thailand,2024,total,22.5
"""
NAME = "Served everywhere check"


def _get(url: str, cookie: str | None = None) -> tuple[int, str, str | None]:
    """(status, worker that answered, the client cookie nginx set, if any)."""
    request = urllib.request.Request(url, headers={"Cookie": f"dashboard_client={cookie}"} if cookie else {})
    with urllib.request.urlopen(request, timeout=30) as r:
        jar = SimpleCookie(r.headers.get("Set-Cookie", ""))
        got = jar["dashboard_client"].value if "dashboard_client" in jar else None
        return r.status, r.headers.get("X-Dashboard-Worker", ""), got


@pytest.fixture(scope="module", params=["duckdb", "postgresql"])
def served(request, seeded_db_file, tmp_path_factory):
    if not os.path.exists(NGINX):
        pytest.fail("nginx is missing: install Debian's nginx (make sysdeps)")
    folder = tmp_path_factory.mktemp("serve")
    if request.param == "duckdb":
        db = str(folder / "served.duckdb")
        shutil.copy(seeded_db_file, db)
    else:
        pg_server = request.getfixturevalue("pg_server")
        db = pg_server.copy_database(request.getfixturevalue("pg_seeded_template"))
    # the restore point before each import goes here, not into the checkout's var/
    env = {**os.environ, "AI_DASHBOARD_STATE_DIR": str(folder / "state")}
    port = _free_port()
    while any(_port_busy(port + i) for i in range(1, 3)):
        port = _free_port()
    log = open(folder / "serve.log", "wb")  # noqa: SIM115 - closed below
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "deploy" / "serve.py"), "--workers", "2", "--port", str(port),
         "--db", db, "--dir", str(folder / "run")],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while b"serving http" not in (folder / "serve.log").read_bytes():
            assert proc.poll() is None, (folder / "serve.log").read_text()
            assert time.monotonic() < deadline, "make serve did not come up"
            time.sleep(0.5)
        yield {"url": url, "db": db, "env": env, "dir": folder / "run", "ports": [port + 1, port + 2]}
    finally:
        os.killpg(proc.pid, signal.SIGTERM)  # the supervisor stops its workers and nginx
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
        log.close()


def _port_busy(port: int) -> bool:
    import socket

    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def test_each_browser_stays_on_one_worker_and_both_are_used(served):
    seen = set()
    for _ in range(12):
        status, worker, cookie = _get(served["url"] + "/")
        assert status == 200 and cookie
        seen.add(worker)
        for path in ("/", "/_stcore/health", "/data"):
            assert _get(served["url"] + path, cookie)[1] == worker
    assert seen == {f"127.0.0.1:{p}" for p in served["ports"]}


def _settled(page) -> None:
    settled(page, timeout=90_000)  # a worker's first page, on a cold cache, while the other starts


def _index_options(page) -> str:
    page.locator('[data-testid="stMain"] [data-testid="stSelectbox"]').first.click()
    listbox = page.locator('[role="listbox"]').first
    listbox.wait_for()
    text = listbox.inner_text()
    page.keyboard.press("Escape")
    return text


def test_an_import_shows_on_every_worker(served, browser, tmp_path):
    contexts = [browser.new_context(viewport={"width": 1280, "height": 900}) for _ in served["ports"]]
    try:
        pages = []
        for ctx, port in zip(contexts, served["ports"], strict=True):
            page = ctx.new_page()
            page.goto(f"http://127.0.0.1:{port}/data?lang=en")
            _settled(page)
            assert NAME not in _index_options(page)
            pages.append(page)
        source = tmp_path / "served_2024.csv"
        source.write_text(CSV, encoding="utf-8")
        done = subprocess.run(
            [sys.executable, "-m", "metrics", "import", str(source), "--index", "SERVED_CHECK", "--name", NAME,
             "--unit", "points", "--source-url", "https://example.org/served", "--db", served["db"]],
            cwd=ROOT, env=served["env"], capture_output=True, text=True, timeout=180,
        )  # fmt: skip
        assert done.returncode == 0, done.stdout + done.stderr
        for page in pages:
            page.locator('[data-testid="stSidebarNav"]').get_by_text("Data", exact=True).click()
            _settled(page)
            # Streamlit shows its running widget only a moment after the click, so a settled page
            # may still be the old run: the new options must come within a few seconds, not at once
            deadline = time.monotonic() + 20
            while NAME not in (options := _index_options(page)) and time.monotonic() < deadline:
                page.wait_for_timeout(500)
            assert NAME in options
    finally:
        for ctx in contexts:
            ctx.close()


def test_a_worker_killed_mid_page_leaves_the_others_serving(served, browser):
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        page = ctx.new_page()
        answered = []
        page.on("response", lambda r: answered.append(r.headers.get("x-dashboard-worker", "")))
        page.goto(served["url"] + "/?lang=en")
        _settled(page)
        victim = answered[0]
        pids = json.loads((served["dir"] / "workers.json").read_text())
        victim_pid = pids[victim.rsplit(":", 1)[1]]
        # Mid-page: ask for another page and kill the worker while it runs.
        page.locator('[data-testid="stSidebarNav"]').get_by_text("Rankings", exact=True).click()
        os.kill(victim_pid, signal.SIGKILL)
        # New sessions all land on the surviving worker.
        for _ in range(8):
            status, worker, _cookie = _get(served["url"] + "/")
            # $upstream_addr lists every worker tried: the answer came from the last one.
            assert status == 200 and worker and worker.split(", ")[-1] != victim
        # The killed worker's browser reconnects through nginx to a live one and draws the page.
        page.reload()
        _settled(page)
        assert page.locator('[data-testid="stException"]').count() == 0
        assert page.locator('[data-testid="stMain"] h1').first.inner_text().strip()
    finally:
        ctx.close()
    # The supervisor starts the killed worker again.
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        pids = json.loads((served["dir"] / "workers.json").read_text())
        if pids[victim.rsplit(":", 1)[1]] != victim_pid:
            break
        time.sleep(0.5)
    else:
        pytest.fail("the killed worker was not started again")
