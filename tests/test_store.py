"""The DuckDB adapter's own rules."""

from __future__ import annotations

import pandas as pd
import pytest

from metrics.store import Store
from metrics.store.connection import TABLES, insert_frame, insert_rows


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


def test_insert_rows_writes_records_by_column_name_with_nulls_and_returns_what_is_asked():
    """The import's writes (versions, their details, new editions and measures) go through
    insert_rows: one statement for all the rows, each column bound as a list."""
    store = Store(":memory:")
    with store.reader() as cur:
        assert insert_rows(cur, "countries", []) == []  # nothing to write is not an error
        returned = insert_rows(
            cur,
            "version_details",
            [
                {"replaced_version": 3, "version_id": 7, "reader": "tidy_csv", "created_edition": False},
                {"replaced_version": None, "version_id": 8, "reader": "phân tích", "created_edition": True},
            ],
            returning="version_id, reader",
        )
        assert returned == [(7, "tidy_csv"), (8, "phân tích")]
        assert cur.execute(
            "SELECT version_id, replaced_version, created_edition, mapping FROM version_details ORDER BY 1"
        ).fetchall() == [(7, 3, False, "{}"), (8, None, True, "{}")]  # by name; defaults for the rest


@pytest.mark.parametrize(
    ("table", "row", "returning"),
    [
        ("countries; DROP TABLE versions", {"iso3": "VNM"}, None),
        ("countries", {"iso3) SELECT 1; --": "VNM"}, None),
        ("countries", {"iso3": "VNM"}, "iso3; DROP TABLE versions"),
    ],
)
def test_insert_rows_refuses_a_name_that_is_not_a_plain_identifier(table, row, returning):
    store = Store(":memory:")
    with store.reader() as cur, pytest.raises(ValueError):
        insert_rows(cur, table, [row], returning=returning)
    with store.reader() as cur:
        assert cur.execute("SELECT count(*) FROM versions").fetchall() == [(0,)]  # still there


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
