"""tests/test_security_permissions.py on the PostgreSQL store (its `db` fixture differs from
tests/test_security_roles.py's, so it runs from a module of its own)."""

from __future__ import annotations

import pytest

from tests.test_security_permissions import *  # noqa: F403


@pytest.fixture
def fresh_db(fresh_pg) -> str:
    return fresh_pg
