"""A viewer cannot import, roll back or edit: not through the pages, not through the services.

Hiding a page is not authorisation, so the protected pages are run directly (as if someone typed
their address) with a viewer in the session, and every service that changes data is called
directly with a viewer: each refuses, and the database is left exactly as it was.
"""

from __future__ import annotations

import datetime as dt
import sys

import pytest
from streamlit.testing.v1 import AppTest

from metrics import services
from metrics.auth import ANONYMOUS, Actor
from metrics.errors import PermissionDenied
from metrics.ingest import pipeline
from metrics.models import ProgressRecord, Target
from metrics.store import imports as store_imports
from metrics.store import open_store, queries
from metrics.store import users as accounts
from tests.conftest import ROOT

VIEWER = Actor(name="vera", role="viewer")
ANALYST = Actor(name="ana", role="analyst")
GOOD_FILE = ROOT / "tests" / "fixtures" / "good" / "vi_long_utf8.csv"


def _fingerprint(store) -> tuple:
    with store.reader() as cur:
        return (
            store.data_version(),
            cur.execute("SELECT count(*), max(event_id) FROM audit_log").fetchall()[0],
            cur.execute("SELECT count(*) FROM versions WHERE is_current").fetchall()[0][0],
            cur.execute("SELECT count(*), sum(value) FROM observations").fetchall()[0],
            cur.execute("SELECT count(*) FROM progress_records").fetchall()[0][0],
            cur.execute("SELECT count(*) FROM targets").fetchall()[0][0],
            cur.execute("SELECT count(*) FROM country_aliases").fetchall()[0][0],
            cur.execute("SELECT count(*) FROM users").fetchall()[0][0],
        )


@pytest.fixture
def db(fresh_db):
    store = open_store(fresh_db)
    yield store
    store.close()


def _calls(store):
    """Every data-changing entry point, as a caller without the role would reach it."""
    counted = queries.targets(store)
    counted_id = counted.loc[counted["kind"] != "rank", "target_id"].iloc[0]
    old_version = int(queries.versions(store, "GAIRI")["version_id"].iloc[0])
    options = pipeline.ImportOptions(index_id="GAIRI", edition_year=2023)
    source = pipeline.read_source(GOOD_FILE.read_bytes(), GOOD_FILE.name, options)
    record = ProgressRecord(
        target_id=counted_id, recorded_on=dt.date(2026, 1, 1), value=3, source_url="https://example.org/a"
    )
    target = Target(
        strategy_id="VN_AI_2021",
        target_id="fake_target",
        horizon_year=2030,
        kind="count",
        comparator=">=",
        target_value=10,
        text_vi="Mục tiêu giả",
        text_en="Fake target",
    )
    return {
        "import preview": lambda who: pipeline.preview(store, who, source, options),
        "import commit": lambda who: pipeline.commit(store, who, source, options),
        "import file": lambda who: pipeline.import_file(store, who, GOOD_FILE, options),
        "rollback": lambda who: store_imports.rollback(store, who, old_version),
        "alias": lambda who: pipeline.add_alias(store, who, "Việt Nam XHCN", "VNM"),
        "progress record": lambda who: services.add_progress_record(store, who, record),
        "target": lambda who: services.add_target(store, who, target),
        "account": lambda who: accounts.add_account(store, who, "mallory", "admin", "mallory's password"),
    }


@pytest.mark.parametrize("who", [ANONYMOUS, VIEWER])
def test_services_refuse_viewers_and_change_nothing(db, who):
    before = _fingerprint(db)
    for name, call in _calls(db).items():
        with pytest.raises(PermissionDenied) as err:
            call(who)
        assert err.value.params["role"] == "viewer", name
    assert _fingerprint(db) == before


def test_analysts_pass_the_same_checks(db):
    # The same calls do get past the role check for an analyst (so the test above tests the role).
    calls = _calls(db)
    pipeline.preview(db, ANALYST, *_source_and_options())
    calls["progress record"](ANALYST)
    with pytest.raises(PermissionDenied):
        calls["account"](ANALYST)  # accounts need an administrator


def _source_and_options():
    options = pipeline.ImportOptions(index_id="GAIRI", edition_year=2023)
    return pipeline.read_source(GOOD_FILE.read_bytes(), GOOD_FILE.name, options), options


# --- through the pages --------------------------------------------------------------------------


def _page(script: str, who: Actor | None, fresh_db, monkeypatch, lang: str = "en") -> AppTest:
    monkeypatch.setattr(sys, "argv", ["dashboard.py", "--db", str(fresh_db)])
    at = AppTest.from_file(str(ROOT / "app_pages" / script), default_timeout=60)
    at.session_state["lang"] = lang
    if who is not None:
        at.session_state["actor"] = who
    return at.run()


@pytest.mark.parametrize("who", [None, ANONYMOUS, VIEWER])
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_the_import_page_stops_viewers_at_its_top(fresh_db, monkeypatch, who, lang):
    at = _page("import_data.py", who, fresh_db, monkeypatch, lang)
    assert not at.exception
    assert len(at.warning) + len(at.error) == 1  # the permission message, and nothing else
    assert not at.get("file_uploader") and not at.button and not at.dataframe


def test_the_import_page_opens_for_analysts(fresh_db, monkeypatch):
    at = _page("import_data.py", ANALYST, fresh_db, monkeypatch)
    assert not at.exception
    assert at.get("file_uploader")


@pytest.mark.parametrize("who", [ANONYMOUS, VIEWER])
def test_the_targets_page_shows_no_edit_form_to_viewers(fresh_db, monkeypatch, who):
    """The evidence forms (add, correct or withdraw a record) and the target-set upload: no input
    of theirs is drawn for a viewer, so nothing can be submitted; an analyst gets every one."""

    def form_keys(at: AppTest) -> set[str]:
        widgets = (*at.selectbox, *at.number_input, *at.text_input, *at.radio, *at.date_input)
        keys = {w.key for w in widgets if w.key}
        keys |= {w.key for w in at.get("file_uploader") if w.key}
        return {k for k in keys if k.startswith(("evidence_", "targets_upload"))}

    at = _page("targets.py", who, fresh_db, monkeypatch)
    assert not at.exception
    assert not form_keys(at)
    assert not at.get("form") and not at.get("form_submit_button")
    analyst = _page("targets.py", ANALYST, fresh_db, monkeypatch)
    assert not analyst.exception
    expected = {"evidence_add_kind", "evidence_add_value", "evidence_add_fit", "evidence_add_source"}
    assert expected | {"targets_upload"} <= form_keys(analyst)


@pytest.mark.parametrize("who", [ANONYMOUS, VIEWER, ANALYST])
def test_the_admin_page_stops_non_admins(fresh_db, monkeypatch, who):
    at = _page("admin.py", who, fresh_db, monkeypatch)
    assert not at.exception
    assert len(at.warning) + len(at.error) == 1 and not at.dataframe and not at.button
