"""Pure progress engine: thresholds, trends, projections and target status with a calculation trace.

No DuckDB, Streamlit or plotly: inputs are plain pydantic models built by metrics.services from the
store (or by a test or the benchmark by hand); outputs are the result models of
metrics.progress_models, whose field names are the stable contract of the pages, the reports and
`python -m metrics status --json`. This module is the engine; its statistics are
metrics.progress_stats and the text of its traces metrics.progress_trace. The public names of all
three are re-exported here, so a caller imports metrics.progress alone.

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
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple, Protocol

from metrics import ranking
from metrics.models import ProgressRecord, Target
from metrics.progress_models import (  # noqa: F401 - re-exported: the engine's public models
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
from metrics.progress_stats import LineFit, fit_line, predict, t_cdf, t_quantile  # noqa: F401 - re-exported
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

# --- Helpers ---------------------------------------------------------------------------------------


def _r(x: float | None, d: int = 4) -> float | None:
    return None if x is None else round(x, d)


def _ratio_class(ratio: float, rules: StatusRules) -> StatusClass:
    if ratio >= rules.on_track_ratio:
        return "on_track"
    if ratio >= rules.at_risk_ratio:
        return "at_risk"
    return "off_track"


class _Steps:
    def __init__(self) -> None:
        self.items: list[TraceStep] = []

    def add(
        self, key: str, value: float | int | str | None, template: str | None = None, /, **params: Any
    ) -> None:
        template = template or key
        self.items.append(
            TraceStep(
                key=f"trace.{key}",
                formula=render_formula(template, params, "en"),
                value=value,
                template=template,
                params={k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in params.items()},
            )
        )


def _position(
    ed: EditionScores, iso3: str, n: int, is_world: bool, with_rivals: bool = True
) -> dict[str, Any]:
    """Rank, 'of', percentile, threshold, gap and rivals of iso3 in one edition's field."""
    field = ed.field()
    score = ed.scores.get(iso3)
    member = is_world or (ed.members is not None and iso3 in ed.members)
    thr = field.threshold(iso3, n)
    out: dict[str, Any] = {
        "score": score,
        "member": member,
        "threshold_iso3": thr[0] if thr else None,
        "threshold": thr[1] if thr else None,
        "gap": ranking.gap(score, thr[1] if thr else None, ed.higher_is_better),
        "computed_rank": None,
        "published_rank": None,
        "rank": None,
        "of": None,
        "percentile": None,
        "above": None,
        "below": None,
    }
    if not member or score is None:
        return out
    computed = field.ranks[iso3]
    published = ed.published_ranks.get(iso3) if is_world else None
    rank = published if published is not None else computed
    of = (ed.countries_ranked or len(field)) if is_world else len(field)
    out.update(computed_rank=computed, published_rank=published, rank=rank, of=of)
    if 1 <= rank <= of:
        out["percentile"] = ranking.percentile(rank, of)
    if not with_rivals:
        return out
    above, below = field.rivals(iso3)
    out["above"] = Rival(iso3=above[0], score=above[1], rank=above[2]) if above else None
    out["below"] = Rival(iso3=below[0], score=below[1], rank=below[2]) if below else None
    return out


def _assessment_parts(
    target: Target, iso3: str, index_id: str | None, measure: str | None, inputs: dict, steps
) -> tuple[dict[str, Any], Callable[[StatusClass, str], Assessment]]:
    """The fields an assessment fills in as it goes, and `finish(status, rule)`: the Assessment
    of those fields with its trace (the inputs and the steps recorded by then)."""
    fields: dict[str, Any] = {
        **_EMPTY,
        **_target_fields(target),
        "yardstick_index": index_id,
        "yardstick_measure": measure,
        "iso3": iso3,
    }

    def finish(status: StatusClass, rule: str) -> Assessment:
        trace = Trace(
            target_id=target.target_id, inputs=inputs, steps=steps.items, result=status, rule=f"rule.{rule}"
        )
        return Assessment(**fields, status=status, trace=trace)

    return fields, finish


def _target_fields(target: Target) -> dict[str, Any]:
    return {
        "target_id": target.target_id,
        "strategy_id": target.strategy_id,
        "kind": target.kind,
        "horizon_year": target.horizon_year,
        "comparator": target.comparator,
        "target_value": target.target_value,
        "group_id": target.group_id,
        "text_vi": target.text_vi,
        "text_en": target.text_en,
    }


_EMPTY: dict[str, Any] = {
    "as_of_edition": None,
    "current_rank": None,
    "of": None,
    "percentile": None,
    "score": None,
    "threshold": None,
    "gap": None,
    "rival_above": None,
    "rival_below": None,
    "trend_per_year": None,
    "required_gain_per_year": None,
    "projection": None,
    "current_count": None,
    "measured_on": None,
    "trend": "none",
    "source_url": "",
    "version_id": None,
}


# --- Rank targets ----------------------------------------------------------------------------------


def assess_rank_target(
    target: Target,
    iso3: str,
    editions: Sequence[EditionScores],
    *,
    today: dt.date,
    as_of: int | None = None,
    rules: StatusRules | None = None,
) -> Assessment:
    """Status of a rank target ("top N of the group by year H") for one country, with its trace.

    `editions` are every edition of the yardstick (one index, one measure), each with the group's
    membership valid on its membership date (members=None for WORLD). `as_of` ignores later editions
    ("what would we have said then"); `today` decides whether the horizon has passed.
    """
    rules = rules or load_status_rules()
    n = int(target.target_value or 0)
    is_world = target.group_id == WORLD
    steps = _Steps()
    usable = sorted(
        (e for e in editions if as_of is None or e.edition_year <= as_of), key=lambda e: e.edition_year
    )
    index_id = editions[0].index_id if editions else target.yardstick_index
    measure = target.yardstick_measure
    inputs: dict[str, Any] = {
        "iso3": iso3,
        "index_id": index_id,
        "measure_id": measure,
        "group_id": target.group_id,
        "n": n,
        "horizon_year": target.horizon_year,
        "today": today.isoformat(),
        "as_of": as_of,
        "editions_available": [e.edition_year for e in usable],
    }
    fields, finish = _assessment_parts(target, iso3, index_id, measure, inputs, steps)

    if not usable:
        if as_of is None:
            steps.add("edition_judged", None, "no_edition", index=index_id)
        else:
            steps.add("edition_judged", None, "no_edition_as_of", index=index_id, as_of=as_of)
        return finish("no_data", "no_edition")

    horizon = target.horizon_year
    horizon_ed = next((e for e in usable if e.edition_year == horizon), None)
    final = horizon_ed is not None
    passed_without_edition = not final and (today.year > horizon or usable[-1].edition_year > horizon)
    if horizon_ed is not None:
        judged = horizon_ed
        steps.add(
            "edition_judged", judged.edition_year, "edition_horizon", index=index_id, year=judged.edition_year
        )
    else:
        with_score = [e for e in usable if iso3 in e.scores and e.edition_year <= horizon]
        judged = with_score[-1] if with_score else usable[-1]
        latest = usable[-1]
        if latest.edition_year != judged.edition_year and iso3 not in latest.scores:
            steps.add(
                "missing_in_latest",
                "skipped",
                "no_score",
                iso3=iso3,
                index=index_id,
                year=latest.edition_year,
            )
        if as_of is None:
            steps.add(
                "edition_judged",
                judged.edition_year,
                "edition_latest",
                index=index_id,
                year=judged.edition_year,
            )
        else:
            steps.add(
                "edition_judged",
                judged.edition_year,
                "edition_as_of",
                index=index_id,
                year=judged.edition_year,
                as_of=as_of,
            )
    inputs.update(
        edition_judged=judged.edition_year,
        series=judged.series,
        membership_date=judged.membership_date.isoformat() if judged.membership_date else None,
        scale=[judged.scale_min, judged.scale_max],
        source_url=judged.source_url,
    )

    pos = _position(judged, iso3, n, is_world)
    field = judged.field()
    sgn = 1.0 if judged.higher_is_better else -1.0
    if is_world:
        inputs["field_size"] = len(field)
        inputs["countries_ranked"] = judged.countries_ranked
        inputs["best_others"] = [[k, v] for k, v in field.others(iso3)[: n + 1]]
        if iso3 in judged.scores:
            inputs["country_score"] = judged.scores[iso3]
    else:
        inputs["members"] = sorted(judged.members or [])
        inputs["scores"] = dict(field.ordered)
        if iso3 in judged.scores and iso3 not in field.scores:
            inputs["country_score"] = judged.scores[iso3]
    fields.update(
        as_of_edition=judged.edition_year,
        score=pos["score"],
        threshold=pos["threshold"],
        gap=_r(pos["gap"], 6),
        source_url=judged.source_url,
        version_id=judged.version_id,
        current_rank=pos["rank"],
        of=pos["of"],
        percentile=_r(pos["percentile"], 2),
        rival_above=pos["above"],
        rival_below=pos["below"],
        computed_rank=pos["computed_rank"],
        published_rank=pos["published_rank"],
    )
    if is_world:
        steps.add("field", len(field), "field_world")
    else:
        steps.add("field", len(field), "field_group", group=target.group_id, date=judged.membership_date)
    steps.add(
        "score", pos["score"], "score", iso3=iso3, index=index_id, year=judged.edition_year, measure=measure
    )
    if pos["threshold"] is None:
        steps.add("threshold", None, "threshold_none", n=n)
    else:
        steps.add(
            "threshold",
            pos["threshold"],
            "threshold",
            n=n,
            rival=pos["threshold_iso3"],
            threshold=pos["threshold"],
        )
    if pos["gap"] is not None:
        template = "gap" if sgn > 0 else "gap_lower"
        steps.add("gap", _r(pos["gap"], 6), template, score=pos["score"], threshold=pos["threshold"])
        if pos["gap"] == 0:
            fields["tie_at_threshold"] = True
            steps.add("tie", "tie", "tie", iso3=iso3, rival=pos["threshold_iso3"], n=n)

    if not pos["member"]:
        steps.add(
            "not_in_group",
            None,
            "not_in_group",
            iso3=iso3,
            group=target.group_id,
            date=judged.membership_date,
        )
        return finish("no_data", "not_in_group")
    if pos["score"] is None:
        steps.add("score", None, "no_score", iso3=iso3, index=index_id, year=judged.edition_year)
        return finish("no_data", "no_score")

    if not is_world:
        steps.add("rank", pos["rank"], "rank_group", rank=pos["rank"])
    elif pos["published_rank"] is not None:
        steps.add(
            "rank",
            pos["rank"],
            "rank_published",
            published=pos["published_rank"],
            computed=pos["computed_rank"],
        )
    else:
        steps.add("rank", pos["rank"], "rank_computed", rank=pos["computed_rank"])
    if pos["percentile"] is not None:
        steps.add("percentile", _r(pos["percentile"], 2), "percentile", of=pos["of"], rank=pos["rank"])
    met = pos["rank"] <= n
    steps.add("met_now", "yes" if met else "no", "met_now", rank=pos["rank"], n=n)

    # Trends and pace: only editions comparable with the judged one (its series and, for a group,
    # the same members), so neither a methodology break nor a change of membership moves a line.
    comparable = _comparable_editions(usable, judged, is_world)
    c_points = [(float(e.edition_year), e.scores[iso3]) for e in comparable if iso3 in e.scores]
    t_points = []
    for e in comparable:
        thr = e.field().threshold(iso3, n)
        if thr is not None and iso3 in e.scores:
            t_points.append((float(e.edition_year), thr[1]))
    inputs["comparable_editions"] = [e.edition_year for e in comparable]
    inputs["series_points"] = [[int(x), y] for x, y in c_points]
    inputs["threshold_points"] = [[int(x), y] for x, y in t_points]
    c_fit = fit_line(c_points) if len(c_points) >= rules.min_points else None
    t_fit = fit_line(t_points) if len(t_points) >= rules.min_points else None
    years = [int(x) for x, _ in c_points]
    if c_fit is None:
        steps.add(
            "country_trend",
            "not_computable",
            "trend_not_computable",
            series=judged.series,
            count=len(c_points),
            years=years,
            min=rules.min_points,
        )
    else:
        steps.add("country_trend", _r(c_fit.slope, 4), "country_trend", iso3=iso3, years=years)
    if t_fit is not None:
        steps.add(
            "threshold_trend", _r(t_fit.slope, 4), "threshold_trend", n=n, years=[int(x) for x, _ in t_points]
        )
    older = sorted(
        {e.series for e in usable if e.series != judged.series and e.edition_year < judged.edition_year}
    )
    if older:
        steps.add("break", len(older), "break", series=older)
    other_members = [
        e.edition_year
        for e in usable
        if e.series == judged.series and e.edition_year < judged.edition_year and e not in comparable
    ]
    if other_members:
        steps.add("membership_change", len(other_members), "membership_change", years=other_members)

    pos_points: list[tuple[float, float]] = []
    for e in comparable:
        if iso3 not in e.scores:
            continue
        p = _position(e, iso3, n, is_world, with_rivals=False)
        if is_world and p["percentile"] is not None:
            pos_points.append((float(e.edition_year), p["percentile"]))
        elif not is_world and p["rank"] is not None:
            pos_points.append((float(e.edition_year), float(p["rank"])))
    inputs["position_points"] = [[int(x), y] for x, y in pos_points]
    pos_fit = fit_line(pos_points) if len(pos_points) >= rules.min_points else None
    if pos_fit is not None:
        steps.add(
            "position_trend",
            _r(pos_fit.slope, 4),
            "position_trend_pct" if is_world else "position_trend_rank",
            years=[int(x) for x, _ in pos_points],
        )
        fields["position_trend_per_year"] = _r(pos_fit.slope, 4)

    scale = judged.scale_max - judged.scale_min
    if c_fit is not None:
        fields["trend_per_year"] = _r(c_fit.slope, 6)
        tol = rules.flat_share_of_scale_per_year * scale
        fields["trend"] = (
            "up" if sgn * c_fit.slope > tol else ("down" if sgn * c_fit.slope < -tol else "flat")
        )
        fields["trend_basis"] = "score"

    if final:
        return finish("achieved" if met else "missed", "achieved" if met else "missed")
    if passed_without_edition:
        steps.add("horizon", None, "horizon_missing", horizon=horizon, index=index_id)
        return finish("no_data", "horizon_edition_missing")

    years_left = float(horizon - judged.edition_year)
    fields["years_left"] = years_left
    steps.add("years_left", years_left, "years_left", horizon=horizon, year=judged.edition_year)

    # Projection to the horizon (score series): the country and the threshold, each with a band
    # kept on the index's scale (a score cannot leave it, however steep the line).
    t_h = pos["threshold"]
    lo_s, hi_s = judged.scale_min, judged.scale_max
    if c_fit is not None:
        cy, clo, chi, basis = _clip_band(predict(c_fit, float(horizon), rules), lo_s, hi_s)
        t_band = None
        if t_fit is not None:
            t_band = _clip_band(predict(t_fit, float(horizon), rules), lo_s, hi_s)
            t_h = t_band[0]
        ty, tlo, thi = t_band[:3] if t_band is not None else (None, None, None)
        fields["projection"] = Projection(
            target_year=horizon,
            series=judged.series,
            editions_used=years,
            country_score=round(cy, 4),
            country_low=round(clo, 4),
            country_high=round(chi, 4),
            threshold=_r(ty),
            threshold_low=_r(tlo),
            threshold_high=_r(thi),
            country_slope=round(c_fit.slope, 6),
            threshold_slope=_r(t_fit.slope if t_fit else None, 6),
        )
        band = {
            "iso3": iso3,
            "horizon": horizon,
            "value": round(cy, 2),
            "low": round(clo, 2),
            "high": round(chi, 2),
        }
        if basis == "prediction_interval":
            steps.add(
                "projection",
                round(cy, 4),
                "projection_pi",
                **band,
                conf=round(rules.confidence * 100),
                n=c_fit.n,
            )
        else:
            steps.add("projection", round(cy, 4), "projection_wide", **band)
        if t_band is not None:
            steps.add(
                "projection_threshold",
                round(t_band[0], 4),
                "projection_threshold",
                n=n,
                horizon=horizon,
                value=round(t_band[0], 2),
                low=round(t_band[1], 2),
                high=round(t_band[2], 2),
            )
    if t_h is not None:
        required = (t_h - pos["score"]) / years_left
        fields["required_gain_per_year"] = _r(required, 6)
        projected = c_fit is not None and t_fit is not None
        steps.add(
            "required_gain",
            _r(required, 4),
            "required_gain_projected" if projected else "required_gain_held",
            n=n,
            horizon=horizon,
            threshold=round(t_h, 4),
            score=pos["score"],
            years=years_left,
        )

    # The change in position needed (shown beside the score pace; never decides on its own).
    need_pos = None
    if is_world:
        if n <= (pos["of"] or 0) and pos["percentile"] is not None:
            needed_pct = ranking.percentile(n, pos["of"])
            need_pos = (needed_pct - pos["percentile"]) / years_left
            steps.add(
                "required_position",
                _r(need_pos, 4),
                "required_position_pct",
                n=n,
                of=pos["of"],
                needed=round(needed_pct, 2),
                pct=round(pos["percentile"], 2),
                years=years_left,
            )
    else:
        need_pos = (n - pos["rank"]) / years_left
        steps.add(
            "required_position",
            _r(need_pos, 4),
            "required_position_rank",
            n=n,
            rank=pos["rank"],
            years=years_left,
        )
    fields["required_position_per_year"] = _r(need_pos, 4)

    if met:
        return finish("met_now", "met_now")

    if c_fit is None or t_h is None or len(c_points) < rules.min_pace_editions:
        steps.add(
            "pace_ratio",
            None,
            "pace_not_comparable",
            series=judged.series,
            count=len(c_points),
            min=rules.min_pace_editions,
            years=years,
            members=len(field),
        )
        return finish("pace_unknown", "pace_not_comparable")
    need = sgn * (t_h - pos["score"]) / years_left
    if need <= 0:
        steps.add("pace_ratio", None, "pace_threshold_falling")
        return finish("on_track", "threshold_falling")
    ratio = sgn * c_fit.slope / need
    steps.add("pace_ratio", round(ratio, 4), "pace", trend=_r(c_fit.slope, 4), required=_r(sgn * need, 4))
    fields["pace_ratio"] = round(ratio, 4)
    cls = _ratio_class(ratio, rules)
    steps.add("classify", cls, "classify", on=rules.on_track_ratio, risk=rules.at_risk_ratio)
    return finish(cls, cls)


def _comparable_editions(
    usable: Sequence[EditionScores], judged: EditionScores, is_world: bool
) -> list[EditionScores]:
    """The editions up to the judged one whose scores and ranks compare with it: the same series
    (no methodology break between them) and, for a group, the same field (the members with a
    score: a member the index does not cover changes nothing, one it starts to cover does)."""
    field = set(judged.field().scores)
    return [
        e
        for e in usable
        if e.edition_year <= judged.edition_year
        and e.series == judged.series
        and (is_world or set(e.field().scores) == field)
    ]


def _clip_band(
    band: tuple[float, float, float, str], low: float, high: float
) -> tuple[float, float, float, str]:
    central, lo, hi, basis = band
    return (min(max(central, low), high), min(max(lo, low), high), min(max(hi, low), high), basis)


# --- Counted targets -------------------------------------------------------------------------------


class _Count(NamedTuple):
    """One value record as the count assessment reads it: its value is known."""

    recorded_on: dt.date
    value: float
    source_url: str


def _year_fraction(day: dt.date) -> float:
    start = dt.date(day.year, 1, 1)
    length = (dt.date(day.year + 1, 1, 1) - start).days
    return day.year + (day - start).days / length


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
    steps = _Steps()
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
    fields, finish = _assessment_parts(target, iso3, None, None, inputs, steps)

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

    points = [(_year_fraction(r.recorded_on), r.value) for r in recs]
    fit = fit_line(points) if len(points) >= rules.min_points else None
    if fit is not None:
        fields.update(trend_per_year=_r(fit.slope, 6), trend_basis="count")
        tol = rules.flat_count_per_year
        fields["trend"] = "up" if fit.slope > tol else ("down" if fit.slope < -tol else "flat")
        steps.add("country_trend", _r(fit.slope, 4), "count_trend", count=len(points))

    if target.kind == "direction":
        if len(recs) < 2:
            steps.add("met_now", None, "direction_single")
            return finish("no_data", "direction_needs_two_records")
        up = last.value > first.value
        steps.add("met_now", "yes" if up else "no", "direction", last=last.value, first=first.value)
        if passed:
            return finish("achieved" if up else "missed", "achieved" if up else "missed")
        return finish("met_now" if up else "off_track", "met_now" if up else "off_track")

    goal = float(target.target_value or 0)
    gap = last.value - goal
    fields.update(gap=_r(gap, 6), threshold=goal)
    met = last.value >= goal
    steps.add("gap", _r(gap, 6), "count_gap", value=last.value, goal=goal)
    steps.add("met_now", "yes" if met else "no", "count_met", value=last.value, goal=goal)
    if passed:
        return finish("achieved" if met else "missed", "achieved" if met else "missed")
    if met:
        return finish("met_now", "met_now")
    years_left = max((horizon_end - last.recorded_on).days / 365.25, 1 / 365.25)
    fields["years_left"] = round(years_left, 4)
    required = (goal - last.value) / years_left
    fields["required_gain_per_year"] = _r(required, 6)
    steps.add(
        "required_gain",
        _r(required, 4),
        "count_required",
        goal=goal,
        value=last.value,
        years=round(years_left, 2),
    )
    if fit is None:
        steps.add("pace_ratio", None, "pace_none_records")
        return finish("pace_unknown", "no_trend")
    ratio = fit.slope / required
    fields["pace_ratio"] = round(ratio, 4)
    steps.add("pace_ratio", round(ratio, 4), "pace", trend=_r(fit.slope, 4), required=_r(required, 4))
    cls = _ratio_class(ratio, rules)
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
        gap=_r(ranking.gap(score, thr[1] if thr else None, higher_is_better), 6),
        rival_above=above,
        rival_below=below,
        group_top_mean=_r(sum(v for _, v in best) / len(best), 6) if best else None,
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
