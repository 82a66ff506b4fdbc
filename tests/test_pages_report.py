"""The Report page: its default edition is the latest with Viet Nam's total.

Through Streamlit's AppTest on the seeded database, in Vietnamese and English where marked
(the open_page fixture is in tests/conftest.py, the shared helpers in tests/pages_support.py)."""

from __future__ import annotations

import sys

from metrics.store import open_store
from tests.conftest import ROOT
from tests.pages_support import ANALYST, first_run


def test_report_page_defaults_to_the_latest_edition_with_viet_nams_total(fresh_db, monkeypatch):
    from tests.test_import_helpers import run_import

    store = open_store(fresh_db)
    run_import(
        store, ROOT / "tests" / "fixtures" / "bad" / "vi_total_unknown_cp1258.csv", allow_no_headline=True
    )
    store.close()
    monkeypatch.setattr(sys, "argv", ["dashboard.py", "--db", str(fresh_db)])
    at = first_run("report", "en", actor=ANALYST)
    assert at.selectbox(key="report_as_of").value == 2025
    at.selectbox(key="report_as_of").set_value(2026).run()
    at.button(key="report_generate").click().run()
    assert not at.exception
    assert any("2026" in e.value and "no total score" in e.value for e in at.error)
