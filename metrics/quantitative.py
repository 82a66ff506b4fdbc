"""Pure status of quantitative targets: levels, shares, ranges, growth rates and growth against a base
year (Decision 1671/QĐ-TTg's Appendix I), from the value records of a target's evidence.

No DuckDB, Streamlit or plotly. The method is METHODS.md "The strategy in force", after Open SDG
(sdg-build ProgressMeasure, Statistics Canada):

* Values. Only evidence of kind "value" with a number counts (milestones inform a reader, never a
  calculation); one value per date (the last one given wins). Times are year fractions; the target
  year T is the end of the horizon year (31 December H, T = H + 1).
* The value to reach yT: target_value for level and share; y(base) · (1 + target/100) for
  growth_base; y(base) · target for multiple_base, where y(base) is the value dated in base_year.
  A range (target_high set) is shown whole; its lower end is the commitment that decides the status.
  "about" is met inside the band yT · (1 ± about_tolerance) (a range is its own band).
* Met: latest >= yT (">="), latest <= yT ("<="), inside the band ("about"). After the horizon
  year the value dated in it (or the first after it) judges: achieved or missed; with none, no data.
* Pace (horizon ahead, not met): from the base t0, y0 (the first value; the base-year value for
  growth_base and multiple_base) to the latest t, y: observed CAGR = (y / y0)^(1 / (t − t0)) − 1,
  required CAGR_T = (yT / y0)^(1 / (T − t0)) − 1, R = CAGR / CAGR_T. "about" aims at the near edge
  of the band. A required CAGR of the wrong sign means the first value was already past the target
  and the latest is not: moving away, off track. R >= on_track_ratio on track, R >= at_risk_ratio at
  risk, below off track (data/status_rules.toml [pace]).
* growth_rate: the observed CAGR over the values is compared with the rate itself (R = CAGR / rate,
  the lower end of a range); met when the observed rate meets the target rate.
* Not enough data: no value, fewer than two dated values where a pace is needed, no base-year value,
  or a value at or below zero where a growth rate needs its logarithm.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from typing import Any

from metrics import progress
from metrics.errors import MetricsError
from metrics.models import BASE_YEAR_KINDS, QUANTITATIVE_KINDS, ProgressRecord, Target
from metrics.progress import Assessment, StatusClass, StatusRules

# Rules (i18n rule.<key>) this module applies besides progress's on_track / at_risk / off_track /
# no_records.
RULES = (
    "value_achieved",
    "value_missed",
    "value_met_now",
    "not_enough_data",
    "no_base_value",
    "non_positive_value",
    "no_value_for_horizon",
    "moved_away",
    "rate_ratio_undefined",
)


class QuantitativeAssessment(Assessment):
    """An Assessment with the numbers of the growth comparison (percent per year)."""

    target_high: float | None = None
    base_year: int | None = None
    base_value: float | None = None
    band_low: float | None = None  # the band of an "about" target (or of a range judged as one)
    band_high: float | None = None
    observed_growth_pct: float | None = None  # observed CAGR, % a year
    required_growth_pct: float | None = None  # required CAGR (or the target rate), % a year


def assess_target(
    target: Target,
    records: Sequence[ProgressRecord],
    today: dt.date,
    rules: StatusRules | None = None,
    *,
    iso3: str = "VNM",
) -> Assessment:
    """Status of a target judged from its evidence: quantitative kinds here, count and direction by
    progress.assess_count_target (value records only). Rank targets need editions: services calls
    progress.assess_rank_target for them."""
    if target.kind in QUANTITATIVE_KINDS:
        return assess_quantitative_target(target, records, today, rules, iso3=iso3)
    if target.kind in ("count", "direction"):
        values = [r for r in records if r.kind == "value" and r.value is not None]
        return progress.assess_count_target(target, values, iso3=iso3, today=today, rules=rules)
    raise MetricsError("target_kind_unsupported", kind=target.kind)


def _values(target: Target, records: Sequence[ProgressRecord]) -> list[ProgressRecord]:
    by_date: dict[dt.date, ProgressRecord] = {}
    for r in records:
        if r.target_id == target.target_id and r.kind == "value" and r.value is not None:
            by_date[r.recorded_on] = r  # the last record given for a date wins
    return [by_date[d] for d in sorted(by_date)]


def _cagr(first: float, last: float, years: float) -> float:
    """(last / first)^(1 / years) − 1 for positive values; inf where it overflows (values a few days
    apart), which the callers treat as not computable."""
    exponent = math.log(last / first) / years
    return math.inf if exponent > 700 else math.expm1(exponent)


def _pct(x: float | None) -> float | None:
    return None if x is None else round(x * 100.0, 4)


class _Judge:
    """Whether a number meets the commitment, and which edge a pace aims at."""

    def __init__(self, comparator: str, goal: float, high: float | None, tolerance: float) -> None:
        self.comparator = comparator
        self.goal = goal
        self.high = high
        self.low_edge = self.high_edge = None
        if comparator == "about":
            if high is not None:
                self.low_edge, self.high_edge = goal, high
            else:
                spread = abs(goal) * tolerance
                self.low_edge, self.high_edge = goal - spread, goal + spread

    def met(self, value: float) -> bool:
        if self.comparator == ">=":
            return value >= self.goal
        if self.comparator == "<=":
            return value <= self.goal
        return self.low_edge <= value <= self.high_edge

    def aim(self, value: float) -> tuple[float, int]:
        """(the number a pace aims at, +1 when the value must rise / −1 when it must fall)."""
        if self.comparator == ">=":
            return self.goal, 1
        if self.comparator == "<=":
            return self.goal, -1
        return (self.low_edge, 1) if value < self.low_edge else (self.high_edge, -1)

    def met_step(self, steps: progress._Steps, value: float) -> bool:
        met = self.met(value)
        word = "yes" if met else "no"
        if self.comparator == ">=":
            steps.add("met_now", word, "count_met", value=value, goal=self.goal)
        elif self.comparator == "<=":
            steps.add("met_now", word, "value_met_le", value=value, goal=self.goal)
        else:
            steps.add("met_now", word, "value_met_band", value=value, low=self.low_edge, high=self.high_edge)
        return met


def _when(day: dt.date) -> float:
    return progress._year_fraction(day)


def assess_quantitative_target(
    target: Target,
    records: Sequence[ProgressRecord],
    today: dt.date,
    rules: StatusRules | None = None,
    lang_neutral: bool = True,  # the contract's flag: a trace is always i18n keys + numbers
    *,
    iso3: str = "VNM",
) -> QuantitativeAssessment:
    """Status of a level, share, range, growth-rate or base-year target from its value records,
    with the calculation trace. `today` decides whether the horizon has passed."""
    if target.kind not in QUANTITATIVE_KINDS:
        raise MetricsError("target_kind_unsupported", kind=target.kind)
    rules = rules or progress.load_status_rules()
    steps = progress._Steps()
    values = _values(target, records)
    horizon = target.horizon_year
    horizon_end = dt.date(horizon, 12, 31)
    end_t = float(horizon + 1)  # the end of 31 December of the horizon year
    inputs: dict[str, Any] = {
        "iso3": iso3,
        "kind": target.kind,
        "comparator": target.comparator,
        "target_value": target.target_value,
        "target_high": target.target_high,
        "base_year": target.base_year,
        "horizon_end": horizon_end.isoformat(),
        "today": today.isoformat(),
        "about_tolerance": rules.about_tolerance if target.comparator == "about" else None,
        "records": [
            [r.recorded_on.isoformat(), r.value, r.unit, r.source_url, r.fit, r.label] for r in values
        ],
        "milestones": sum(1 for r in records if r.target_id == target.target_id and r.kind == "milestone"),
    }
    fields: dict[str, Any] = {
        **progress._EMPTY,
        **progress._target_fields(target),
        "yardstick_index": None,
        "yardstick_measure": None,
        "iso3": iso3,
        "target_high": target.target_high,
        "base_year": target.base_year,
    }

    def finish(status: StatusClass, rule: str) -> QuantitativeAssessment:
        trace = progress.Trace(
            target_id=target.target_id, inputs=inputs, steps=steps.items, result=status, rule=f"rule.{rule}"
        )
        return QuantitativeAssessment(**fields, status=status, trace=trace)

    steps.add("records", len(values), "value_records", count=len(values), milestones=inputs["milestones"])
    if not values:
        return finish("no_data", "no_records")

    # The value to reach (and the values a pace may use: from the base-year value on).
    goal = float(target.target_value or 0.0)
    high = target.target_high
    series = values
    if target.kind in BASE_YEAR_KINDS:
        base_year = int(target.base_year or 0)
        in_base = [r for r in values if r.recorded_on.year == base_year]
        if not in_base:
            steps.add("base_value", None, "no_base_value", year=base_year)
            return finish("no_data", "no_base_value")
        base = in_base[-1]
        y_base = float(base.value or 0.0)
        fields["base_value"] = y_base
        steps.add("base_value", y_base, "base_value", value=y_base, date=base.recorded_on, year=base_year)
        if y_base <= 0:
            steps.add("base_value", y_base, "non_positive", value=y_base)
            return finish("no_data", "non_positive_value")
        series = [r for r in values if r.recorded_on >= base.recorded_on]
        raw_goal, raw_high = goal, high
        if target.kind == "growth_base":
            goal = y_base * (1.0 + raw_goal / 100.0)
            high = None if raw_high is None else y_base * (1.0 + raw_high / 100.0)
            steps.add(
                "goal", round(goal, 6), "goal_growth_base", base=y_base, pct=raw_goal, goal=round(goal, 6)
            )
        else:
            goal = y_base * raw_goal
            high = None if raw_high is None else y_base * raw_high
            steps.add(
                "goal", round(goal, 6), "goal_multiple", base=y_base, times=raw_goal, goal=round(goal, 6)
            )
    if high is not None:
        steps.add("range", round(goal, 6), "range", low=round(goal, 6), high=round(high, 6))

    rate_target = target.kind == "growth_rate"
    scale = 100.0 if rate_target else 1.0  # a growth rate is compared as a fraction a year
    judge = _Judge(
        target.comparator, goal / scale, None if high is None else high / scale, rules.about_tolerance
    )
    if target.comparator == "about":
        fields.update(band_low=_r_scaled(judge.low_edge, scale), band_high=_r_scaled(judge.high_edge, scale))
        if high is None:
            steps.add(
                "band",
                None,
                "band",
                goal=round(goal, 6),
                tol=round(rules.about_tolerance * 100, 4),
                low=fields["band_low"],
                high=fields["band_high"],
            )
    fields["threshold"] = round(goal, 6)

    # The value judged: the latest one, or after the horizon the one of the horizon year.
    passed = today > horizon_end
    if passed:
        judged = next((r for r in reversed(series) if r.recorded_on.year == horizon), None)
        if judged is None:
            judged = next((r for r in series if r.recorded_on.year > horizon), None)
        if judged is None:
            steps.add("horizon", None, "horizon_no_value", date=horizon_end, year=horizon)
            return finish("no_data", "no_value_for_horizon")
        steps.add("horizon", judged.recorded_on.year, "horizon_value", date=horizon_end, year=horizon)
        series = [r for r in series if r.recorded_on <= judged.recorded_on]
    else:
        judged = series[-1]
    y = float(judged.value or 0.0)
    fields.update(current_count=y, measured_on=judged.recorded_on, source_url=judged.source_url)
    steps.add("latest_record", y, "latest_record", value=y, date=judged.recorded_on)

    first = series[0]
    if rate_target:
        return _rate_status(series, judge, steps, fields, finish, passed, end_t, rules)

    fields["gap"] = round(y - goal, 6)
    steps.add("gap", round(y - goal, 6), "count_gap", value=y, goal=round(goal, 6))
    met = judge.met_step(steps, y)
    if passed:
        return finish("achieved" if met else "missed", "value_achieved" if met else "value_missed")
    if met:
        return finish("met_now", "value_met_now")

    # Pace: observed against required CAGR from the base value.
    if len(series) < 2:
        steps.add("observed_growth", None, "not_enough", count=len(series))
        return finish("no_data", "not_enough_data")
    aim, sign = judge.aim(y)
    y0 = float(first.value or 0.0)
    if min(y0, y, aim) <= 0:
        steps.add("observed_growth", None, "non_positive", value=min(y0, y, aim))
        return finish("no_data", "non_positive_value")
    t0, t = _when(first.recorded_on), _when(judged.recorded_on)
    if end_t <= t0:  # every value dated after the horizon (records ahead of `today`)
        steps.add("observed_growth", None, "not_enough", count=len(series))
        return finish("no_data", "not_enough_data")
    observed = _cagr(y0, y, t - t0)
    required = _cagr(y0, aim, end_t - t0)
    if not (math.isfinite(observed) and math.isfinite(required)):
        steps.add(
            "observed_growth", None, "growth_not_finite", start=first.recorded_on, end=judged.recorded_on
        )
        return finish("no_data", "not_enough_data")
    _record_growth(fields, steps, observed, sign, first, judged, y0, y, t - t0)
    years_left = end_t - t
    fields["years_left"] = round(years_left, 4)
    steps.add("years_left", round(years_left, 4), "years_to_end", horizon=horizon, date=judged.recorded_on)
    fields["required_growth_pct"] = _pct(required)
    steps.add(
        "required_growth",
        _pct(required),
        "required_cagr",
        goal=round(aim, 6),
        first=y0,
        years=round(end_t - t0, 4),
        horizon=horizon,
    )
    if sign * required <= 0:
        steps.add("pace_ratio", None, "pace_moved_away")
        return finish("off_track", "moved_away")
    return _classify(observed / required, observed, required, fields, steps, finish, rules)


def _r_scaled(x: float | None, scale: float) -> float | None:
    return None if x is None else round(x * scale, 6)


def _record_growth(fields, steps, observed, sign, first, last, y0, y, years) -> None:
    fields["observed_growth_pct"] = _pct(observed)
    fields["trend_basis"] = "count"
    better = sign * observed
    fields["trend"] = "up" if better > 0 else ("down" if better < 0 else "flat")
    steps.add(
        "observed_growth",
        _pct(observed),
        "observed_cagr",
        value=y,
        first=y0,
        years=round(years, 4),
        start=first.recorded_on,
        end=last.recorded_on,
    )


def _classify(ratio, observed, required, fields, steps, finish, rules) -> QuantitativeAssessment:
    fields["pace_ratio"] = round(ratio, 4)
    steps.add("pace_ratio", round(ratio, 4), "pace_cagr", observed=_pct(observed), required=_pct(required))
    cls = progress._ratio_class(ratio, rules)
    steps.add("classify", cls, "classify", on=rules.on_track_ratio, risk=rules.at_risk_ratio)
    return finish(cls, cls)


def _rate_status(series, judge, steps, fields, finish, passed, end_t, rules) -> QuantitativeAssessment:
    """A growth-rate target: the observed CAGR over the values against the rate itself."""
    if len(series) < 2:
        steps.add("observed_growth", None, "not_enough", count=len(series))
        return finish("no_data", "not_enough_data")
    first, last = series[0], series[-1]
    y0, y = float(first.value or 0.0), float(last.value or 0.0)
    if min(y0, y) <= 0:
        steps.add("observed_growth", None, "non_positive", value=min(y0, y))
        return finish("no_data", "non_positive_value")
    years = _when(last.recorded_on) - _when(first.recorded_on)
    observed = _cagr(y0, y, years)
    if not math.isfinite(observed):
        steps.add("observed_growth", None, "growth_not_finite", start=first.recorded_on, end=last.recorded_on)
        return finish("no_data", "not_enough_data")
    aim, sign = judge.aim(observed)
    _record_growth(fields, steps, observed, sign, first, last, y0, y, years)
    fields["required_growth_pct"] = _pct(aim)
    steps.add("required_growth", _pct(aim), "required_rate", rate=_pct(aim))
    fields["gap"] = round((observed - judge.goal) * 100.0, 4)
    met = judge.met(observed)
    if judge.comparator == ">=":
        steps.add("met_now", "yes" if met else "no", "count_met", value=_pct(observed), goal=_pct(judge.goal))
    elif judge.comparator == "<=":
        steps.add(
            "met_now", "yes" if met else "no", "value_met_le", value=_pct(observed), goal=_pct(judge.goal)
        )
    else:
        steps.add(
            "met_now",
            "yes" if met else "no",
            "value_met_band",
            value=_pct(observed),
            low=_pct(judge.low_edge),
            high=_pct(judge.high_edge),
        )
    if passed:
        return finish("achieved" if met else "missed", "value_achieved" if met else "value_missed")
    if met:
        return finish("met_now", "value_met_now")
    fields["years_left"] = round(end_t - _when(last.recorded_on), 4)
    if sign * aim <= 0:
        # A rate of zero or of the other sign than the change needed: a ratio would mean nothing.
        steps.add("pace_ratio", None, "pace_rate_undefined", required=_pct(aim))
        return finish("off_track", "rate_ratio_undefined")
    return _classify(observed / aim, observed, aim, fields, steps, finish, rules)
