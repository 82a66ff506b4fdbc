"""Rank targets ("top N of the group by year H"): the judged edition, the position in it, the trends
over the comparable editions, the projection to the horizon and the pace that classifies, each step
recorded in the trace. The method is docs/METHODS.md's (see metrics.progress)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from metrics import ranking
from metrics.models import Target
from metrics.progress_models import (
    WORLD,
    Assessment,
    EditionScores,
    Projection,
    Rival,
    StatusClass,
    StatusRules,
    load_status_rules,
)
from metrics.progress_stats import LineFit, fit_line, predict
from metrics.progress_steps import Steps, assessment_parts, ratio_class, rounded


@dataclasses.dataclass
class _Run:
    """One rank assessment as it goes: what it judges, and the trace and fields it fills in."""

    target: Target
    iso3: str
    n: int
    is_world: bool
    index_id: str
    rules: StatusRules
    steps: Steps
    inputs: dict[str, Any]
    fields: dict[str, Any]
    finish: Callable[[StatusClass, str], Assessment]


@dataclasses.dataclass(frozen=True)
class _Trends:
    """The lines over the editions comparable with the judged one: the country's score and the
    threshold's (each None below rules.min_points points)."""

    comparable: list[EditionScores]
    c_points: list[tuple[float, float]]
    c_fit: LineFit | None
    t_fit: LineFit | None

    @property
    def years(self) -> list[int]:
        return [int(x) for x, _ in self.c_points]


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

    The steps, in the order the trace records them: the judged edition, the position in it (score,
    threshold, gap, rank), the trends over the comparable editions, then, while the horizon is
    ahead, the projection to it, the gain needed and the pace that classifies.
    """
    rules = rules or load_status_rules()
    n = int(target.target_value or 0)
    steps = Steps()
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
    fields, finish = assessment_parts(target, iso3, index_id, measure, inputs, steps)
    run = _Run(target, iso3, n, target.group_id == WORLD, index_id, rules, steps, inputs, fields, finish)

    if not usable:
        if as_of is None:
            steps.add("edition_judged", None, "no_edition", index=index_id)
        else:
            steps.add("edition_judged", None, "no_edition_as_of", index=index_id, as_of=as_of)
        return finish("no_data", "no_edition")
    region = usable[-1].coverage
    if run.is_world and region:
        # The field would be that region's countries alone: a rank in it is no world rank.
        steps.add("regional_coverage", None, "regional_coverage", index=index_id, region=region)
        return finish("no_data", "regional_coverage")
    if region and not _group_within_coverage(target.group_id, usable[-1]):
        # e.g. an index of Southeast Asia judging "top 10 of Asia": most of the group has no score
        # because the index never looked at it, so a rank among those scored is no rank in the group.
        steps.add(
            "regional_coverage",
            None,
            "group_outside_coverage",
            index=index_id,
            region=region,
            group=target.group_id,
        )
        return finish("no_data", "group_outside_coverage")

    horizon = target.horizon_year
    judged, final = _judged_edition(run, usable, as_of)
    passed_without_edition = not final and (today.year > horizon or usable[-1].edition_year > horizon)
    pos = _record_position(run, judged)
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
    met = _record_rank(run, pos)

    trends = _trends(run, usable, judged)
    _position_trend(run, trends.comparable)
    if trends.c_fit is not None:
        sgn = 1.0 if judged.higher_is_better else -1.0
        slope = sgn * trends.c_fit.slope
        tol = rules.flat_share_of_scale_per_year * (judged.scale_max - judged.scale_min)
        fields["trend_per_year"] = rounded(trends.c_fit.slope, 6)
        fields["trend"] = "up" if slope > tol else ("down" if slope < -tol else "flat")
        fields["trend_basis"] = "score"

    if final:
        return finish("achieved" if met else "missed", "achieved" if met else "missed")
    if passed_without_edition:
        steps.add("horizon", None, "horizon_missing", horizon=horizon, index=index_id)
        return finish("no_data", "horizon_edition_missing")

    years_left = float(horizon - judged.edition_year)
    fields["years_left"] = years_left
    steps.add("years_left", years_left, "years_left", horizon=horizon, year=judged.edition_year)
    t_h = _project(run, judged, pos, trends, years_left)
    _required_position(run, pos, years_left)
    if met:
        return finish("met_now", "met_now")
    return _pace(run, judged, pos, trends, t_h, years_left)


def _judged_edition(run: _Run, usable: list[EditionScores], as_of: int | None) -> tuple[EditionScores, bool]:
    """The edition that judges the target, and whether it is the horizon's own (a final verdict):
    the horizon year's edition when it exists, else the latest up to the horizon with a score."""
    steps, iso3, index_id, horizon = run.steps, run.iso3, run.index_id, run.target.horizon_year
    horizon_ed = next((e for e in usable if e.edition_year == horizon), None)
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
    run.inputs.update(
        edition_judged=judged.edition_year,
        series=judged.series,
        membership_date=judged.membership_date.isoformat() if judged.membership_date else None,
        scale=[judged.scale_min, judged.scale_max],
        source_url=judged.source_url,
    )
    return judged, horizon_ed is not None


def _record_position(run: _Run, judged: EditionScores) -> dict[str, Any]:
    """The country's position in the judged edition (see _position), recorded in the inputs, the
    fields and the trace: the field, the score, the threshold, the gap and a tie at it."""
    steps, iso3, n = run.steps, run.iso3, run.n
    pos = _position(judged, iso3, n, run.is_world)
    field = judged.field()
    if run.is_world:
        run.inputs["field_size"] = len(field)
        run.inputs["countries_ranked"] = judged.countries_ranked
        run.inputs["best_others"] = [[k, v] for k, v in field.others(iso3)[: n + 1]]
        if iso3 in judged.scores:
            run.inputs["country_score"] = judged.scores[iso3]
    else:
        run.inputs["members"] = sorted(judged.members or [])
        run.inputs["scores"] = dict(field.ordered)
        if iso3 in judged.scores and iso3 not in field.scores:
            run.inputs["country_score"] = judged.scores[iso3]
    run.fields.update(
        as_of_edition=judged.edition_year,
        score=pos["score"],
        threshold=pos["threshold"],
        gap=rounded(pos["gap"], 6),
        source_url=judged.source_url,
        version_id=judged.version_id,
        current_rank=pos["rank"],
        of=pos["of"],
        percentile=rounded(pos["percentile"], 2),
        rival_above=pos["above"],
        rival_below=pos["below"],
        computed_rank=pos["computed_rank"],
        published_rank=pos["published_rank"],
    )
    if run.is_world:
        steps.add("field", len(field), "field_world")
    else:
        steps.add("field", len(field), "field_group", group=run.target.group_id, date=judged.membership_date)
    steps.add(
        "score",
        pos["score"],
        "score",
        iso3=iso3,
        index=run.index_id,
        year=judged.edition_year,
        measure=run.target.yardstick_measure,
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
        template = "gap" if judged.higher_is_better else "gap_lower"
        steps.add("gap", rounded(pos["gap"], 6), template, score=pos["score"], threshold=pos["threshold"])
        if pos["gap"] == 0:
            run.fields["tie_at_threshold"] = True
            steps.add("tie", "tie", "tie", iso3=iso3, rival=pos["threshold_iso3"], n=n)
    return pos


def _record_rank(run: _Run, pos: dict[str, Any]) -> bool:
    """The rank (the publisher's for the world where printed), the percentile, and whether the
    country is inside the top N now."""
    steps = run.steps
    if not run.is_world:
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
        steps.add("percentile", rounded(pos["percentile"], 2), "percentile", of=pos["of"], rank=pos["rank"])
    met = bool(pos["rank"] <= run.n)
    steps.add("met_now", "yes" if met else "no", "met_now", rank=pos["rank"], n=run.n)
    return met


def _trends(run: _Run, usable: list[EditionScores], judged: EditionScores) -> _Trends:
    """Trends and pace use only editions comparable with the judged one (its series and, for a
    group, the same members), so neither a methodology break nor a change of membership moves a
    line; the trace says which editions a break or a membership change left out."""
    steps, iso3, n, rules = run.steps, run.iso3, run.n, run.rules
    comparable = _comparable_editions(usable, judged, run.is_world)
    c_points = [(float(e.edition_year), e.scores[iso3]) for e in comparable if iso3 in e.scores]
    t_points = []
    for e in comparable:
        thr = e.field().threshold(iso3, n)
        if thr is not None and iso3 in e.scores:
            t_points.append((float(e.edition_year), thr[1]))
    run.inputs["comparable_editions"] = [e.edition_year for e in comparable]
    run.inputs["series_points"] = [[int(x), y] for x, y in c_points]
    run.inputs["threshold_points"] = [[int(x), y] for x, y in t_points]
    c_fit = fit_line(c_points) if len(c_points) >= rules.min_points else None
    t_fit = fit_line(t_points) if len(t_points) >= rules.min_points else None
    trends = _Trends(comparable, c_points, c_fit, t_fit)
    if c_fit is None:
        steps.add(
            "country_trend",
            "not_computable",
            "trend_not_computable",
            series=judged.series,
            count=len(c_points),
            years=trends.years,
            min=rules.min_points,
        )
    else:
        steps.add("country_trend", rounded(c_fit.slope, 4), "country_trend", iso3=iso3, years=trends.years)
    if t_fit is not None:
        steps.add(
            "threshold_trend",
            rounded(t_fit.slope, 4),
            "threshold_trend",
            n=n,
            years=[int(x) for x, _ in t_points],
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
    return trends


def _position_trend(run: _Run, comparable: list[EditionScores]) -> None:
    """The trend of the position itself (the world percentile, or the rank in a group): shown
    beside the score's, it never decides on its own."""
    points: list[tuple[float, float]] = []
    for e in comparable:
        if run.iso3 not in e.scores:
            continue
        p = _position(e, run.iso3, run.n, run.is_world, with_rivals=False)
        if run.is_world and p["percentile"] is not None:
            points.append((float(e.edition_year), p["percentile"]))
        elif not run.is_world and p["rank"] is not None:
            points.append((float(e.edition_year), float(p["rank"])))
    run.inputs["position_points"] = [[int(x), y] for x, y in points]
    fit = fit_line(points) if len(points) >= run.rules.min_points else None
    if fit is not None:
        run.steps.add(
            "position_trend",
            rounded(fit.slope, 4),
            "position_trend_pct" if run.is_world else "position_trend_rank",
            years=[int(x) for x, _ in points],
        )
        run.fields["position_trend_per_year"] = rounded(fit.slope, 4)


def _project(
    run: _Run, judged: EditionScores, pos: dict[str, Any], trends: _Trends, years_left: float
) -> float | None:
    """The projection to the horizon (score series): the country and the threshold, each with a
    band kept on the index's scale (a score cannot leave it, however steep the line); then the
    gain per year needed to reach the threshold there. Returns that threshold (the one of the
    judged edition when it has no trend; None without one)."""
    steps, iso3, n, rules = run.steps, run.iso3, run.n, run.rules
    horizon = run.target.horizon_year
    c_fit, t_fit = trends.c_fit, trends.t_fit
    t_h = pos["threshold"]
    lo_s, hi_s = judged.scale_min, judged.scale_max
    if c_fit is not None:
        cy, clo, chi, basis = _clip_band(predict(c_fit, float(horizon), rules), lo_s, hi_s)
        t_band = None
        if t_fit is not None:
            t_band = _clip_band(predict(t_fit, float(horizon), rules), lo_s, hi_s)
            t_h = t_band[0]
        ty, tlo, thi = t_band[:3] if t_band is not None else (None, None, None)
        run.fields["projection"] = Projection(
            target_year=horizon,
            series=judged.series,
            editions_used=trends.years,
            country_score=round(cy, 4),
            country_low=round(clo, 4),
            country_high=round(chi, 4),
            threshold=rounded(ty),
            threshold_low=rounded(tlo),
            threshold_high=rounded(thi),
            country_slope=round(c_fit.slope, 6),
            threshold_slope=rounded(t_fit.slope if t_fit else None, 6),
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
        run.fields["required_gain_per_year"] = rounded(required, 6)
        projected = c_fit is not None and t_fit is not None
        steps.add(
            "required_gain",
            rounded(required, 4),
            "required_gain_projected" if projected else "required_gain_held",
            n=n,
            horizon=horizon,
            threshold=round(t_h, 4),
            score=pos["score"],
            years=years_left,
        )
    return t_h


def _required_position(run: _Run, pos: dict[str, Any], years_left: float) -> None:
    """The change in position needed per year (shown beside the score pace; never decides on its own)."""
    n = run.n
    need_pos = None
    if run.is_world:
        if n <= (pos["of"] or 0) and pos["percentile"] is not None:
            needed_pct = ranking.percentile(n, pos["of"])
            need_pos = (needed_pct - pos["percentile"]) / years_left
            run.steps.add(
                "required_position",
                rounded(need_pos, 4),
                "required_position_pct",
                n=n,
                of=pos["of"],
                needed=round(needed_pct, 2),
                pct=round(pos["percentile"], 2),
                years=years_left,
            )
    else:
        need_pos = (n - pos["rank"]) / years_left
        run.steps.add(
            "required_position",
            rounded(need_pos, 4),
            "required_position_rank",
            n=n,
            rank=pos["rank"],
            years=years_left,
        )
    run.fields["required_position_per_year"] = rounded(need_pos, 4)


def _pace(
    run: _Run,
    judged: EditionScores,
    pos: dict[str, Any],
    trends: _Trends,
    t_h: float | None,
    years_left: float,
) -> Assessment:
    """Pace ratio R = observed slope / gain needed per year, which classifies (on track, at risk,
    off track); pace unknown without enough comparable editions, on track when the threshold
    falls to the country by itself."""
    steps, rules, c_fit = run.steps, run.rules, trends.c_fit
    if c_fit is None or t_h is None or len(trends.c_points) < rules.min_pace_editions:
        steps.add(
            "pace_ratio",
            None,
            "pace_not_comparable",
            series=judged.series,
            count=len(trends.c_points),
            min=rules.min_pace_editions,
            years=trends.years,
            members=len(judged.field()),
        )
        return run.finish("pace_unknown", "pace_not_comparable")
    sgn = 1.0 if judged.higher_is_better else -1.0
    need = sgn * (t_h - pos["score"]) / years_left
    if need <= 0:
        steps.add("pace_ratio", None, "pace_threshold_falling")
        return run.finish("on_track", "threshold_falling")
    ratio = sgn * c_fit.slope / need
    steps.add(
        "pace_ratio", round(ratio, 4), "pace", trend=rounded(c_fit.slope, 4), required=rounded(sgn * need, 4)
    )
    run.fields["pace_ratio"] = round(ratio, 4)
    cls = ratio_class(ratio, rules)
    steps.add("classify", cls, "classify", on=rules.on_track_ratio, risk=rules.at_risk_ratio)
    return run.finish(cls, cls)


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


def _group_within_coverage(group_id: str, edition: EditionScores) -> bool:
    """Every member of the target's group is a country the regional index covers."""
    if group_id == edition.coverage:
        return True
    if edition.members is None or edition.coverage_members is None:
        return False
    return set(edition.members) <= set(edition.coverage_members)
