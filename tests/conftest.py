"""Shared fixtures (a real DuckDB file seeded by the app's own loader from data/) and the test tiers.

Tiers. `make test-fast` runs `-m "not slow and not e2e"`: the pure core and the store, in-process.
The markers are set here, from what each test module imports, so a new test lands in its tier
without thought: a module that imports anything in SLOW_IMPORTS (a subprocess, Streamlit's AppTest,
the report writers, the import pipeline on real spreadsheets, the CLI, password hashing) is `slow`,
everything under tests/e2e/ is `e2e` (a real browser against a server), a test that uses a
PostgreSQL fixture (PG_FIXTURES) is `slow`, and every other test is fast. A single test that is
slow for another reason takes `@pytest.mark.slow` by hand.
"""

from __future__ import annotations

import ast
import functools
import os
import shutil
import sys
from pathlib import Path

import pytest
from argon2 import PasswordHasher

from metrics import auth
from metrics.store import Store, open_store

# Argon2id at the product's cost (RFC 9106 low memory: 64 MiB, 3 passes, 4 lanes) took 0.13 s a
# hash or a verification here, about 0.2 s under the suite's load: 248 of them in the test processes,
# about 54 worker-seconds of the suite (2026-12-03). The test processes hash with the same algorithm
# and code at the least cost; the processes they start (dashboards, `python -m metrics`) keep the
# product's. tests/test_auth.py checks the product's parameters and its timing equaliser, kept here.
PRODUCT_PASSWORD_HASHING = (auth.product_hasher(), auth._DUMMY_HASH)
auth._HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
auth._DUMMY_HASH = auth._HASHER.hash("not a password: timing equaliser")

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
E2E = ROOT / "tests" / "e2e"
# A module importing one of these (or a submodule) starts or renders something whole.
SLOW_IMPORTS = (
    "subprocess",  # python -m metrics, streamlit run, lint-imports in a child process
    "streamlit",  # AppTest runs a page script
    "playwright",
    "metrics.reports",  # builds and renders PPTX/PDF/XLSX (a warm Chromium for the PDF's charts)
    "metrics.ingest.pipeline",  # whole imports, most of them of the real publisher workbooks
    "metrics.ingest.workbook",
    "tests.test_import_helpers",
    "tests.pages_support",  # the page tests' helpers: the tests run pages through AppTest
    "metrics.cli",  # whole commands
    "tests.cli_runner",  # whole commands, in-process
    "metrics.store.users",  # accounts: every password is hashed with Argon2id, slow on purpose
    "argon2",
)


@functools.cache
def _imports(path: Path) -> frozenset[str]:
    """Every module a test file imports, at the top or inside a function."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return frozenset(names)


def tier_of(path: Path) -> str:
    """ "e2e", "slow" or "fast" for a test file (see the module docstring)."""
    if E2E in path.parents:
        return "e2e"
    if any(name == slow or name.startswith(slow + ".") for name in _imports(path) for slow in SLOW_IMPORTS):
        return "slow"
    return "fast"


# A test that uses one of these needs a PostgreSQL server (a throw-away cluster): never fast.
PG_FIXTURES = frozenset({"pg_server", "pg_seeded_template", "fresh_pg"})


def pytest_xdist_auto_num_workers(config) -> int:
    """`-n auto` (pyproject.toml): one worker more than there are cores. A browser, server or
    subprocess test spends much of its time waiting on another process, and with one worker per
    core the cores were idle about 30% of the suite (2 cores: 587 s with 2 workers, 540 s with 3)."""
    return (os.cpu_count() or 1) + 1


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    _drop_reruns_that_would_repeat(config, items)
    for item in items:
        tier = tier_of(Path(item.fspath))
        if tier == "fast" and PG_FIXTURES & set(getattr(item, "fixturenames", ())):
            tier = "slow"
        if tier != "fast":
            item.add_marker(getattr(pytest.mark, tier))
    if os.environ.get("PYTEST_XDIST_WORKER"):
        _longest_files_first(items)


def _longest_files_first(items: list[pytest.Item]) -> None:
    """In parallel, the workers take the files in this order (`--dist loadfile`, with xdist's own
    reordering off in pyproject.toml): the browser files first, then the slow ones, each tier with
    its most tests first, so no long file starts when the others are nearly done. xdist's order, most
    tests first, put the browser files last (few tests, each a minute of walking): the last worker
    ran 40 s after the others had finished (2026-12-04)."""
    rank = {"e2e": 0, "slow": 1}
    tiers: dict[str, int] = {}
    counts: dict[str, int] = {}
    first: dict[str, int] = {}
    for index, item in enumerate(items):
        path = item.nodeid.split("::", 1)[0]
        tier = min((rank[m.name] for m in item.iter_markers() if m.name in rank), default=2)
        tiers[path] = min(tiers.get(path, 2), tier)
        counts[path] = counts.get(path, 0) + 1
        first.setdefault(path, index)
    position = {path: (tiers[path], -counts[path], first[path]) for path in first}
    items.sort(key=lambda item: position[item.nodeid.split("::", 1)[0]])


def _drop_reruns_that_would_repeat(config: pytest.Config, items: list[pytest.Item]) -> None:
    """A module that runs other modules' tests again on another store (`RERUN_WITH = "fresh_db"`,
    tests/test_store_postgres_imports.py) keeps only the tests that use that fixture: the others
    never touch a store and would run the same thing twice."""
    kept, dropped = [], []
    for item in items:
        fixture = getattr(getattr(item, "module", None), "RERUN_WITH", None)
        if fixture is None or fixture in getattr(item, "fixturenames", ()):
            kept.append(item)
        else:
            dropped.append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


@pytest.fixture(scope="session")
def seeded_db_file(tmp_path_factory) -> Path:
    """A seeded database file, built once per session; copy it before writing to it."""
    path = tmp_path_factory.mktemp("db") / "seeded.duckdb"
    store = open_store(path)
    store.close()
    return path


@pytest.fixture(scope="session")
def store(seeded_db_file) -> Store:
    """Read-only use: the seeded store shared by the session's tests."""
    return open_store(seeded_db_file)


@pytest.fixture
def fresh_db(seeded_db_file, tmp_path) -> Path:
    """A private copy of the seeded database for tests that write."""
    path = tmp_path / "fresh.duckdb"
    shutil.copy(seeded_db_file, path)
    return path


# --- PostgreSQL (tests/pgserver.py): a throw-away cluster per test process -------------------------


@pytest.fixture(scope="session")
def pg_server():
    """A PostgreSQL cluster of this test process (each xdist worker starts its own)."""
    from tests import pgserver

    reason = pgserver.missing_reason()
    if reason:
        pytest.skip(reason)
    server = pgserver.start_server()
    yield server
    server.destroy()


@pytest.fixture(scope="session")
def pg_seeded_template(pg_server) -> str:
    """A database seeded by the app's own loader, once per session; tests copy it (fresh_pg)."""
    url = pg_server.new_database()
    open_store(url).close()
    return url.rsplit("/", 1)[1]


@pytest.fixture
def fresh_pg(pg_server, pg_seeded_template, tmp_path, monkeypatch) -> str:
    """The URL of a private copy of the seeded PostgreSQL database, for tests that write (its
    restore points and default backups go to the test's folder)."""
    monkeypatch.setenv("AI_DASHBOARD_STATE_DIR", str(tmp_path / "state"))
    return pg_server.copy_database(pg_seeded_template)


@pytest.fixture(params=["duckdb", pytest.param("postgresql", marks=pytest.mark.slow)])
def fresh_store_path(request, tmp_path) -> str:
    """A fresh seeded database on each store: a DuckDB file, then a PostgreSQL database (a server:
    the slow tier, like every test that starts one)."""
    if request.param == "duckdb":
        return str(request.getfixturevalue("fresh_db"))
    return request.getfixturevalue("fresh_pg")


@pytest.fixture
def open_page(store, seeded_db_file, monkeypatch):
    """open_page(page, lang, db=None, actor=None, strategy=OLD) -> AppTest after its first run of
    that page; strategy=None: the default (the strategy in force). For the tests/test_pages_*.py
    files (a module may define its own open_page, as test_committee_pages.py does)."""
    from tests.pages_support import OLD, first_run  # here, not at the top: most tests open no page

    def _open(page: str, lang: str, db=None, actor=None, strategy: str | None = OLD):
        monkeypatch.setattr(sys, "argv", ["dashboard.py", "--db", str(db or seeded_db_file)])
        return first_run(page, lang, actor=actor, strategy=strategy)

    return _open
