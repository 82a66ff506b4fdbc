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
