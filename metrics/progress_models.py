"""The progress engine's vocabulary and results: the status classes and rules, the trace, the
assessment, the yardstick's editions as the engine takes them, and the numbers that decide a status
(data/status_rules.toml). Field names are the stable contract of the pages, the reports and
`python -m metrics status --json`. Pure: pydantic and the ranking rules only."""

from __future__ import annotations

import datetime as dt
import functools
import tomllib
from pathlib import Path
from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr

from metrics import ranking

StatusClass = Literal[
    "achieved", "missed", "met_now", "on_track", "at_risk", "off_track", "pace_unknown", "no_data"
]
TrendArrow = Literal["up", "down", "flat", "none"]
TrendBasis = Literal["score", "group_rank", "percentile", "count", "none"]
STATUS_CLASSES: tuple[str, ...] = get_args(StatusClass)
# Every rule (i18n rule.<key>) the rank targets' assessments apply, and the counted targets' first ones.
RULES = (
    "achieved",
    "missed",
    "met_now",
    "on_track",
    "at_risk",
    "off_track",
    "threshold_falling",
    "no_edition",
    "no_score",
    "not_in_group",
    "horizon_edition_missing",
    "no_trend",
    "pace_not_comparable",
    "no_records",
    "no_record_by_horizon",
    "direction_needs_two_records",
    "regional_coverage",
    "group_outside_coverage",
)
# Every rule (i18n rule.<key>) a counted or direction target can finish with: their own wording,
# about progress records, where the rank targets' speak of editions and ranks. on_track / at_risk /
# off_track are the pace ratio's classes, worded for both.
COUNT_RULES = (
    "no_records",
    "no_record_by_horizon",
    "direction_needs_two_records",
    "direction_achieved",
    "direction_missed",
    "direction_met_now",
    "direction_off_track",
    "count_achieved",
    "count_missed",
    "count_met_now",
    "count_no_trend",
    "on_track",
    "at_risk",
    "off_track",
)
WORLD = "WORLD"
RULES_FILE = Path(__file__).resolve().parents[1] / "data" / "status_rules.toml"


class TraceStep(BaseModel):
    key: str  # i18n key of the step label, e.g. "trace.threshold"
    formula: str  # the formula with its numbers, in English (render_formula gives any language)
    value: float | int | str | None  # a str in TRACE_WORDS is a word to translate (trace_value.<word>)
    template: str = ""  # i18n key formula.<template> of the formula
    params: dict[str, Any] = Field(default_factory=dict)  # the numbers and names the template takes


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
    # Beyond the first contract (additive): what the pace was measured on, and the position pace
    # used when a series is too short for a score trend (GAIRI 2025 is a series of one edition).
    trend_basis: TrendBasis = "none"
    pace_ratio: float | None = None
    position_trend_per_year: float | None = None
    required_position_per_year: float | None = None
    computed_rank: int | None = None
    published_rank: int | None = None
    tie_at_threshold: bool = False
    years_left: float | None = None


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
    """A data-quality finding. `code` + `params` are for display in any language (finding_text);
    `detail` is the same in English, for the CLI and JSON."""

    kind: str
    index_id: str
    edition_year: int
    iso3: str
    published_rank: int | None
    computed_rank: int | None
    detail: str
    code: str = ""  # i18n key finding.<code>; empty = show `detail`
    params: dict[str, Any] = Field(default_factory=dict)


class EditionScores(BaseModel):
    """One edition of the yardstick, as the pure engine needs it (built by services from the store)."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

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
    # The one peer group the index covers ("" = the world): such an index has no world field.
    coverage: str = ""
    # That region's members on the membership date (None: a world index, or not known): a group
    # target is judged by such an index only if every member of its group is one of these.
    coverage_members: list[str] | None = None
    scale_min: float = 0.0
    scale_max: float = 100.0
    source_url: str = ""
    version_id: int | None = None
    _field: ranking.SortedField | None = PrivateAttr(default=None)

    def field(self) -> ranking.SortedField:
        """The countries that compete: members with a score (or everyone with a score), sorted once."""
        private = self.__pydantic_private__  # direct access: this is called in the engine's inner loop
        assert private is not None  # pydantic sets it on every model with a private attribute
        cached = private.get("_field")
        if cached is None:
            if self.members is None:
                scores = self.scores
            else:
                scores = {k: self.scores[k] for k in self.members if k in self.scores}
            cached = private["_field"] = ranking.SortedField(scores, self.higher_is_better)
        return cached


class StatusRules(BaseModel):
    """The numbers that decide a status class; read from data/status_rules.toml (one place)."""

    model_config = ConfigDict(frozen=True)

    on_track_ratio: float = 0.95
    at_risk_ratio: float = 0.5
    min_points: int = 2
    min_pace_editions: int = 2
    min_points_interval: int = 3
    confidence: float = 0.90
    flat_share_of_scale_per_year: float = 0.002
    flat_rank_per_year: float = 0.1
    flat_percentile_per_year: float = 0.5
    flat_count_per_year: float = 0.0
    about_tolerance: float = 0.05  # "khoảng" (about): met within ± this share of the target


@functools.cache
def load_status_rules(path: Path = RULES_FILE) -> StatusRules:
    with open(path, "rb") as f:
        tree = tomllib.load(f)
    flat: dict[str, Any] = {}
    for section in tree.values():
        if isinstance(section, dict):
            flat.update(section)
    return StatusRules(**flat)
