"""The report's opening on the strategy in force and the closing review of Decision 127, read back
from the PPTX and XLSX files (python-pptx, openpyxl) and the PDF text, checked against the engine
and the store; both languages."""

from __future__ import annotations

import datetime as dt
import io
from collections import Counter

import pytest
from openpyxl import load_workbook
from pptx import Presentation
from pypdf import PdfReader

from metrics import committee, i18n, services
from metrics.present import phrases
from metrics.reports import ReportOptions, build_report, render
from metrics.reports.model import SECTION_IDS
from metrics.store import queries as q

AFTER_1671 = dt.date(2026, 12, 1)  # Decision 1671 was signed on 28/08/2026
BEFORE_1671 = dt.date(2026, 1, 15)
LANGS = ("vi", "en")


def tr(key: str, lang: str, **params) -> str:
    return i18n.t(key, lang, **params)


def slides_text(data: bytes) -> list[str]:
    out = []
    for slide in Presentation(io.BytesIO(data)).slides:
        parts = []
        for shape in slide.shapes:
            if shape.has_table:
                parts += [cell.text for row in shape.table.rows for cell in row.cells]
            elif shape.has_text_frame:
                parts.append(shape.text_frame.text)
        out.append("\n".join(parts))
    return out


def sheets(data: bytes) -> dict[str, list[list]]:
    book = load_workbook(io.BytesIO(data))
    return {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in book.worksheets}


class Built:
    """The report on Decision 1671 (meeting after it was signed) per language, and each of its files,
    built once for the module: the tests read the same report from different sides, and a PDF
    render alone takes seconds."""

    def __init__(self, store) -> None:
        self.store = store
        self._models: dict[str, object] = {}
        self._files: dict[tuple[str, str], bytes] = {}

    def model(self, lang: str):
        if lang not in self._models:
            self._models[lang] = build_report(self.store, ReportOptions(lang=lang, meeting_date=AFTER_1671))
        return self._models[lang]

    def file(self, lang: str, fmt: str) -> bytes:
        if (lang, fmt) not in self._files:
            self._files[lang, fmt] = render(self.model(lang), fmt)
        return self._files[lang, fmt]


@pytest.fixture(scope="module")
def built(store) -> Built:
    return Built(store)


def in_force(store, day):
    return committee.in_force_on(committee.strategies(store), day)


def test_the_report_leads_with_the_strategy_in_force():
    assert SECTION_IDS[:4] == (
        "strategy_headline",
        "strategy_scorecard",
        "strategy_ranks",
        "strategy_agencies",
    )


@pytest.mark.parametrize("lang", LANGS)
def test_headline_counts_and_scorecard_rows_match_the_engine(store, built, lang):
    strategy = in_force(store, AFTER_1671)
    if strategy.strategy_id != "QD1671_2026":
        pytest.skip("Decision 1671 is not in this database")
    model = built.model(lang)
    statuses = {
        a.target_id: a.status
        for a in services.assess_targets(store, "VNM", strategy_id=strategy.strategy_id, today=AFTER_1671)
    }
    tally = Counter(statuses.values())
    head = model.section("strategy_headline")
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
    assert head.lead.startswith(expected)
    pptx = slides_text(built.file(lang, "pptx"))
    assert any(head.lead in s for s in pptx)
    # the scorecard: one row per target in Appendix I's groups, status as the engine says
    card = model.section("strategy_scorecard")
    rows = [r for t in card.tables for r in t.rows]
    assert len(rows) == len(statuses)
    groups = [t.table_id for t in card.tables]
    order = [f"strategy_scorecard_{g}" for g in ("impact", "results", "outputs", "inputs", "other")]
    assert groups == [g for g in order if g in groups]
    targets = q.targets(store, strategy.strategy_id)
    by_no = Counter(targets["indicator_no"].astype(str))
    assert Counter(r[0].text for r in rows) == by_no
    shown = Counter(r[1].text for r in rows)
    assert shown == Counter(
        tr(f"status.{s}", lang) for s in statuses.values()
    )  # every status word, as many times as the engine gives it
    # the same rows in the XLSX data pack, numbers as numbers
    book = sheets(built.file(lang, "xlsx"))
    pack = [
        row
        for name, data in book.items()
        if name.startswith(tr("report.strategy.sheet_scorecard", lang))
        for row in data[1:]
    ]
    assert len(pack) == len(statuses)
    evidence = Counter(q.progress_records(store)["target_id"])
    assert sum(row[7] for row in pack) == sum(evidence.get(t, 0) for t in statuses)


@pytest.mark.parametrize("lang", LANGS)
def test_a_rank_goal_names_its_group_in_the_readers_language(store, built, lang):
    """'Top 3 Đông Nam Á' / 'Top 3 in Southeast Asia', not the group's id ('SEA')."""
    model = built.model(lang)
    rows = committee.scorecard(store, in_force(store, AFTER_1671).strategy_id, today=AFTER_1671)
    groups = q.peer_groups(store).set_index("group_id")
    named = [r for r in rows if r.kind == "rank" and r.group_id in groups.index]
    if not named:
        pytest.skip("no rank target of a peer group in this database")
    bullets = model.section("strategy_ranks").bullets
    for r in named:
        name = groups.loc[r.group_id, f"name_{lang}"]
        goal = tr("target_value.rank_group", lang, n=int(r.target_value), group=name)
        assert any(b.text.startswith(f"{goal} ({r.horizon_year})") for b in bullets), (goal, bullets)
        if name != r.group_id:
            assert not any(f" {r.group_id} (" in b.text for b in bullets)


@pytest.mark.parametrize("lang", LANGS)
def test_rank_targets_carry_their_proxy_caveat_and_other_yardsticks(store, built, lang):
    model = built.model(lang)
    rows = committee.scorecard(store, in_force(store, AFTER_1671).strategy_id, today=AFTER_1671)
    ranks = [r for r in rows if r.kind == "rank"]
    section = model.section("strategy_ranks")
    assert len(section.bullets) == len(ranks)
    # the caveat names the index as readers know it (its short name in the report's language,
    # "Bài báo AI" / "AI articles"), not its id
    short = {r["index_id"]: phrases.short_name(r, lang) for r in q.indices(store).to_dict("records")}
    for b, r in zip(section.bullets, ranks, strict=True):
        if r.yardstick_proxy:
            assert b.detail == tr("committee.proxy_caveat", lang, index=short[r.yardstick_index])
    if ranks:
        (table,) = section.tables
        assert len(table.rows) == sum(1 + len(r.other_yardsticks) for r in ranks)
        proxies = [row for row in table.rows if row[5].value is True]
        assert len(proxies) == sum(r.yardstick_proxy for r in ranks)
    text = "\n".join(PdfReader(io.BytesIO(built.file(lang, "pdf"))).pages[i].extract_text() for i in range(3))
    assert section.title in text or model.section("strategy_headline").title in text


@pytest.mark.parametrize("lang", LANGS)
def test_agencies_with_missing_evidence(store, built, lang):
    model = built.model(lang)
    strategy = in_force(store, AFTER_1671)
    targets = q.targets(store, strategy.strategy_id)
    if "lead_agency" not in targets or not (targets["lead_agency"].fillna("") != "").any():
        pytest.skip("no lead agencies in this database")
    with_evidence = set(q.progress_records(store)["target_id"])
    missing = Counter(
        a
        for a, t in zip(targets["lead_agency"], targets["target_id"], strict=True)
        if a and t not in with_evidence
    )
    section = model.section("strategy_agencies")
    if not missing:
        assert not section.tables
        return
    (table,) = section.tables
    assert {row[0].value: row[3].value for row in table.rows} == dict(missing)
    book = sheets(built.file(lang, "xlsx"))
    sheet = book[tr("report.strategy.sheet_agencies", lang)[:31]]
    assert sum(r[3] for r in sheet[1:]) == sum(missing.values())


@pytest.mark.parametrize("lang", LANGS)
def test_closing_review_of_decision_127(store, lang):
    model = build_report(store, ReportOptions(lang=lang, kind="closing_review", meeting_date=AFTER_1671))
    old = next((s for s in committee.strategies(store) if s.superseded_by), None)
    if old is None:
        pytest.skip("no superseded strategy in this database")
    assert [s.section_id for s in model.sections] == ["closing_review"]
    assert model.title == tr("report.closing.title", lang, decision=old.decision_name(lang))
    review = committee.closing_review(committee.scorecard(store, old.strategy_id, today=AFTER_1671))
    section = model.sections[0]
    assert section.lead == tr(
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
    tables = {t.table_id: t for t in section.tables}
    for key, rows in review.items():
        if rows:
            assert len(tables[f"closing_{key}"].rows) == len(rows)
        else:
            assert f"closing_{key}" not in tables
    pptx = "\n".join(slides_text(render(model, "pptx")))
    assert model.title in pptx and section.lead in pptx
    book = sheets(render(model, "xlsx"))
    for key, rows in review.items():
        if rows:
            assert len(book[tr(f"report.closing.sheet_{key}", lang)]) == len(rows) + 1  # + header
    pdf = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(render(model, "pdf"))).pages)
    assert tr("report.closing.title", lang, decision="").strip()[:8] in pdf


def test_a_report_dated_before_1671_speaks_of_the_strategy_then_in_force(store):
    before = in_force(store, BEFORE_1671)
    model = build_report(store, ReportOptions(lang="en", meeting_date=BEFORE_1671))
    assert model.section("strategy_headline").title == tr(
        "report.strategy.headline_title", "en", decision=before.decision_name("en")
    )
    assert before.signed_on is None or before.signed_on <= BEFORE_1671


@pytest.mark.parametrize("lang", LANGS)
def test_the_report_of_1671_names_it_and_the_source_of_every_section(store, built, lang):
    """A report on Decision 1671 (targets of levels, shares, growth, milestones) renders in every
    format, its title and decision source are 1671's own, and each section links the files its
    numbers come from: the ranks section every index edition its table quotes."""
    strategy = in_force(store, AFTER_1671)
    model = built.model(lang)
    decision = strategy.decision_name(lang)
    assert decision in model.title and decision in model.footer
    for section in model.sections:
        assert any(s.url.startswith("http") for s in section.sources), section.section_id
        assert "http" in section.notes, section.section_id
    decision_sources = [s for s in model.section("headline").sources if s.index_id == strategy.strategy_id]
    assert [s.url for s in decision_sources] == [strategy.source_url]
    ranks = model.section("strategy_ranks")
    quoted = {(row[1].value, row[2].value) for t in ranks.tables for row in t.rows if row[2].value}
    linked = {(s.index_id, s.edition_year) for s in ranks.sources if s.url}
    assert quoted <= linked
    for fmt in ("pptx", "pdf", "xlsx"):
        assert built.file(lang, fmt)


@pytest.mark.parametrize("lang", LANGS)
def test_a_gap_in_another_yardsticks_units_is_not_drawn_on_the_report_indexs_axis(store, built, lang):
    """A target judged on AI research output has its gap in articles: the margins chart (the
    report index's points, its editions) leaves it out and says where it is; its projection's
    axis and title name the yardstick, not a score."""
    model = built.model(lang)
    rank = [
        a
        for a in services.assess_targets(
            store, "VNM", strategy_id=in_force(store, AFTER_1671).strategy_id, today=AFTER_1671
        )
        if a.kind == "rank"
    ]
    own = [a for a in rank if a.yardstick_index == model.index_id]
    other = [a for a in rank if a.yardstick_index != model.index_id]
    if not other:
        pytest.skip("every rank target is judged on the report's index in this database")
    charts = {c.chart_id: c for c in model.section("trajectory").charts}
    gaps = charts["gaps_by_edition"]
    assert len(gaps.series) == len(own)
    short = {r["index_id"]: phrases.short_name(r, lang) for r in q.indices(store).to_dict("records")}
    for a in other:
        assert short[a.yardstick_index] in gaps.note
        chart = charts.get(f"projection_{a.target_id}")
        if chart is not None:
            # the axis names what the yardstick counts, in the report's language ("Số bài báo AI")
            framework = q.editions(store, a.yardstick_index)["framework"].iloc[-1]
            measures = q.measures(store, a.yardstick_index, framework).set_index("measure_id")
            quantity = measures.loc[a.yardstick_measure or "total", f"name_{lang}"]
            assert chart.y_title == quantity
            phrase = quantity if quantity[1:2].isupper() else quantity[:1].lower() + quantity[1:]
            assert phrase in chart.title
            assert all(phrase in s.name for s in chart.series if s.role == "threshold" and not s.dashed)
            assert tr("report.trajectory.axis_score", lang) != chart.y_title
