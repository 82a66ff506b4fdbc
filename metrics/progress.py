"""Pure progress engine: thresholds, trends, projections and target status with a calculation trace.

No DuckDB, Streamlit or plotly: inputs are plain pydantic models built by metrics.services from the
store (or by a test or the benchmark by hand); outputs are the result models of
metrics.progress_models, whose field names are the stable contract of the pages, the reports and
`python -m metrics status --json`. The engine is in parts: rank targets (metrics.progress_rank),
counted targets, measure gaps and data-quality findings (this module), what every assessment shares
(metrics.progress_steps: the trace, the fields, the ratio classes), the statistics
(metrics.progress_stats) and the text of the traces (metrics.progress_trace). Their public names are
re-exported here, so a caller imports metrics.progress alone.

The method is docs/METHODS.md's, written down for users in the i18n `methodology.*` texts:

* Judged edition. A target with horizon year H is judged by the yardstick's edition of year H when it
  exists (achieved / missed). Before that, by the latest edition (met_now / on_track / at_risk /
  off_track). When H has passed and the yardstick has no edition H, the status is no_data.
* Threshold T_N = score of the N-th best OTHER country in the field (the world, or the group's members
  on the edition's membership date); gap = score - T_N (>= 0: inside with that margin).
* Rank: published rank for the world where printed (computed rank beside it), computed competition
  rank within groups.
* Pace: least-squares slope of the score over the comparable editions (the judged edition's series,
  never across a methodology break, and for a group the same members), against the required gain per
  year = (T_N projected to H - score now) / years left. Pace ratio R = observed / required:
  R >= on_track_ratio on track, R >= at_risk_ratio at risk, below that off track. Fewer comparable
  editions than min_pace_editions: pace_unknown, the pace cannot be judged yet
  (data/status_rules.toml).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any, NamedTuple, Protocol

from metrics import ranking
from metrics.models import ProgressRecord, Target
from metrics.progress_models import (  # noqa: F401 - re-exported: the engine's public models
    COUNT_RULES,
    RULES,
    RULES_FILE,
    STATUS_CLASSES,
    WORLD,
    Assessment,
    EditionScores,
    Finding,
    MeasureGap,
    Projection,
    Rival,
    StatusClass,
    StatusRules,
    Trace,
    TraceStep,
    TrendArrow,
    TrendBasis,
    load_status_rules,
)
from metrics.progress_rank import assess_rank_target  # noqa: F401 - re-exported
from metrics.progress_stats import LineFit, fit_line, predict, t_cdf, t_quantile  # noqa: F401 - re-exported
from metrics.progress_steps import Steps, assessment_parts, ratio_class, rounded, year_fraction
from metrics.progress_trace import (  # noqa: F401 - re-exported: the trace text the pages and reports show
    METHODOLOGY_SECTIONS,
    TRACE_WORDS,
    count_unit,
    finding_text,
    methodology,
    methodology_params,
    render_formula,
    step_formula,
    step_value,
)

# --- Counted targets -------------------------------------------------------------------------------


class _Count(NamedTuple):
    """One value record as the count assessment reads it: its value is known."""

    recorded_on: dt.date
    value: float
    source_url: str


def assess_count_target(
    target: Target,
    records: Sequence[ProgressRecord],
    *,
    iso3: str = "VNM",
    today: dt.date,
    as_of: dt.date | None = None,
    rules: StatusRules | None = None,
) -> Assessment:
    """Status of a counted target (kind count: value >= target; kind direction: an increase) from the
    analysts' progress records (date, value, source). Same classes as rank targets; the horizon is
    31 December of the horizon year."""
    rules = rules or load_status_rules()
    steps = Steps()
    horizon_end = dt.date(target.horizon_year, 12, 31)
    recs = sorted(
        (
            _Count(r.recorded_on, r.value, r.source_url)
            for r in records
            if r.target_id == target.target_id
            and r.value is not None  # a milestone has no value; the callers pass values only
            and (as_of is None or r.recorded_on <= as_of)
        ),
        key=lambda r: r.recorded_on,
    )
    inputs: dict[str, Any] = {
        "iso3": iso3,
        "kind": target.kind,
        "target_value": target.target_value,
        "horizon_end": horizon_end.isoformat(),
        "today": today.isoformat(),
        "as_of": as_of.isoformat() if as_of else None,
        "records": [[r.recorded_on.isoformat(), r.value, r.source_url] for r in recs],
    }
    fields, finish = assessment_parts(target, iso3, None, None, inputs, steps)

    steps.add("records", len(recs), "records")
    if not recs:
        return finish("no_data", "no_records")
    passed = today > horizon_end
    if passed:
        recs = [r for r in recs if r.recorded_on <= horizon_end]
        steps.add("horizon", len(recs), "horizon_passed_records", date=horizon_end)
        if not recs:
            return finish("no_data", "no_record_by_horizon")
    last, first = recs[-1], recs[0]
    fields.update(current_count=last.value, measured_on=last.recorded_on, source_url=last.source_url)
    steps.add("latest_record", last.value, "latest_record", value=last.value, date=last.recorded_on)

    points = [(year_fraction(r.recorded_on), r.value) for r in recs]
    fit = fit_line(points) if len(points) >= rules.min_points else None
    if fit is not None:
        fields.update(trend_per_year=rounded(fit.slope, 6), trend_basis="count")
        tol = rules.flat_count_per_year
        fields["trend"] = "up" if fit.slope > tol else ("down" if fit.slope < -tol else "flat")
        steps.add("country_trend", rounded(fit.slope, 4), "count_trend", count=len(points))

    if target.kind == "direction":
        if len(recs) < 2:
            steps.add("met_now", None, "direction_single")
            return finish("no_data", "direction_needs_two_records")
        up = last.value > first.value
        steps.add("met_now", "yes" if up else "no", "direction", last=last.value, first=first.value)
        if passed:
            return finish("achieved" if up else "missed", "direction_achieved" if up else "direction_missed")
        return finish("met_now" if up else "off_track", "direction_met_now" if up else "direction_off_track")

    goal = float(target.target_value or 0)
    gap = last.value - goal
    fields.update(gap=rounded(gap, 6), threshold=goal)
    met = last.value >= goal
    steps.add("gap", rounded(gap, 6), "count_gap", value=last.value, goal=goal)
    steps.add("met_now", "yes" if met else "no", "count_met", value=last.value, goal=goal)
    if passed:
        return finish("achieved" if met else "missed", "count_achieved" if met else "count_missed")
    if met:
        return finish("met_now", "count_met_now")
    years_left = max((horizon_end - last.recorded_on).days / 365.25, 1 / 365.25)
    fields["years_left"] = round(years_left, 4)
    required = (goal - last.value) / years_left
    fields["required_gain_per_year"] = rounded(required, 6)
    steps.add(
        "required_gain",
        rounded(required, 4),
        "count_required",
        goal=goal,
        value=last.value,
        years=round(years_left, 2),
    )
    if fit is None:
        steps.add("pace_ratio", None, "pace_none_records")
        return finish("pace_unknown", "count_no_trend")
    ratio = fit.slope / required
    fields["pace_ratio"] = round(ratio, 4)
    steps.add(
        "pace_ratio", round(ratio, 4), "pace", trend=rounded(fit.slope, 4), required=rounded(required, 4)
    )
    cls = ratio_class(ratio, rules)
    steps.add("classify", cls, "classify", on=rules.on_track_ratio, risk=rules.at_risk_ratio)
    return finish(cls, cls)


# --- Per-measure gaps and data-quality findings ----------------------------------------------------


class MeasureName(Protocol):
    """What a measure gap names: the store's measure row (metrics.store.rows.MeasureRecord)."""

    @property
    def measure_id(self) -> str: ...
    @property
    def level(self) -> str: ...
    @property
    def parent_id(self) -> str: ...
    @property
    def name_en(self) -> str: ...
    @property
    def name_vi(self) -> str: ...


def measure_gap(
    measure: MeasureName,
    scores: dict[str, float],
    members: Sequence[str] | None,
    iso3: str,
    n: int,
    higher_is_better: bool = True,
) -> MeasureGap:
    """Threshold, gap and rivals of one measure (total, a pillar or a dimension) in one field."""
    field = ranking.SortedField(
        scores if members is None else {k: scores[k] for k in members if k in scores}, higher_is_better
    )
    score = scores.get(iso3)
    thr = field.threshold(iso3, n)
    above = below = None
    if iso3 in field.scores:
        a, b = field.rivals(iso3)
        above = Rival(iso3=a[0], score=a[1], rank=a[2]) if a else None
        below = Rival(iso3=b[0], score=b[1], rank=b[2]) if b else None
    best = field.others(iso3)[:n]
    return MeasureGap(
        measure_id=measure.measure_id,
        level=measure.level,
        parent_id=measure.parent_id,
        name_en=measure.name_en,
        name_vi=measure.name_vi,
        score=score,
        threshold=thr[1] if thr else None,
        gap=rounded(ranking.gap(score, thr[1] if thr else None, higher_is_better), 6),
        rival_above=above,
        rival_below=below,
        group_top_mean=rounded(sum(v for _, v in best) / len(best), 6) if best else None,
    )


def rank_findings(ed: EditionScores) -> list[Finding]:
    """Published ranks that disagree with the competition rank computed from the scores."""
    return [
        Finding(
            kind="rank_mismatch",
            index_id=ed.index_id,
            edition_year=ed.edition_year,
            iso3=k,
            published_rank=p,
            computed_rank=c,
            detail=f"score {ed.scores[k]:.4f}: published {p}, computed {c} (difference {p - c:+d})",
            code="rank_mismatch",
            params={"score": round(ed.scores[k], 4), "published": p, "computed": c, "difference": p - c},
        )
        for k, p, c in ranking.rank_disagreements(ed.published_ranks, ed.scores, ed.higher_is_better)
    ]
