"""Hand-computed statuses of quantitative targets (metrics/quantitative.py): levels (at least, about,
at most), shares, ranges, growth rates, growth and multiples against a base year, "not enough data".

Values are dated 1 January so a time span is a whole number of years; the horizon H ends at T = H + 1.
CAGR(a -> b over n years) = (b / a)^(1 / n) - 1; R = observed CAGR / required CAGR.
"""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from metrics import i18n, progress, progress_steps, quantitative
from metrics.errors import MetricsError
from metrics.models import ProgressRecord, Target
from metrics.progress import StatusRules

RULES = StatusRules()  # on_track 0.95, at_risk 0.5, about_tolerance 0.05 (= data/status_rules.toml)
SRC = "https://example.org/evidence"


def target(kind="level", comparator=">=", value=146.41, horizon=2028, **extra):
    return Target(
        strategy_id="QD1671_2026",
        target_id="T_Q",
        horizon_year=horizon,
        kind=kind,
        comparator=comparator,
        target_value=value,
        text_vi="chỉ tiêu",
        text_en="indicator",
        **extra,
    )


def rec(day, value, kind="value"):
    day = dt.date(day, 1, 1) if isinstance(day, int) else dt.date.fromisoformat(day)
    return ProgressRecord(target_id="T_Q", kind=kind, recorded_on=day, value=value, source_url=SRC)


def values(*pairs):
    return [rec(d, v) for d, v in pairs]


AHEAD = dt.date(2027, 6, 1)
LEVEL = target()  # at least 146.41 by 2028: from 100 in 2025 that needs 1.4641^(1/4) - 1 = 10% a year
AT_MOST = target(comparator="<=", value=65.61)  # from 100 in 2025: 0.6561^(1/4) - 1 = -10% a year
ABOUT = target(comparator="about", value=100)  # band 100 ± 5% = [95; 105]
SHARE = target(kind="share", value=60)
SHARE_RANGE = target(kind="share", value=8, target_high=10)
RATE = target(kind="growth_rate", value=10, horizon=2030)
RATE_RANGE = target(kind="growth_rate", value=16, target_high=18, horizon=2030)
GROWTH_BASE = target(kind="growth_base", value=30, base_year=2026, horizon=2030)  # 30% above 2026
MULTIPLE = target(kind="multiple_base", value=3, base_year=2025, horizon=2030)  # 3 times 2025


@pytest.mark.parametrize(
    ("t", "records", "today", "status", "rule", "ratio", "required"),
    [
        # --- level, at least: required CAGR 100 -> 146.41 over 2025..2029 (4 years) = 10% ---
        # observed 100 -> 121 over 2 years = 10%: R = 1.0
        (LEVEL, values((2025, 100), (2027, 121)), AHEAD, "on_track", "on_track", 1.0, 10.0),
        # 100 -> 112.36 = 1.06^2: 6%, R = 0.6
        (LEVEL, values((2025, 100), (2027, 112.36)), AHEAD, "at_risk", "at_risk", 0.6, 10.0),
        # 100 -> 102.01 = 1.01^2: 1%, R = 0.1
        (LEVEL, values((2025, 100), (2027, 102.01)), AHEAD, "off_track", "off_track", 0.1, 10.0),
        (LEVEL, values((2025, 100), (2027, 150)), AHEAD, "met_now", "value_met_now", None, None),
        (LEVEL, values((2025, 100)), AHEAD, "no_data", "not_enough_data", None, None),  # one value
        (LEVEL, values((2025, 0), (2027, 50)), AHEAD, "no_data", "non_positive_value", None, None),
        (LEVEL, [], AHEAD, "no_data", "no_records", None, None),
        # horizon 2028 passed: the value dated in 2028 judges
        (
            LEVEL,
            values((2026, 120), ("2028-12-31", 150)),
            dt.date(2029, 3, 1),
            "achieved",
            "value_achieved",
            None,
            None,
        ),
        (
            LEVEL,
            values((2026, 120), ("2028-12-31", 140)),
            dt.date(2029, 3, 1),
            "missed",
            "value_missed",
            None,
            None,
        ),
        # passed, the latest value is of 2027: nothing to judge 2028 by, though 150 would meet it
        (
            LEVEL,
            values((2026, 120), ("2027-12-31", 150)),
            dt.date(2029, 3, 1),
            "no_data",
            "no_value_for_horizon",
            None,
            None,
        ),
        # passed, nothing of 2028 but a value of 2029: the first after the horizon judges
        (
            LEVEL,
            values((2026, 120), ("2029-06-30", 150)),
            dt.date(2030, 3, 1),
            "achieved",
            "value_achieved",
            None,
            None,
        ),
        # the value of the horizon year is preferred to a later one
        (
            LEVEL,
            values(("2028-06-30", 150), ("2029-06-30", 140)),
            dt.date(2030, 3, 1),
            "achieved",
            "value_achieved",
            None,
            None,
        ),
        # --- level, at most (lower is better): required -10% a year ---
        # 100 -> 81 = 0.9^2: -10%, R = -10 / -10 = 1.0
        (AT_MOST, values((2025, 100), (2027, 81)), AHEAD, "on_track", "on_track", 1.0, -10.0),
        # 100 -> 88.36 = 0.94^2: -6%, R = 0.6
        (AT_MOST, values((2025, 100), (2027, 88.36)), AHEAD, "at_risk", "at_risk", 0.6, -10.0),
        # 100 -> 110: +4.8809%, R = 4.8809 / -10 = -0.4881 (moving the wrong way)
        (AT_MOST, values((2025, 100), (2027, 110)), AHEAD, "off_track", "off_track", -0.4881, -10.0),
        (AT_MOST, values((2025, 100), (2027, 60)), AHEAD, "met_now", "value_met_now", None, None),
        # 60 in 2025 was already within; 70 is not: the required CAGR (65.61/60)^(1/4) - 1 = +2.2597%
        # has the other sign: moving away
        (AT_MOST, values((2025, 60), (2027, 70)), AHEAD, "off_track", "moved_away", None, 2.2597),
        # --- about 100 (band [95; 105]) ---
        (ABOUT, values((2025, 80), (2027, 97)), AHEAD, "met_now", "value_met_now", None, None),
        # below: aims at 95. observed (64/50)^(1/2) - 1 = 13.1371%; required (95/50)^(1/4) - 1 = 17.4055%
        # R = 0.7548
        (ABOUT, values((2025, 50), (2027, 64)), AHEAD, "at_risk", "at_risk", 0.7548, 17.4055),
        # above: aims at 105 from above. observed (110/120)^(1/2) - 1 = -4.2573%;
        # required (105/120)^(1/4) - 1 = -3.2832%; R = 1.2967
        (ABOUT, values((2025, 120), (2027, 110)), AHEAD, "on_track", "on_track", 1.2967, -3.2832),
        (ABOUT, values(("2028-12-31", 104)), dt.date(2029, 2, 1), "achieved", "value_achieved", None, None),
        (ABOUT, values(("2028-12-31", 106)), dt.date(2029, 2, 1), "missed", "value_missed", None, None),
        # --- share, at least 60%: required (60/20)^(1/4) - 1 = 31.6074% ---
        # 20 -> 26 in one year: 30%, R = 30 / 31.6074 = 0.9491: just below on track
        (SHARE, values((2025, 20), (2026, 26)), AHEAD, "at_risk", "at_risk", 0.9491, 31.6074),
        # 20 -> 26.5: 32.5%, R = 1.0282
        (SHARE, values((2025, 20), (2026, 26.5)), AHEAD, "on_track", "on_track", 1.0282, 31.6074),
        (SHARE, values((2025, 0), (2026, 5)), AHEAD, "no_data", "non_positive_value", None, None),
        # --- range 8 - 10%: the lower end 8 is the commitment ---
        # 4 -> 4.8: 20%; required (8/4)^(1/4) - 1 = 18.9207%; R = 1.0570
        (SHARE_RANGE, values((2025, 4), (2026, 4.8)), AHEAD, "on_track", "on_track", 1.0570, 18.9207),
        (SHARE_RANGE, values((2026, 9)), AHEAD, "met_now", "value_met_now", None, None),  # 9 >= 8
        # --- growth rate 10% a year: R = observed CAGR / 10% ---
        # 1000 -> 1166.4 = 1.08^2: 8%, R = 0.8
        (RATE, values((2024, 1000), (2026, 1166.4)), AHEAD, "at_risk", "at_risk", 0.8, 10.0),
        (RATE, values((2024, 1000), (2026, 1440)), AHEAD, "met_now", "value_met_now", None, 10.0),  # 20%
        # 1000 -> 1020.1 = 1.01^2: 1%, R = 0.1
        (RATE, values((2024, 1000), (2026, 1020.1)), AHEAD, "off_track", "off_track", 0.1, 10.0),
        (RATE, values((2024, 1000)), AHEAD, "no_data", "not_enough_data", None, None),
        (RATE, values((2024, 0), (2026, 10)), AHEAD, "no_data", "non_positive_value", None, None),
        # --- growth rate 16 - 18% a year: judged by 16% ---
        # 1000 -> 1299.6 = 1.14^2: 14%, R = 14 / 16 = 0.875
        (RATE_RANGE, values((2024, 1000), (2026, 1299.6)), AHEAD, "at_risk", "at_risk", 0.875, 16.0),
        (RATE_RANGE, values((2024, 1000), (2026, 1392.4)), AHEAD, "met_now", "value_met_now", None, 16.0),
        # --- growth rate, horizon 2026 passed: the CAGR up to the value of 2026 ---
        (
            target(kind="growth_rate", value=10, horizon=2026),
            values((2024, 1000), (2026, 1440)),
            dt.date(2027, 3, 1),
            "achieved",
            "value_achieved",
            None,
            10.0,
        ),
        (
            target(kind="growth_rate", value=10, horizon=2026),
            values((2024, 1000), (2026, 1166.4)),
            dt.date(2027, 3, 1),
            "missed",
            "value_missed",
            None,
            10.0,
        ),
        # --- growth against 2026, at least +30%: yT = 50 x 1.3 = 65 ---
        # observed 50 -> 55 = 10%; required (65/50)^(1/5) - 1 = 5.3874% (2026..2031); R = 1.8562
        (GROWTH_BASE, values((2026, 50), (2027, 55)), AHEAD, "on_track", "on_track", 1.8562, 5.3874),
        # a value before the base year does not move the base
        (
            GROWTH_BASE,
            values((2024, 10), (2026, 50), (2027, 55)),
            AHEAD,
            "on_track",
            "on_track",
            1.8562,
            5.3874,
        ),
        (GROWTH_BASE, values((2026, 50), (2027, 66)), AHEAD, "met_now", "value_met_now", None, None),
        (GROWTH_BASE, values((2025, 50), (2027, 55)), AHEAD, "no_data", "no_base_value", None, None),
        (GROWTH_BASE, values((2026, 0), (2027, 5)), AHEAD, "no_data", "non_positive_value", None, None),
        (GROWTH_BASE, values((2026, 50)), AHEAD, "no_data", "not_enough_data", None, None),  # only the base
        # --- 3 times the 2025 value: yT = 300 ---
        # 100 -> 120: 20%; required 3^(1/6) - 1 = 20.0937% (2025..2031); R = 0.9953
        (MULTIPLE, values((2025, 100), (2026, 120)), AHEAD, "on_track", "on_track", 0.9953, 20.0937),
        # 100 -> 110: 10%; R = 10 / 20.0937 = 0.4977: just below at risk
        (MULTIPLE, values((2025, 100), (2026, 110)), AHEAD, "off_track", "off_track", 0.4977, 20.0937),
        (MULTIPLE, values((2026, 120)), AHEAD, "no_data", "no_base_value", None, None),
    ],
)
def test_status_by_hand(t, records, today, status, rule, ratio, required):
    a = quantitative.assess_quantitative_target(t, records, today, RULES)
    assert (a.status, a.trace.rule, a.trace.result) == (status, f"rule.{rule}", status)
    assert a.pace_ratio == (None if ratio is None else pytest.approx(ratio, abs=1e-4))
    assert a.required_growth_pct == (None if required is None else pytest.approx(required, abs=1e-4))


def step(a, key):
    return next(s for s in a.trace.steps if s.key == f"trace.{key}")


def test_the_trace_shows_the_numbers_by_hand():
    a = quantitative.assess_quantitative_target(MULTIPLE, values((2025, 100), (2026, 120)), AHEAD, RULES)
    assert (a.base_value, a.threshold, a.current_count, a.measured_on) == (
        100.0,
        300.0,
        120.0,
        dt.date(2026, 1, 1),
    )
    assert (a.observed_growth_pct, a.gap, a.years_left, a.trend) == (20.0, -180.0, 5.0, "up")
    assert step(a, "goal").formula == "100 × 3 = 300"
    assert step(a, "observed_growth").formula == "(120 / 100)^(1 / 1) − 1, from 1 Jan 2025 to 1 Jan 2026"
    assert step(a, "required_growth").formula == "(300 / 100)^(1 / 6) − 1, to the end of 2030"
    assert progress.step_formula(step(a, "pace_ratio"), "vi") == "R = quan sát 20% / cần thiết 20,0937%"
    assert a.trace.inputs["records"] == [
        ["2025-01-01", 100.0, "", SRC, "direct", "V"],
        ["2026-01-01", 120.0, "", SRC, "direct", "V"],
    ]


def test_a_range_and_a_band_are_in_the_trace():
    a = quantitative.assess_quantitative_target(SHARE_RANGE, values((2026, 9)), AHEAD, RULES)
    assert step(a, "range").formula == "8 – 10: the lower end 8 is the commitment"
    assert (a.target_high, a.threshold) == (10.0, 8.0)
    b = quantitative.assess_quantitative_target(ABOUT, values((2026, 97)), AHEAD, RULES)
    assert step(b, "band").formula == "100 ± 5% = [95; 105]"
    assert (b.band_low, b.band_high) == (95.0, 105.0)
    assert step(b, "met_now").formula == "95 ≤ 97 ≤ 105"


def test_about_reads_its_tolerance_from_the_rules():
    records = values((2026, 97))
    assert quantitative.assess_quantitative_target(ABOUT, records, AHEAD, RULES).status == "met_now"
    tight = RULES.model_copy(update={"about_tolerance": 0.02})  # band [98; 102]
    a = quantitative.assess_quantitative_target(ABOUT, records, AHEAD, tight)
    assert (a.status, a.band_low) == ("no_data", 98.0)  # not met, one value: no pace
    assert progress.load_status_rules().about_tolerance == 0.05


def test_an_about_range_is_its_own_band():
    t = target(comparator="about", value=1, target_high=1.5)  # "1 - 1,5% GDP"
    assert quantitative.assess_quantitative_target(t, values((2026, 1.4)), AHEAD, RULES).status == "met_now"
    a = quantitative.assess_quantitative_target(t, values((2026, 1.6)), AHEAD, RULES)
    assert (a.status, a.band_low, a.band_high) == ("no_data", 1.0, 1.5)


def test_milestones_never_count_and_other_targets_records_are_ignored():
    milestone = rec(2026, None, kind="milestone")
    with_value = rec(2025, 5.0, kind="milestone")  # a milestone's number is ignored
    other = ProgressRecord(target_id="OTHER", recorded_on=dt.date(2026, 1, 1), value=999, source_url=SRC)
    a = quantitative.assess_quantitative_target(LEVEL, [milestone, with_value, other], AHEAD, RULES)
    assert (a.status, a.trace.rule, a.trace.inputs["milestones"]) == ("no_data", "rule.no_records", 2)
    b = quantitative.assess_quantitative_target(
        LEVEL, [*values((2025, 100), (2027, 150)), milestone], AHEAD, RULES
    )
    assert b.status == "met_now"


def test_the_last_record_of_a_date_wins():
    records = values((2025, 100), (2027, 90), (2027, 121))
    a = quantitative.assess_quantitative_target(LEVEL, records, AHEAD, RULES)
    assert (a.current_count, a.pace_ratio) == (121.0, pytest.approx(1.0, abs=1e-4))


def test_a_negative_value_is_no_data_not_a_crash():
    bad = ProgressRecord.model_construct(
        target_id="T_Q", kind="value", recorded_on=dt.date(2025, 1, 1), value=-5.0, source_url=SRC
    )
    a = quantitative.assess_quantitative_target(LEVEL, [bad, rec(2027, 50)], AHEAD, RULES)
    assert (a.status, a.trace.rule) == ("no_data", "rule.non_positive_value")


def test_values_a_day_apart_do_not_overflow():
    a = quantitative.assess_quantitative_target(
        RATE, values(("2026-01-01", 1), ("2026-01-02", 1e6)), AHEAD, RULES
    )
    assert (a.status, a.trace.rule) == ("no_data", "rule.not_enough_data")


def test_assess_target_dispatches_by_kind():
    count = Target(
        strategy_id="S",
        target_id="T_Q",
        horizon_year=2030,
        kind="count",
        comparator=">=",
        target_value=5,
        text_vi="đếm",
        text_en="count",
    )
    records = [rec(2025, 2), rec(2026, None, kind="milestone"), rec(2026, 6)]
    a = quantitative.assess_target(count, records, AHEAD, RULES)
    assert (a.status, a.current_count) == ("met_now", 6.0)  # progress's count engine, milestone left out
    assert quantitative.assess_target(SHARE, values((2026, 61)), AHEAD, RULES).status == "met_now"
    rank = Target(
        strategy_id="S",
        target_id="T_R",
        horizon_year=2030,
        kind="rank",
        comparator="<=",
        target_value=3,
        group_id="SEA",
        yardstick_index="GAIRI",
        yardstick_measure="total",
        text_vi="x",
        text_en="x",
    )
    with pytest.raises(MetricsError) as caught:
        quantitative.assess_target(rank, [], AHEAD, RULES)
    assert caught.value.code == "target_kind_unsupported"
    assert "rank" in i18n.error_message(caught.value.code, "vi", **caught.value.params)


def test_every_rule_step_and_formula_has_its_text():
    cases = [
        (LEVEL, values((2025, 100), (2027, 112.36)), AHEAD),
        (AT_MOST, values((2025, 60), (2027, 70)), AHEAD),
        (ABOUT, values((2025, 50), (2027, 64)), AHEAD),
        (SHARE_RANGE, values((2025, 4), (2026, 4.8)), AHEAD),
        (RATE_RANGE, values((2024, 1000), (2026, 1299.6)), AHEAD),
        (target(kind="growth_rate", comparator="about", value=10), values((2024, 1000), (2026, 1440)), AHEAD),
        (GROWTH_BASE, values((2025, 50)), AHEAD),
        (GROWTH_BASE, values((2026, 0), (2027, 1)), AHEAD),
        (MULTIPLE, values((2025, 100), (2026, 120)), AHEAD),
        (LEVEL, values((2026, 120)), dt.date(2029, 3, 1)),
        (LEVEL, values(("2028-12-31", 150)), dt.date(2029, 3, 1)),
        (RATE, values(("2026-01-01", 1), ("2026-01-02", 1e6)), AHEAD),
    ]
    for lang in i18n.LANGS:
        cat = i18n.catalog(lang)
        for rule in quantitative.RULES:
            assert f"rule.{rule}" in cat, rule
        for t, records, today in cases:
            a = quantitative.assess_quantitative_target(t, records, today, RULES)
            assert a.trace.rule in cat
            for s in a.trace.steps:
                assert s.key in cat, s.key
                assert f"formula.{s.template}" in cat, s.template
                assert "{" not in progress.step_formula(s, lang)
    texts = dict(progress.methodology("vi"))
    assert "± 5%" in texts[i18n.t("methodology.quantitative.title", "vi")]


def test_a_growth_rate_about_above_its_band_is_off_track():
    # about 10% a year (band 9.5 - 10.5%), observed 20%: too fast is not "about"; no ratio to a
    # rate the value must come down to
    t = target(kind="growth_rate", comparator="about", value=10, horizon=2030)
    a = quantitative.assess_quantitative_target(t, values((2024, 1000), (2026, 1440)), AHEAD, RULES)
    assert (a.status, a.trace.rule, a.band_low, a.band_high) == (
        "off_track",
        "rule.rate_ratio_undefined",
        9.5,
        10.5,
    )


# --- Properties ------------------------------------------------------------------------------------

DAYS = st.integers(min_value=0, max_value=8 * 365)
VALUES = st.one_of(st.just(0.0), st.floats(min_value=0.01, max_value=1e6, allow_nan=False))
RECORDS = st.lists(st.tuples(DAYS, VALUES), min_size=0, max_size=6)
KINDS = st.sampled_from(
    [
        ("level", ">=", 50.0, {}),
        ("level", "<=", 50.0, {}),
        ("level", "about", 50.0, {}),
        ("level", ">=", 40.0, {"target_high": 60.0}),
        ("growth_rate", ">=", 10.0, {}),
        ("growth_rate", ">=", 16.0, {"target_high": 18.0}),
        ("growth_base", ">=", 30.0, {"base_year": 2024}),
        ("multiple_base", ">=", 3.0, {"base_year": 2024}),
    ]
)
TODAYS = st.sampled_from([dt.date(2026, 6, 1), dt.date(2029, 6, 1), dt.date(2032, 6, 1)])


def _records(pairs, scale=1.0):
    start = dt.date(2023, 1, 1)
    return [rec((start + dt.timedelta(days=d)).isoformat(), v * scale) for d, v in pairs]


def _target_of(kind, comparator, value, extra, scale=1.0):
    scaled = kind == "level"  # a level is in the values' unit; rates, growth and multiples are not
    extra = {k: (v * scale if scaled and k == "target_high" else v) for k, v in extra.items()}
    return target(
        kind=kind, comparator=comparator, value=value * scale if scaled else value, horizon=2030, **extra
    )


@settings(max_examples=300, deadline=None)
@given(KINDS, RECORDS, TODAYS, st.integers(min_value=-8, max_value=8))
def test_changing_the_unit_leaves_the_status_unchanged(kind, pairs, today, k):
    # Scaling every value (and a level's target) by 2^k is exact in floating point: the ratios,
    # hence the CAGRs, R and the class, cannot change (a unit change: per cent / per mille, bn / m).
    scale = 2.0**k
    a = quantitative.assess_quantitative_target(_target_of(*kind), _records(pairs), today, RULES)
    b = quantitative.assess_quantitative_target(
        _target_of(*kind, scale), _records(pairs, scale), today, RULES
    )
    assert (a.status, a.trace.rule, a.pace_ratio) == (b.status, b.trace.rule, b.pace_ratio)


@settings(max_examples=300, deadline=None)
@given(KINDS, RECORDS, TODAYS)
def test_any_records_give_a_class_with_its_trace(kind, pairs, today):
    a = quantitative.assess_quantitative_target(_target_of(*kind), _records(pairs), today, RULES)
    assert a.status in progress.STATUS_CLASSES and a.trace.result == a.status
    assert a.trace.rule.removeprefix("rule.") in FINISHES
    if a.pace_ratio is not None:
        assert a.status == progress_steps.ratio_class(a.pace_ratio, RULES)


# Every rule a level, share, range or growth assessment finishes with: its own, and the pace classes
# and "no records" it shares with the counted targets (quantitative.RULES says so).
FINISHES = (*quantitative.RULES, "on_track", "at_risk", "off_track", "no_records")
RANK_WORDS = {"en": ("rank", "edition"), "vi": ("hạng", "kỳ công bố")}


def test_quantitative_rules_speak_of_values_not_ranks():
    """The rules of the quantitative kinds are judged by value records: none says 'rank' or
    'edition' (the rank targets' wording), in either language."""
    for lang, words in RANK_WORDS.items():
        for rule in FINISHES:
            text = i18n.t(f"rule.{rule}", lang).lower()
            assert text != f"rule.{rule}", (lang, rule)
            assert not any(w in text for w in words), (lang, rule, text)


def test_a_rate_is_shown_in_per_cent_in_the_trace():
    a = quantitative.assess_quantitative_target(RATE, values((2024, 1000), (2026, 1166.4)), AHEAD, RULES)
    assert step(a, "met_now").formula == "8 ≥ 10"
    assert progress.step_formula(step(a, "pace_ratio"), "vi") == "R = quan sát 8% / cần thiết 10%"
    assert (a.threshold, a.gap, a.observed_growth_pct, a.trend) == (10.0, -2.0, 8.0, "up")
