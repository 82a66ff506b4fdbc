"""`python -m metrics report` and the Report page (AppTest) on a real database."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import pytest
import streamlit as st
from openpyxl import load_workbook
from pptx import Presentation
from streamlit.testing.v1 import AppTest

import metrics.reports
from metrics import cli, committee, i18n, services
from metrics.auth import Actor
from metrics.store import open_store
from tests.conftest import ROOT


def test_cli_writes_a_pptx_with_the_chosen_sections(fresh_db, tmp_path):
    out = tmp_path / "slides.pptx"
    result = subprocess.run(
        [sys.executable, "-m", "metrics", "report", "--format", "pptx", "--lang", "en", "--db", str(fresh_db),
         "--sections", "scorecard,headline", "--meeting-date", "2026-01-15", "--out", str(out)],
        cwd=ROOT, capture_output=True, text=True, check=False, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert str(out) in result.stderr
    slides = list(Presentation(str(out)).slides)
    titles = [
        next(s.text_frame.text for s in slide.shapes if s.has_text_frame and s.text_frame.text)
        for slide in slides
    ]
    assert titles[1] == i18n.t("report.section.headline", "en")  # report order, whatever the order typed
    assert i18n.t("report.section.scorecard", "en") in titles
    assert i18n.t("report.section.appendix", "en") not in titles


def test_cli_xlsx_as_of_an_earlier_edition(fresh_db, tmp_path):
    out = tmp_path / "pack.xlsx"
    code = cli.main(["report", "--format", "xlsx", "--lang", "vi", "--as-of", "2023", "--db", str(fresh_db),
                     "--meeting-date", "2024-06-01", "--out", str(out)])  # fmt: skip
    assert code == 0
    book = load_workbook(out)
    header, *rows = list(book[i18n.t("report.xlsx.scorecard", "vi")].iter_rows(values_only=True))
    edition = header.index(i18n.t("report.col.edition", "vi"))
    store = open_store(fresh_db)
    # the report judges by the strategy in force on its meeting date (Decision 127 in June 2024)
    strategy = committee.in_force_on(committee.strategies(store), dt.date(2024, 6, 1)).strategy_id
    expected = {
        a.target_id: a.as_of_edition
        for a in services.assess_targets(store, strategy_id=strategy, as_of=2023, today=dt.date(2024, 6, 1))
    }
    store.close()
    assert {r[0]: r[edition] for r in rows} == expected
    assert {v for k, v in expected.items() if v is not None} == {2023}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--sections", "headline,gossip"], "gossip"),
        (["--meeting-date", "15/01/2026"], "15/01/2026"),
        (["--as-of", "1999"], "1999"),
        (["--group", "NATO"], "NATO"),
    ],
)
def test_cli_rejects_bad_options_with_a_translated_message(fresh_db, tmp_path, capsys, args, message):
    code = cli.main(["report", "--format", "xlsx", "--lang", "vi", "--db", str(fresh_db),
                     "--out", str(tmp_path / "x.xlsx"), *args])  # fmt: skip
    err = capsys.readouterr().err
    assert code == 1
    assert message in err
    assert "error." not in err  # a sentence, not a key
    assert not (tmp_path / "x.xlsx").exists()


@pytest.fixture
def page(fresh_db, monkeypatch):
    monkeypatch.setattr(sys, "argv", ["dashboard.py", "--db", str(fresh_db)])
    st.cache_data.clear()
    calls = []
    real = metrics.reports.build_report

    def counting(store, options=None, **kwargs):
        calls.append(options)
        return real(store, options, **kwargs)

    monkeypatch.setattr(metrics.reports, "build_report", counting)
    at = AppTest.from_file(str(ROOT / "app_pages" / "report.py"), default_timeout=120)
    at.session_state["lang"] = "vi"
    # Exporting needs a signed-in account (data/permissions.toml); anonymous visitors: test_security_text.
    at.session_state["actor"] = Actor(name="vera", role="viewer")
    return at, calls


def test_report_page_generates_once_then_previews_and_offers_three_downloads(page):
    at, calls = page
    at.run()
    assert not at.exception, at.exception
    assert at.title[0].value == i18n.t("report.page.title", "vi")
    assert not at.get("download_button")  # nothing is built before the button is pressed
    at.multiselect(key="report_sections").set_value(["headline", "scorecard"])
    at.radio(key="report_lang").set_value("en")
    at.button(key="report_generate").click().run()
    assert not at.exception, at.exception
    assert len(calls) == 1 and calls[0].lang == "en" and calls[0].sections == ("headline", "scorecard")
    downloads = at.get("download_button")
    assert len(downloads) == 3
    text = "\n".join(m.value for m in at.markdown)
    assert "Viet Nam ranks" in text  # the preview is in the report's language
    at.run()  # a rerun shows the cached report: nothing is rebuilt
    assert len(calls) == 1
    assert len(at.get("download_button")) == 3
    # Changing an option marks the files stale instead of silently rebuilding them.
    at.radio(key="report_lang").set_value("vi").run()
    assert len(calls) == 1
    assert any(i18n.t("report.page.stale", "vi") in i.value for i in at.info)
