"""Use cases shared by the CLI, the pages and the reports: store queries in, pure results out.

This is the one place that joins the DuckDB adapter with the pure core, so the CLI, the
dashboard and the reports cannot disagree on a number.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

import pandas as pd
from pydantic import BaseModel

from metrics import ranking
from metrics.auth import Actor
from metrics.models import ProgressRecord, Target
from metrics.progress import (  # noqa: F401 - re-exported: the engine's public result models
    Assessment,
    Finding,
    MeasureGap,
    Projection,
    Rival,
    StatusClass,
    Trace,
    TraceStep,
    TrendArrow,
)
from metrics.scenario import ScenarioResult
from metrics.store import Store
from metrics.store import queries as q

DEFAULT_COUNTRY = "VNM"
WORLD = "WORLD"


class RankRow(BaseModel):
    """One edition of one index for one country. Keys are the stable JSON of `metrics rank --json`."""

    index_id: str
    edition_year: int
    iso3: str
    score: float | None
    scale_max: float
    framework: str
    series: str
    published_rank: int | None
    computed_rank: int | None
    countries_ranked: int | None
    countries_in_data: int
    percentile: float | None
    group_id: str
    group_rank: int | None
    group_size: int
    group_membership_date: dt.date
    source_url: str
    version_id: int


def rank_history(
    store: Store,
    index_id: str,
    iso3: str = DEFAULT_COUNTRY,
    group_id: str = "ASEAN",
    edition_year: int | None = None,
    measure_id: str = "total",
) -> list[RankRow]:
    rows = []
    eds = q.editions(store, index_id)
    if edition_year is not None:
        eds = eds[eds["edition_year"] == edition_year]
    for ed in eds.to_dict("records"):
        rows.append(_rank_row(store, ed, iso3, group_id, measure_id))
    return rows


def _rank_row(store: Store, ed: dict, iso3: str, group_id: str, measure_id: str) -> RankRow:
    frame = q.scores(store, ed["index_id"], int(ed["edition_year"]), measure_id)
    scores = dict(zip(frame["iso3"], frame["value"], strict=True))
    higher = bool(ed["higher_is_better"])
    computed = ranking.competition_ranks(scores, higher)
    members_on = ed["membership_date"]
    members = q.group_members(store, group_id, members_on)
    in_group = ranking.group_ranks(scores, members, higher)
    published = frame.loc[frame["iso3"] == iso3, "published_rank"]
    published_rank = None if published.empty or published.isna().iloc[0] else int(published.iloc[0])
    of = int(ed["countries_ranked"]) if ed["countries_ranked"] == ed["countries_ranked"] else len(scores)
    # The publisher's rank is the official figure; our computed rank stands in only when none is printed.
    shown = published_rank if published_rank is not None else computed.get(iso3)
    return RankRow(
        index_id=ed["index_id"],
        edition_year=int(ed["edition_year"]),
        iso3=iso3,
        score=scores.get(iso3),
        scale_max=float(ed["scale_max"]),
        framework=ed["framework"],
        series=ed["series"],
        published_rank=published_rank,
        computed_rank=computed.get(iso3),
        countries_ranked=of,
        countries_in_data=len(scores),
        percentile=None if shown is None or shown > of else round(ranking.percentile(shown, of), 1),
        group_id=group_id,
        group_rank=in_group.get(iso3),
        group_size=len(in_group),
        group_membership_date=members_on,
        source_url=ed["source_url"],
        version_id=int(ed["version_id"]),
    )


Status = Literal["met", "not_met", "no_data"]


class TargetStatus(BaseModel):
    """Keys are the stable JSON of `metrics status --json`."""

    target_id: str
    strategy_id: str
    kind: str
    horizon_year: int
    comparator: str
    target_value: float | None
    group_id: str
    current_value: float | None
    index_id: str | None
    edition_year: int | None
    measured_on: dt.date | None
    status: Status
    source_url: str
    text_vi: str
    text_en: str


def target_statuses(
    store: Store, iso3: str = DEFAULT_COUNTRY, strategy_id: str | None = None
) -> list[TargetStatus]:
    """Where the country stands today on each target: the latest edition or progress record."""
    out = []
    progress = q.progress_records(store)
    for t in q.targets(store, strategy_id).to_dict("records"):
        if t["kind"] == "rank":
            out.append(_rank_target_status(store, t, iso3))
        else:
            out.append(_count_target_status(t, progress[progress["target_id"] == t["target_id"]]))
    return out


def _rank_target_status(store: Store, t: dict, iso3: str) -> TargetStatus:
    history = rank_history(
        store, t["yardstick_index"], iso3, t["group_id"] if t["group_id"] != WORLD else "ASEAN"
    )
    latest = next((r for r in reversed(history) if r.score is not None), None)
    rank = None
    if latest is not None:
        rank = (
            latest.group_rank if t["group_id"] != WORLD else (latest.published_rank or latest.computed_rank)
        )
    met = ranking.meets_rank_target(rank, int(t["target_value"]))
    return TargetStatus(
        **_target_fields(t),
        current_value=rank,
        index_id=t["yardstick_index"],
        edition_year=latest.edition_year if latest else None,
        measured_on=None,
        status="no_data" if met is None else ("met" if met else "not_met"),
        source_url=latest.source_url if latest else "",
    )


def _count_target_status(t: dict, records) -> TargetStatus:
    if records.empty:
        return TargetStatus(
            **_target_fields(t),
            current_value=None,
            index_id=None,
            edition_year=None,
            measured_on=None,
            status="no_data",
            source_url="",
        )
    last = records.sort_values("recorded_on").iloc[-1]
    first = records.sort_values("recorded_on").iloc[0]
    if t["kind"] == "direction":
        met = len(records) > 1 and float(last["value"]) > float(first["value"])
    else:
        met = float(last["value"]) >= float(t["target_value"])
    return TargetStatus(
        **_target_fields(t),
        current_value=float(last["value"]),
        index_id=None,
        edition_year=None,
        measured_on=last["recorded_on"],
        status="met" if met else "not_met",
        source_url=str(last["source_url"]),
    )


def _target_fields(t: dict) -> dict:
    value = t["target_value"]
    return {
        "target_id": t["target_id"],
        "strategy_id": t["strategy_id"],
        "kind": t["kind"],
        "horizon_year": int(t["horizon_year"]),
        "comparator": t["comparator"],
        "target_value": None if value != value or value is None else float(value),
        "group_id": t["group_id"],
        "text_vi": t["text_vi"],
        "text_en": t["text_en"],
    }


# --- The progress engine (issue 3): store in, pure results out -------------------------------------


def assess_targets(
    store: Store,
    iso3: str = DEFAULT_COUNTRY,
    strategy_id: str | None = None,
    as_of: int | None = None,
    yardsticks: dict[str, str] | None = None,
    today: dt.date | None = None,
) -> list[Assessment]:
    raise NotImplementedError


def status_history(
    store: Store, target_id: str, iso3: str = DEFAULT_COUNTRY, today: dt.date | None = None
) -> list[Assessment]:
    raise NotImplementedError


def yardstick_comparison(
    store: Store, target_id: str, iso3: str = DEFAULT_COUNTRY, today: dt.date | None = None
) -> list[Assessment]:
    raise NotImplementedError


def measure_gaps(
    store: Store, index_id: str, edition_year: int, group_id: str, n: int, iso3: str = DEFAULT_COUNTRY
) -> list[MeasureGap]:
    raise NotImplementedError


def group_table(store: Store, index_id: str, edition_year: int, group_id: str = "ASEAN") -> pd.DataFrame:
    raise NotImplementedError


def what_if(
    store: Store,
    index_id: str,
    edition_year: int,
    iso3: str,
    changes: dict[str, float],
    group_id: str = "ASEAN",
) -> ScenarioResult:
    raise NotImplementedError


def smallest_changes(
    store: Store, index_id: str, edition_year: int, iso3: str, target_rank: int, group_id: str = "WORLD"
) -> list[dict]:
    raise NotImplementedError


def data_quality_findings(store: Store) -> list[Finding]:
    raise NotImplementedError


def add_progress_record(store: Store, actor: Actor, record: ProgressRecord) -> int:
    raise NotImplementedError


def add_target(store: Store, actor: Actor, target: Target) -> None:
    raise NotImplementedError
