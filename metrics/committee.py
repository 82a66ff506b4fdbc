"""What the committee's pages and reports show of a strategy: its scorecard rows, the one-sentence
count, the rows grouped as Appendix I groups them, the agencies' reminder list and a superseded
strategy's closing review.

Two halves. The pure half (ScoreRow and the functions over it) is metrics.committee_rows,
re-exported here; it imports no Streamlit, store driver or plotly. This module is the source half,
the one place that reads the strategy services (metrics.services_strategy).
"""

from __future__ import annotations

import datetime as dt

from metrics import services_strategy
from metrics.auth import Actor
from metrics.committee_rows import (  # noqa: F401 - re-exported: the pages and reports read them here
    GROUPS,
    HEADLINE,
    OTHERS,
    SUPERSEDED,
    AgencyLine,
    ScoreRow,
    StrategyChoice,
    Yardstick,
    agency_reminders,
    by_group,
    closing_review,
    figure,
    filter_rows,
    goal_text,
    headline_counts,
    headline_text,
    in_force_on,
    indicator_count,
    latest_dates,
    no_data_text,
    value_text,
    with_unit,
)
from metrics.models import ProgressRecord
from metrics.store import Store

# --- source: the strategy services ----------------------------------------------------------------


def strategies(store: Store) -> list[StrategyChoice]:
    """Every strategy, the one in force first (the default), then the others by signing date."""
    rows = [
        StrategyChoice(
            strategy_id=s.strategy_id,
            name_vi=s.name_vi,
            name_en=s.name_en,
            decision=s.decision,
            kind=s.kind,
            signed_on=s.signed_on,
            in_force=s.status == "in_force",
            is_default=s.is_default,
            superseded_by=s.superseded_by,
            superseded_on=s.superseded_on,
            source_url=s.source_url,
        )
        for s in services_strategy.list_strategies(store)
    ]
    return sorted(rows, key=lambda s: (not s.is_default, not s.in_force, s.strategy_id))


def scorecard(
    store: Store, strategy_id: str | None = None, iso3: str = "VNM", today: dt.date | None = None
) -> list[ScoreRow]:
    """Every target of a strategy (default: the one in force), in the decision's order."""
    reports = services_strategy.target_reports(store, strategy_id, iso3=iso3, today=today)
    return [
        ScoreRow.model_validate({**r.model_dump(exclude={"trace"}), "assessment": r.assessment})
        for r in reports
    ]


def agency_names(store: Store) -> dict[str, tuple[str, str]]:
    return {k: (a.name_vi, a.name_en) for k, a in services_strategy.agencies(store).items()}


def evidence(
    store: Store, target_id: str | None = None, include_withdrawn: bool = False
) -> list[services_strategy.EvidenceRow]:
    """Evidence rows with who added them and, if withdrawn, why."""
    return services_strategy.evidence(store, target_id, include_withdrawn=include_withdrawn)


def add_evidence(store: Store, actor: Actor, record: ProgressRecord) -> int:
    return services_strategy.add_evidence(store, actor, record)


def correct_evidence(store: Store, actor: Actor, record_id: int, record: ProgressRecord, reason: str) -> int:
    return services_strategy.correct_evidence(store, actor, record_id, record, reason)


def withdraw_evidence(store: Store, actor: Actor, record_id: int, reason: str) -> None:
    services_strategy.withdraw_evidence(store, actor, record_id, reason)
