"""Pure status of quantitative targets: levels, shares, ranges, growth rates and growth against a base
year (Decision 1671/QĐ-TTg's Appendix I), from the value records of a target's evidence.

No DuckDB, Streamlit or plotly. The method is docs/METHODS.md "The strategy in force", after Open SDG
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

from metrics import progress, progress_steps
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
    """Whether a number meets the commitment, and which edge a pace aims at. `shown` scales the
    numbers written in the trace (100 for a rate kept as a fraction, shown in per cent)."""

    def __init__(
        self, comparator: str, goal: float, high: float | None, tolerance: float, shown: float = 1.0
    ) -> None:
        self.comparator = comparator
        self.goal = goal
        self.shown = shown
        self.low_edge: float = goal
        self.high_edge: float = goal
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

    def met_step(self, steps: progress_steps.Steps, value: float) -> bool:
        met = self.met(value)
        word = "yes" if met else "no"
        v, goal = self._show(value), self._show(self.goal)
        if self.comparator == ">=":
            steps.add("met_now", word, "count_met", value=v, goal=goal)
        elif self.comparator == "<=":
            steps.add("met_now", word, "value_met_le", value=v, goal=goal)
        else:
            low, high = self._show(self.low_edge), self._show(self.high_edge)
            steps.add("met_now", word, "value_met_band", value=v, low=low, high=high)
        return met

    def _show(self, x: float) -> float:
        return round(x * self.shown, 6)


class _Stop(Exception):
    """Ends an assessment early with a status and the rule that decided it."""

    def __init__(self, status: StatusClass, rule: str) -> None:
        super().__init__(rule)
        self.status, self.rule = status, rule


class _Run:
    """One assessment as it is built: the fields, the trace steps and the rules in force."""

    def __init__(self, target: Target, rules: StatusRules, inputs: dict[str, Any], iso3: str) -> None:
        self.target, self.rules, self.inputs = target, rules, inputs
        self.steps = progress_steps.Steps()
        self.end_t = float(target.horizon_year + 1)  # the end of 31 December of the horizon year
        self.fields: dict[str, Any] = {
            **progress_steps.EMPTY_FIELDS,
            **progress_steps.target_fields(target),
            "yardstick_index": None,
            "yardstick_measure": None,
            "iso3": iso3,
            "target_high": target.target_high,
            "base_year": target.base_year,
        }

    def finish(self, status: StatusClass, rule: str) -> QuantitativeAssessment:
        trace = progress.Trace(
            target_id=self.target.target_id,
            inputs=self.inputs,
            steps=self.steps.items,
            result=status,
            rule=f"rule.{rule}",
        )
        return QuantitativeAssessment(**self.fields, status=status, trace=trace)


def _when(day: dt.date) -> float:
    return progress_steps.year_fraction(day)


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
    values = _values(target, records)
    milestones = sum(1 for r in records if r.target_id == target.target_id and r.kind == "milestone")
    run = _Run(target, rules, _inputs(target, values, milestones, today, rules, iso3), iso3)
    run.steps.add("records", len(values), "value_records", count=len(values), milestones=milestones)
    try:
        if not values:
            raise _Stop("no_data", "no_records")
        goal, high, series = _goal(run, values)
        if high is not None:
            run.steps.add("range", round(goal, 6), "range", low=round(goal, 6), high=round(high, 6))
        shown = 100.0 if target.kind == "growth_rate" else 1.0  # a rate is compared as a fraction
        judge = _Judge(
            target.comparator,
            goal / shown,
            None if high is None else high / shown,
            rules.about_tolerance,
            shown,
        )
        _band(run, judge, goal, high)
        run.fields["threshold"] = round(goal, 6)
        passed = today > dt.date(target.horizon_year, 12, 31)
        series = _judged_series(run, series, passed)
        if target.kind == "growth_rate":
            _rate_status(run, series, judge, passed)
        else:
            _level_status(run, series, judge, passed)
    except _Stop as stop:
        return run.finish(stop.status, stop.rule)
    raise AssertionError("an assessment always ends with a status")  # pragma: no cover


def _inputs(target, values, milestones, today, rules, iso3) -> dict[str, Any]:
    return {
        "iso3": iso3,
        "kind": target.kind,
        "comparator": target.comparator,
        "target_value": target.target_value,
        "target_high": target.target_high,
        "base_year": target.base_year,
        "horizon_end": dt.date(target.horizon_year, 12, 31).isoformat(),
        "today": today.isoformat(),
        "about_tolerance": rules.about_tolerance if target.comparator == "about" else None,
        "records": [
            [r.recorded_on.isoformat(), r.value, r.unit, r.source_url, r.fit, r.label] for r in values
        ],
        "milestones": milestones,
    }


def _goal(run: _Run, values: list[ProgressRecord]) -> tuple[float, float | None, list[ProgressRecord]]:
    """(the value to reach, the upper end of a range, the values a pace may use). A base-year
    target builds both ends from the base-year value and uses the values from it on."""
    target = run.target
    goal, high = float(target.target_value or 0.0), target.target_high
    if target.kind not in BASE_YEAR_KINDS:
        return goal, high, values
    base_year = int(target.base_year or 0)
    in_base = [r for r in values if r.recorded_on.year == base_year]
    if not in_base:
        run.steps.add("base_value", None, "no_base_value", year=base_year)
        raise _Stop("no_data", "no_base_value")
    base = in_base[-1]
    y_base = float(base.value or 0.0)
    run.fields["base_value"] = y_base
    run.steps.add("base_value", y_base, "base_value", value=y_base, date=base.recorded_on, year=base_year)
    if y_base <= 0:
        run.steps.add("base_value", y_base, "non_positive", value=y_base)
        raise _Stop("no_data", "non_positive_value")
    if target.kind == "growth_base":
        built = y_base * (1.0 + goal / 100.0)
        built_high = None if high is None else y_base * (1.0 + high / 100.0)
        run.steps.add(
            "goal", round(built, 6), "goal_growth_base", base=y_base, pct=goal, goal=round(built, 6)
        )
    else:
        built = y_base * goal
        built_high = None if high is None else y_base * high
        run.steps.add("goal", round(built, 6), "goal_multiple", base=y_base, times=goal, goal=round(built, 6))
    return built, built_high, [r for r in values if r.recorded_on >= base.recorded_on]


def _band(run: _Run, judge: _Judge, goal: float, high: float | None) -> None:
    if run.target.comparator != "about":
        return
    low_edge, high_edge = judge._show(judge.low_edge), judge._show(judge.high_edge)
    run.fields.update(band_low=low_edge, band_high=high_edge)
    if high is None:  # a range is its own band, already in the trace
        tol = round(run.rules.about_tolerance * 100, 4)
        run.steps.add("band", None, "band", goal=round(goal, 6), tol=tol, low=low_edge, high=high_edge)


def _judged_series(run: _Run, series: list[ProgressRecord], passed: bool) -> list[ProgressRecord]:
    """The values up to the one judged: the latest, or after the horizon the value of the horizon
    year (the latest of it; else the first after it)."""
    horizon = run.target.horizon_year
    if passed:
        judged = next((r for r in reversed(series) if r.recorded_on.year == horizon), None)
        if judged is None:
            judged = next((r for r in series if r.recorded_on.year > horizon), None)
        end = dt.date(horizon, 12, 31)
        if judged is None:
            run.steps.add("horizon", None, "horizon_no_value", date=end, year=horizon)
            raise _Stop("no_data", "no_value_for_horizon")
        run.steps.add("horizon", judged.recorded_on.year, "horizon_value", date=end, year=horizon)
        series = [r for r in series if r.recorded_on <= judged.recorded_on]
    last = series[-1]
    y = float(last.value or 0.0)
    run.fields.update(current_count=y, measured_on=last.recorded_on, source_url=last.source_url)
    run.steps.add("latest_record", y, "latest_record", value=y, date=last.recorded_on)
    return series


def _verdict(run: _Run, met: bool, passed: bool) -> None:
    if passed:
        raise _Stop("achieved" if met else "missed", "value_achieved" if met else "value_missed")
    if met:
        raise _Stop("met_now", "value_met_now")


def _growth(
    run: _Run, series: list[ProgressRecord], floor: float | None = None
) -> tuple[float, float, float]:
    """(y0, y, observed CAGR) from the first to the last value; stops with no_data when a growth
    rate is not defined (one value, a value <= 0 or `floor` <= 0, values too close in time)."""
    if len(series) < 2:
        run.steps.add("observed_growth", None, "not_enough", count=len(series))
        raise _Stop("no_data", "not_enough_data")
    first, last = series[0], series[-1]
    y0, y = float(first.value or 0.0), float(last.value or 0.0)
    lowest = min(y0, y) if floor is None else min(y0, y, floor)
    if lowest <= 0:
        run.steps.add("observed_growth", None, "non_positive", value=lowest)
        raise _Stop("no_data", "non_positive_value")
    t0 = _when(first.recorded_on)
    if run.end_t <= t0:  # every value dated after the horizon (records ahead of `today`)
        run.steps.add("observed_growth", None, "not_enough", count=len(series))
        raise _Stop("no_data", "not_enough_data")
    years = _when(last.recorded_on) - t0
    observed = _cagr(y0, y, years)
    if not math.isfinite(observed):
        run.steps.add(
            "observed_growth", None, "growth_not_finite", start=first.recorded_on, end=last.recorded_on
        )
        raise _Stop("no_data", "not_enough_data")
    run.fields.update(observed_growth_pct=_pct(observed), trend_basis="count")
    run.steps.add(
        "observed_growth",
        _pct(observed),
        "observed_cagr",
        value=y,
        first=y0,
        years=round(years, 4),
        start=first.recorded_on,
        end=last.recorded_on,
    )
    years_left = run.end_t - _when(last.recorded_on)
    run.fields["years_left"] = round(years_left, 4)
    return y0, y, observed


def _trend(run: _Run, observed: float, sign: int) -> None:
    better = sign * observed  # like rank targets: "up" is toward the target's better side
    run.fields["trend"] = "up" if better > 0 else ("down" if better < 0 else "flat")


def _level_status(run: _Run, series: list[ProgressRecord], judge: _Judge, passed: bool) -> None:
    """A level (share, base-year target): the latest value against the value to reach, then the
    observed CAGR against the CAGR required to reach it by the end of the horizon year."""
    last = series[-1]
    y, goal = float(last.value or 0.0), judge.goal
    run.fields["gap"] = round(y - goal, 6)
    run.steps.add("gap", round(y - goal, 6), "count_gap", value=y, goal=round(goal, 6))
    _verdict(run, judge.met_step(run.steps, y), passed)
    aim, sign = judge.aim(y)
    y0, y, observed = _growth(run, series, floor=aim)
    _trend(run, observed, sign)
    horizon = run.target.horizon_year
    run.steps.add(
        "years_left", run.fields["years_left"], "years_to_end", horizon=horizon, date=last.recorded_on
    )
    span = run.end_t - _when(series[0].recorded_on)
    required = _cagr(y0, aim, span)
    if not math.isfinite(required):
        run.steps.add(
            "observed_growth", None, "growth_not_finite", start=series[0].recorded_on, end=last.recorded_on
        )
        raise _Stop("no_data", "not_enough_data")
    run.fields["required_growth_pct"] = _pct(required)
    run.steps.add(
        "required_growth",
        _pct(required),
        "required_cagr",
        goal=round(aim, 6),
        first=y0,
        years=round(span, 4),
        horizon=horizon,
    )
    if sign * required <= 0:
        run.steps.add("pace_ratio", None, "pace_moved_away")
        raise _Stop("off_track", "moved_away")
    _classify(run, observed, required)


def _rate_status(run: _Run, series: list[ProgressRecord], judge: _Judge, passed: bool) -> None:
    """A growth-rate target: the observed CAGR over the values against the rate itself."""
    _, _, observed = _growth(run, series)
    aim, sign = judge.aim(observed)
    _trend(run, observed, sign)
    run.fields.update(required_growth_pct=_pct(aim), gap=round((observed - judge.goal) * 100.0, 4))
    run.steps.add("required_growth", _pct(aim), "required_rate", rate=_pct(aim))
    _verdict(run, judge.met_step(run.steps, observed), passed)
    if sign * aim <= 0:
        # A rate of zero or of the other sign than the change needed: a ratio would mean nothing.
        run.steps.add("pace_ratio", None, "pace_rate_undefined", required=_pct(aim))
        raise _Stop("off_track", "rate_ratio_undefined")
    _classify(run, observed, aim)


def _classify(run: _Run, observed: float, required: float) -> None:
    ratio = observed / required
    run.fields["pace_ratio"] = round(ratio, 4)
    run.steps.add(
        "pace_ratio", round(ratio, 4), "pace_cagr", observed=_pct(observed), required=_pct(required)
    )
    cls = progress_steps.ratio_class(ratio, run.rules)
    run.steps.add("classify", cls, "classify", on=run.rules.on_track_ratio, risk=run.rules.at_risk_ratio)
    raise _Stop(cls, cls)
