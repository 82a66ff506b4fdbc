"""The Import page through Streamlit's AppTest, in Vietnamese and English: only analysts get the
form; an upload shows the mapping, problems and changes; confirm writes a version; the history
compares and rolls back."""

from __future__ import annotations

import re
import sys

import pytest
from streamlit.testing.v1 import AppTest

from metrics.store import open_store
from metrics.store import queries as q
from tests.conftest import ROOT
from tests.pages_support import first_run
from tests.test_import_helpers import ANALYST, IMPORTS, RAW, VIEWER

GAIRI_2021 = RAW / "oxford_insights_gairi_2021_public-dataset.xlsx"


@pytest.fixture
def page(fresh_db, monkeypatch):
    """page(lang, actor) -> the Import page after its first run, on a private database copy."""

    def _open(lang: str, actor=ANALYST) -> AppTest:
        monkeypatch.setattr(sys, "argv", ["dashboard.py", "--db", str(fresh_db)])
        return first_run("import_data", lang, actor=actor, timeout=120)

    return _open


def _text(at: AppTest) -> str:
    parts = []
    for kind in ("title", "subheader", "markdown", "caption", "info", "warning", "success", "error"):
        parts += [str(e.value) for e in getattr(at, kind)]
    for frame in at.dataframe:
        value = frame.value
        parts += [str(c) for c in value.columns] + [str(v) for v in value.astype(str).to_numpy().ravel()]
    # Markdown elements carry data escaped so it shows literally ("pillar\_government");
    # compare what the reader sees.
    return re.sub(r"\\([\\`*_{}\[\]()#+\-.!|<>~])", r"\1", "\n".join(parts))


def _upload(at: AppTest, path, edition: int | None) -> AppTest:
    if edition is not None:
        at.number_input(key="import_edition").set_value(edition)
    at.file_uploader(key="import_file").upload(path.name, path.read_bytes())
    at.run()
    assert not at.exception, [e.message for e in at.exception]
    return at


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_viewers_get_no_form(fresh_db, monkeypatch, lang):
    monkeypatch.setattr(sys, "argv", ["import_data.py", "--db", str(fresh_db)])
    at = AppTest.from_file(str(ROOT / "app_pages" / "import_data.py"), default_timeout=60)
    at.session_state["lang"] = lang
    at.session_state["actor"] = VIEWER
    at.run()
    assert not at.exception
    expected = {"vi": "Trang này dành cho chuyên viên phân tích.", "en": "This page is for analysts."}[lang]
    assert expected in at.warning[0].value
    assert len(at.file_uploader) == 0 and len(at.button) == 0


@pytest.mark.parametrize(
    ("lang", "problems", "message", "alias_label"),
    [
        ("vi", "Lỗi (3)", "Tên quốc gia chưa nhận ra (các dòng 3).", "“Vietnm” là"),
        ("en", "Problems (3)", "Unknown country name (rows 3).", "“Vietnm” means"),
    ],
)
def test_a_bad_file_shows_every_problem_and_cannot_be_confirmed(
    page, fresh_db, lang, problems, message, alias_label
):
    at = _upload(page(lang), IMPORTS / "several_problems.csv", 2023)
    text = _text(at)
    assert problems in text and message in text
    assert at.button(key="import_confirm").disabled
    assert at.selectbox(key="import_alias_pick_0").label == alias_label


def test_keeping_an_alias_from_the_page_makes_the_name_known(page, fresh_db):
    at = _upload(page("en"), IMPORTS / "unknown_country.csv", 2023)
    at.selectbox(key="import_alias_pick_0").set_value("VNM").run()
    at.button(key="import_alias_keep_0").click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert "“Vietnm” will now be read as VNM." in _text(at)
    store = open_store(fresh_db)
    try:
        assert "Vietnm" in set(q.country_aliases(store)["alias"])
    finally:
        store.close()


def test_confirming_a_publisher_file_writes_a_version_and_history_rolls_it_back(page, fresh_db):
    # version ids follow the seed (how many editions data/ holds), so they are read, not written in
    store = open_store(fresh_db)
    try:
        seeded = int(next(iter(set(q.observations(store, "GAIRI", 2021)["version_id"]))))
        new = int(q.versions(store)["version_id"].max()) + 1
    finally:
        store.close()
    at = _upload(page("en"), GAIRI_2021, 2021)
    text = _text(at)
    assert "publisher spreadsheet" in text and "Replaces the current version" in text
    # each detected column is shown with the measure it feeds, so a wrong match can be seen
    assert "Government → pillar_government" in text and "Vision → dim_vision" in text
    assert (
        "0 values changed, 0 published ranks changed, 0 countries added, 0 removed, 2,237 unchanged" in text
    )
    at.button(key="import_confirm").click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert f"Imported: 2021 as version {new}." in _text(at)
    store = open_store(fresh_db)
    try:
        assert set(q.observations(store, "GAIRI", 2021)["version_id"]) == {new}
    finally:
        store.close()

    at.selectbox(key="import_history_index").set_value("GAIRI").run()
    history = next(f.value for f in at.dataframe if "SHA-256" in f.value.columns)
    assert "oxford_insights_gairi_2021_public-dataset.xlsx" in set(history["File"])
    at.selectbox(key="import_rollback_pick").set_value(seeded)
    at.checkbox(key="import_rollback_sure").check().run()
    at.button(key="import_rollback").click().run()
    assert not at.exception, [e.message for e in at.exception]
    assert f"Version {seeded} (GAIRI 2021) is current again." in _text(at)
    store = open_store(fresh_db)
    try:
        assert set(q.observations(store, "GAIRI", 2021)["version_id"]) == {seeded}
    finally:
        store.close()


def test_vietnamese_preview_uses_decimal_comma_and_translated_labels(page):
    at = _upload(page("vi"), GAIRI_2021, 2021)
    text = _text(at)
    assert "bảng tính của nhà xuất bản" in text and "Thay phiên bản hiện hành" in text
    assert "2.237" in text and "Thang điểm 0–100, theo kỳ công bố" in text


@pytest.mark.parametrize(
    ("lang", "said"), [("vi", "dấu thập phân: dấu phẩy (54,48)"), ("en", "decimal mark: comma (54,48)")]
)
def test_the_preview_says_how_a_text_file_was_read(page, tmp_path, lang, said):
    """Delimiter, encoding and decimal mark: what an analyst checks when numbers look wrong."""
    path = tmp_path / "gairi_2023_vn.csv"
    path.write_text("country;year;value\nViet Nam;2023;54,48\nThái Lan;2023;63,03\n", encoding="utf-8")
    text = _text(_upload(page(lang), path, 2023))
    assert said in text and "utf-8" in text and "“;”" in text
