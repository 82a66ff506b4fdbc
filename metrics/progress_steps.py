"""What every assessment of the progress engine shares: the trace it records step by step, the
fields an assessment fills in as it goes and its `finish`, the ratio classes and the rounding of
the numbers it keeps. Used by metrics.progress_rank, metrics.progress (counted targets) and
metrics.quantitative."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from metrics.models import Target
from metrics.progress_models import Assessment, StatusClass, StatusRules, Trace, TraceStep
from metrics.progress_trace import render_formula


def rounded(x: float | None, d: int = 4) -> float | None:
    return None if x is None else round(x, d)


def ratio_class(ratio: float, rules: StatusRules) -> StatusClass:
    if ratio >= rules.on_track_ratio:
        return "on_track"
    if ratio >= rules.at_risk_ratio:
        return "at_risk"
    return "off_track"


class Steps:
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


def assessment_parts(
    target: Target, iso3: str, index_id: str | None, measure: str | None, inputs: dict, steps
) -> tuple[dict[str, Any], Callable[[StatusClass, str], Assessment]]:
    """The fields an assessment fills in as it goes, and `finish(status, rule)`: the Assessment
    of those fields with its trace (the inputs and the steps recorded by then)."""
    fields: dict[str, Any] = {
        **EMPTY_FIELDS,
        **target_fields(target),
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


def target_fields(target: Target) -> dict[str, Any]:
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


EMPTY_FIELDS: dict[str, Any] = {
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


def year_fraction(day: dt.date) -> float:
    start = dt.date(day.year, 1, 1)
    length = (dt.date(day.year + 1, 1, 1) - start).days
    return day.year + (day - start).days / length
