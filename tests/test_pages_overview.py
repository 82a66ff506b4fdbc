"""The Overview: its scorecard and chart match the engine, a new progress record shows, English
ordinals.

Through Streamlit's AppTest on the seeded database, in Vietnamese and English where marked
(the open_page fixture is in tests/conftest.py, the shared helpers in tests/pages_support.py)."""

from __future__ import annotations

import datetime as dt

import pytest

from metrics import i18n, services
from metrics.models import ProgressRecord
from metrics.present import format as fmt
from metrics.store import open_store
from metrics.store import queries as q
from tests.pages_support import (
    ANALYST,
    LANGS,
    OLD,
    badge,
    chart_words,
    figures,
    frame_with,
    rank_of,
    texts,
    tr,
)


@pytest.mark.parametrize("lang", LANGS)
def test_overview_scorecard_matches_the_engine(open_page, store, lang):
    at = open_page("overview", lang)
    text = texts(at)
    assessments = services.assess_targets(store, "VNM", OLD)
    rank_targets = [a for a in assessments if a.kind == "rank"]
    assert len(at.main.metric) == len(rank_targets) == 4
    for a, metric in zip(rank_targets, at.main.metric, strict=True):
        assert metric.value == rank_of(a.current_rank, a.of, lang)
        assert badge(a.status, lang) in text
        assert i18n.fmt_number(a.gap, lang, 2).lstrip("-") in text
    # the published facts behind the headline and the history table
    history = frame_with(at, tr("common.global_rank", lang))
    rows = {r[tr("common.edition", lang)]: r for r in history.to_dict("records")}
    assert rows["2023"][tr("common.global_rank", lang)] == rank_of(59, 193, lang)
    assert rows["2023"][tr("common.asean_rank", lang)] == rank_of(5, 10, lang)
    assert rows["2021"][tr("common.global_rank", lang)] == rank_of(62, 160, lang)
    assert rows["2021"][tr("common.asean_rank", lang)] == rank_of(6, 10, lang)
    assert rows["2023"][tr("common.score", lang)] == i18n.fmt_number(54.48001397, lang) + " / 100"
    # the latest data and its date
    imported = q.editions(store, "GAIRI").iloc[-1]["imported_at"]
    assert (
        tr(
            "overview.latest_data",
            lang,
            index="GAIRI",
            edition=2025,
            date=i18n.fmt_date(imported.date(), lang),
        )
        in text
    )
    # counted targets: every one listed with its status word
    counted = frame_with(at, tr("overview.measured_on", lang))
    assert len(counted) == sum(a.kind != "rank" for a in assessments)
    assert set(counted[tr("common.status", lang)]) == {
        badge(a.status, lang) for a in assessments if a.kind != "rank"
    }


def test_overview_counted_target_shows_a_new_record(open_page, fresh_db):
    db = open_store(fresh_db)
    record = ProgressRecord(
        target_id="T2025_BIGDATA_HPC_CENTRES",
        recorded_on=dt.date(2025, 6, 30),
        value=1,
        source_url="https://example.org/a",
    )
    services.add_progress_record(db, ANALYST, record)
    expected = next(
        a for a in services.assess_targets(db, "VNM", OLD) if a.target_id == "T2025_BIGDATA_HPC_CENTRES"
    )
    db.close()
    at = open_page("overview", "en", db=fresh_db)
    counted = frame_with(at, tr("overview.measured_on", "en"))
    row = counted[counted[tr("common.target", "en")] == expected.text_en].iloc[0]
    # a value of 1 reads singular in English ("1 of 1 centre", not "1 centres")
    assert row[tr("common.current", "en")] == "1 of 1 centre"
    assert row[tr("overview.measured_on", "en")] == "30 Jun 2025"
    assert row[tr("common.status", "en")] == badge(expected.status, "en")
    assert row[tr("common.source", "en")] == "https://example.org/a"


def test_overview_english_uses_ordinals(open_page):
    text = texts(open_page("overview", "en"))
    assert "ranks 45th of 195 in the world" in text and "and 5th in ASEAN" in text
    assert "edition(s)" not in text


@pytest.mark.parametrize("lang", LANGS)
def test_overview_chart_proves_the_scorecard(open_page, store, lang):
    at = open_page("overview", lang)
    history = [r for r in services.rank_history(store, "GAIRI", "VNM", "ASEAN") if r.score is not None]
    spec = next(f for f in figures(at) if f["data"] and f["data"][0].get("y"))
    assert spec["data"][0]["x"] == [r.edition_year for r in history]
    assert spec["data"][0]["y"] == [r.published_rank or r.computed_rank for r in history]
    last = history[-1]
    assert spec["data"][0]["text"][-1] == tr(
        "overview.chart_point", lang, rank=last.published_rank, group="ASEAN", group_rank=last.group_rank
    )
    lines = sorted(s["y0"] for s in spec["layout"]["shapes"] if s.get("yref") == "y")
    assert lines == [50, 60]  # the world rank targets, from the data
    title = chart_words(at)[figures(at).index(spec)][0]
    rank = last.published_rank
    verdict = (
        tr("overview.chart_inside_all", lang, n=50)
        if rank <= 50
        else tr("overview.chart_inside_some", lang, inside=60, outside=50)
        if rank <= 60
        else tr("overview.chart_outside", lang, n=50)
    )
    assert title == tr(
        "overview.chart_title",
        lang,
        index="GAIRI",
        edition=last.edition_year,
        rank=fmt.ordinal(last.published_rank, lang),
        verdict=verdict,
        group="ASEAN",
        group_rank=fmt.ordinal(last.group_rank, lang),
    )
    # the chart comes right after the rank-target cards, before the history table
    assert figures(at)[0] == spec
    assert any(b.label == tr("ui.download_csv", lang) for b in at.main.get("download_button"))
