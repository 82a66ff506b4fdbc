"""Linear least squares in plain Python: the weights w minimising |x·w - y| for a few columns.

What numpy.linalg.lstsq(x, y, rcond=None) answers, without numpy (a report or a CLI command loads
neither numpy nor pandas; the what-if engine fits an index's aggregation of at most a dozen
pillars over a couple of hundred countries): the minimum-norm solution through the singular values
of x, those below eps · max(rows, columns) · the largest counted as zero, so dependent columns
share their weight as numpy's do. x is first reduced to its square triangle R (Householder, which
keeps the accuracy of the data), then R's singular values are found by one-sided Jacobi rotations.
The answer agrees with numpy's to rounding (about 1e-15 relative on well-conditioned data), not
bit for bit. Pure.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Sequence

EPS = sys.float_info.epsilon
MAX_SWEEPS = 60  # Jacobi converges in a handful for a few columns; this only bounds a pathological case

Vector = list[float]


def solve(x: Sequence[Sequence[float]], y: Sequence[float]) -> Vector:
    """The minimum-norm least-squares solution of x·w = y (x: a row per observation)."""
    rows, cols = len(x), len(x[0]) if x else 0
    if cols == 0:
        return []
    r, qty = _triangle(x, y)
    u, sigma, v = _singular(r)
    cutoff = EPS * max(rows, cols) * max(sigma, default=0.0)
    w = [0.0] * cols
    for j in range(len(sigma)):
        if sigma[j] > cutoff:
            # u[j] is σ_j times the j-th left singular vector: its share of Qᵀy, over σ_j
            coef = _dot(u[j], qty) / (sigma[j] * sigma[j])
            for i in range(cols):
                w[i] += coef * v[j][i]
    return w


def _dot(a: Sequence[float], b: Sequence[float]) -> float:
    return math.fsum(p * q for p, q in zip(a, b, strict=True))


def _triangle(x: Sequence[Sequence[float]], y: Sequence[float]) -> tuple[list[Vector], Vector]:
    """Householder QR of x: R's columns (k x k, k = min(rows, columns)) and the first k of Qᵀy."""
    rows, cols = len(x), len(x[0])
    a = [[float(row[j]) for row in x] for j in range(cols)]  # x by columns
    b = [float(v) for v in y]
    k = min(rows, cols)
    for j in range(k):
        col = a[j]
        norm = math.sqrt(_dot(col[j:], col[j:]))
        if norm == 0.0:
            continue  # a column of zeros below the diagonal: nothing to reflect
        # the reflection v = col - alpha·e_j with alpha of the opposite sign to col[j] (no cancellation)
        alpha = -norm if col[j] > 0 else norm
        v = [col[j] - alpha, *col[j + 1 :]]
        vv = _dot(v, v)
        for target in (*a[j:], b):
            f = 2.0 * _dot(v, target[j:]) / vv
            for i, vi in enumerate(v, start=j):
                target[i] -= f * vi
    r = [[a[j][i] if i <= j else 0.0 for i in range(k)] for j in range(cols)]  # R by columns
    return r, b[:k]


def _singular(r: list[Vector]) -> tuple[list[Vector], Vector, list[Vector]]:
    """One-sided Jacobi SVD of a small matrix given by columns: R·V = U·Σ, as (U·Σ by columns, the
    singular values σ, V by columns)."""
    u = [list(col) for col in r]
    n = len(u)
    v = [[1.0 if i == j else 0.0 for i in range(n)] for j in range(n)]
    for _ in range(MAX_SWEEPS):
        rotated = False
        for p in range(n - 1):
            for q in range(p + 1, n):
                alpha, beta, gamma = _dot(u[p], u[p]), _dot(u[q], u[q]), _dot(u[p], u[q])
                if gamma == 0.0 or abs(gamma) <= EPS * math.sqrt(alpha * beta):
                    continue  # columns p and q already orthogonal
                rotated = True
                zeta = (beta - alpha) / (2.0 * gamma)
                t = math.copysign(1.0, zeta) / (abs(zeta) + math.sqrt(1.0 + zeta * zeta))
                c = 1.0 / math.sqrt(1.0 + t * t)
                s = c * t
                for m in (u, v):
                    m[p], m[q] = (
                        [c * a - s * b for a, b in zip(m[p], m[q], strict=True)],
                        [s * a + c * b for a, b in zip(m[p], m[q], strict=True)],
                    )
        if not rotated:
            break
    return u, [math.sqrt(_dot(col, col)) for col in u], v
