"""Pure what-if: pillar/dimension changes -> total score (the index's own aggregation) -> rank,
and the inverse: the smallest pillar changes that reach a target rank.

The aggregation is found from the edition's own data, not assumed: for each parent measure (the total,
each pillar) the engine tries the plain mean of its children and keeps it when it reproduces every
country's published value within 0.01 (at least 90 % of them; the rest become data-quality
findings); otherwise it fits weights by least squares (no intercept),
rounds them to multiples of 0.005 when that still reproduces the data within 0.01, and reports the
largest residual either way. On the default data this finds: GAIRI 2020-2024 total = mean of the
3 pillars, pillar = mean of its dimensions (largest residual 0.0017); GAIRI 2025 total = 0.25 AI
Infrastructure + 0.25 Development & Diffusion + 0.15 Governance + 0.15 Public Sector Adoption +
0.10 Policy Capacity + 0.10 Resilience (largest residual 0.0068, the file's 2-decimal rounding), with
Policy Capacity = 0.4 Vision + 0.6 Commitment and Development & Diffusion = 0.4 AI Sector Maturity +
0.3 Diffusion + 0.3 Human Capital.

A scenario moves from the published values by the aggregation's weights (new total = published total
+ Σ weight × change), so with no change it returns exactly the published total and rank.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

from pydantic import BaseModel, Field

from metrics import least_squares, ranking
from metrics.errors import MetricsError
from metrics.progress import Finding

TOLERANCE = 0.01
ROUND_TO = 0.005
OUTLIER_SHARE = 0.9  # a rule must reproduce at least this share of the countries


class ScenarioResult(BaseModel):
    index_id: str
    edition_year: int
    iso3: str
    base_total: float
    new_total: float
    base_rank: int
    new_rank: int
    base_group_rank: int | None
    new_group_rank: int | None
    changes: dict[str, float]
    aggregation: str
    # Additive to the contract: the weights used (measure -> weight in the total, dimensions
    # through their pillar) and how well the aggregation reproduces the published totals.
    weights: dict[str, float] = Field(default_factory=dict)
    residual: float = 0.0
    of: int = 0
    group_size: int | None = None


class MeasureDef(BaseModel):
    measure_id: str
    level: str
    parent_id: str = ""


class ScenarioInputs(BaseModel):
    index_id: str
    edition_year: int
    aggregation: str = "published_total"
    scale_min: float = 0.0
    scale_max: float = 100.0
    higher_is_better: bool = True
    measures: list[MeasureDef]
    values: dict[str, dict[str, float]]  # measure_id -> iso3 -> value
    members: list[str] | None = None  # group for the group rank; None = world only


class ParentFit(BaseModel):
    parent_id: str
    weights: dict[str, float]
    method: str  # "mean" | "fitted" | "fitted_rounded"
    residual: float  # largest |aggregate - published| over the countries with every child
    countries: int


class Aggregation(BaseModel):
    fits: dict[str, ParentFit]  # parent measure -> how it is made of its children

    @property
    def residual(self) -> float:
        return max((f.residual for f in self.fits.values()), default=0.0)

    def total_weights(self) -> dict[str, float]:
        """Weight of each pillar and each dimension in the total (dimension = through its pillar)."""
        out: dict[str, float] = {}
        top = self.fits.get("total")
        if top is None:
            return out
        for pillar, w in top.weights.items():
            out[pillar] = w
            for dim, wd in self.fits.get(
                pillar, ParentFit(parent_id=pillar, weights={}, method="", residual=0, countries=0)
            ).weights.items():
                out[dim] = w * wd
        return out

    def describe(self) -> str:
        parts = []
        for parent, f in self.fits.items():
            if f.method == "mean":
                parts.append(f"{parent} = mean of {len(f.weights)}")
            else:
                terms = " + ".join(
                    f"{w:g}·{k}" for k, w in sorted(f.weights.items(), key=lambda kv: (-kv[1], kv[0]))
                )
                parts.append(f"{parent} = {terms} ({f.method})")
        return f"{'; '.join(parts)}; max residual {self.residual:.4f}"


def _children(inputs: ScenarioInputs) -> dict[str, list[str]]:
    kids: dict[str, list[str]] = {}
    for m in inputs.measures:
        if m.parent_id and m.measure_id in inputs.values:
            kids.setdefault(m.parent_id, []).append(m.measure_id)
    return {p: sorted(c) for p, c in kids.items() if p in inputs.values}


def fit_parent(parent: str, children: Sequence[str], values: dict[str, dict[str, float]]) -> ParentFit | None:
    """How `parent` is made of `children` on this edition's data (see the module docstring).

    A rule is accepted when it reproduces at least OUTLIER_SHARE of the countries within TOLERANCE;
    the few it misses are data-quality findings (aggregation_findings), and `residual` reports the
    largest miss over every country so nothing is hidden.
    """
    rows = sorted(k for k in values[parent] if all(k in values[c] for c in children))
    if not rows:
        return None
    x = [[values[c][k] for c in children] for k in rows]
    y = [values[parent][k] for k in rows]

    def misses(weights: Sequence[float]) -> list[float]:
        """|aggregate - published| of each country (summed as aggregation_findings sums it)."""
        return [
            abs(sum(w * v for w, v in zip(weights, xs, strict=True)) - yk)
            for xs, yk in zip(x, y, strict=True)
        ]

    def fits(weights: Sequence[float]) -> tuple[bool, float]:
        res = misses(weights)
        return _share(r <= TOLERANCE for r in res) >= OUTLIER_SHARE, max(res)

    def made(weights: Sequence[float], method: str, residual: float) -> ParentFit:
        return ParentFit(
            parent_id=parent,
            weights={c: round(v, 6) for c, v in zip(children, weights, strict=True)},
            method=method,
            residual=round(residual, 6),
            countries=len(rows),
        )

    mean = [1.0 / len(children)] * len(children)
    ok, residual = fits(mean)
    if ok or len(rows) <= len(children):
        out = made(mean, "mean", residual)
        return out.model_copy(update={"weights": dict.fromkeys(children, 1.0 / len(children))})
    w = least_squares.solve(x, y)
    keep = [r <= TOLERANCE for r in misses(w)]
    if sum(keep) > len(children) and _share(keep) >= OUTLIER_SHARE and not all(keep):
        # once more without the few slips
        w = least_squares.solve(
            [xs for xs, k in zip(x, keep, strict=True) if k], [yk for yk, k in zip(y, keep, strict=True) if k]
        )
    rounded = [_rounded(v) for v in w]
    ok, residual = fits(rounded)
    if ok:
        return made(rounded, "fitted_rounded", residual)
    return ParentFit(
        parent_id=parent,
        weights=dict(zip(children, w, strict=True)),
        method="fitted",
        residual=round(fits(w)[1], 6),
        countries=len(rows),
    )


def _share(flags: Iterable[bool]) -> float:
    """The share of true flags."""
    values = list(flags)
    return sum(values) / len(values)


def _rounded(weight: float) -> float:
    """The weight to the nearest multiple of ROUND_TO (halves to even); one rounded to nothing keeps
    its sign (-0.0), as numpy's round kept it when the fit was numpy's."""
    return math.copysign(round(weight / ROUND_TO) * ROUND_TO, weight)


def fit_aggregation(inputs: ScenarioInputs) -> Aggregation:
    fits = {}
    for parent, children in _children(inputs).items():
        fit = fit_parent(parent, children, inputs.values)
        if fit is not None:
            fits[parent] = fit
    return Aggregation(fits=fits)


def _ranks(inputs: ScenarioInputs, iso3: str, total: float) -> tuple[int, int, int | None, int | None]:
    """(world rank, world size, group rank, group size) of iso3 at `total`, everyone else unchanged."""
    totals = inputs.values["total"]
    others = [v for k, v in totals.items() if k != iso3]
    world = ranking.rank_of_value(total, others, inputs.higher_is_better)
    if inputs.members is None or iso3 not in inputs.members:
        return world, len(others) + 1, None, None
    group = [totals[k] for k in inputs.members if k != iso3 and k in totals]
    return (
        world,
        len(others) + 1,
        ranking.rank_of_value(total, group, inputs.higher_is_better),
        len(group) + 1,
    )


def _require(inputs: ScenarioInputs, iso3: str) -> Aggregation:
    if iso3 not in inputs.values.get("total", {}):
        raise MetricsError(
            "scenario_no_score", iso3=iso3, index_id=inputs.index_id, edition_year=inputs.edition_year
        )
    agg = fit_aggregation(inputs)
    if "total" not in agg.fits:
        raise MetricsError("scenario_no_pillars", index_id=inputs.index_id, edition_year=inputs.edition_year)
    return agg


def new_total(inputs: ScenarioInputs, agg: Aggregation, iso3: str, changes: dict[str, float]) -> float:
    """Published total + Σ weight × change. A pillar set directly overrides changes of its dimensions."""
    pillars = agg.fits["total"].weights
    delta_pillar: dict[str, float] = dict.fromkeys(pillars, 0.0)
    for mid, value in changes.items():
        if mid in pillars:
            continue
        parent = next(
            (
                p
                for p in pillars
                if mid
                in agg.fits.get(
                    p, ParentFit(parent_id=p, weights={}, method="", residual=0, countries=0)
                ).weights
            ),
            None,
        )
        if parent is None or changes.get(parent) is not None:
            continue
        base = inputs.values[mid].get(iso3)
        if base is None:
            raise MetricsError(
                "scenario_no_score", iso3=iso3, index_id=inputs.index_id, edition_year=inputs.edition_year
            )
        delta_pillar[parent] += agg.fits[parent].weights[mid] * (value - base)
    for p, value in changes.items():
        if p in pillars:
            delta_pillar[p] = value - inputs.values[p][iso3]
    return inputs.values["total"][iso3] + sum(pillars[p] * d for p, d in delta_pillar.items())


def what_if(inputs: ScenarioInputs, iso3: str, changes: dict[str, float]) -> ScenarioResult:
    """The total and ranks when some pillars/dimensions of `iso3` take new absolute values."""
    agg = _require(inputs, iso3)
    weights = agg.total_weights()
    for mid, value in changes.items():
        if mid not in weights:
            raise MetricsError("scenario_unknown_measure", measure_id=mid, index_id=inputs.index_id)
        if not inputs.scale_min <= value <= inputs.scale_max:
            raise MetricsError(
                "scenario_value_outside_scale",
                measure_id=mid,
                value=value,
                low=inputs.scale_min,
                high=inputs.scale_max,
            )
    base = inputs.values["total"][iso3]
    total = new_total(inputs, agg, iso3, changes)
    b_rank, of, b_group, size = _ranks(inputs, iso3, base)
    n_rank, _, n_group, _ = _ranks(inputs, iso3, total)
    return ScenarioResult(
        index_id=inputs.index_id,
        edition_year=inputs.edition_year,
        iso3=iso3,
        base_total=base,
        new_total=round(total, 6),
        base_rank=b_rank,
        new_rank=n_rank,
        base_group_rank=b_group,
        new_group_rank=n_group,
        changes=dict(changes),
        aggregation=agg.describe(),
        weights=weights,
        residual=agg.residual,
        of=of,
        group_size=size,
    )


def smallest_changes(inputs: ScenarioInputs, iso3: str, target_rank: int) -> list[dict]:
    """The inverse: to reach `target_rank` (in the group when members are given, else the world),
    per pillar the change needed if only that pillar moves (smallest first), then a balanced plan
    that raises every pillar by the same share of its headroom to the scale maximum.

    Each dict: plan ("single_pillar" | "balanced"), measure_id (None for balanced), threshold (the
    total to match: the N-th best other), total_points_needed, changes ({pillar: new value}),
    change (points on that pillar; for balanced the share of headroom), feasible (within the scale),
    new_total, new_rank, new_group_rank.
    """
    agg = _require(inputs, iso3)
    totals = inputs.values["total"]
    field = totals if inputs.members is None else {k: totals[k] for k in inputs.members if k in totals}
    thr = ranking.SortedField(field, inputs.higher_is_better).threshold(iso3, target_rank)
    base = totals[iso3]
    sgn = 1.0 if inputs.higher_is_better else -1.0
    # Equal to T_N ties with the N-th other, which is inside under competition ranking; the tiny
    # margin keeps floating-point rounding from leaving the country a hair below.
    need = 0.0 if thr is None else max(0.0, sgn * (thr[1] - base)) + 1e-9
    if thr is not None and sgn * (base - thr[1]) >= 0:
        need = 0.0
    pillars = agg.fits["total"].weights
    current = {p: inputs.values[p][iso3] for p in pillars if iso3 in inputs.values[p]}
    top = inputs.scale_max if sgn > 0 else inputs.scale_min

    def result(plan: str, mid: str | None, changes: dict[str, float], change: float) -> dict:
        total = new_total(inputs, agg, iso3, changes)
        rank, _, group_rank, _ = _ranks(inputs, iso3, total)
        return {
            "plan": plan,
            "measure_id": mid,
            "threshold": None if thr is None else thr[1],
            "threshold_iso3": None if thr is None else thr[0],
            "total_points_needed": round(need, 6),
            "changes": {k: round(v, 6) for k, v in changes.items()},
            "change": round(change, 6),
            "feasible": all(
                min(inputs.scale_min, inputs.scale_max) <= v <= max(inputs.scale_min, inputs.scale_max)
                for v in changes.values()
            ),
            "new_total": round(total, 6),
            "new_rank": rank,
            "new_group_rank": group_rank,
        }

    singles = []
    for p, w in pillars.items():
        if p not in current or w <= 0:
            continue
        change = sgn * need / w
        singles.append(result("single_pillar", p, {p: current[p] + change}, change))
    singles.sort(key=lambda d: (not d["feasible"], abs(d["change"]), d["measure_id"]))
    headroom = {p: top - v for p, v in current.items()}
    capacity = sum(pillars[p] * headroom[p] for p in current)
    share = (sgn * need / capacity) if capacity else float("inf")
    balanced = {p: current[p] + share * headroom[p] for p in current} if capacity else dict(current)
    return [*singles, result("balanced", None, balanced, share)]


def aggregation_findings(inputs: ScenarioInputs, tolerance: float = TOLERANCE) -> list[Finding]:
    """Countries whose published total (or pillar) the edition's aggregation misses by more than
    `tolerance` (a data-entry slip, or a missing dimension)."""
    out = []
    for parent, fit in fit_aggregation(inputs).fits.items():
        for iso3, value in sorted(inputs.values[parent].items()):
            if not all(iso3 in inputs.values[c] for c in fit.weights):
                continue
            agg = sum(w * inputs.values[c][iso3] for c, w in fit.weights.items())
            if abs(agg - value) > tolerance:
                out.append(
                    Finding(
                        kind="aggregation_residual",
                        index_id=inputs.index_id,
                        edition_year=inputs.edition_year,
                        iso3=iso3,
                        published_rank=None,
                        computed_rank=None,
                        detail=f"{parent}: published {value:.4f}, from its parts {agg:.4f} ({fit.method})",
                        code="aggregation_residual",
                        params={
                            "measure": parent,
                            "published": round(value, 4),
                            "parts": round(agg, 4),
                            "method": fit.method,
                        },
                    )
                )
    return out
