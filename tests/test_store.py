"""The DuckDB adapter's own rules."""

from __future__ import annotations

import pandas as pd
import pytest

from metrics.store import Store
from metrics.store.connection import TABLES, insert_frame


def test_only_schema_tables_can_be_named_in_an_insert():
    assert {"observations", "versions", "audit_log", "users"} <= TABLES
    store = Store(":memory:")
    with store.reader() as cur, pytest.raises(ValueError, match="not a table of the schema"):
        insert_frame(cur, "observations; DROP TABLE versions", pd.DataFrame({"iso3": ["VNM"]}))


def test_insert_frame_writes_rows_by_column_name():
    store = Store(":memory:")
    frame = pd.DataFrame({"name_vi": ["Việt Nam"], "iso3": ["VNM"], "iso2": ["VN"], "name_en": ["Viet Nam"]})
    with store.reader() as cur:
        insert_frame(cur, "countries", frame)
        insert_frame(cur, "countries", frame.iloc[0:0])  # nothing to write is not an error
        assert cur.execute("SELECT iso3, iso2, name_en, name_vi FROM countries").fetchall() == [
            ("VNM", "VN", "Viet Nam", "Việt Nam")
        ]


def test_a_write_can_leave_the_data_version_alone(fresh_store_path):
    """Sign-in events are audited but change no figure: they must not empty every page's cache.
    On both stores (the DuckDB file and PostgreSQL)."""
    from metrics.store import open_store

    store = open_store(fresh_store_path)
    before = store.data_version()
    with store.transaction("someone", "sign_in", {"ok": True}, bump_data_version=False):
        pass
    assert store.data_version() == before
    with store.transaction("someone", "edit", {}):
        pass
    assert store.data_version() == before + 1
    with store.reader() as cur:
        actions = [
            r[0]
            for r in cur.execute("SELECT action FROM audit_log ORDER BY event_id DESC LIMIT 2").fetchall()
        ]
    assert actions == ["edit", "sign_in"]
