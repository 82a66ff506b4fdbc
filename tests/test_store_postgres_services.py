"""Accounts, sign-in, roles, evidence, strategies and the committee's services run again on the
PostgreSQL store: the same test functions as their own modules (which keep running them on the
DuckDB file), with `fresh_db` a private copy of the seeded PostgreSQL database. Tests that open
the DuckDB file directly (to fake an old database) stay with the file."""

from __future__ import annotations

import pytest

from tests.test_auth import *  # noqa: F403
from tests.test_committee import *  # noqa: F403
from tests.test_dataset import *  # noqa: F403
from tests.test_evidence_cli import *  # noqa: F403
from tests.test_security_roles import *  # noqa: F403
from tests.test_strategy import *  # noqa: F403

# These edit the DuckDB file with duckdb.connect to fake a database seeded from older data.
for _name in (
    "test_a_database_seeded_before_1671_is_upgraded_on_open",
    "test_seed_upgrades_a_database_seeded_from_older_data",
):
    del globals()[_name]


@pytest.fixture
def fresh_db(fresh_pg) -> str:
    return fresh_pg
