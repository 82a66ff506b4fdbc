"""Shared fixtures (a real DuckDB file seeded by the app's own loader from data/) and the test tiers.

Tiers. `make test-fast` runs `-m "not slow and not e2e"`: the pure core and the store, in-process.
The markers are set here, from what each test module imports, so a new test lands in its tier
without thought: a module that imports anything in SLOW_IMPORTS (a subprocess, Streamlit's AppTest,
the report writers, the import pipeline on real spreadsheets, the CLI, password hashing) is `slow`,
everything under tests/e2e/ is `e2e` (a real browser against a server), and every other test is
fast. A single test that is slow for another reason takes `@pytest.mark.slow` by hand.
"""

from __future__ import annotations

import ast
import functools
import shutil
import sys
from pathlib import Path

import pytest

from metrics.store import Store, open_store

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
    "metrics.store.users",  # accounts: every password is hashed with Argon2id, slow on purpose
    "argon2",
)


@functools.cache
def _imports(path: Path) -> frozenset[str]:
    """Every module a test file imports, at the top or inside a function."""
    names = set()
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


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        tier = tier_of(Path(item.fspath))
        if tier != "fast":
            item.add_marker(getattr(pytest.mark, tier))


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


@pytest.fixture
def open_page(store, seeded_db_file, monkeypatch):
    """open_page(page, lang, db=None, actor=None, strategy=OLD) -> AppTest after its first run of
    that page; strategy=None: the default (the strategy in force). For the tests/test_pages_*.py
    files (a module may define its own open_page, as test_committee_pages.py does)."""
    from streamlit.testing.v1 import AppTest  # here, not at the top: most tests open no page

    from tests.pages_support import OLD

    def _open(page: str, lang: str, db=None, actor=None, strategy: str | None = OLD) -> AppTest:
        monkeypatch.setattr(sys, "argv", ["dashboard.py", "--db", str(db or seeded_db_file)])
        at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=90)
        at.query_params["lang"] = lang
        if strategy is not None:
            at.session_state["strategy_choice"] = strategy
        if actor is not None:
            at.session_state["actor"] = actor
        at.run()
        if page != "overview":
            at.switch_page(f"app_pages/{page}.py").run()
        assert not at.exception, [e.message for e in at.exception]
        return at

    return _open
