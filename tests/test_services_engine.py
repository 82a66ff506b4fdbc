"""The engine's services on the real seeded database, checked against the raw data files by hand."""

from __future__ import annotations

import csv
import datetime as dt
import json

import pytest

from metrics import i18n, progress, services
from metrics.auth import Actor
from metrics.errors import MetricsError, NotFound, PermissionDenied, ValidationFailed
from metrics.models import ProgressRecord, Target
from metrics.store import open_store
from metrics.store import queries as q
from tests.cli_runner import run_cli
from tests.conftest import ROOT

TODAY = dt.date(2026, 3, 1)
# These tests judge the engine on Decision 127's targets (on a day it was still in force); the
# default strategy is now Decision 1671, so they name 127.
OLD = "QD127_2021"
ANALYST = Actor(name="ana", role="analyst")
VIEWER = Actor(name="vic", role="viewer")


def raw_scores(index_id: str, year: int, measure: str = "total") -> dict[str, float]:
    with open(ROOT / "data" / "observations.csv", encoding="utf-8") as f:
        return {
            r["iso3"]: float(r["value"])
            for r in csv.DictReader(f)
            if (r["index_id"], int(r["edition_year"]), r["measure_id"]) == (index_id, year, measure)
        }


def raw_members(group_id: str, on: dt.date) -> set[str]:
    with open(ROOT / "data" / "peer_group_members.csv", encoding="utf-8") as f:
        return {
            r["iso3"]
            for r in csv.DictReader(f)
            if r["group_id"] == group_id
            and dt.date.fromisoformat(r["valid_from"]) <= on
            and (not r["valid_to"] or on <= dt.date.fromisoformat(r["valid_to"]))
        }


def by_hand(index_id: str, year: int, group: str, n: int, iso3: str = "VNM") -> tuple[float, float, int]:
    """(threshold, gap, rank) recomputed from the raw files, as a reviewer would."""
    scores = raw_scores(index_id, year)
    if group != "WORLD":
        members = raw_members(group, dt.date(year, 12, 31))
        scores = {k: v for k, v in scores.items() if k in members}
    others = sorted((v for k, v in scores.items() if k != iso3), reverse=True)
    threshold = others[n - 1]
    rank = 1 + sum(1 for v in others if v > scores[iso3])
    return threshold, scores[iso3] - threshold, rank


@pytest.fixture(scope="module")
def assessments(store):
    return {a.target_id: a for a in services.assess_targets(store, "VNM", OLD, today=TODAY)}


@pytest.mark.parametrize(
    ("target_id", "group", "n", "rank", "of", "status"),
    [
        ("T2025_WORLD_RANK", "WORLD", 60, 45, 195, "achieved"),  # GAIRI 2025: 45th of 195
        ("T2025_ASEAN_RANK", "ASEAN", 5, 5, 11, "achieved"),  # 5th of 11 (Timor-Leste joined)
        ("T2030_WORLD_RANK", "WORLD", 50, 45, 195, "met_now"),
    ],
)
def test_published_figures_for_viet_nam(assessments, target_id, group, n, rank, of, status):
    a = assessments[target_id]
    threshold, gap, computed_rank = by_hand("GAIRI", 2025, group, n)
    assert (a.yardstick_index, a.as_of_edition, a.current_rank, a.of, a.status) == (
        "GAIRI",
        2025,
        rank,
        of,
        status,
    )
    assert a.threshold == pytest.approx(threshold)
    assert a.gap == pytest.approx(gap, abs=1e-6)
    assert a.computed_rank == computed_rank
    assert a.source_url.startswith("https://oxfordinsights.com/")
    assert a.version_id is not None


def test_2030_asean_top_4_is_not_met_yet_and_the_trace_can_be_recomputed(assessments):
    a = assessments["T2030_ASEAN_RANK"]
    threshold, gap, rank = by_hand("GAIRI", 2025, "ASEAN", 4)
    assert (a.current_rank, rank) == (5, 5)
    assert a.status not in ("met_now", "achieved", "no_data")
    assert gap < 0 and a.gap == pytest.approx(gap, abs=1e-6)
    # The trace carries every input a reviewer needs: the members' scores and the formula.
    scores = a.trace.inputs["scores"]
    assert set(scores) == raw_members("ASEAN", dt.date(2025, 12, 31))
    others = sorted((v for k, v in scores.items() if k != "VNM"), reverse=True)
    assert others[3] == pytest.approx(threshold)
    steps = {s.key: s for s in a.trace.steps}
    assert steps["trace.threshold"].value == pytest.approx(threshold)
    assert steps["trace.gap"].value == pytest.approx(gap, abs=1e-6)
    # GAIRI 2025 starts a new series with 11 members: nothing to compare it with yet.
    assert steps["trace.country_trend"].value == "not_computable"
    assert a.trend_basis == "none" and a.projection is None
    assert a.trace.inputs["position_points"] == [[2025, 5.0]]


def test_world_trace_lists_the_best_others(assessments):
    a = assessments["T2025_WORLD_RANK"]
    best = a.trace.inputs["best_others"]
    assert len(best) == 61 and best[59][1] == pytest.approx(a.threshold)
    assert best == sorted(best, key=lambda kv: -kv[1])


def test_counted_targets_without_records_are_no_data(assessments):
    # The shipped evidence has values for one target only (AI investment, USD 10 M in 2023 and 80 M
    # in 2024); every other counted target has milestones at most, which never feed a status.
    with_values = {"T2025_AI_STARTUPS_INVESTMENT"}
    counted = [a for a in assessments.values() if a.kind != "rank" and a.target_id not in with_values]
    assert counted and all(a.status == "no_data" and a.trace.rule == "rule.no_records" for a in counted)
    invest = assessments["T2025_AI_STARTUPS_INVESTMENT"]
    assert (invest.current_count, invest.measured_on, invest.status) == (
        80.0,
        dt.date(2024, 12, 31),
        "achieved",
    )


def test_status_history_says_what_we_would_have_said_then(store):
    history = services.status_history(store, "T2025_ASEAN_RANK", today=TODAY)
    assert [a.as_of_edition for a in history] == [2019, 2020, 2021, 2022, 2023, 2024, 2025]
    assert [a.current_rank for a in history] == [6, 7, 6, 6, 5, 5, 5]
    assert history[-1].status == "achieved"
    assert history[4].status == "met_now" and history[4].of == 10  # 2023: ten members
    assert all(a.status != "achieved" for a in history[:-1])


def test_yardstick_comparison_judges_the_same_target_with_each_index(store):
    rows = services.yardstick_comparison(store, "T2030_ASEAN_RANK", today=TODAY)
    # the target's own first, then the indices measuring the same thing (data/second_opinions.toml):
    # AI articles and EGDI have data but measure research output and e-government, not AI readiness
    assert [a.yardstick_index for a in rows] == ["GAIRI", "WIPO_GII", "IMF_AIPI"]
    gii = rows[1]
    _, gap, rank = by_hand("WIPO_GII", 2025, "ASEAN", 4)
    assert (gii.as_of_edition, gii.current_rank) == (2025, rank)
    assert gii.gap == pytest.approx(gap, abs=1e-6)
    assert rows[2].as_of_edition == 2023  # the AIPI copy has one edition


def test_yardstick_override_in_assess_targets(store):
    rows = services.assess_targets(
        store, strategy_id=OLD, yardsticks={"T2025_WORLD_RANK": "WIPO_GII"}, today=TODAY
    )
    world = next(a for a in rows if a.target_id == "T2025_WORLD_RANK")
    assert (world.yardstick_index, world.current_rank, world.status) == ("WIPO_GII", 44, "achieved")


def test_measure_gaps_per_pillar_match_the_raw_scores(store):
    gaps = {g.measure_id: g for g in services.measure_gaps(store, "GAIRI", 2025, "ASEAN", 4)}
    assert gaps["total"].level == "total"
    members = raw_members("ASEAN", dt.date(2025, 12, 31))
    for pillar in ("pillar_policy_capacity", "pillar_ai_infrastructure"):
        scores = {k: v for k, v in raw_scores("GAIRI", 2025, pillar).items() if k in members}
        others = sorted((v for k, v in scores.items() if k != "VNM"), reverse=True)
        g = gaps[pillar]
        assert (g.score, g.threshold) == (pytest.approx(scores["VNM"]), pytest.approx(others[3]))
        assert g.gap == pytest.approx(scores["VNM"] - others[3], abs=1e-6)
        assert g.group_top_mean == pytest.approx(sum(others[:4]) / 4, abs=1e-6)
    assert sum(1 for g in gaps.values() if g.level == "pillar") == 6
    assert sum(1 for g in gaps.values() if g.level == "dimension") == 14


@pytest.mark.parametrize(("year", "rows", "has_tls"), [(2024, 10, False), (2025, 11, True)])
def test_group_table_uses_each_editions_membership(store, year, rows, has_tls):
    table = services.group_table(store, "GAIRI", year, "ASEAN")
    assert len(table) == rows and ("TLS" in set(table["iso3"])) is has_tls
    assert list(table["group_rank"]) == sorted(table["group_rank"])
    vnm = table.set_index("iso3").loc["VNM"]
    assert vnm["group_rank"] == 5
    assert table.attrs["source_url"]


def test_what_if_on_gairi_2025_reproduces_the_published_total_and_rank(store):
    same = services.what_if(store, "GAIRI", 2025, "VNM", {})
    assert (same.base_total, same.new_total, same.base_rank, same.base_group_rank) == (59.98, 59.98, 45, 5)
    assert same.residual < 0.01
    assert same.weights["pillar_ai_infrastructure"] == 0.25 and same.weights["pillar_resilience"] == 0.1
    moved = services.what_if(store, "GAIRI", 2025, "VNM", {"pillar_policy_capacity": 80.5})
    assert moved.new_total == pytest.approx(59.98 + 0.1 * (80.5 - 53.5))
    assert moved.new_group_rank == 3  # 62.68: above MYS 62.34 and PHL 60.51, below THA 63.22


def test_what_if_2023_is_the_mean_of_pillars(store):
    r = services.what_if(store, "GAIRI", 2023, "VNM", {"pillar_government": 100.0})
    pillar = raw_scores("GAIRI", 2023, "pillar_government")["VNM"]
    assert r.new_total == pytest.approx(r.base_total + (100.0 - pillar) / 3, abs=1e-6)
    assert "mean of 3" in r.aggregation


def test_smallest_changes_reach_asean_top_4(store):
    plans = services.smallest_changes(store, "GAIRI", 2025, "VNM", 4, "ASEAN")
    assert plans[-1]["plan"] == "balanced"
    assert all(p["new_group_rank"] <= 4 for p in plans if p["feasible"])
    _, gap, _ = by_hand("GAIRI", 2025, "ASEAN", 4)
    assert plans[0]["total_points_needed"] == pytest.approx(-gap, abs=1e-6)


def test_data_quality_findings_include_sri_lanka_2020(store):
    findings = services.data_quality_findings(store)
    lka = [f for f in findings if (f.iso3, f.index_id, f.edition_year) == ("LKA", "GAIRI", 2020)]
    assert [(f.kind, f.published_rank, f.computed_rank) for f in lka] == [("rank_mismatch", 90, 100)]


def test_progress_records_need_an_analyst_and_move_the_status(fresh_db):
    store = open_store(fresh_db)
    record = ProgressRecord(
        target_id="T2030_AI_BRANDS",
        recorded_on=dt.date(2024, 6, 1),
        value=2,
        source_url="https://example.vn/a",
    )
    with pytest.raises(PermissionDenied):
        services.add_progress_record(store, VIEWER, record)
    first = services.add_progress_record(store, ANALYST, record)
    second = services.add_progress_record(
        store, ANALYST, record.model_copy(update={"recorded_on": dt.date(2025, 6, 1), "value": 4})
    )
    assert second > first
    log = q.audit_log(store, 5)
    assert list(log["action"][:2]) == ["add_progress_record", "add_progress_record"]
    assert set(log["actor"][:2]) == {"ana"}
    brands = next(
        a
        for a in services.assess_targets(store, strategy_id=OLD, today=TODAY)
        if a.target_id == "T2030_AI_BRANDS"
    )
    # 2 a year; needs (10 - 4) / (years from 2025-06-01 to 2030-12-31) = 1.09 a year: on track
    assert (brands.current_count, brands.status, brands.source_url) == (
        4.0,
        "on_track",
        "https://example.vn/a",
    )
    with pytest.raises(MetricsError) as err:
        services.add_progress_record(store, ANALYST, record.model_copy(update={"target_id": "NOPE"}))
    assert err.value.code == "unknown_target"
    store.close()


# A new world rank target of Decision 127 on GAIRI (the adding tests vary one field of it).
WORLD_TARGET = Target(
    strategy_id="QD127_2021",
    target_id="T2035_WORLD_RANK",
    horizon_year=2035,
    kind="rank",
    comparator="<=",
    target_value=40,
    group_id="WORLD",
    yardstick_index="GAIRI",
    yardstick_measure="total",
    text_vi="Top 40 thế giới",
    text_en="Top 40 in the world",
)


def test_add_target_for_a_new_strategy_is_audited_and_checked(fresh_db):
    store = open_store(fresh_db)
    new = WORLD_TARGET
    with pytest.raises(PermissionDenied):
        services.add_target(store, VIEWER, new)
    services.add_target(store, ANALYST, new)
    a = next(
        a
        for a in services.assess_targets(store, strategy_id=OLD, today=TODAY)
        if a.target_id == "T2035_WORLD_RANK"
    )
    # 45th of 195 now; rank 40 of 195 is percentile 100 x 155 / 194; ten years left. GAIRI 2025
    # is the first edition of its series: the change needed is known, the pace is not yet.
    assert (a.current_rank, a.trend_basis) == (45, "none")
    assert a.required_position_per_year == pytest.approx((100 * 155 / 194 - 100 * 150 / 194) / 10, abs=1e-4)
    assert a.status == "pace_unknown" and a.pace_ratio is None
    for bad, code in [
        (new, "target_exists"),
        (new.model_copy(update={"target_id": "T_X", "strategy_id": "NOPE"}), "unknown_strategy"),
        (new.model_copy(update={"target_id": "T_Y", "group_id": "NOPE"}), "unknown_group_id"),
        # the AI-articles index covers Southeast Asia only: it has no world rank to judge by
        (
            new.model_copy(update={"target_id": "T_Z", "yardstick_index": "ETO_CAT_AI"}),
            "world_target_regional_index",
        ),
    ]:
        with pytest.raises(MetricsError) as err:
            services.add_target(store, ANALYST, bad)
        assert err.value.code == code
    assert q.audit_log(store, 1)["action"].iloc[0] == "add_target"
    store.close()


def test_a_target_set_with_a_world_target_on_a_regional_index_is_refused_whole(fresh_store_path):
    store = open_store(fresh_store_path)  # on the DuckDB file and on PostgreSQL
    world = WORLD_TARGET.model_copy(update={"target_id": "T_SET_WORLD"})
    regional = world.model_copy(update={"target_id": "T_SET_ETO", "yardstick_index": "ETO_CAT_AI"})
    before = len(q.targets(store))
    with pytest.raises(ValidationFailed) as err:
        services.add_targets(store, ANALYST, [world, regional])
    [problem] = err.value.problems
    assert (problem.code, problem.row, problem.column) == ("world_target_regional_index", 3, "group_id")
    assert problem.params["region"] == "SEA"
    assert "ETO_CAT_AI" in i18n.problem_message(problem, "en")
    assert "không có thứ hạng thế giới" in i18n.problem_message(problem, "vi")
    assert len(q.targets(store)) == before  # all or nothing: the valid row is not written either
    store.close()


def test_cli_status_json_trace_on_the_default_data(fresh_db):
    out = run_cli("status", "--json", "--trace", "--today", "2026-03-01", "--strategy", OLD, db=fresh_db)
    assert out.returncode == 0, out.stderr
    rows = {r["target_id"]: r for r in json.loads(out.stdout)}
    asean = rows["T2030_ASEAN_RANK"]
    threshold, gap, _ = by_hand("GAIRI", 2025, "ASEAN", 4)
    steps = {s["key"]: s for s in asean["trace"]["steps"]}
    assert steps["trace.threshold"]["value"] == pytest.approx(threshold)
    assert steps["trace.gap"]["value"] == pytest.approx(gap, abs=1e-6)
    assert steps["trace.threshold"]["params"]["rival"] == "PHL"
    assert asean["trace"]["rule"].startswith("rule.")
    assert rows["T2025_WORLD_RANK"]["status"] == "achieved"


@pytest.mark.parametrize(("as_of", "rank"), [(2021, 6), (2023, 5)])
def test_cli_status_as_of_and_the_table_with_trace(fresh_db, as_of, rank):
    args = [
        "status",
        "--as-of",
        str(as_of),
        "--today",
        "2026-03-01",
        "--strategy",
        OLD,
        "--db",
        str(fresh_db),
    ]
    out = run_cli(*args, "--json")
    assert out.returncode == 0, out.stderr
    rows = {r["target_id"]: r for r in json.loads(out.stdout)}
    assert "trace" not in rows["T2025_ASEAN_RANK"]
    assert (rows["T2025_ASEAN_RANK"]["as_of_edition"], rows["T2025_ASEAN_RANK"]["current_rank"]) == (
        as_of,
        rank,
    )
    text = run_cli(*args, "--trace", "--lang", "vi")
    assert text.returncode == 0, text.stderr
    assert "Ngưỡng" in text.stdout and "Khoảng cách" in text.stdout


def test_as_of_an_earlier_edition_judges_as_on_that_day(store):
    """A report "as of GAIRI 2024" made in 2026 says what we would have said then: the 2025
    targets were still ahead (met now / on track ...), not "no data" because 2025 has passed."""
    import datetime as dt

    from metrics import services

    later = dt.date(2026, 11, 25)
    rows = {a.target_id: a for a in services.assess_targets(store, strategy_id=OLD, as_of=2024, today=later)}
    world = rows["T2025_WORLD_RANK"]
    assert world.as_of_edition == 2024
    assert world.current_rank == 51
    assert world.status not in {"no_data", "achieved", "missed"}
    now = {a.target_id: a for a in services.assess_targets(store, strategy_id=OLD, today=later)}
    assert now["T2025_WORLD_RANK"].status == "achieved"


def test_status_histories_match_one_target_at_a_time(store):
    ids = list(q.targets(store)["target_id"])
    together = services.status_histories(store, ids, today=dt.date(2026, 1, 1))
    assert list(together) == ids
    for target_id in ids:
        alone = services.status_history(store, target_id, today=dt.date(2026, 1, 1))
        assert [a.model_dump() for a in together[target_id]] == [a.model_dump() for a in alone]
    with pytest.raises(NotFound):
        services.status_histories(store, ["NO_SUCH_TARGET"])


def test_every_data_quality_finding_has_a_code_and_params_in_both_languages(store):
    findings = services.data_quality_findings(store)
    assert findings and all(f.code in ("rank_mismatch", "aggregation_residual") for f in findings)
    for f in findings:
        vi, en = progress.finding_text(f, "vi"), progress.finding_text(f, "en")
        assert vi != f.detail and en != f.detail
        assert "{" not in vi and "published" not in vi
    lka = next(f for f in findings if (f.iso3, f.index_id, f.edition_year) == ("LKA", "GAIRI", 2020))
    assert lka.params["published"] == lka.published_rank and lka.params["computed"] == lka.computed_rank
