"""Invariants of the engine, checked with hypothesis on random fields of countries."""

from __future__ import annotations

import string

from hypothesis import given, settings
from hypothesis import strategies as st

from metrics import progress, ranking, scenario

CODES = st.text(alphabet=string.ascii_uppercase, min_size=3, max_size=3)
# Scores on a coarse grid so ties are frequent.
VALUES = st.integers(min_value=0, max_value=40).map(lambda v: v / 4)
FIELDS = st.dictionaries(CODES, VALUES, min_size=1, max_size=40)


@settings(max_examples=200, deadline=None)
@given(FIELDS, st.booleans())
def test_competition_ranks_are_a_permutation_with_ties(scores, higher):
    ranks = ranking.competition_ranks(scores, higher)
    assert set(ranks) == set(scores)
    n = len(scores)
    for k, r in ranks.items():
        better = sum(1 for v in scores.values() if (v > scores[k] if higher else v < scores[k]))
        assert r == 1 + better  # standard competition ranking
        assert 1 <= r <= n
    # Equal scores share a rank; a rank r is held by as many countries as are tied, and the next
    # rank skips by that number: sorted ranks are 1 then each r_i = position of its first holder.
    ordered = sorted(ranks.values())
    assert ordered[0] == 1
    for position, r in enumerate(ordered, start=1):
        assert r <= position
        assert r == position or ordered[r - 1] == r
    assert all((ranks[a] == ranks[b]) == (scores[a] == scores[b]) for a in scores for b in scores)
    assert ranking.SortedField(scores, higher).ranks == ranks


@settings(max_examples=300, deadline=None)
@given(FIELDS, st.data(), st.booleans())
def test_gap_sign_agrees_with_membership_of_the_top_n(scores, data, higher):
    iso3 = data.draw(st.sampled_from(sorted(scores)))
    n = data.draw(st.integers(min_value=1, max_value=len(scores) + 2))
    rank = ranking.competition_ranks(scores, higher)[iso3]
    threshold = ranking.threshold_score(scores, iso3, n, higher)
    field_thr = ranking.SortedField(scores, higher).threshold(iso3, n)
    assert threshold == (field_thr[1] if field_thr else None)
    if threshold is None:
        assert len(scores) - 1 < n and rank <= n
    else:
        gap = ranking.gap(scores[iso3], threshold, higher)
        assert (gap >= 0) == (rank <= n)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.floats(min_value=-50, max_value=50, allow_nan=False), min_size=2, max_size=10),
    st.floats(min_value=-5, max_value=5, allow_nan=False),
    st.floats(min_value=-100, max_value=100, allow_nan=False),
)
def test_fit_line_recovers_an_exact_line(offsets, slope, intercept):
    xs = sorted({round(2000 + o, 3) for o in offsets})
    if len(xs) < 2:
        return
    fit = progress.fit_line([(x, intercept + slope * x) for x in xs])
    assert abs(fit.slope - slope) < 1e-6
    assert fit.resid_sd is None or fit.resid_sd < 1e-6


@settings(max_examples=100, deadline=None)
@given(
    st.dictionaries(CODES, st.tuples(VALUES, VALUES), min_size=2, max_size=25),
    st.data(),
)
def test_what_if_never_worsens_the_rank_when_a_pillar_rises(pillars, data):
    iso3 = data.draw(st.sampled_from(sorted(pillars)))
    p1 = {k: v[0] for k, v in pillars.items()}
    p2 = {k: v[1] for k, v in pillars.items()}
    inputs = scenario.ScenarioInputs(
        index_id="IDX",
        edition_year=2025,
        scale_max=10.0,
        measures=[
            scenario.MeasureDef(measure_id="total", level="total"),
            scenario.MeasureDef(measure_id="p1", level="pillar", parent_id="total"),
            scenario.MeasureDef(measure_id="p2", level="pillar", parent_id="total"),
        ],
        values={"total": {k: (p1[k] + p2[k]) / 2 for k in p1}, "p1": p1, "p2": p2},
    )
    raise_to = data.draw(st.floats(min_value=p1[iso3], max_value=10.0))
    same = scenario.what_if(inputs, iso3, {})
    assert same.new_rank == same.base_rank == ranking.competition_ranks(inputs.values["total"])[iso3]
    more = scenario.what_if(inputs, iso3, {"p1": raise_to})
    assert more.new_rank <= more.base_rank
    target = data.draw(st.integers(min_value=1, max_value=len(p1)))
    for plan in scenario.smallest_changes(inputs, iso3, target):
        if plan["feasible"]:
            assert plan["new_rank"] <= target


@settings(max_examples=200, deadline=None)
@given(FIELDS, st.data(), st.booleans())
def test_sorted_field_rivals_equal_the_plain_rivals(scores, data, higher):
    iso3 = data.draw(st.sampled_from(sorted(scores)))
    assert ranking.SortedField(scores, higher).rivals(iso3) == ranking.rivals(scores, iso3, higher)
