"""Targets: the list and status history, an analyst's progress record and target set (all or
nothing, problems in Vietnamese), a viewer refused, units in the singular.

Through Streamlit's AppTest on the seeded database, in Vietnamese and English where marked
(the open_page fixture is in tests/conftest.py, the shared helpers in tests/pages_support.py)."""

from __future__ import annotations

import datetime as dt

import pytest

from app_pages import common
from metrics import i18n, services
from metrics.auth import Actor
from metrics.errors import PermissionDenied, ValidationFailed
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
    frame_with,
    rank_of,
    texts,
    tr,
)
from tests.test_target_sets import ENGLISH_PYDANTIC


@pytest.mark.parametrize("lang", LANGS)
def test_targets_list_and_status_history(open_page, store, lang):
    at = open_page("targets", lang)
    listed = frame_with(at, tr("targets_page.col_text_vi", lang))
    assert len(listed) == len(q.targets(store, OLD)) == 14
    assert set(listed["ID"]) == set(q.targets(store, OLD)["target_id"])
    history = services.status_history(store, "T2025_ASEAN_RANK")
    shown = frame_with(at, tr("targets_page.col_threshold", lang))
    assert len(shown) == len(history)
    by_edition = {r[tr("common.edition", lang)]: r for r in shown.to_dict("records")}
    for h in history:
        row = by_edition[str(h.as_of_edition)]
        assert row[tr("common.rank", lang)] == rank_of(h.current_rank, h.of, lang)
        assert row[tr("common.status", lang)] == badge(h.status, lang)
    assert by_edition["2023"][tr("common.rank", lang)] == rank_of(5, 10, lang)
    # 2019 is on a 0-10 scale: its score is shown with that scale, and the pace is not claimed
    assert by_edition["2019"][tr("common.score", lang)] == f"{i18n.fmt_number(5.08, lang)} / 10"
    assert by_edition["2019"][tr("common.status", lang)] == badge("pace_unknown", lang)
    points = tr("unit.points", lang)  # GAIRI's gaps are points of its scale
    assert tr("targets_page.col_gap", lang, unit=points) in shown.columns
    # viewers see no forms
    assert not at.main.get("form")
    assert tr("targets_page.analyst_only", lang) in texts(at)


@pytest.mark.parametrize("lang", LANGS)
def test_a_target_judged_by_ai_articles_shows_articles_not_points(open_page, store, lang):
    """Decision 1671's 'top 3 of Southeast Asia in AI research' is judged by AI articles, a count
    with no published scale (its editions' 10,000 is a chart ceiling). Its history showed
    "1.794,00 / 10.000" as a score and its gap as "điểm" (points); it shows articles."""
    at = open_page("targets", lang, strategy=None)
    at.selectbox(key="targets_select").set_value("T1671_01").run()
    assert not at.exception, [e.message for e in at.exception]
    articles = {"vi": "bài báo", "en": "articles"}[lang]  # data/indices.csv, ETO_CAT_AI
    gap_column = tr("targets_page.col_gap", lang, unit=articles)
    shown = frame_with(at, gap_column)
    history = [h for h in services.status_history(store, "T1671_01") if h.as_of_edition is not None]
    assert len(shown) == len(history) >= 2
    by_edition = {r[tr("common.edition", lang)]: r for r in shown.to_dict("records")}
    for h in history:
        row = by_edition[str(h.as_of_edition)]
        assert h.score == int(h.score) and h.gap == int(h.gap)  # counts, so whole numbers
        assert row[tr("common.value", lang)] == f"{fmt.num(h.score, lang, 0)} {articles}"
        assert row[gap_column] == fmt.signed(h.gap, lang, 0)
    latest = history[-1]
    assert latest.gap is not None and latest.gap < 0  # 4th of 11 in 2024: below the top-3 threshold
    title = tr(
        "targets_page.gap_title_outside",
        lang,
        edition=latest.as_of_edition,
        gap=fmt.num(-latest.gap, lang, 0),
        unit=articles,
    )
    assert title in [words for words, _ in chart_words(at)]


def test_analyst_adds_a_progress_record(open_page, fresh_db):
    at = open_page("targets", "en", db=fresh_db, actor=ANALYST)
    at.selectbox(key="targets_select").set_value("T2030_OPEN_DATASETS").run()
    at.number_input(key="evidence_add_value").set_value(12)
    at.text_input(key="evidence_add_source").input("https://data.gov.vn/")
    at.text_input(key="evidence_add_note_en").input("=cmd|' /C calc'!A0")
    submit = next(b for b in at.main.button if b.label == tr("evidence.add", "en"))
    submit.click().run()
    assert not at.exception
    assert any(tr("evidence.added", "en", id="", target="")[:10] in s.value for s in at.main.success)
    db = open_store(fresh_db)
    records = q.progress_records(db, "T2030_OPEN_DATASETS")
    # the two shipped milestones (no value) stay; the analyst's value is added after them
    assert records["kind"].tolist() == ["milestone", "milestone", "value"]
    assert records["value"].tolist()[2] == 12.0 and records["value"].isna().tolist()[:2] == [True, True]
    assert records["created_by"].tolist() == ["seed", "seed", "analyst.test"]
    assert q.audit_log(db, 5)["action"].iloc[0] == "add_progress_record"
    db.close()
    # the page lists the new record with its source once the page reruns
    at.run()
    rec = frame_with(at, tr("evidence.col_by", "en"))
    assert rec[tr("evidence.col_value", "en")].tolist() == ["–", "–", "12"]
    assert rec[tr("common.source", "en")].tolist()[2] == "https://data.gov.vn/"


def test_viewer_cannot_add_even_if_the_form_were_shown(fresh_db):
    db = open_store(fresh_db)
    viewer = Actor(name="v", role="viewer")
    record = ProgressRecord(
        target_id="T2030_OPEN_DATASETS",
        recorded_on=dt.date(2025, 1, 1),
        value=1,
        source_url="https://example.org/a",
    )
    before = len(q.progress_records(db))
    with pytest.raises(PermissionDenied):
        services.add_progress_record(db, viewer, record)
    assert len(q.progress_records(db)) == before
    db.close()


def test_analyst_adds_a_target_set(open_page, fresh_db):
    at = open_page("targets", "en", db=fresh_db, actor=ANALYST)
    csv = (
        "strategy_id,target_id,horizon_year,kind,comparator,target_value,group_id,yardstick_index,yardstick_measure,"
        "unit_en,unit_vi,text_vi,text_en,source_url\n"
        "QD127_2021,T2035_WORLD_RANK,2035,rank,<=,40,WORLD,GAIRI,total,,,Top 40 thế giới,Top 40 in the world,https://x.vn\n"
        "QD127_2021,T2035_DATASETS,2035,count,>=,100,,,,datasets,bộ dữ liệu,100 bộ dữ liệu mở,100 open datasets,https://x.vn\n"
    ).encode()
    at.file_uploader(key="targets_upload").set_value(("new.csv", csv, "text/csv")).run()
    assert not at.exception
    assert not at.main.error
    add = next(b for b in at.main.button if b.label == tr("targets_page.add_set", "en", n=2))
    add.click().run()
    assert not at.exception
    db = open_store(fresh_db)
    assert {"T2035_WORLD_RANK", "T2035_DATASETS"} <= set(q.targets(db)["target_id"])
    db.close()


def test_target_set_is_added_all_or_nothing(fresh_db):
    db = open_store(fresh_db)
    before = len(q.targets(db))
    audit_before = len(q.audit_log(db, 1000))
    good = services.get_target(db, "T2030_AI_BRANDS").model_copy(update={"target_id": "T2035_AI_BRANDS"})
    bad_group = services.get_target(db, "T2030_ASEAN_RANK").model_copy(
        update={"target_id": "T2035_APAC_RANK", "group_id": "APAC"}
    )
    bad_index = services.get_target(db, "T2030_WORLD_RANK").model_copy(
        update={"target_id": "T2035_WORLD_RANK", "yardstick_index": "NOPE"}
    )
    repeated = good.model_copy()
    with pytest.raises(ValidationFailed) as caught:
        services.add_targets(db, ANALYST, [good, bad_group, bad_index, repeated])
    assert [(p.code, p.row, p.column) for p in caught.value.problems] == [
        ("unknown_group_id", 3, "group_id"),
        ("unknown_index", 4, "yardstick_index"),
        ("target_exists", 5, "target_id"),
    ]
    assert len(q.targets(db)) == before  # the good one was not written either
    assert len(q.audit_log(db, 1000)) == audit_before
    with pytest.raises(PermissionDenied):
        services.add_targets(db, Actor(name="v", role="viewer"), [good])
    second = good.model_copy(update={"target_id": "T2035_MORE_BRANDS", "unit_en_one": "brand"})
    assert services.add_targets(db, ANALYST, [good, second]) == 2
    assert len(q.targets(db)) == before + 2
    log = q.audit_log(db, 1000)
    assert len(log) == audit_before + 1  # one entry for the whole set
    assert log["action"].iloc[0] == "add_targets"
    assert q.targets(db).set_index("target_id").loc["T2035_MORE_BRANDS", "unit_en_one"] == "brand"
    db.close()


def test_target_set_page_shows_every_problem_in_vietnamese(open_page, fresh_db):
    at = open_page("targets", "vi", db=fresh_db, actor=ANALYST)
    csv = (
        "strategy_id,target_id,horizon_year,kind,comparator,target_value,group_id,yardstick_index,yardstick_measure,"
        "unit_en,unit_vi,text_vi,text_en,source_url\n"
        "QD127_2021,T2035_WORLD_RANK,2035,rank,<=,40,WORLD,GAIRI,total,,,Top 40 thế giới,Top 40,https://x.vn\n"
        "QD127_2021,T2035_DATASETS,20x5,count,>=,100,,,,datasets,bộ dữ liệu,100 bộ,100 open datasets,https://x.vn\n"
        "QD127_2021,T2035_BRANDS,2035,count,<=,100,,,,brands,thương hiệu,100 thương hiệu,100 brands,https://x.vn\n"
        "QD127_2021,T2035_CENTRES,2035,count,>=,5,,,,centres,trung tâm,,5 centres,https://x.vn\n"
    ).encode()
    at.file_uploader(key="targets_upload").set_value(("new.csv", csv, "text/csv")).run()
    assert not at.exception
    (error,) = at.main.error
    assert error.value.startswith(tr("targets_page.problems_title", "vi", n=3))  # rows 3, 4 and 5
    assert tr("problem.row", "vi", row=3) in error.value and tr("field.horizon_year", "vi") in error.value
    assert common.md(tr("error.target_count_rule", "vi")) in error.value  # shown literally
    assert tr("field.text_vi", "vi") in error.value
    assert not [w for w in ENGLISH_PYDANTIC if w in error.value]
    assert not [b for b in at.main.button if b.key == "targets_add_set"]  # nothing can be added
    db = open_store(fresh_db)
    assert "T2035_WORLD_RANK" not in set(q.targets(db)["target_id"])
    db.close()


def test_units_read_singular_for_one_in_english(open_page):
    at = open_page("targets", "en")
    listed = frame_with(at, tr("targets_page.col_text_vi", "en")).set_index("ID")
    goal = tr("targets_page.col_goal", "en")
    assert listed.loc["T2025_BIGDATA_HPC_CENTRES", goal] == "1 centre"
    assert listed.loc["T2030_TOP20_ASEAN_INSTITUTION", goal] == "1 institution"
    assert listed.loc["T2030_BIGDATA_HPC_CENTRES", goal] == "3 centres"
    at = open_page("targets", "vi")
    listed = frame_with(at, tr("targets_page.col_text_vi", "vi")).set_index("ID")
    assert listed.loc["T2025_BIGDATA_HPC_CENTRES", tr("targets_page.col_goal", "vi")] == "1 trung tâm"
