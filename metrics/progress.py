"""Pure progress engine: thresholds, trends, projections and target status with a calculation trace.

No DuckDB, Streamlit or plotly: inputs are plain pydantic models built by metrics.services from the
store (or by a test/benchmark by hand), outputs are the result models below, whose field names are
the stable contract of pages, reports and `python -m metrics status --json`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, Field

StatusClass = Literal["achieved", "missed", "met_now", "on_track", "at_risk", "off_track", "no_data"]
TrendArrow = Literal["up", "down", "flat", "none"]
STATUS_CLASSES: tuple[str, ...] = (
    "achieved",
    "missed",
    "met_now",
    "on_track",
    "at_risk",
    "off_track",
    "no_data",
)


class TraceStep(BaseModel):
    key: str  # i18n key of the step label, e.g. "trace.threshold"
    formula: str
    value: float | int | str | None


class Trace(BaseModel):
    target_id: str
    inputs: dict[str, Any]
    steps: list[TraceStep]
    result: StatusClass
    rule: str  # i18n key of the rule applied, e.g. "rule.on_track"


class Projection(BaseModel):
    target_year: int
    series: str
    editions_used: list[int]
    country_score: float
    country_low: float
    country_high: float
    threshold: float | None
    threshold_low: float | None
    threshold_high: float | None
    country_slope: float
    threshold_slope: float | None


class Rival(BaseModel):
    iso3: str
    score: float
    rank: int


class Assessment(BaseModel):
    target_id: str
    strategy_id: str
    kind: str
    horizon_year: int
    comparator: str
    target_value: float | None
    group_id: str
    yardstick_index: str | None
    yardstick_measure: str | None
    iso3: str
    as_of_edition: int | None
    current_rank: int | None
    of: int | None
    percentile: float | None
    score: float | None
    threshold: float | None
    gap: float | None
    rival_above: Rival | None
    rival_below: Rival | None
    trend_per_year: float | None
    required_gain_per_year: float | None
    projection: Projection | None
    current_count: float | None
    measured_on: dt.date | None
    status: StatusClass
    trend: TrendArrow
    source_url: str
    version_id: int | None
    text_vi: str
    text_en: str
    trace: Trace


class MeasureGap(BaseModel):
    measure_id: str
    level: str
    parent_id: str
    name_en: str
    name_vi: str
    score: float | None
    threshold: float | None
    gap: float | None
    rival_above: Rival | None
    rival_below: Rival | None
    group_top_mean: float | None


class Finding(BaseModel):
    kind: str
    index_id: str
    edition_year: int
    iso3: str
    published_rank: int | None
    computed_rank: int | None
    detail: str


class EditionScores(BaseModel):
    """One edition of the yardstick, as the pure engine needs it (built by services from the store)."""

    index_id: str
    edition_year: int
    series: str
    measure_id: str = "total"
    scores: dict[str, float]
    published_ranks: dict[str, int] = Field(default_factory=dict)
    members: list[str] | None = None  # None = WORLD (every country with a score)
    membership_date: dt.date | None = None
    countries_ranked: int | None = None
    higher_is_better: bool = True
    source_url: str = ""
    version_id: int | None = None


def assess_rank_target(*args: Any, **kwargs: Any) -> Assessment:
    raise NotImplementedError


def assess_count_target(*args: Any, **kwargs: Any) -> Assessment:
    raise NotImplementedError
