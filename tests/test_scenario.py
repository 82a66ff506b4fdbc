"""What-if (metrics/scenario.py): the aggregation found from data, new totals and ranks, the inverse."""

from __future__ import annotations

import pytest

from metrics import scenario
from metrics.errors import MetricsError
from metrics.scenario import MeasureDef, ScenarioInputs

MEASURES = [
    MeasureDef(measure_id="total", level="total"),
    MeasureDef(measure_id="p1", level="pillar", parent_id="total"),
    MeasureDef(measure_id="p2", level="pillar", parent_id="total"),
    MeasureDef(measure_id="d1", level="dimension", parent_id="p1"),
    MeasureDef(measure_id="d2", level="dimension", parent_id="p1"),
]


def inputs(weights=(0.5, 0.5), noise=None, members=None):
    """Four countries; p1 = mean(d1, d2); total = w1 p1 + w2 p2 (+ noise per country)."""
    p1 = {"A": 80.0, "B": 60.0, "C": 40.0, "V": 50.0}
    p2 = {"A": 90.0, "B": 70.0, "C": 30.0, "V": 40.0}
    d1 = {"A": 70.0, "B": 50.0, "C": 30.0, "V": 40.0}
    d2 = {k: 2 * p1[k] - d1[k] for k in p1}
    total = {k: weights[0] * p1[k] + weights[1] * p2[k] + (noise or {}).get(k, 0.0) for k in p1}
    return ScenarioInputs(
        index_id="IDX",
        edition_year=2025,
        measures=MEASURES,
        values={"total": total, "p1": p1, "p2": p2, "d1": d1, "d2": d2},
        members=members,
    )


def test_a_plain_mean_is_recognised():
    agg = scenario.fit_aggregation(inputs())
    assert agg.fits["total"].method == "mean" and agg.fits["total"].weights == {"p1": 0.5, "p2": 0.5}
    assert agg.fits["p1"].method == "mean"
    assert agg.residual == pytest.approx(0.0)
    assert agg.total_weights() == {"p1": 0.5, "p2": 0.5, "d1": 0.25, "d2": 0.25}


def test_weights_are_fitted_and_rounded_when_the_total_is_not_a_mean():
    noise = {"A": 0.004, "B": -0.003, "C": 0.002, "V": -0.004}  # publisher's rounding
    agg = scenario.fit_aggregation(inputs((0.25, 0.75), noise))
    fit = agg.fits["total"]
    assert fit.method == "fitted_rounded"
    assert fit.weights == {"p1": 0.25, "p2": 0.75}
    assert fit.residual == pytest.approx(0.004)


def test_an_irreproducible_total_keeps_the_best_fit_and_reports_the_residual():
    noise = {"A": 0.9, "B": -0.7, "C": 0.4, "V": -0.5}
    fit = scenario.fit_aggregation(inputs((0.25, 0.75), noise)).fits["total"]
    assert fit.method == "fitted"
    assert fit.residual > scenario.TOLERANCE


@pytest.mark.parametrize(
    ("changes", "total", "rank"),
    [
        # base: V total = 0.5 x 50 + 0.5 x 40 = 45, 3rd (A 85, B 65, C 35)
        ({}, 45.0, 3),
        ({"p2": 80.0}, 65.0, 2),  # +40 on p2 x 0.5 -> 65: ties B, shares rank 2
        ({"p1": 100.0, "p2": 100.0}, 100.0, 1),
        ({"d1": 60.0}, 50.0, 3),  # +20 on d1 -> p1 +10 -> total +5
        ({"d1": 60.0, "p1": 50.0}, 45.0, 3),  # a pillar set directly overrides its dimensions
    ],
)
def test_what_if(changes, total, rank):
    r = scenario.what_if(inputs(), "V", changes)
    assert (r.base_total, r.base_rank, r.new_total, r.new_rank, r.of) == (45.0, 3, total, rank, 4)
    assert r.changes == changes


def test_group_rank_uses_the_members():
    r = scenario.what_if(inputs(members=["B", "C", "V"]), "V", {"p2": 80.0})
    assert (r.base_group_rank, r.new_group_rank, r.group_size) == (2, 1, 3)


@pytest.mark.parametrize(
    ("changes", "code"),
    [({"nope": 1.0}, "scenario_unknown_measure"), ({"p1": 120.0}, "scenario_value_outside_scale")],
)
def test_bad_changes_are_refused(changes, code):
    with pytest.raises(MetricsError) as err:
        scenario.what_if(inputs(), "V", changes)
    assert err.value.code == code


def test_no_pillars_no_what_if():
    bare = ScenarioInputs(
        index_id="IDX", edition_year=2019, measures=MEASURES[:1], values={"total": {"V": 1.0, "A": 2.0}}
    )
    with pytest.raises(MetricsError) as err:
        scenario.what_if(bare, "V", {})
    assert err.value.code == "scenario_no_pillars"


def test_smallest_changes_reach_the_target_rank():
    # To be 2nd, V (45) must reach B's 65: +20 on the total = +40 on either pillar (weight 0.5).
    plans = scenario.smallest_changes(inputs(), "V", 2)
    singles = [p for p in plans if p["plan"] == "single_pillar"]
    assert {p["measure_id"]: round(p["change"], 6) for p in singles} == {"p1": 40.0, "p2": 40.0}
    assert all(p["new_rank"] <= 2 and p["feasible"] for p in plans)
    assert (singles[0]["threshold"], singles[0]["threshold_iso3"]) == (65.0, "B")
    balanced = plans[-1]
    assert balanced["plan"] == "balanced"
    # headroom p1 50, p2 60 -> share k = 20 / (0.5 x 50 + 0.5 x 60) = 4/11 of each pillar's headroom
    assert balanced["change"] == pytest.approx(20 / 55, abs=1e-6)
    assert balanced["changes"]["p1"] == pytest.approx(50 + 50 * 20 / 55, abs=1e-5)


def test_an_infeasible_single_pillar_plan_is_flagged():
    plans = scenario.smallest_changes(inputs(), "V", 1)  # A at 85: +40 total = +80 on one pillar
    singles = [p for p in plans if p["plan"] == "single_pillar"]
    assert not any(p["feasible"] for p in singles)
    assert plans[-1]["feasible"] and plans[-1]["new_rank"] == 1


def test_already_there_needs_nothing():
    plans = scenario.smallest_changes(inputs(), "V", 3)
    assert all(p["total_points_needed"] == 0 and p["new_rank"] == 3 for p in plans)


def test_aggregation_findings_flag_a_slip_without_spoiling_the_rule():
    countries = [f"C{i:02d}" for i in range(20)]
    p1 = {k: 10.0 + 3 * i for i, k in enumerate(countries)}
    p2 = {k: 90.0 - 2 * i for i, k in enumerate(countries)}
    total = {k: 0.3 * p1[k] + 0.7 * p2[k] for k in countries}
    total["C07"] += 0.5  # a slip in one country's published total
    data = ScenarioInputs(
        index_id="IDX", edition_year=2025, measures=MEASURES[:3], values={"total": total, "p1": p1, "p2": p2}
    )
    fit = scenario.fit_aggregation(data).fits["total"]
    assert (fit.method, fit.weights) == ("fitted_rounded", {"p1": 0.3, "p2": 0.7})
    assert fit.residual == pytest.approx(0.5)
    findings = scenario.aggregation_findings(data)
    assert [(f.kind, f.iso3) for f in findings] == [("aggregation_residual", "C07")]
