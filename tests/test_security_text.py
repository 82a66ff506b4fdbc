"""Stored text stays text, every report renders any text input allows, the Report page builds
each format apart, an edition without pillars is a message, and exporting follows one setting.

Hostile content goes in the way an analyst or a file would put it (services.add_target, an
import's source URL), then the real pages run through AppTest and the real writers render."""

from __future__ import annotations

import re
import sys

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from metrics import auth, i18n, report_export, safe_text, services, target_sets
from metrics.auth import ANONYMOUS, CLI_ACTOR, Actor
from metrics.errors import PermissionDenied
from metrics.ingest import pipeline
from metrics.models import NOTE_MAX, TEXT_MAX, UNIT_MAX, ProgressRecord, Target
from metrics.reports.model import ReportOptions
from metrics.store import open_store
from tests.conftest import ROOT
from tests.pages_support import first_run

HOSTILE = (
    "![pixel](http://tracker.example/p.png) [official site](http://phish.example/login) "
    ":red[OFFICIAL: achieved] <img src=http://tracker.example/q.png> www.phish.example "
    "\u202eelbisivni\u202c"
)
EVIL_URL = "javascript:alert(1)"

# --- pure helpers ---------------------------------------------------------------------------------


def test_md_leaves_no_markdown_construct_active():
    out = safe_text.md(HOSTILE)
    assert "![" not in out and "](" not in out.replace("\\](", "")
    assert "\\!\\[" not in out  # '!' is harmless once '[' is escaped
    assert "\\[pixel\\]" in out and "\\[official site\\]" in out
    assert ":red\\[" not in out and ":\u200bred\\[" in out  # the colour directive is broken
    assert "\\<img" in out
    assert "www\u200b.phish" in out and "http://\u200btracker" in out  # no bare autolink either
    assert "\u202e" not in out and "\u202c" not in out


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("- not a list", "\\- not a list"),
        ("1. not a list", "1\\. not a list"),
        ("# not a heading", "\\# not a heading"),
        ("T_N * 3", "T\\_N \\* 3"),
        ("54.48 of 100 (2023)", "54.48 of 100 (2023)"),  # ordinary text unchanged
        ("Việt Nam, Côte d'Ivoire", "Việt Nam, Côte d'Ivoire"),
    ],
)
def test_md_escapes_only_what_markdown_would_act_on(text, expected):
    assert safe_text.md(text) == expected


@pytest.mark.parametrize(
    ("url", "link"),
    [
        (
            "https://oxfordinsights.com/ai-readiness/",
            "[oxfordinsights.com](https://oxfordinsights.com/ai-readiness/)",
        ),
        ("http://x.vn/a)b](c", "[x.vn](http://x.vn/a%29b%5D%28c)"),
        ("javascript:alert(1)", "–"),
        ("data:text/html;base64,PHNjcmlwdD4=", "–"),
        ("//evil.example/x", "–"),
        ("https://evil.example/a b", "–"),
        ("https://ev\u202eil.example/", "–"),
        ("", "–"),
    ],
)
def test_source_link_is_built_from_a_validated_http_url_and_shows_the_host(url, link):
    assert safe_text.source_link(url) == link


def test_plain_removes_every_bidi_control():
    for ch in safe_text.BIDI_CONTROLS:
        assert safe_text.plain(f"a{ch}b") == "ab"
    assert safe_text.plain("dòng 1\ndòng\t2") == "dòng 1\ndòng\t2"


# --- pages ----------------------------------------------------------------------------------------


def _hostile_target() -> Target:
    return Target(
        strategy_id="QD127_2021",
        target_id="T2030_HOSTILE",
        horizon_year=2030,
        kind="count",
        comparator=">=",
        target_value=5,
        unit_en="centres",
        unit_vi="trung tâm",
        text_vi=HOSTILE,
        text_en=HOSTILE,
    )


@pytest.fixture
def hostile_db(fresh_db, monkeypatch):
    store = open_store(fresh_db)
    services.add_target(store, CLI_ACTOR, _hostile_target())
    # An edition's source URL as an import could have stored it before URLs were validated.
    with store.transaction("test", "edit_source_url") as cur:
        cur.execute("UPDATE editions SET source_url = ? WHERE index_id = 'GAIRI'", [EVIL_URL])
    store.close()
    monkeypatch.setattr(sys, "argv", ["dashboard.py", "--db", str(fresh_db)])
    st.cache_data.clear()
    return fresh_db


def _page(name: str, lang: str = "en", actor: Actor | None = None, strategy: str | None = None) -> AppTest:
    return first_run(name, lang, actor=actor, strategy=strategy, timeout=120)


def _markdown_sources(at: AppTest) -> list[str]:
    out = []
    for kind in (
        "markdown",
        "caption",
        "info",
        "warning",
        "success",
        "error",
        "subheader",
        "header",
        "title",
    ):
        out += [str(e.value) for e in getattr(at, kind)]
    return out


@pytest.mark.parametrize("page", ["overview", "targets", "methodology", "data", "rankings"])
def test_stored_wordings_and_urls_are_never_active_markdown(hostile_db, page):
    # the hostile target belongs to Decision 127: its pages list it once that strategy is chosen
    at = _page(page, strategy=_hostile_target().strategy_id if page in ("targets", "methodology") else None)
    if page == "targets":
        at.selectbox(key="targets_select").set_value("T2030_HOSTILE").run()
    if page == "methodology":
        at.selectbox(key="methodology_target").set_value("T2030_HOSTILE").run()
    sources = _markdown_sources(at)
    joined = "\n".join(sources)
    assert "\u202e" not in joined
    assert "javascript:" not in joined.replace("javascript\\:", "")
    for text in sources:  # an unescaped link/image closing bracket, HTML tag or directive
        assert not re.search(r"(?<!\\)\]\(https?://(tracker|phish)", text), text
        assert not re.search(r"(?<!\\)<img", text), text
        assert ":red[" not in text, text
    if page == "targets":
        assert any("\\[official site\\]" in s for s in sources)  # the wording is shown, literally


def test_a_valid_source_shows_its_host_as_the_link_text(fresh_db, monkeypatch):
    monkeypatch.setattr(sys, "argv", ["dashboard.py", "--db", str(fresh_db)])
    st.cache_data.clear()
    at = _page("data")
    assert any("](https://" in c.value and "[" in c.value for c in at.caption)


def test_input_limits_refuse_texts_longer_than_the_reports_render():
    base = _hostile_target().model_dump()
    with pytest.raises(ValueError, match="text_en"):
        Target(**{**base, "text_en": "x" * (TEXT_MAX + 1)})
    with pytest.raises(ValueError, match="unit_en"):
        Target(**{**base, "unit_en": "x" * (UNIT_MAX + 1)})
    with pytest.raises(ValueError, match="source_url"):
        Target(**{**base, "source_url": EVIL_URL})
    with pytest.raises(ValueError, match="note_en"):
        ProgressRecord(target_id="T1", recorded_on="2026-01-01", value=1, note_en="x" * (NOTE_MAX + 1))


def test_a_target_csv_with_a_too_long_wording_names_the_row_and_column():
    header = "strategy_id,target_id,horizon_year,kind,comparator,target_value,group_id,text_vi,text_en\n"
    row = f"QD127_2021,T2035_LONG,2035,count,>=,5,,ngắn,{'y' * (TEXT_MAX + 1)}\n"
    _targets, problems = target_sets.parse_target_set(
        (header + row).encode(), "t.csv", set(), {"QD127_2021"}, "en"
    )
    assert [(p.row, p.column, p.code) for p in problems] == [(2, "text_en", "field_too_long")]
    assert str(TEXT_MAX) in i18n.problem_message(problems[0], "en")


def test_every_report_format_renders_the_longest_wording_input_allows(fresh_db):
    store = open_store(fresh_db)
    longest = Target(
        **{
            **_hostile_target().model_dump(),
            "target_id": "T2030_LONGEST",
            "text_vi": ("dài " * TEXT_MAX)[:TEXT_MAX],
            "text_en": "x" * TEXT_MAX,  # one unbreakable word
            "unit_en": "u" * UNIT_MAX,
            "unit_vi": "đ" * UNIT_MAX,
        }
    )
    services.add_target(store, CLI_ACTOR, longest)
    services.add_progress_record(
        store,
        CLI_ACTOR,
        ProgressRecord(
            target_id="T2030_LONGEST", recorded_on="2026-01-01", value=1, note_en="n" * NOTE_MAX,
            source_url="https://example.org/" + "p" * 1900,
        ),
    )  # fmt: skip
    done = report_export.export_report(store, CLI_ACTOR, ReportOptions(lang="en"))
    store.close()
    assert done.failures == {}
    assert set(done.files) == {"pptx", "pdf", "xlsx"}
    assert done.files["pdf"].startswith(b"%PDF")


def test_one_failing_format_does_not_block_the_others(fresh_db, monkeypatch):
    import metrics.reports

    real = metrics.reports.render

    def flaky(model, fmt):
        if fmt == "pdf":
            raise RuntimeError("The row with index 10 is too high and cannot be rendered on a single page")
        return real(model, fmt)

    monkeypatch.setattr(metrics.reports, "render", flaky)
    monkeypatch.setattr(sys, "argv", ["dashboard.py", "--db", str(fresh_db)])
    st.cache_data.clear()
    at = AppTest.from_file(str(ROOT / "app_pages" / "report.py"), default_timeout=180)
    at.session_state["lang"] = "en"
    at.session_state["actor"] = Actor(name="vera", role="viewer")
    at.run()
    at.multiselect(key="report_sections").set_value(["headline", "scorecard"])
    at.button(key="report_generate").click().run()
    assert not at.exception, at.exception
    labels = sorted(b.proto.label for b in at.get("download_button"))
    assert labels == sorted(i18n.t(f"report.page.download_{f}", "en") for f in ("pptx", "xlsx"))
    assert any("PDF" in e.value and "too high" in e.value for e in at.error)


def test_anonymous_visitors_cannot_generate_reports_by_default(fresh_db, monkeypatch):
    assert auth.report_export_setting() == "viewer"  # the one setting (data/permissions.toml)
    monkeypatch.setattr(sys, "argv", ["dashboard.py", "--db", str(fresh_db)])
    at = AppTest.from_file(str(ROOT / "app_pages" / "report.py"), default_timeout=60)
    at.session_state["lang"] = "en"
    at.run()
    assert not at.exception
    assert not at.button  # no generate button, so no server time spent
    assert any(i18n.t("error.export_denied_viewer", "en") in w.value for w in at.warning)
    store = open_store(fresh_db)
    with pytest.raises(PermissionDenied):
        report_export.export_report(store, ANONYMOUS, ReportOptions(lang="en"))
    store.close()


@pytest.mark.parametrize(
    ("setting", "who", "allowed"),
    [
        ("anyone", ANONYMOUS, True),
        ("viewer", ANONYMOUS, False),
        ("viewer", Actor(name="v", role="viewer"), True),
        ("analyst", Actor(name="v", role="viewer"), False),
        ("analyst", Actor(name="a", role="analyst"), True),
        ("admin", Actor(name="a", role="analyst"), False),
    ],
)
def test_export_setting(setting, who, allowed, tmp_path):
    path = tmp_path / "permissions.toml"
    path.write_text(f'report_export = "{setting}"\n')
    assert auth.report_export_setting(path) == setting
    assert auth.may_export(who, setting) is allowed


def test_docs_and_readme_state_the_same_export_rule():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ops = (ROOT / "docs" / "OPERATIONS.md").read_text(encoding="utf-8")
    for text in (readme, ops):
        assert "data/permissions.toml" in text
        assert "report_export" in text


# --- an edition with totals only --------------------------------------------------------------------

TOTALS_ONLY = "Country,Year,Measure,Value\nViet Nam,2026,total,61.5\nThailand,2026,total,66.1\nSingapore,2026,total,84.0\n"


@pytest.fixture
def totals_only_db(fresh_db, tmp_path, monkeypatch):
    store = open_store(fresh_db)
    path = tmp_path / "gairi_2026_totals.csv"
    path.write_text(TOTALS_ONLY, encoding="utf-8")
    pipeline.import_file(
        store,
        CLI_ACTOR,
        path,
        pipeline.ImportOptions(index_id="GAIRI", edition_year=2026, source_url="https://x.org/"),
    )
    store.close()
    monkeypatch.setattr(sys, "argv", ["dashboard.py", "--db", str(fresh_db)])
    st.cache_data.clear()
    return fresh_db


@pytest.mark.parametrize("page", ["pillars", "whatif"])
def test_an_edition_with_totals_only_is_a_message_not_a_crash(totals_only_db, page):
    at = _page(page)
    notes = [i.value for i in at.info]
    assert any("2026" in n and "no pillar scores" in n for n in notes), notes
    edition_box = at.selectbox(key=f"{page}_edition")
    assert 2026 not in edition_box.options and "2026" not in edition_box.options
