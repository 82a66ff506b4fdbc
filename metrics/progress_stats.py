"""Statistics of the progress engine: least squares and a t-based prediction interval, with
Student's t from the regularised incomplete beta function (Numerical Recipes 6.4; no scipy, checked
against printed tables in tests/test_progress.py)."""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence

from pydantic import BaseModel

from metrics.progress_models import StatusRules


def _betacf(a: float, b: float, x: float) -> float:
    # Continued fraction of the incomplete beta function (modified Lentz), Numerical Recipes 6.4.
    tiny = 1e-300
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c, d = 1.0, 1.0 - qab * x / qap
    d = 1.0 / (d if abs(d) > tiny else tiny)
    h = d
    for m in range(1, 300):
        m2 = 2 * m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + aa / c if abs(1.0 + aa / c) > tiny else tiny
        h *= d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1.0 + aa * d
        d = 1.0 / (d if abs(d) > tiny else tiny)
        c = 1.0 + aa / c if abs(1.0 + aa / c) > tiny else tiny
        delta = d * c
        h *= delta
        if abs(delta - 1.0) < 3e-14:
            break
    return h


def _betainc(a: float, b: float, x: float) -> float:
    """Regularised incomplete beta I_x(a, b)."""
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    ln = math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x)
    front = math.exp(ln)
    if x < (a + 1.0) / (a + b + 2.0):
        return front * _betacf(a, b, x) / a
    return 1.0 - front * _betacf(b, a, 1.0 - x) / b


def t_cdf(t: float, df: float) -> float:
    """Student's t distribution function."""
    tail = 0.5 * _betainc(df / 2.0, 0.5, df / (df + t * t))
    return 1.0 - tail if t >= 0 else tail


@functools.cache
def t_quantile(p: float, df: float) -> float:
    """Quantile of Student's t (bisection on t_cdf; exact to 1e-10)."""
    if not 0.0 < p < 1.0:
        raise ValueError("p must be in (0, 1)")
    if p < 0.5:
        return -t_quantile(1.0 - p, df)
    lo, hi = 0.0, 1.0
    while t_cdf(hi, df) < p:
        hi *= 2.0
    for _ in range(200):
        mid = (lo + hi) / 2.0
        if t_cdf(mid, df) < p:
            lo = mid
        else:
            hi = mid
        if hi - lo < 1e-12:
            break
    return (lo + hi) / 2.0


class LineFit(BaseModel):
    """Ordinary least squares y = intercept + slope * x over n points."""

    n: int
    slope: float
    intercept: float
    x_mean: float
    sxx: float
    resid_sd: float | None  # None below 3 points (no degrees of freedom left)
    xs: list[float]

    def at(self, x: float) -> float:
        return self.intercept + self.slope * x


def fit_line(points: Sequence[tuple[float, float]]) -> LineFit | None:
    """Least squares over (x, y) points; None when fewer than 2 distinct x."""
    if len({x for x, _ in points}) < 2:
        return None
    n = len(points)
    xm = sum(x for x, _ in points) / n
    ym = sum(y for _, y in points) / n
    sxx = sum((x - xm) ** 2 for x, _ in points)
    slope = sum((x - xm) * (y - ym) for x, y in points) / sxx
    intercept = ym - slope * xm
    sd = None
    if n >= 3:
        ss = sum((y - (intercept + slope * x)) ** 2 for x, y in points)
        sd = math.sqrt(ss / (n - 2))
    return LineFit(
        n=n, slope=slope, intercept=intercept, x_mean=xm, sxx=sxx, resid_sd=sd, xs=[x for x, _ in points]
    )


def predict(fit: LineFit, x0: float, rules: StatusRules) -> tuple[float, float, float, str]:
    """(central, low, high, band basis) at x0.

    With >= rules.min_points_interval points: the t-based prediction interval
    yhat ± t(1-(1-conf)/2, n-2) · s · sqrt(1 + 1/n + (x0 - xbar)² / Sxx).
    With fewer (2 points, a line through both): no spread to measure, so a deliberately wide band
    from "no change after the last point" to "twice the projected change".
    """
    y = fit.at(x0)
    if fit.n >= max(3, rules.min_points_interval) and fit.resid_sd is not None:
        q = t_quantile(1.0 - (1.0 - rules.confidence) / 2.0, fit.n - 2)
        half = q * fit.resid_sd * math.sqrt(1.0 + 1.0 / fit.n + (x0 - fit.x_mean) ** 2 / fit.sxx)
        return y, y - half, y + half, "prediction_interval"
    last_x = max(fit.xs)
    half = abs(y - fit.at(last_x))
    return y, y - half, y + half, "two_points_wide"
