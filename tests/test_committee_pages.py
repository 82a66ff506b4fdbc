"""The committee's views of the strategy in force through AppTest, both languages, on the seeded
database: the Overview's sentence and scorecard, the Agencies page and the Targets page's evidence,
each figure checked against the engine (services.assess_targets) and the store."""

from __future__ import annotations

import sys
from collections import Counter

import pytest
from streamlit.testing.v1 import AppTest

from metrics import committee, i18n, services
from metrics.auth import Actor
from metrics.present import phrases, vocabulary
from metrics.store import open_store
from metrics.store import queries as q
from tests.pages_support import first_run

LANGS = ["vi", "en"]
ANALYST = Actor(name="analyst.test", role="analyst")


def tr(key: str, lang: str, **params) -> str:
    return i18n.t(key, lang, **params)


def badge(status: str, lang: str) -> str:
    if status == committee.SUPERSEDED:
        return "🗄️ " + tr("status.superseded", lang)
    return vocabulary.status_badge(status, lang)


@pytest.fixture
def open_page(seeded_db_file, monkeypatch):
    def _open(page: str, lang: str, db=None, actor: Actor | None = None) -> AppTest:
        monkeypatch.setattr(sys, "argv", ["dashboard.py", "--db", str(db or seeded_db_file)])
        return first_run(page, lang, actor=actor)

    return _open


def default_strategy(store) -> committee.StrategyChoice:
    return next(s for s in committee.strategies(store) if s.is_default)


def engine_statuses(store, strategy_id: str) -> dict[str, str]:
    return {a.target_id: a.status for a in services.assess_targets(store, "VNM", strategy_id=strategy_id)}


def scorecard_frames(at: AppTest, lang: str):
    col = tr("committee.col_evidence", lang)
    return [d.value for d in at.main.dataframe if col in d.value.columns]


def markdown(at: AppTest) -> str:
    return "\n".join(m.value for m in at.main.markdown)


@pytest.mark.parametrize("lang", LANGS)
def test_overview_sentence_counts_what_the_engine_says(open_page, store, lang):
    at = open_page("overview", lang)
    strategy = default_strategy(store)
    statuses = engine_statuses(store, strategy.strategy_id)
    tally = Counter(statuses.values())
    sentence = next(m.value for m in at.main.markdown if strategy.decision_name(lang) in m.value)
    # Decision 1671 numbers 32 indicators and splits two of them into two targets each
    numbers = q.targets(store, strategy.strategy_id)["indicator_no"].fillna("")
    split = numbers.ne("").all() and numbers.nunique() < len(numbers)
    expected = tr(
        "committee.headline_parts" if split else "committee.headline",
        lang,
        decision=strategy.decision_name(lang),
        indicators=numbers.nunique(),
        total=len(statuses),
        met=tally["achieved"] + tally["met_now"],
        on_track=tally["on_track"],
        at_risk=tally["at_risk"],
        no_data=tally["no_data"],
        others="",
    ).rstrip(".")
    assert sentence.startswith("#### " + expected)  # other classes, if any, follow after ";"
    for status in ("off_track", "pace_unknown", "missed"):
        if tally[status]:
            assert f"{tally[status]} {badge(status, lang).split(' ', 1)[1].lower()}" in sentence


@pytest.mark.parametrize("lang", LANGS)
def test_overview_scorecard_has_every_target_with_engine_status_and_evidence_count(open_page, store, lang):
    at = open_page("overview", lang)
    strategy = default_strategy(store)
    statuses = engine_statuses(store, strategy.strategy_id)
    targets = q.targets(store, strategy.strategy_id).set_index("target_id")
    evidence = Counter(q.progress_records(store)["target_id"])
    shown = [r for frame in scorecard_frames(at, lang) for r in frame.to_dict("records")]
    assert len(shown) == len(statuses)
    by_text = {}
    for target_id, t in targets.iterrows():
        by_text.setdefault(t["text_vi" if lang == "vi" else "text_en"], []).append(target_id)
    for r in shown:
        ids = by_text[r[tr("committee.col_indicator", lang)]]
        assert r[tr("common.status", lang)] in {badge(statuses[i], lang) for i in ids}
        assert r[tr("committee.col_evidence", lang)] in {evidence.get(i, 0) for i in ids}
        if statuses[ids[0]] == "no_data" and len(ids) == 1:
            # never a figure we do not have: "no data yet" and who owes it
            assert r[tr("committee.col_latest", lang)].startswith(tr("common.no_data", lang)[:10])


def test_overview_scorecard_filters_by_status(open_page, store):
    at = open_page("overview", "en")
    strategy = default_strategy(store)
    statuses = engine_statuses(store, strategy.strategy_id)
    at.multiselect(key="overview_filter_status").set_value(["no_data"]).run()
    assert not at.exception
    shown = [r for frame in scorecard_frames(at, "en") for r in frame.to_dict("records")]
    assert len(shown) == sum(s == "no_data" for s in statuses.values())
    assert {r["Status"] for r in shown} <= {badge("no_data", "en")}


def test_rank_targets_show_their_yardstick_and_the_proxy_caveat(open_page, store):
    at = open_page("overview", "en")
    rows = committee.scorecard(store)
    ranks = [r for r in rows if r.kind == "rank"]
    text = markdown(at)
    captions = "\n".join(c.value for c in at.main.caption)
    for r in ranks:
        if r.value is not None:
            assert f"{r.yardstick_edition}: {int(r.value)} of {r.of}" in text
        if r.yardstick_proxy:
            assert "the decision names no index" in captions
    proxies = [r for r in ranks if r.yardstick_proxy]
    assert captions.count("the decision names no index") == len(proxies)


@pytest.mark.parametrize("lang", LANGS)
def test_rank_cards_name_the_group_in_the_users_language(open_page, store, lang):
    """'Top 3 Đông Nam Á — 2030' on the card, not the group's id ('Top 3 SEA')."""
    at = open_page("overview", lang)
    groups = q.peer_groups(store).set_index("group_id")
    ranks = [r for r in committee.scorecard(store) if r.kind == "rank" and r.group_id in groups.index]
    text = markdown(at)
    for r in ranks:
        name = groups.loc[r.group_id, f"name_{lang}"]
        assert tr("target_value.rank_group", lang, n=int(r.target_value), group=name) in text


@pytest.mark.parametrize("lang", LANGS)
def test_rank_cards_name_the_index_in_the_users_language(open_page, store, lang):
    """'Theo Bài báo AI 2024: 4/11' in Vietnamese, 'By AI articles 2024' in English; an acronym
    (GAIRI) alike in both."""
    at = open_page("overview", lang)
    indices = q.indices(store).set_index("index_id", drop=False)
    text = markdown(at) + "\n".join(c.value for c in at.main.caption)
    for r in committee.scorecard(store):
        if r.kind != "rank" or r.value is None or r.yardstick_index not in indices.index:
            continue
        row = indices.loc[r.yardstick_index]
        assert f"{phrases.short_name(row, lang)} {r.yardstick_edition}" in text
        if lang == "vi" and row["short_name_vi"]:
            assert row["short_name"] not in text  # the English words nowhere on the Vietnamese page


def _superseded(store):
    return next((s for s in committee.strategies(store) if not s.in_force), None)


@pytest.mark.parametrize("lang", LANGS)
def test_superseded_strategy_opens_on_its_closing_review(open_page, store, lang):
    old = _superseded(store)
    if old is None:
        pytest.skip("no superseded strategy in this database")
    at = open_page("overview", lang)
    at.selectbox(key="overview_strategy").set_value(old.strategy_id).run()
    assert not at.exception
    review = committee.closing_review(committee.scorecard(store, old.strategy_id))
    headline = next(m.value for m in at.main.markdown if old.decision_name(lang) in m.value)
    assert (
        tr(
            "committee.closing_headline",
            lang,
            decision=old.decision_name(lang),
            date=i18n.fmt_date(old.superseded_on, lang),
            total=sum(len(v) for v in review.values()),
            achieved=len(review["achieved"]),
            missed=len(review["missed"]),
            superseded=len(review["superseded"]),
            other=len(review["other"]),
        )
        in headline
    )
    superseded = [r for r in review["superseded"] if r.succeeded_by]
    if superseded:
        frame = next(
            d.value
            for d in at.main.dataframe
            if badge("superseded", lang) in set(d.value.get(tr("common.status", lang), []))
        )
        shown = frame[tr("committee.col_successor", lang)].tolist()
        new = {r.target_id: r for r in committee.scorecard(store, old.superseded_by)}
        decision = next(
            s.decision_name(lang) for s in committee.strategies(store) if s.strategy_id == old.superseded_by
        )
        for r in superseded:
            n = new[r.succeeded_by]
            text = n.text_vi if lang == "vi" else n.text_en
            assert (
                tr("committee.successor_text", lang, no=n.indicator_no, decision=decision, text=text) in shown
            )
        orphans = len(review["superseded"]) - len(superseded)
        assert shown.count(tr("committee.no_successor", lang)) == orphans


@pytest.mark.parametrize("lang", LANGS)
def test_agencies_page_lists_each_lead_agency_with_its_missing_evidence(open_page, store, lang):
    at = open_page("agencies", lang)
    strategy = default_strategy(store)
    targets = q.targets(store, strategy.strategy_id)
    leads = targets["lead_agency"].fillna("") if "lead_agency" in targets else None
    if leads is None or not (leads != "").any():
        assert tr("agencies_page.no_agencies", lang, decision=strategy.decision_name(lang)) in [
            i.value for i in at.main.info
        ]
        return
    records = q.progress_records(store)
    with_evidence = set(records["target_id"])
    frame = next(
        d.value for d in at.main.dataframe if tr("agencies_page.col_missing", lang) in d.value.columns
    )
    assert len(frame) == leads[leads != ""].nunique()
    names = dict(zip(q.agencies(store)["agency_id"], q.agencies(store)[f"name_{lang}"], strict=True))
    rows = {r[tr("agencies_page.col_agency", lang)]: r for r in frame.to_dict("records")}
    for agency, mine in targets[leads != ""].groupby("lead_agency"):
        r = rows[names[agency]]
        assert r[tr("agencies_page.col_targets", lang)] == len(mine)
        missing = [t for t in mine["target_id"] if t not in with_evidence]
        expanders = [e.label for e in at.main.expander]
        if missing:
            assert (
                tr("agencies_page.reminder_agency", lang, agency=names[agency], n=len(missing)) in expanders
            )


def test_evidence_needs_a_source_and_says_so_in_vietnamese(open_page, fresh_db):
    at = open_page("targets", "vi", db=fresh_db, actor=ANALYST)
    db = open_store(fresh_db)
    before = len(q.progress_records(db))
    db.close()
    at.number_input(key="evidence_add_value").set_value(3)
    next(b for b in at.main.button if b.label == tr("evidence.add", "vi")).click().run()
    assert not at.exception
    (error,) = at.main.error
    assert tr("evidence.invalid", "vi") in error.value
    assert i18n.error_message("evidence_source_required", "vi") in error.value.replace("\\", "")
    db = open_store(fresh_db)
    assert len(q.progress_records(db)) == before  # nothing written
    db.close()


def test_analyst_adds_a_milestone_with_fit_then_corrects_it(open_page, fresh_db):
    at = open_page("targets", "en", db=fresh_db, actor=ANALYST)
    target_id = at.selectbox(key="targets_select").value
    # the forms offer the translated names (a Vietnamese page shows no English code)
    at.radio(key="evidence_add_kind").set_value(tr("evidence.kind_milestone", "en"))
    at.selectbox(key="evidence_add_fit").set_value(tr("evidence.fit_partial", "en"))
    at.text_input(key="evidence_add_source").input("https://chinhphu.vn/a")
    at.text_input(key="evidence_add_note_en").input("Plan issued")
    next(b for b in at.main.button if b.label == tr("evidence.add", "en")).click().run()
    assert not at.exception, [e.message for e in at.exception]
    db = open_store(fresh_db)
    added = q.progress_records(db, target_id)
    assert added["created_by"].tolist() == ["analyst.test"]
    assert added["kind"].tolist() == ["milestone"] and added["fit"].tolist() == ["partial"]
    db.close()
    at.run()
    listed = next(d.value for d in at.main.dataframe if tr("evidence.col_fit", "en") in d.value.columns)
    assert listed[tr("evidence.col_kind", "en")].tolist() == [tr("evidence.kind_milestone", "en")]
    assert listed[tr("evidence.col_fit", "en")].tolist() == ["partial [V]"]
    # correct it: a new record replaces the old one, which is kept (withdrawn) with the reason
    old_id = int(listed[tr("evidence.col_id", "en")].iloc[0])
    at.radio(key="evidence_fix_kind").set_value(tr("evidence.kind_milestone", "en"))
    at.text_input(key="evidence_fix_source").input("https://chinhphu.vn/b")
    at.text_input(key="evidence_correct_reason").input("wrong link")
    next(b for b in at.main.button if b.label == tr("evidence.apply", "en")).click().run()
    assert not at.exception, [e.message for e in at.exception]
    db = open_store(fresh_db)
    both = q.progress_records(db, target_id, include_withdrawn=True).set_index("record_id")
    assert len(both) == 2
    assert both.loc[old_id, "status"] == "withdrawn" and both.loc[old_id, "withdrawn_reason"] == "wrong link"
    new = both[both["status"] == "active"]
    assert new["source_url"].tolist() == ["https://chinhphu.vn/b"] and int(new["replaces"].iloc[0]) == old_id
    assert q.audit_log(db, 5)["action"].iloc[0] != "add_progress_record"  # the correction is logged
    db.close()
    # withdraw the new one: nothing active is left, both stay listed on request
    at.run()
    at.radio(key="evidence_correct_action").set_value(tr("evidence.action_withdraw", "en"))
    at.text_input(key="evidence_correct_reason").input("duplicate")
    next(b for b in at.main.button if b.label == tr("evidence.apply", "en")).click().run()
    assert not at.exception
    db = open_store(fresh_db)
    assert q.progress_records(db, target_id).empty
    assert len(q.progress_records(db, target_id, include_withdrawn=True)) == 2
    db.close()
    at.toggle(key="targets_show_withdrawn").set_value(True).run()
    listed = next(d.value for d in at.main.dataframe if tr("evidence.col_fit", "en") in d.value.columns)
    assert set(listed[tr("evidence.col_state", "en")]) == {tr("evidence.state_withdrawn", "en")}
