"""Hand-computed cases for the ranking arithmetic."""

from __future__ import annotations

import pytest

from metrics import ranking


@pytest.mark.parametrize(
    ("scores", "expected"),
    [
        ({"A": 3, "B": 2, "C": 1}, {"A": 1, "B": 2, "C": 3}),
        ({"A": 3, "B": 2, "C": 2, "D": 1}, {"A": 1, "B": 2, "C": 2, "D": 4}),
        ({"A": 5, "B": 5, "C": 5}, {"A": 1, "B": 1, "C": 1}),
        ({}, {}),
    ],
)
def test_competition_ranks(scores, expected):
    assert ranking.competition_ranks(scores) == expected


def test_lower_is_better():
    assert ranking.competition_ranks({"A": 1, "B": 2}, higher_is_better=False) == {"A": 1, "B": 2}


@pytest.mark.parametrize(
    ("rank", "of", "pct"), [(1, 10, 100.0), (10, 10, 0.0), (59, 193, 69.79), (1, 1, 100.0)]
)
def test_percentile(rank, of, pct):
    assert ranking.percentile(rank, of) == pytest.approx(pct, abs=0.01)


def test_percentile_rejects_impossible_ranks():
    with pytest.raises(ValueError):
        ranking.percentile(11, 10)


def test_group_ranks_ignore_non_members_and_missing_scores():
    scores = {"SGP": 80, "USA": 90, "VNM": 55, "THA": 60}
    assert ranking.group_ranks(scores, ["SGP", "VNM", "THA", "LAO"]) == {"SGP": 1, "THA": 2, "VNM": 3}


@pytest.mark.parametrize(("rank", "target", "met"), [(60, 60, True), (61, 60, False), (None, 60, None)])
def test_meets_rank_target(rank, target, met):
    assert ranking.meets_rank_target(rank, target) is met


# --- Thresholds, gaps, rivals (docs/METHODS.md, "Ranks and the threshold") ----------------------------------

SCORES = {"A": 70.0, "B": 60.0, "C": 60.0, "V": 60.0, "D": 50.0}


@pytest.mark.parametrize(
    ("n", "threshold", "gap"),
    [(1, 70.0, -10.0), (2, 60.0, 0.0), (3, 60.0, 0.0), (4, 50.0, 10.0), (5, None, None)],
)
def test_threshold_is_the_nth_best_other_and_gap_its_distance(n, threshold, gap):
    assert ranking.threshold_score(SCORES, "V", n) == threshold
    assert ranking.gap(SCORES["V"], threshold) == gap
    found = ranking.SortedField(SCORES).threshold("V", n)
    assert (found[1] if found else None) == threshold


def test_threshold_for_a_country_inside_the_top_skips_itself():
    assert ranking.threshold_score({"V": 90.0, "A": 80.0, "B": 70.0}, "V", 2) == 70.0
    assert ranking.SortedField({"V": 90.0, "A": 80.0, "B": 70.0}).threshold("V", 2) == ("B", 70.0)


def test_threshold_rejects_n_below_one():
    with pytest.raises(ValueError):
        ranking.threshold_score(SCORES, "V", 0)


def test_gap_for_lower_is_better():
    assert ranking.threshold_score({"A": 1.0, "V": 3.0, "B": 2.0}, "V", 2, higher_is_better=False) == 2.0
    assert ranking.gap(3.0, 2.0, higher_is_better=False) == -1.0


def test_rivals_skip_ties():
    above, below = ranking.rivals(SCORES, "V")
    assert above == ("A", 70.0, 1)
    assert below == ("D", 50.0, 5)
    assert ranking.rivals(SCORES, "Z") == (None, None)
    assert ranking.rivals({"V": 1.0}, "V") == (None, None)


def test_rank_of_value_and_top_mean():
    assert ranking.rank_of_value(60.0, [70.0, 60.0, 50.0]) == 2
    assert ranking.rank_of_value(80.0, [70.0, 60.0]) == 1
    assert ranking.top_mean(SCORES, "V", 2) == 65.0


def test_rank_disagreements_list_published_against_computed():
    scores = {"A": 3.0, "B": 2.0, "C": 1.0}
    assert ranking.rank_disagreements({"A": 1, "B": 3, "C": 3}, scores) == [("B", 3, 2)]


def test_sorted_field_ranks_equal_competition_ranks():
    assert ranking.SortedField(SCORES).ranks == ranking.competition_ranks(SCORES)
