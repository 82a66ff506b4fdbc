"""What the committee's pages and reports show of a strategy: its scorecard rows, the one-sentence
count, the rows grouped as Appendix I groups them, the agencies' reminder list and a superseded
strategy's closing review.

Two halves. The pure half (ScoreRow and the functions over it) is metrics.committee_rows,
re-exported here; it imports no Streamlit, store driver or plotly. This module is the source half,
the one place that reads the strategy services (metrics.services_strategy); while those are not
in the tree it falls back on the older services, which know one strategy, no agencies and no
evidence kinds, so a page still opens and says "no data yet" rather than guessing.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from pydantic import BaseModel

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
    latest_dates,
    no_data_text,
    value_text,
    with_unit,
)

# --- source: the strategy services (the one place that names them) ---------------------------------


def _strategy_services():
    try:
        from metrics import services_strategy
    except ImportError:
        return None
    return services_strategy


def has_strategy_services() -> bool:
    return _strategy_services() is not None


def strategies(store) -> list[StrategyChoice]:
    """Every strategy, the one in force first (the default), then the others by signing date."""
    svc = _strategy_services()
    if svc is not None:
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
            for s in svc.list_strategies(store)
        ]
    else:
        from metrics.store import queries as q

        frame = q.strategies(store).sort_values("signed_on")
        last = frame["strategy_id"].iloc[-1] if len(frame) else None
        rows = [
            StrategyChoice(
                strategy_id=r["strategy_id"],
                name_vi=r["name_vi"],
                name_en=r["name_en"],
                decision=r["decision"],
                signed_on=r["signed_on"],
                in_force=True,
                is_default=r["strategy_id"] == last,
                source_url=r["source_url"],
            )
            for r in frame.to_dict("records")
        ]
    return sorted(rows, key=lambda s: (not s.is_default, not s.in_force, s.strategy_id))


def scorecard(store, strategy_id: str | None = None, iso3: str = "VNM", today=None) -> list[ScoreRow]:
    """Every target of a strategy (default: the one in force), in the decision's order."""
    svc = _strategy_services()
    if svc is not None:
        reports = svc.target_reports(store, strategy_id, iso3=iso3, today=today)
        return [
            ScoreRow.model_validate({**r.model_dump(exclude={"trace"}), "assessment": r.assessment})
            for r in reports
        ]
    return _scorecard_fallback(store, strategy_id, iso3, today)


def _scorecard_fallback(store, strategy_id, iso3, today) -> list[ScoreRow]:
    from metrics import services
    from metrics.store import queries as q

    sid = strategy_id or next((s.strategy_id for s in strategies(store) if s.is_default), None)
    if sid is None:
        return []
    counts = Counter(q.progress_records(store)["target_id"])
    found = {a.target_id: a for a in services.assess_targets(store, iso3, strategy_id=sid, today=today)}
    out = []
    for t in q.targets(store, sid).to_dict("records"):
        a = found.get(t["target_id"])
        if a is None:
            continue
        rank = t["kind"] == "rank"
        out.append(
            ScoreRow(
                target_id=t["target_id"],
                strategy_id=sid,
                kind=t["kind"],
                horizon_year=int(t["horizon_year"]),
                comparator=t["comparator"],
                target_value=None if t["target_value"] != t["target_value"] else t["target_value"],
                unit_en=t.get("unit_en") or "",
                unit_vi=t.get("unit_vi") or "",
                status=a.status,
                value=(None if a.current_rank is None else float(a.current_rank))
                if rank
                else a.current_count,
                of=a.of if rank else None,
                measured_on=a.measured_on,
                yardstick_index=a.yardstick_index or t.get("yardstick_index") or None,
                yardstick_edition=a.as_of_edition if rank else None,
                group_id=t.get("group_id") or "",
                evidence_count=int(counts.get(t["target_id"], 0)),
                text_vi=t["text_vi"],
                text_en=t["text_en"],
                source_url=a.source_url or t["source_url"],
                assessment=a,
            )
        )
    return out


def agency_names(store) -> dict[str, tuple[str, str]]:
    svc = _strategy_services()
    if svc is None:
        return {}
    return {k: (a.name_vi, a.name_en) for k, a in svc.agencies(store).items()}


def evidence(store, target_id: str | None = None, include_withdrawn: bool = False) -> list[Any]:
    """Evidence rows (services_strategy.EvidenceRow) with who added them and, if withdrawn, why."""
    svc = _strategy_services()
    if svc is not None:
        return svc.evidence(store, target_id, include_withdrawn=include_withdrawn)
    from metrics.store import queries as q

    frame = q.progress_records(store, target_id)
    return [
        _LegacyEvidence(
            record_id=int(r["record_id"]),
            target_id=r["target_id"],
            recorded_on=r["recorded_on"],
            value=r["value"],
            source_url=r["source_url"],
            note_en=r["note_en"],
            note_vi=r["note_vi"],
            created_by=r["created_by"],
        )
        for r in frame.to_dict("records")
    ]


class _LegacyEvidence(BaseModel):
    record_id: int
    target_id: str
    kind: str = "value"
    recorded_on: dt.date
    value: float | None = None
    unit: str = ""
    fit: str = "direct"
    label: str = "V"
    source_url: str
    note_en: str = ""
    note_vi: str = ""
    status: str = "active"
    replaces: int | None = None
    created_by: str = ""
    withdrawn_by: str = ""
    withdrawn_reason: str = ""


def can_correct() -> bool:
    """Correct and withdraw need the strategy services (the store keeps both records)."""
    return has_strategy_services()


def add_evidence(store, actor, record) -> int:
    svc = _strategy_services()
    if svc is not None:
        return svc.add_evidence(store, actor, record)
    from metrics import services

    return services.add_progress_record(store, actor, record)


def correct_evidence(store, actor, record_id: int, record, reason: str) -> int:
    return _strategy_services().correct_evidence(store, actor, record_id, record, reason)


def withdraw_evidence(store, actor, record_id: int, reason: str) -> None:
    _strategy_services().withdraw_evidence(store, actor, record_id, reason)
