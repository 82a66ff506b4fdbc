"""The Import page (AppTest): a column whose header the catalog does not know is mapped to the total
in the preview, the import is confirmed, the choice is kept for the next file; a version is
withdrawn with a reason; the Administration page lists the restore point taken before the import."""

from __future__ import annotations

import sys

import pytest
from streamlit.testing.v1 import AppTest

from metrics.auth import Actor
from metrics.store import open_store, restore_points
from metrics.store import queries as q
from tests.conftest import FIXTURES
from tests.pages_support import first_run
from tests.test_import_helpers import ANALYST

BAD = FIXTURES / "bad"
VI_FILE = BAD / "vi_total_unknown_cp1258.csv"
ADMIN = Actor(name="admin@example.org", role="admin")


@pytest.fixture
def page(fresh_db, monkeypatch):
    def _open(lang: str, actor=ANALYST, page: str = "import_data") -> AppTest:
        monkeypatch.setattr(sys, "argv", ["dashboard.py", "--db", str(fresh_db)])
        return first_run(page, lang, actor=actor, timeout=120)

    return _open


def _ok(at: AppTest) -> AppTest:
    assert not at.exception, [e.message for e in at.exception]
    return at


def _text(at: AppTest) -> str:
    parts = []
    for kind in ("subheader", "markdown", "caption", "info", "warning", "success", "error"):
        parts += [str(e.value) for e in getattr(at, kind)]
    return "\n".join(parts)


def _mapping_box(at: AppTest, column: str):
    return next(s for s in at.selectbox if s.label.startswith(f"“{column}”"))


@pytest.mark.parametrize(
    ("lang", "blocked", "feeds"),
    [
        ("vi", "Kỳ 2026 chỉ có tổng điểm cho 0 trên 5 quốc gia", "“Mức độ sẵn sàng AI” cung cấp cho"),
        ("en", "Edition 2026 has a total score for 0 of its 5 countries", "“Mức độ sẵn sàng AI” feeds"),
    ],
)
def test_an_unknown_total_is_blocked_then_mapped_confirmed_and_remembered(
    page, fresh_db, lang, blocked, feeds
):
    at = page(lang)
    at.file_uploader(key="import_file").upload(VI_FILE.name, VI_FILE.read_bytes())
    _ok(at.run())
    cells = [str(v) for f in at.dataframe for v in f.value.to_numpy().ravel()]
    assert any(blocked in cell for cell in cells)
    assert at.button(key="import_confirm").disabled
    box = _mapping_box(at, "Mức độ sẵn sàng AI")
    assert box.label == feeds and box.value == "muc_do_san_sang_ai"
    box.set_value("total")
    _ok(at.run())
    _ok(at.run())
    assert _mapping_box(at, "Mức độ sẵn sàng AI").value == "total"
    assert not at.button(key="import_confirm").disabled
    at.button(key="import_confirm").click()
    _ok(at.run())
    store = open_store(fresh_db)
    try:
        scores = q.scores(store, "GAIRI", 2026)
        assert dict(zip(scores["iso3"], scores["value"], strict=True))["VNM"] == 56.12
        with store.reader() as cur:
            aliases = cur.execute("SELECT index_id, header, measure_id FROM measure_aliases").fetchall()
        assert aliases == [("GAIRI", "Mức độ sẵn sàng AI", "total")]
        assert len(restore_points.list_points(store.path)) == 1
    finally:
        store.close()


@pytest.mark.parametrize(
    ("lang", "done"),
    [("vi", "Phiên bản {v} (GAIRI 2026) đã bị rút."), ("en", "Version {v} (GAIRI 2026) is withdrawn.")],
)
def test_the_history_withdraws_the_only_version_of_a_new_edition(page, fresh_db, lang, done):
    from tests.test_import_helpers import run_import

    store = open_store(fresh_db)
    try:
        version = run_import(store, VI_FILE, column_map={"Mức độ sẵn sàng AI": "total"}).versions[0][
            "version_id"
        ]
    finally:
        store.close()
    at = page(lang)
    at.selectbox(key="import_withdraw_pick").set_value(version)
    at.text_input(key="import_withdraw_reason").input("wrong file")
    at.checkbox(key="import_withdraw_sure").check()
    _ok(at.run())
    at.button(key="import_withdraw").click()
    _ok(at.run())
    assert done.format(v=version) in _text(at)
    store = open_store(fresh_db)
    try:
        assert 2026 not in set(q.editions(store, "GAIRI")["edition_year"])
        assert q.audit_log(store, limit=1).iloc[0]["action"] == "withdraw"
    finally:
        store.close()
    # a withdrawn version is offered neither for withdrawal nor for rollback
    assert not [o for o in at.selectbox(key="import_withdraw_pick").options if o.startswith(f"{version} ·")]
    rollback = [s for s in at.selectbox if s.key == "import_rollback_pick"]
    assert all(str(version) not in " ".join(s.options) for s in rollback)


def test_the_administration_page_lists_the_restore_points(page, fresh_db):
    from tests.test_import_helpers import run_import

    store = open_store(fresh_db)
    try:
        run_import(store, VI_FILE, column_map={"Mức độ sẵn sàng AI": "total"})
        (point,) = restore_points.list_points(store.path)
    finally:
        store.close()
    at = page("en", ADMIN, "admin")
    table = next(f.value for f in at.dataframe if "Before" in f.value.columns)
    assert table["Before"].tolist() == ["import vi_total_unknown_cp1258.csv"]
    assert table["File"].tolist() == [point.path]
    assert "the newest 10 are kept" in _text(at)


def test_an_edition_without_totals_can_be_confirmed_explicitly(page, fresh_db):
    at = page("en")
    at.file_uploader(key="import_file").upload(VI_FILE.name, VI_FILE.read_bytes())
    _ok(at.run())
    assert at.button(key="import_confirm").disabled
    allow = next(c for c in at.checkbox if c.key.startswith("import_allow_no_headline_"))
    assert allow.label.startswith("Import this edition without totals")
    allow.check()
    _ok(at.run())
    assert not at.button(key="import_confirm").disabled
    at.button(key="import_confirm").click()
    _ok(at.run())
    store = open_store(fresh_db)
    try:
        editions = q.editions(store, "GAIRI").set_index("edition_year")
        assert not bool(editions.loc[2026, "has_headline"])
        assert q.latest_headline_edition(store, "GAIRI") == 2025
    finally:
        store.close()
