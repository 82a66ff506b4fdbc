"""The strategy in force on the shipped data: Decision 1671's 32 indicators, Decision 127's closing
verdict, the new yardsticks (EGDI, AI articles) and peer groups, and bad target rows refused with
their row and field, in Vietnamese and English, with nothing written."""

from __future__ import annotations

import csv
import datetime as dt
import unicodedata

import duckdb
import pytest

from metrics import i18n, services
from metrics import services_strategy as strategies
from metrics.auth import Actor
from metrics.dataset import DATA_DIR
from metrics.errors import ValidationFailed
from metrics.models import Target
from metrics.store import open_store
from metrics.store import queries as q
from metrics.store.seed import DATA_KEY, seed_or_upgrade
from metrics.target_sets import parse_target_set

AFTER = dt.date(2026, 12, 1)  # after Decision 1671 (28 Aug 2026) replaced Decision 127
ANALYST = Actor(name="ana", role="analyst")
INDICATORS = DATA_DIR / "sources" / "strategy_1671_indicators.csv"


def _research_rows() -> dict[str, dict[str, str]]:
    with open(INDICATORS, encoding="utf-8") as f:
        return {r["indicator_no"]: r for r in csv.DictReader(f) if r["source"] == "QD1671-AppI"}


def test_decision_1671_is_the_strategy_in_force_and_127_is_superseded(store):
    rows = {r.strategy_id: r for r in strategies.list_strategies(store)}
    assert strategies.default_strategy_id(store) == "QD1671_2026"
    assert (rows["QD127_2021"].status, rows["QD127_2021"].superseded_by) == ("superseded", "QD1671_2026")
    assert rows["QD127_2021"].superseded_on == dt.date(2026, 8, 28)
    assert rows["QD1671_2026"].status == "in_force" and rows["QD1671_2026"].is_default
    assert rows["QD1671_2026"].source_url.endswith("1671_qd-ttg_28082026-signed.signed.pdf")
    assert (rows["NQ57_2024"].kind, rows["NQ57_2024"].status, rows["NQ57_2024"].is_default) == (
        "resolution",
        "in_force",
        False,
    )


def test_all_32_indicators_of_1671_with_their_vietnamese_text(store):
    targets = strategies.targets(store, "QD1671_2026")
    numbers = {t.indicator_no for t in targets}
    assert numbers == {str(i) for i in range(1, 33)}
    research = _research_rows()
    for t in targets:
        # verbatim: the research copy's wording, in NFC, with its diacritics
        assert t.text_vi == unicodedata.normalize("NFC", research[t.indicator_no]["vi_text"]), t.target_id
        assert t.text_en and t.lead_agency, t.target_id
        assert t.horizon_year == (2045 if t.indicator_no == "32" else 2030)
    by_id = {t.target_id: t for t in targets}
    assert by_id["T1671_08"].kind == "growth_base" and by_id["T1671_08"].base_year == 2026
    assert by_id["T1671_29"].kind == "multiple_base" and by_id["T1671_29"].base_year == 2025
    assert (by_id["T1671_10"].target_value, by_id["T1671_10"].target_high) == (16, 18)
    assert by_id["T1671_02"].comparator == "about"
    # 27 and 28 are two measured quantities each: two rows with the same number
    assert sorted(t.target_id for t in targets if t.indicator_no in ("27", "28")) == [
        "T1671_27_BUDGET",
        "T1671_27_GDP",
        "T1671_28_COMPUTE",
        "T1671_28_POWER",
    ]
    groups = {t.indicator_no: t.appendix_group for t in targets}
    assert (groups["1"], groups["5"], groups["13"], groups["27"], groups["32"]) == (
        "impact",
        "results",
        "outputs",
        "inputs",
        "",
    )
    agencies = set(q.agencies(store)["agency_id"])
    assert all({t.lead_agency, *t.coordinating_agencies} <= agencies for t in targets)


def test_rank_targets_of_1671_are_proxies_with_the_other_yardsticks_beside(store):
    reports = {r.target_id: r for r in strategies.target_reports(store, today=AFTER)}
    assert len(reports) == 34
    rd, asia = reports["T1671_01"], reports["T1671_32"]
    assert (rd.yardstick_proxy, rd.yardstick_index, rd.group_id) == (True, "ETO_CAT_AI", "SEA")
    assert (asia.yardstick_proxy, asia.yardstick_index, asia.group_id) == (True, "GAIRI", "ASIA")
    # AI articles 2024 (v1.12.0): IDN, SGP, MYS ahead of Viet Nam among the 11
    assert (rd.value, rd.of, rd.yardstick_edition) == (4.0, 11, 2024)
    others = {o.index_id: o for o in rd.other_yardsticks}
    assert {"GAIRI", "UN_EGDI"} <= set(others)
    assert (others["GAIRI"].edition_year, others["GAIRI"].rank) == (2025, 5)  # 5th in Southeast Asia
    assert all(r.lead_agency_en for r in reports.values())
    assert reports["T1671_17"].evidence_count == 0 and reports["T1671_17"].status == "no_data"


def test_127_closing_verdict_2025_judged_by_2025_editions_2030_superseded(store):
    reports = {r.target_id: r for r in strategies.target_reports(store, "QD127_2021", today=AFTER)}
    assert all(r.strategy_status == "superseded" for r in reports.values())
    for target_id, rank, of in [("T2025_ASEAN_RANK", 5, 11), ("T2025_WORLD_RANK", 45, 195)]:
        r = reports[target_id]
        assert (r.status, r.yardstick_index, r.yardstick_edition, r.value, r.of) == (
            "achieved",
            "GAIRI",
            2025,
            rank,
            of,
        )
    later = {k: r for k, r in reports.items() if r.horizon_year == 2030}
    assert len(later) == 7 and all(r.status == "superseded" for r in later.values())
    assert later["T2030_ASEAN_RANK"].succeeded_by == "T1671_01"
    assert later["T2030_AI_BRANDS"].succeeded_by == "T1671_20"
    assert later["T2030_WORLD_RANK"].succeeded_by == ""  # no world-rank target in 1671
    assert later["T2030_TOP20_ASEAN_INSTITUTION"].succeeded_by == ""
    # counted 2025 targets: judged from value records, else no data (milestones never count)
    brands = reports["T2025_AI_BRANDS"]
    assert (brands.status, brands.evidence_count, brands.value_count) == ("no_data", 1, 0)
    invest = reports["T2025_AI_STARTUPS_INVESTMENT"]
    assert (invest.status, invest.value, invest.value_unit, invest.evidence_fit) == (
        "achieved",
        80.0,
        "USD million",
        "partial",
    )
    # judged before it was replaced, Decision 127 was simply in force
    before = {
        r.target_id: r for r in strategies.target_reports(store, "QD127_2021", today=dt.date(2026, 3, 1))
    }
    assert (
        before["T2030_ASEAN_RANK"].status not in ("superseded",)
        and before["T2030_ASEAN_RANK"].succeeded_by is None
    )


@pytest.mark.parametrize(("year", "rank"), [(2024, 71), (2022, 86), (2020, 86), (2014, 99)])
def test_egdi_world_ranks_of_viet_nam(store, year, rank):
    [row] = services.rank_history(store, "UN_EGDI", "VNM", "SEA", year)
    assert (row.published_rank, row.countries_ranked) == (rank, 193)


def test_egdi_2024_viet_nam_5th_of_the_11_southeast_asian_countries(store):
    [row] = services.rank_history(store, "UN_EGDI", "VNM", "SEA", 2024)
    assert (row.group_rank, row.group_size) == (5, 11)
    table = services.group_table(store, "UN_EGDI", 2024, "SEA")
    assert table["iso3"].tolist()[:5] == ["SGP", "THA", "MYS", "IDN", "VNM"]
    assert {"OSI", "HCI", "TII"} <= set(table.columns)


def test_peer_groups_sea_is_geography_asia_is_un_m49(store):
    for day in (dt.date(2014, 12, 31), dt.date(2030, 1, 1)):
        sea = q.group_members(store, "SEA", day)
        assert len(sea) == 11 and "TLS" in sea  # Timor-Leste always, unlike ASEAN before 26 Oct 2025
    assert "TLS" not in q.group_members(store, "ASEAN", dt.date(2024, 12, 31))
    asia = q.memberships(store, "ASIA")
    assert len(asia) == 50 and {"JPN", "IND", "SAU", "VNM", "MAC"} <= set(asia["iso3"])
    assert "TWN" not in set(asia["iso3"])  # M49 does not list it separately
    assert set(asia["source"].str.split(" ").str[0]) == {"https://unstats.un.org/unsd/methodology/m49/"}


def test_ai_articles_are_one_vintage_with_complete_years_only(store):
    eds = q.editions(store, "ETO_CAT_AI")
    assert eds["edition_year"].tolist() == list(range(2016, 2025))
    assert set(eds["series"]) == {"ETO-CAT-v1.12.0"}
    assert "CC BY-NC 4.0" in q.indices(store).set_index("index_id").loc["ETO_CAT_AI", "licence"]
    vnm = q.series(store, "ETO_CAT_AI", "VNM")
    assert vnm.set_index("edition_year")["value"].to_dict()[2022] == 1736  # v1.12.0, not Dec 2024's 2372


BAD_HEADER = (
    "strategy_id,target_id,horizon_year,kind,comparator,target_value,target_high,base_year,"
    "lead_agency,text_vi,text_en\n"
)
BAD_ROWS = [
    ("QD1671_2026,T_OK,2030,share,>=,50,,,MST,a,b", None),
    ("QD1671_2026,T_KIND,2030,banana,>=,50,,,MST,a,b", ("field_choice", "kind")),
    ("QD1671_2026,T_RANGE,2030,share,>=,15,10,,MST,a,b", ("target_range_reversed", "target_high")),
    ("QD1671_2026,T_EARLY,2025,share,>=,50,,,MST,a,b", ("target_horizon_before_strategy", "horizon_year")),
    ("QD1671_2026,T_BASE,2030,growth_base,>=,30,,,MST,a,b", ("target_base_year_required", "base_year")),
    ("QD1671_2026,T_AGENCY,2030,share,>=,50,,,MINISTRY_OF_MAGIC,a,b", ("unknown_agency", "lead_agency")),
    ("NOPE_2030,T_STRATEGY,2030,share,>=,50,,,MST,a,b", ("unknown_strategy", "strategy_id")),
]


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_bad_target_rows_are_refused_naming_row_and_field(store, lang):
    data = (BAD_HEADER + "\n".join(r for r, _ in BAD_ROWS) + "\n").encode()
    signed = {r.strategy_id: r.signed_on for r in strategies.list_strategies(store)}
    agencies = set(q.agencies(store)["agency_id"])
    parsed, problems = parse_target_set(data, "set.csv", set(), signed, lang, agencies)
    assert [t.target_id for t in parsed] == ["T_OK"]
    expected = [(row, *want) for row, (_, want) in enumerate(BAD_ROWS, start=2) if want]
    assert [(p.row, p.code, p.column) for p in problems] == expected
    for p in problems:
        line = i18n.problem_message(p, lang)
        assert line.startswith(i18n.t("problem.row", lang, row=p.row))
        assert i18n.t("problem.column", lang, column=p.column) in line
        reason = i18n.error_message(p.code, lang, **p.params)
        assert reason in line and not reason.startswith("error.")
    vi = i18n.problem_message(problems[2], "vi") if lang == "vi" else ""
    assert lang == "en" or "năm ký ban hành" in vi


def test_a_bad_target_set_writes_nothing(fresh_db):
    db = open_store(fresh_db)
    before, audit = len(q.targets(db)), len(q.audit_log(db, 5000))
    good = Target(
        strategy_id="QD1671_2026",
        target_id="T_NEW_SHARE",
        horizon_year=2030,
        kind="share",
        comparator=">=",
        target_value=50,
        lead_agency="MST",
        text_vi="a",
        text_en="b",
    )
    early = good.model_copy(update={"target_id": "T_NEW_EARLY", "horizon_year": 2025})
    stranger = good.model_copy(update={"target_id": "T_NEW_AGENCY", "coordinating_agencies": ("NOBODY",)})
    with pytest.raises(ValidationFailed) as caught:
        services.add_targets(db, ANALYST, [good, early, stranger])
    assert [(p.code, p.row, p.column) for p in caught.value.problems] == [
        ("target_horizon_before_strategy", 3, "horizon_year"),
        ("unknown_agency", 4, "coordinating_agencies"),
    ]
    assert len(q.targets(db)) == before and len(q.audit_log(db, 5000)) == audit
    assert services.add_targets(db, ANALYST, [good]) == 1
    stored = strategies.get_target(db, "T_NEW_SHARE")
    assert (stored.kind, stored.lead_agency) == ("share", "MST")
    db.close()


def test_a_database_seeded_before_1671_is_upgraded_on_open(fresh_db):
    """An existing var/dashboard.duckdb from the old data: only Decision 127, no agencies, no
    EGDI, no evidence, and the old columns. Opening it adds what data/ has and it lacks."""
    con = duckdb.connect(str(fresh_db))
    con.execute("DELETE FROM targets WHERE strategy_id <> 'QD127_2021'")
    con.execute("UPDATE targets SET succeeded_by = ''")
    con.execute("DELETE FROM strategies WHERE strategy_id <> 'QD127_2021'")
    con.execute("UPDATE strategies SET superseded_by = '', superseded_on = NULL")
    con.execute("DELETE FROM agencies")
    con.execute("DELETE FROM progress_records")
    con.execute(
        "INSERT INTO progress_records (target_id, recorded_on, value, source_url, created_by)"
        " VALUES ('T2030_AI_BRANDS', '2024-06-01', 2, 'https://example.vn/a', 'ana')"
    )
    con.execute(
        "DELETE FROM observations WHERE version_id IN"
        " (SELECT version_id FROM versions WHERE index_id IN ('UN_EGDI', 'ETO_CAT_AI'))"
    )
    con.execute("DELETE FROM versions WHERE index_id IN ('UN_EGDI', 'ETO_CAT_AI')")
    con.execute("DELETE FROM editions WHERE index_id IN ('UN_EGDI', 'ETO_CAT_AI')")
    con.execute("DELETE FROM peer_group_members WHERE group_id IN ('SEA', 'ASIA')")
    con.execute("ALTER TABLE editions DROP COLUMN notes_vi")  # added with the Vietnamese notes
    con.execute("ALTER TABLE indices DROP COLUMN coverage")  # added with regional indices
    for column in ("unit_en", "unit_vi"):  # added with the count index's unit (AI articles)
        con.execute(f"ALTER TABLE indices DROP COLUMN {column}")
    con.execute("DELETE FROM meta WHERE key = 'schema_sha'")  # written by an older schema.sql
    con.execute("DELETE FROM meta WHERE key = ?", [DATA_KEY])
    con.close()
    db = open_store(fresh_db)  # open_store seeds or upgrades
    assert strategies.default_strategy_id(db) == "QD1671_2026"
    assert len(strategies.targets(db, "QD1671_2026")) == 34
    assert strategies.get_target(db, "T2030_ASEAN_RANK").succeeded_by == "T1671_01"
    assert len(q.group_members(db, "SEA", AFTER)) == 11
    [egdi] = services.rank_history(db, "UN_EGDI", "VNM", "SEA", 2024)
    assert (egdi.published_rank, egdi.group_rank) == (71, 5)
    records = q.progress_records(db)
    assert len(records) == 25 and "ana" in set(records["created_by"])  # the analyst's record kept
    notes = q.editions(db, "GAIRI").set_index("edition_year")["notes_vi"]
    assert notes[2023].startswith("Một bài báo được sao chép rộng rãi")
    coverage = q.indices(db).set_index("index_id")["coverage"]
    assert (coverage["ETO_CAT_AI"], coverage["GAIRI"]) == ("SEA", "")
    eto, gairi = services.index_info(db, "ETO_CAT_AI"), services.index_info(db, "GAIRI")
    assert (eto.unit("vi"), eto.unit("en"), gairi.unit("vi")) == ("bài báo", "articles", "")
    assert q.audit_log(db, 1)["action"].iloc[0] == "upgrade_default_data"
    assert seed_or_upgrade(db) == "current"
    db.close()


def test_an_asian_target_is_not_judged_by_the_southeast_asian_ai_articles(store):
    """AI articles cover the 11 Southeast Asian countries: 'top 10 of Asia' (1671 #32) has no rank
    by them (the Overview's other-yardsticks table once said 4 of 11, met), 'top 3 of SEA' has."""
    by = {
        a.target_id: a
        for a in services.assess_targets(
            store, strategy_id="QD1671_2026", yardsticks={"*": "ETO_CAT_AI"}, today=AFTER
        )
    }
    assert (by["T1671_32"].status, by["T1671_32"].trace.rule) == ("no_data", "rule.group_outside_coverage")
    assert by["T1671_32"].current_rank is None
    assert (by["T1671_01"].current_rank, by["T1671_01"].of) == (4, 11)
