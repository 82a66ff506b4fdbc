"""Least squares without numpy (metrics.least_squares): hand-computed cases, and numpy's answers
where its rules decide (the minimum-norm solution of dependent columns)."""

from __future__ import annotations

import pytest

from metrics import least_squares


def test_an_exact_system_is_solved_exactly():
    # 1·a + 0·b = 1, 0·a + 1·b = 2, 1·a + 1·b = 3: a = 1, b = 2
    assert least_squares.solve([[1, 0], [0, 1], [1, 1]], [1, 2, 3]) == pytest.approx([1.0, 2.0], abs=1e-12)


def test_an_overdetermined_system_gets_the_least_squares_line():
    # y = a + b·t through (0, 1), (1, 3), (2, 4): b = 1.5, a = 8/3 - 1.5 = 7/6
    x = [[1, 0], [1, 1], [1, 2]]
    assert least_squares.solve(x, [1, 3, 4]) == pytest.approx([7 / 6, 1.5], abs=1e-12)


def test_weights_of_a_weighted_mean_are_found():
    children = [[80, 90, 10], [60, 70, 20], [40, 30, 90], [50, 40, 60], [20, 10, 40]]
    y = [0.25 * a + 0.5 * b + 0.25 * c for a, b, c in children]
    assert least_squares.solve(children, y) == pytest.approx([0.25, 0.5, 0.25], abs=1e-12)


def test_dependent_columns_share_the_weight_as_numpy_does():
    # two equal columns: every (a, b) with a + b = 2 fits; the minimum-norm answer is (1, 1)
    x = [[1, 1], [2, 2], [3, 3]]
    assert least_squares.solve(x, [2, 4, 6]) == pytest.approx([1.0, 1.0], abs=1e-12)
    # a column of zeros gets no weight
    assert least_squares.solve([[0, 1], [0, 2], [0, 3]], [2, 4, 6]) == pytest.approx([0.0, 2.0], abs=1e-12)


def test_no_columns_no_weights():
    assert least_squares.solve([[], []], [1.0, 2.0]) == []
