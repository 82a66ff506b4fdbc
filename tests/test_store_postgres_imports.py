"""The import tests (tests/test_import_*.py) run again on the PostgreSQL store: the same tests, with
`fresh_db` a private copy of the seeded PostgreSQL database instead of the DuckDB file. Their own
modules keep running them on the DuckDB file. Star imports bring the test functions and their
module fixtures; the `fresh_db` below takes precedence for them all. Only the tests that use
`fresh_db` run here (`RERUN_WITH`, tests/conftest.py): the others read files and touch no store."""

from __future__ import annotations

import pytest

from tests.test_import_analyst_files import *  # noqa: F403
from tests.test_import_bad_files import *  # noqa: F403
from tests.test_import_fastpath import *  # noqa: F403
from tests.test_import_real import *  # noqa: F403
from tests.test_import_trust import *  # noqa: F403
from tests.test_import_versions import *  # noqa: F403

RERUN_WITH = "fresh_db"


@pytest.fixture
def fresh_db(fresh_pg) -> str:
    return fresh_pg
