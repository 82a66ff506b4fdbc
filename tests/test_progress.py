"""Hand-computed cases for the progress engine (metrics/progress.py): thresholds, gaps, ties, breaks,
missing editions, a country outside the group, met / passed horizons, counted targets, projections."""

from __future__ import annotations

import datetime as dt
import math

import pytest

from metrics import i18n, progress, progress_steps, progress_trace
from metrics.models import ProgressRecord, Target
from metrics.progress import EditionScores, StatusRules

RULES = StatusRules()  # the defaults, equal to data/status_rules.toml (checked below)
TODAY = dt.date(2026, 3, 1)
BEFORE = dt.date(2023, 6, 1)  # rank cases: editions up to 2022, horizon 2025 still ahead


def ed(year, scores, members=None, series="S", published=None, ranked=None, higher=True, scale=(0.0, 100.0)):
    return EditionScores(
        index_id="IDX",
        edition_year=year,
        series=series,
        scores=scores,
        members=members,
        membership_date=dt.date(year, 12, 31),
        published_ranks=published or {},
        countries_ranked=ranked,
        higher_is_better=higher,
        scale_min=scale[0],
        scale_max=scale[1],
        source_url=f"https://example.org/{year}",
        version_id=year,
    )


def target(n, horizon=2025, group="G", kind="rank"):
    return Target(
        strategy_id="S1",
        target_id=f"T{horizon}_{group}_{n}",
        horizon_year=horizon,
        kind=kind,
        comparator="<=",
        target_value=n,
        group_id=group,
        yardstick_index="IDX",
        yardstick_measure="total",
        text_vi="mục tiêu",
        text_en="target",
    )


def assess(t, eds, iso3="V", today=BEFORE, as_of=None):
    return progress.assess_rank_target(t, iso3, eds, today=today, as_of=as_of, rules=RULES)


def step(a, key):
    return next(s for s in a.trace.steps if s.key == f"trace.{key}")


def test_rules_file_matches_the_documented_defaults():
    assert progress.load_status_rules() == RULES


# --- Thresholds, gaps and ties (one edition, horizon = that edition: achieved / missed) -------------

GROUP = ["A", "B", "C", "V", "D"]
TIED = {"A": 70.0, "B": 60.0, "C": 60.0, "V": 60.0, "D": 50.0, "X": 99.0}  # X is not a member


@pytest.mark.parametrize(
    ("n", "rank", "threshold", "gap", "status", "tie"),
    [
        # others best first: A 70, B 60, C 60, D 50; V's rank = 1 + #(others > 60) = 2
        (1, 2, 70.0, -10.0, "missed", False),
        (2, 2, 60.0, 0.0, "achieved", True),  # a tie at T_2 shares rank 2: inside
        (3, 2, 60.0, 0.0, "achieved", True),
        (4, 2, 50.0, 10.0, "achieved", False),
        (5, 2, None, None, "achieved", False),  # only 4 others: every score is inside
    ],
)
def test_threshold_gap_and_ties(n, rank, threshold, gap, status, tie):
    a = assess(target(n), [ed(2025, TIED, GROUP)])
    assert (a.current_rank, a.of, a.threshold, a.gap, a.status, a.tie_at_threshold) == (
        rank,
        5,
        threshold,
        gap,
        status,
        tie,
    )
    assert a.trace.rule == f"rule.{status}"
    assert a.percentile == pytest.approx(100 * (5 - 2) / 4)


def test_rivals_are_the_nearest_strictly_above_and_below():
    a = assess(target(2), [ed(2025, TIED, GROUP)])
    assert (a.rival_above.iso3, a.rival_above.score, a.rival_above.rank) == ("A", 70.0, 1)
    assert (a.rival_below.iso3, a.rival_below.score, a.rival_below.rank) == ("D", 50.0, 5)


def test_world_uses_the_published_rank_and_shows_the_computed_one():
    scores = {"A": 90.0, "B": 80.0, "V": 70.0, "C": 60.0}
    # The publisher printed V 4th of 150 though its score is 3rd among the countries in the file.
    a = assess(target(3, group="WORLD"), [ed(2025, scores, None, published={"V": 4}, ranked=150)])
    assert (a.current_rank, a.published_rank, a.computed_rank, a.of) == (4, 4, 3, 150)
    assert a.status == "missed"  # the official (published) rank decides
    assert a.threshold == 60.0 and a.gap == 10.0  # the scores say otherwise: shown in the trace
    assert "published rank 4 (computed competition rank 3)" in step(a, "rank").formula
    assert a.percentile == pytest.approx(100 * (150 - 4) / 149, abs=0.01)


def test_a_world_target_on_an_index_of_one_region_is_no_data_with_the_reason():
    """ETO's AI articles cover Southeast Asia only: 3rd of those 4 scores is no world rank."""
    scores = {"A": 90.0, "B": 80.0, "V": 70.0, "C": 60.0}
    regional = ed(2025, scores).model_copy(update={"coverage": "SEA"})
    a = assess(target(3, group="WORLD"), [regional])
    assert (a.status, a.trace.rule) == ("no_data", "rule.regional_coverage")
    assert (a.current_rank, a.percentile, a.of) == (None, None, None)
    assert step(a, "regional_coverage").formula == "IDX covers only SEA: no world field, so no world rank"
    sea = {"coverage": "SEA", "coverage_members": ["A", "B", "V", "C"]}
    inside = assess(target(3, group="G"), [ed(2025, scores, ["A", "V", "C"]).model_copy(update=sea)])
    assert (inside.status, inside.current_rank) == ("achieved", 2)  # the regional rank stays


def test_a_group_reaching_beyond_a_regional_index_is_no_data_with_the_reason():
    """'Top 10 of Asia' judged by an index of Southeast Asia: the rest of Asia was never scored, so
    3rd among the scored members is no rank in Asia (the Overview once showed it as met)."""
    scores = {"A": 90.0, "B": 80.0, "V": 70.0, "C": 60.0}
    sea = {"coverage": "SEA", "coverage_members": ["A", "B", "V", "C"]}
    asia = ed(2025, scores, ["A", "B", "V", "C", "J", "K"]).model_copy(update=sea)
    a = assess(target(3, group="ASIA"), [asia])
    assert (a.status, a.trace.rule) == ("no_data", "rule.group_outside_coverage")
    assert a.current_rank is None
    assert (
        step(a, "regional_coverage").formula
        == "IDX covers only SEA; ASIA has countries outside it, so no rank in ASIA"
    )
    unknown = ed(2025, scores, ["A", "V", "C"]).model_copy(update={"coverage": "SEA"})
    assert assess(target(3, group="G"), [unknown]).status == "no_data"  # members of SEA not known: no claim
    same = ed(2025, scores, ["A", "V", "C"]).model_copy(update={"coverage": "G"})
    assert assess(target(3, group="G"), [same]).status == "achieved"  # the group is the region itself


def test_lower_is_better_turns_the_gap_sign():
    scores = {"A": 1.0, "B": 2.0, "V": 3.0, "C": 4.0}
    a = assess(target(2, group="WORLD"), [ed(2025, scores, None, higher=False)])
    assert (a.current_rank, a.threshold, a.gap, a.status) == (3, 2.0, -1.0, "missed")


def test_country_outside_the_group_is_no_data_with_the_reason():
    a = assess(target(2), [ed(2025, TIED, GROUP)], iso3="X")
    assert a.status == "no_data" and a.trace.rule == "rule.not_in_group"
    assert a.current_rank is None
    assert a.threshold == 60.0 and a.gap == 39.0  # how far it would be, for the record


def test_no_score_in_the_horizon_edition_is_no_data():
    a = assess(target(2), [ed(2025, {"A": 1.0, "B": 2.0}, GROUP)])
    assert (a.status, a.trace.rule) == ("no_data", "rule.no_score")


def test_no_edition_at_all():
    a = assess(target(2), [ed(2025, TIED, GROUP)], as_of=2020)
    assert (a.status, a.trace.rule, a.as_of_edition) == ("no_data", "rule.no_edition", None)


# --- Horizon ahead: met now / on track / at risk / off track (score basis, one series) --------------


def series_of(v_scores, b_scores=(60.0, 60.0, 60.0), years=(2020, 2021, 2022)):
    """Group A 70, B (threshold for N=2), C 40 and V; N=2 so T_2 = B's score while V is below B."""
    return [
        ed(y, {"A": 70.0, "B": b, "C": 40.0, "V": v}, ["A", "B", "C", "V"])
        for y, v, b in zip(years, v_scores, b_scores, strict=True)
    ]


@pytest.mark.parametrize(
    ("v_scores", "slope", "ratio", "status"),
    [
        # T_2 = 60 flat; V at 54 in 2022; required = (60 - 54) / (2025 - 2022) = 2 points a year
        ((50.0, 52.0, 54.0), 2.0, 1.0, "on_track"),
        ((52.0, 53.0, 54.0), 1.0, 0.5, "at_risk"),
        ((53.0, 53.5, 54.0), 0.5, 0.25, "off_track"),
        ((56.0, 55.0, 54.0), -1.0, -0.5, "off_track"),
    ],
)
def test_pace_ratio_classes(v_scores, slope, ratio, status):
    a = assess(target(2), series_of(v_scores))
    assert (a.as_of_edition, a.current_rank, a.gap) == (2022, 3, -6.0)
    assert a.trend_basis == "score"
    assert a.trend_per_year == pytest.approx(slope)
    assert a.required_gain_per_year == pytest.approx(2.0)
    assert a.pace_ratio == pytest.approx(ratio)
    assert a.years_left == 3
    assert (a.status, a.trace.rule) == (status, f"rule.{status}")
    assert a.trend == ("up" if slope > 0.2 else "down")


def test_met_now_when_inside_before_the_horizon():
    a = assess(target(2), series_of((58.0, 62.0, 65.0)))
    assert (a.current_rank, a.gap, a.status) == (2, 5.0, "met_now")


def test_a_falling_threshold_below_the_score_is_on_track():
    # T_2 = B: 62, 60, 58 (slope -2) -> 52 in 2025, below V's 54 now.
    a = assess(target(2), series_of((54.0, 54.0, 54.0), b_scores=(62.0, 60.0, 58.0)))
    assert a.projection.threshold == pytest.approx(52.0)
    assert a.required_gain_per_year == pytest.approx((52.0 - 54.0) / 3)
    assert (a.status, a.trace.rule) == ("on_track", "rule.threshold_falling")


def test_projection_band_is_a_t_prediction_interval_from_three_points():
    # V: 50, 53, 54 -> slope 2, intercept at 2021 = 52.333; residuals -0.333, 0.667, -0.333
    a = assess(target(2), series_of((50.0, 53.0, 54.0)))
    p = a.projection
    slope, mean_x, mean_y = 2.0, 2021.0, 157.0 / 3
    central = mean_y + slope * (2025 - mean_x)
    s = math.sqrt(((50 - (mean_y - 2)) ** 2 + (53 - mean_y) ** 2 + (54 - (mean_y + 2)) ** 2) / (3 - 2))
    half = 6.313752 * s * math.sqrt(1 + 1 / 3 + (2025 - mean_x) ** 2 / 2)  # t(0.95, 1 df) for a 90% band
    assert (p.target_year, p.series, p.editions_used) == (2025, "S", [2020, 2021, 2022])
    assert p.country_slope == pytest.approx(slope)
    assert p.country_score == pytest.approx(central, abs=1e-4)
    assert p.country_low == pytest.approx(central - half, abs=1e-3)
    assert p.country_high == pytest.approx(central + half, abs=1e-3)
    assert p.threshold == pytest.approx(60.0) and p.threshold_low == pytest.approx(60.0)


def test_two_points_give_a_deliberately_wide_band():
    a = assess(target(2), series_of((52.0, 54.0), years=(2021, 2022), b_scores=(60.0, 60.0)))
    p = a.projection
    assert p.country_score == pytest.approx(60.0)  # 54 + 2 x 3
    assert (p.country_low, p.country_high) == (pytest.approx(54.0), pytest.approx(66.0))
    assert step(a, "projection").template == "projection_wide"


# --- Methodology breaks, missing editions, passed horizons ------------------------------------------


def test_a_break_leaves_the_pace_unknown_and_no_rank_line_crosses_it():
    # A rank line across a break used to decide "on track"; scores across a break do not compare,
    # and neither do ranks in another framework, so the pace cannot be judged yet.
    eds = series_of((50.0, 52.0, 54.0))  # series S, V ranks 3, 3, 3
    # New series in 2023 (different scale): V 2nd of 4
    eds.append(ed(2023, {"A": 9.0, "B": 5.0, "C": 4.0, "V": 6.0}, ["A", "B", "C", "V"], series="S2"))
    a = assess(target(1, horizon=2030), eds)
    assert (a.as_of_edition, a.current_rank, a.trend_per_year, a.projection) == (2023, 2, None, None)
    assert step(a, "country_trend").value == "not_computable"
    assert step(a, "break").params["series"] == ["S"]
    assert a.trace.inputs["comparable_editions"] == [2023]
    assert a.trace.inputs["position_points"] == [[2023, 2.0]]
    assert (a.trend, a.trend_basis, a.pace_ratio, a.position_trend_per_year) == ("none", "none", None, None)
    assert (a.status, a.trace.rule) == ("pace_unknown", "rule.pace_not_comparable")
    reason = step(a, "pace_ratio")
    assert reason.template == "pace_not_comparable"
    assert (reason.params["count"], reason.params["min"], reason.params["series"]) == (1, 2, "S2")
    assert progress.step_formula(reason, "en").startswith(
        "series S2 (4 countries compared) has 1 comparable edition "
    )
    assert a.required_gain_per_year == pytest.approx((9.0 - 6.0) / 7)  # threshold held at today's


def test_a_change_of_members_within_a_series_is_not_compared():
    # Same series, but a fifth member joins in 2022: the 2020-2021 field of four is another field.
    eds = series_of((50.0, 52.0), years=(2020, 2021), b_scores=(60.0, 60.0))
    eds.append(ed(2022, {"A": 70.0, "B": 60.0, "C": 40.0, "V": 54.0, "E": 30.0}, ["A", "B", "C", "V", "E"]))
    a = assess(target(2), eds)
    assert a.trace.inputs["comparable_editions"] == [2022]
    assert step(a, "membership_change").params["years"] == [2020, 2021]
    assert (a.status, a.trend) == ("pace_unknown", "none")


def test_min_pace_editions_comes_from_the_rules():
    eds = series_of((50.0, 52.0, 54.0))  # on track with 2 or 3 comparable editions
    assert assess(target(2), eds).status == "on_track"
    strict = progress.assess_rank_target(
        target(2), "V", eds, today=BEFORE, rules=StatusRules(min_pace_editions=4)
    )
    assert (strict.status, step(strict, "pace_ratio").params["min"]) == ("pace_unknown", 4)


def test_projection_band_stays_on_the_index_scale():
    # 80 -> 90 -> 99 on a 0-100 scale: the line reaches past 100 by 2025; the band must not.
    eds = [
        ed(y, {"A": 100.0, "B": 99.9, "C": 40.0, "V": v}, ["A", "B", "C", "V"])
        for y, v in zip((2020, 2021, 2022), (80.0, 90.0, 99.0), strict=True)
    ]
    p = assess(target(2), eds).projection
    assert p.country_high == 100.0 and p.country_score <= 100.0 and p.country_low <= 100.0
    assert p.threshold_high <= 100.0


def test_one_edition_and_not_met_is_pace_unknown():
    a = assess(target(1, horizon=2030), [ed(2025, TIED, GROUP)])
    assert (a.status, a.trace.rule, a.trend) == ("pace_unknown", "rule.pace_not_comparable", "none")


def test_missing_latest_edition_uses_the_previous_one_and_says_so():
    eds = series_of((50.0, 52.0, 54.0))
    eds.append(ed(2023, {"A": 70.0, "B": 60.0, "C": 40.0}, ["A", "B", "C", "V"]))  # V missing
    a = assess(target(2), eds)
    assert a.as_of_edition == 2022
    assert step(a, "missing_in_latest").params == {"iso3": "V", "index": "IDX", "year": 2023}


@pytest.mark.parametrize(
    ("v_2025", "status"),
    [(65.0, "achieved"), (55.0, "missed")],
)
def test_horizon_passed_is_judged_by_the_edition_of_that_year(v_2025, status):
    eds = series_of((50.0, 52.0, 54.0))
    eds.append(ed(2025, {"A": 70.0, "B": 60.0, "C": 40.0, "V": v_2025}, ["A", "B", "C", "V"]))
    eds.append(ed(2026, {"A": 70.0, "B": 60.0, "C": 40.0, "V": 10.0}, ["A", "B", "C", "V"]))  # later: ignored
    a = assess(target(2, horizon=2025), eds, today=dt.date(2027, 6, 1))
    assert (a.as_of_edition, a.status) == (2025, status)


def test_horizon_passed_without_an_edition_of_that_year_is_no_data():
    a = assess(target(2, horizon=2024), series_of((50.0, 52.0, 54.0)), today=dt.date(2026, 1, 1))
    assert (a.status, a.trace.rule) == ("no_data", "rule.horizon_edition_missing")
    assert a.current_rank == 3  # the latest figures are still reported


def test_as_of_gives_what_we_would_have_said_then():
    eds = series_of((50.0, 52.0, 54.0))
    a = assess(target(2), eds, as_of=2021)
    assert (a.as_of_edition, a.score, a.trace.inputs["editions_available"]) == (2021, 52.0, [2020, 2021])


def test_group_membership_is_the_one_of_each_edition():
    # X joins the group in 2022 and pushes V from 2nd to 3rd.
    eds = [
        ed(2021, {"A": 70.0, "V": 60.0, "X": 65.0}, ["A", "V"]),
        ed(2022, {"A": 70.0, "V": 60.0, "X": 65.0}, ["A", "V", "X"]),
    ]
    assert [assess(target(2), eds, as_of=y).current_rank for y in (2021, 2022)] == [2, 3]


# --- Counted targets --------------------------------------------------------------------------------


def count_target(value=10, horizon=2030, kind="count"):
    return Target(
        strategy_id="S1",
        target_id="TC",
        horizon_year=horizon,
        kind=kind,
        comparator=">=" if kind == "count" else "increase",
        target_value=value if kind == "count" else None,
        text_vi="đếm",
        text_en="count",
    )


SRC = "https://example.org/u"  # evidence needs a web source


def rec(day, value):
    return ProgressRecord(target_id="TC", recorded_on=dt.date.fromisoformat(day), value=value, source_url=SRC)


@pytest.mark.parametrize(
    ("records", "today", "status", "rule"),
    [
        ([], TODAY, "no_data", "no_records"),
        ([rec("2025-01-01", 4)], TODAY, "pace_unknown", "count_no_trend"),  # one record, not met: no pace
        ([rec("2025-01-01", 12)], TODAY, "met_now", "count_met_now"),
        # 2 a year from 2024 to 2026-01-01; needs (10 - 6) / (1826 / 365.25) = 0.8 a year
        ([rec("2024-01-01", 2), rec("2025-01-01", 4), rec("2026-01-01", 6)], TODAY, "on_track", "on_track"),
        ([rec("2024-01-01", 6), rec("2026-01-01", 6)], TODAY, "off_track", "off_track"),
        ([rec("2029-06-01", 11)], dt.date(2031, 1, 1), "achieved", "count_achieved"),
        ([rec("2029-06-01", 9), rec("2031-02-01", 12)], dt.date(2031, 3, 1), "missed", "count_missed"),
        ([rec("2031-02-01", 12)], dt.date(2031, 3, 1), "no_data", "no_record_by_horizon"),
    ],
)
def test_counted_target(records, today, status, rule):
    a = progress.assess_count_target(count_target(), records, today=today, rules=RULES)
    assert (a.status, a.trace.rule) == (status, f"rule.{rule}")
    assert a.trace.inputs["records"] == [[r.recorded_on.isoformat(), r.value, SRC] for r in records]


def test_counted_target_pace_by_hand():
    records = [rec("2024-01-01", 2), rec("2025-01-01", 4), rec("2026-01-01", 6)]
    a = progress.assess_count_target(count_target(), records, today=TODAY, rules=RULES)
    years_left = (dt.date(2030, 12, 31) - dt.date(2026, 1, 1)).days / 365.25
    assert (a.current_count, a.measured_on, a.gap) == (6.0, dt.date(2026, 1, 1), -4.0)
    assert a.trend_per_year == pytest.approx(2.0, abs=0.01)  # 2 a year (2024 is a leap year)
    assert a.required_gain_per_year == pytest.approx(4 / years_left)
    assert a.pace_ratio == pytest.approx(a.trend_per_year / (4 / years_left), abs=1e-3)


@pytest.mark.parametrize(
    ("records", "today", "status", "rule"),
    [
        ([rec("2024-01-01", 3)], TODAY, "no_data", "direction_needs_two_records"),
        ([rec("2024-01-01", 3), rec("2025-01-01", 5)], TODAY, "met_now", "direction_met_now"),
        ([rec("2024-01-01", 5), rec("2025-01-01", 5)], TODAY, "off_track", "direction_off_track"),
        ([rec("2024-01-01", 3), rec("2025-01-01", 5)], dt.date(2031, 1, 1), "achieved", "direction_achieved"),
        ([rec("2024-01-01", 5), rec("2025-01-01", 4)], dt.date(2031, 1, 1), "missed", "direction_missed"),
    ],
)
def test_direction_target_needs_an_increase(records, today, status, rule):
    a = progress.assess_count_target(count_target(kind="direction"), records, today=today, rules=RULES)
    assert (a.status, a.trace.rule) == (status, f"rule.{rule}")


# Words that belong to a rank target's rule (its editions and ranks), in each language.
RANK_WORDS = {"en": ("rank", "edition"), "vi": ("hạng", "kỳ công bố")}


def _counted_rules() -> set[str]:
    """Every rule the counted and direction targets finish with over records that reach each branch
    (none, one, a pace in each class, the deadline passed with and without a record)."""
    cases = [
        (count_target(), []),
        (count_target(), [rec("2025-01-01", 4)]),
        (count_target(), [rec("2025-01-01", 12)]),
        (count_target(), [rec("2024-01-01", 2), rec("2025-01-01", 4), rec("2026-01-01", 6)]),
        (count_target(), [rec("2024-01-01", 5), rec("2026-01-01", 6)]),  # R = 0.5 / 0.8: at risk
        (count_target(), [rec("2024-01-01", 6), rec("2026-01-01", 6)]),
        (count_target(kind="direction"), [rec("2024-01-01", 3)]),
        (count_target(kind="direction"), [rec("2024-01-01", 3), rec("2025-01-01", 5)]),
        (count_target(kind="direction"), [rec("2024-01-01", 5), rec("2025-01-01", 5)]),
    ]
    rules = set()
    for t, records in cases:
        for today in (TODAY, dt.date(2031, 3, 1)):
            for late in ([], [rec("2031-02-01", 12)]):
                a = progress.assess_count_target(t, [*records, *late], today=today, rules=RULES)
                rules.add(a.trace.rule.removeprefix("rule."))
    return rules


def test_counted_rules_speak_of_records_not_ranks():
    """A counted or direction target is judged by progress records: the rule it finishes with never
    says 'rank within the target' or 'the edition of the deadline year' (both languages)."""
    reached = _counted_rules()
    assert reached <= set(progress.COUNT_RULES), reached - set(progress.COUNT_RULES)
    assert {"count_achieved", "count_missed", "count_met_now", "direction_off_track", "at_risk"} <= reached
    for lang, words in RANK_WORDS.items():
        for rule in progress.COUNT_RULES:
            text = i18n.t(f"rule.{rule}", lang).lower()
            assert text != f"rule.{rule}", (lang, rule)  # a text exists
            assert not any(w in text for w in words), (lang, rule, text)


# --- Statistics and trace rendering -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("p", "df", "q"), [(0.95, 1, 6.313752), (0.975, 10, 2.228139), (0.95, 5, 2.015048), (0.5, 3, 0.0)]
)
def test_t_quantile_matches_the_tables(p, df, q):
    assert progress.t_quantile(p, df) == pytest.approx(q, abs=1e-5)


def test_fit_line_needs_two_distinct_years():
    assert progress.fit_line([(2020.0, 1.0)]) is None
    fit = progress.fit_line([(2020.0, 1.0), (2022.0, 5.0)])
    assert (fit.slope, fit.at(2021.0), fit.resid_sd) == (2.0, 3.0, None)


def test_trace_formulas_render_in_both_languages():
    a = assess(target(2), series_of((50.0, 52.5, 54.25)))
    gap = step(a, "gap")
    assert gap.formula == "54.25 − 60"
    assert progress.step_formula(gap, "vi") == "54,25 − 60"
    met = step(a, "met_now")
    assert (progress.step_value(met, "en"), progress.step_value(met, "vi")) == ("no", "không")
    for s in a.trace.steps:
        for lang in ("vi", "en"):
            assert "{" not in progress.step_formula(s, lang), s


def test_every_rule_and_step_key_has_a_label():
    from metrics import i18n

    for lang in ("vi", "en"):
        cat = i18n.catalog(lang)
        for cls in progress.STATUS_CLASSES:
            assert f"status.{cls}" in cat and f"status_help.{cls}" in cat
        for rule in (*progress.RULES, *progress.COUNT_RULES):
            assert f"rule.{rule}" in cat
        for word in progress.TRACE_WORDS:
            assert f"trace_value.{word}" in cat
        titles = [title for title, body in progress.methodology(lang)]
        assert len(titles) == len(progress.METHODOLOGY_SECTIONS)
        assert all("{" not in body for _, body in progress.methodology(lang))


# --- display of trace parameters, units and findings (any language) -----------------------------------


@pytest.mark.parametrize(
    ("value", "vi", "en"),
    [
        (-1.25, "\u22121,25", "\u22121.25"),
        (2.5, "2,5", "2.5"),
        (-3, "\u22123", "\u22123"),
        (2024, "2024", "2024"),  # a year: no thousands mark
        (-0.00001, "0", "0"),
        ("2025-10-26", "26/10/2025", "26 Oct 2025"),  # dates a trace stores as ISO text
        (dt.date(2024, 1, 5), "05/01/2024", "5 Jan 2024"),
        ("GAIRI", "GAIRI", "GAIRI"),
    ],
)
def test_trace_parameters_display_per_language(value, vi, en):
    assert progress_trace._param_text(value, "vi") == vi
    assert progress_trace._param_text(value, "en") == en


def test_trace_formula_dates_and_minus_in_vietnamese():
    steps = progress_steps.Steps()
    steps.add("field", 11, "field_group", group="ASEAN", date=dt.date(2025, 10, 26))
    (step,) = steps.items
    assert step.params["date"] == "2025-10-26"  # stored as JSON-safe text
    assert progress.step_formula(step, "vi") == i18n.t(
        "formula.field_group", "vi", group="ASEAN", date="26/10/2025"
    )
    assert progress.step_formula(step, "en") == i18n.t(
        "formula.field_group", "en", group="ASEAN", date="26 Oct 2025"
    )
    steps.add("latest_record", -2.5, "latest_record", value=-2.5, date=dt.date(2024, 1, 5))
    assert (
        progress.step_formula(steps.items[1], "vi")
        == "\u22122,5 " + i18n.t("formula.latest_record", "vi", value="", date="05/01/2024").strip()
    )
    assert progress.step_value(steps.items[1], "vi") == "\u22122,5"


@pytest.mark.parametrize(
    ("value", "lang", "unit"),
    [
        (1, "en", "centre"),
        (1.0, "en", "centre"),
        (3, "en", "centres"),
        (0, "en", "centres"),
        (1, "vi", "trung tâm"),
    ],
)
def test_count_unit_singular_only_for_one_in_english(value, lang, unit):
    assert progress.count_unit(value, lang, "centres", "trung tâm", "centre") == unit


def test_count_unit_without_a_singular_keeps_the_plural():
    assert progress.count_unit(1, "en", "widgets", "cái") == "widgets"


def test_finding_text_translates_code_and_params():
    f = progress.Finding(
        kind="rank_mismatch",
        index_id="GAIRI",
        edition_year=2020,
        iso3="LKA",
        published_rank=90,
        computed_rank=91,
        detail="score 40.1234: published 90, computed 91 (difference -1)",
        code="rank_mismatch",
        params={"score": 40.1234, "published": 90, "computed": 91, "difference": -1},
    )
    assert progress.finding_text(f, "vi") == i18n.t(
        "finding.rank_mismatch", "vi", score="40,1234", published=90, computed=91, difference="\u22121"
    )
    plus = f.model_copy(update={"params": {**f.params, "difference": 1}})
    assert "(difference +1)" in progress.finding_text(plus, "en")
    assert progress.finding_text(f.model_copy(update={"code": ""}), "vi") == f.detail
