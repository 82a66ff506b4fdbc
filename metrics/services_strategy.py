"""Use cases of strategies, targets and their evidence: store in, pure results out.

The strategy in force is the default everywhere; a superseded one is one choice away and closes
with a verdict: its targets due before it was superseded are judged as usual (a rank target by
the editions up to its horizon year), the later ones are marked "superseded", each with the
target that succeeds it or none. The CLI (`status`, `strategies`, `evidence`) and the pages read
these results, so they cannot disagree.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import Counter
from collections.abc import Mapping
from typing import Literal

from pydantic import BaseModel, Field

from metrics import progress, quantitative
from metrics.auth import Actor
from metrics.errors import MetricsError, NotFound
from metrics.models import EvidenceFit, EvidenceKind, EvidenceLabel, ProgressRecord, Strategy, Target
from metrics.present import format as fmt
from metrics.present import phrases
from metrics.progress import Assessment, Trace
from metrics.store import Store
from metrics.store import queries as q
from metrics.store import targets_writes as tw
from metrics.store.rows import TargetRecord
from metrics.store.users import authorise

DEFAULT_COUNTRY = "VNM"
WORLD = "WORLD"
SUPERSEDED = "superseded"


# --- strategies ------------------------------------------------------------------------------------


class StrategyRow(BaseModel):
    """Keys are the stable JSON of `metrics strategies --json`."""

    strategy_id: str
    name_en: str
    name_vi: str
    decision: str
    kind: str
    signed_on: dt.date | None
    status: Literal["in_force", "superseded"]
    superseded_by: str
    superseded_on: dt.date | None
    is_default: bool
    target_count: int
    source_url: str


def _strategies(store: Store) -> list[Strategy]:
    return [
        Strategy(**{k: v for k, v in dataclasses.asdict(r).items() if k in Strategy.model_fields})
        for r in q.strategy_rows(store)
    ]


def default_strategy_id(store: Store) -> str | None:
    """The strategy in force: of the decisions not superseded, the one signed last (a resolution
    such as 57-NQ/TW is in force too but is not the national AI strategy)."""
    live = [s for s in _strategies(store) if s.in_force]
    decisions = [s for s in live if s.kind == "decision"] or live
    if not decisions:
        return None
    return max(decisions, key=lambda s: (s.signed_on or dt.date.min, s.strategy_id)).strategy_id


def get_strategy(store: Store, strategy_id: str) -> Strategy:
    for s in _strategies(store):
        if s.strategy_id == strategy_id:
            return s
    raise NotFound("unknown_strategy", strategy_id=strategy_id)


def list_strategies(store: Store) -> list[StrategyRow]:
    counts = Counter(t.strategy_id for t in q.target_rows(store))
    default = default_strategy_id(store)
    return [
        StrategyRow(
            strategy_id=s.strategy_id,
            name_en=s.name_en,
            name_vi=s.name_vi,
            decision=s.decision,
            kind=s.kind,
            signed_on=s.signed_on,
            status="in_force" if s.in_force else "superseded",
            superseded_by=s.superseded_by,
            superseded_on=s.superseded_on,
            is_default=s.strategy_id == default,
            target_count=int(counts.get(s.strategy_id, 0)),
            source_url=s.source_url,
        )
        for s in _strategies(store)
    ]


# --- targets ---------------------------------------------------------------------------------------


def target_of(row: TargetRecord) -> Target:
    """A targets-table row -> Target (a NULL of the store becomes the model's default)."""
    return Target(
        **{k: v for k, v in dataclasses.asdict(row).items() if k in Target.model_fields and v is not None}
    )


def targets(store: Store, strategy_id: str | None = None) -> list[Target]:
    """The strategy's targets (every strategy's with None). A report build's store keeps them for
    the build (see services.yardstick_editions): the sections ask eight times. Targets are frozen,
    so the models are shared; the list is new each time."""
    memo = getattr(store, "memo", None)
    if memo is None:
        return [target_of(r) for r in q.target_rows(store, strategy_id)]
    return list(
        memo(("targets", strategy_id), lambda: [target_of(r) for r in q.target_rows(store, strategy_id)])
    )


class Agency(BaseModel):
    agency_id: str
    name_vi: str
    name_en: str


def agencies(store: Store) -> dict[str, Agency]:
    return {
        r.agency_id: Agency(agency_id=r.agency_id, name_vi=r.name_vi, name_en=r.name_en)
        for r in q.agency_rows(store)
    }


def goal_text(x: Target, lang: str, group_names: Mapping[str, str] | None = None) -> str:
    """What a target asks for, in words: "Top 3 in Southeast Asia", "about 6 % of GDP", "10–15 %
    increase", "at least 3 times the 2025 level", "an increase" (a group by its name in
    `group_names`, {group_id: name in lang}, else by its id)."""
    from metrics import i18n

    value, high = x.target_value, x.target_high
    if x.kind == "rank":
        return phrases.goal(x.group_id, x.rank_n, lang, (group_names or {}).get(x.group_id))
    if x.kind == "direction" or value is None:
        return i18n.t("target_value.direction", lang)
    if x.kind == "count":  # "at least" is what a count means: "5 brands", "1 centre"
        unit = progress.count_unit(value, lang, x.unit_en, x.unit_vi, x.unit_en_one)
        return i18n.t("target_value.count", lang, n=fmt.num(value, lang, 0), unit=unit)
    unit = (x.unit_vi if lang == "vi" else x.unit_en) or ""
    decimals = 0 if float(value).is_integer() and (high is None or float(high).is_integer()) else 1
    number = fmt.num(value, lang, decimals)
    if high is not None:
        number = f"{number}–{fmt.num(high, lang, decimals)}"
    key = {">=": "goal_at_least", "<=": "goal_at_most", "about": "goal_about"}.get(x.comparator, "goal_value")
    amount = f"{number}{unit}" if unit.startswith("%") else f"{number} {unit}".strip()
    return i18n.t(f"strategy.{key}", lang, amount=amount)


# --- evidence --------------------------------------------------------------------------------------


class EvidenceRow(BaseModel):
    """Keys are the stable JSON of `metrics evidence list --json`."""

    record_id: int
    target_id: str
    kind: EvidenceKind
    recorded_on: dt.date
    value: float | None
    unit: str
    fit: EvidenceFit
    label: EvidenceLabel
    source_url: str
    note_en: str
    note_vi: str
    status: Literal["active", "withdrawn"]
    replaces: int | None
    created_by: str
    created_at: dt.datetime | None
    withdrawn_by: str
    withdrawn_at: dt.datetime | None
    withdrawn_reason: str


def evidence(
    store: Store, target_id: str | None = None, include_withdrawn: bool = False
) -> list[EvidenceRow]:
    return [
        EvidenceRow(
            record_id=r.record_id,
            target_id=r.target_id,
            kind=r.kind,
            recorded_on=r.recorded_on,
            value=r.value,
            unit=r.unit,
            fit=r.fit,
            label=r.label,
            source_url=r.source_url,
            note_en=r.note_en,
            note_vi=r.note_vi,
            status=r.status,
            replaces=r.replaces,
            created_by=r.created_by,
            created_at=r.created_at,
            withdrawn_by=r.withdrawn_by,
            withdrawn_at=r.withdrawn_at,
            withdrawn_reason=r.withdrawn_reason,
        )
        for r in q.evidence_rows(store, target_id, include_withdrawn=include_withdrawn)
    ]


def records(store: Store, target_id: str | None = None) -> list[ProgressRecord]:
    """The active evidence records as the engine takes them (milestones included; the engine and
    the callers below feed only values to a calculation)."""
    return [
        ProgressRecord(
            record_id=e.record_id,
            target_id=e.target_id,
            kind=e.kind,
            recorded_on=e.recorded_on,
            value=e.value,
            unit=e.unit,
            fit=e.fit,
            label=e.label,
            source_url=e.source_url,
            note_en=e.note_en,
            note_vi=e.note_vi,
        )
        for e in evidence(store, target_id)
    ]


def value_records(records_: list[ProgressRecord]) -> list[ProgressRecord]:
    """Only values feed a calculation; a milestone informs a reader."""
    return [r for r in records_ if r.kind == "value" and r.value is not None]


def get_target(store: Store, target_id: str) -> Target:
    for target in targets(store):
        if target.target_id == target_id:
            return target
    raise NotFound("unknown_target", target_id=target_id)


def add_evidence(store: Store, actor: Actor, record: ProgressRecord) -> int:
    """Analysts only: a value or a milestone, with its source; audit-logged. Returns its id."""
    actor = authorise(store, actor, "analyst")  # the role the account has now, not at sign-in
    get_target(store, record.target_id)
    return tw.add_progress_record(store, actor.name, record)


def correct_evidence(store: Store, actor: Actor, record_id: int, record: ProgressRecord, reason: str) -> int:
    """Analysts only: a new record replacing `record_id` (which is withdrawn, not deleted); the
    audit log keeps both. Returns the new record's id."""
    actor = authorise(store, actor, "analyst")
    return tw.correct_progress_record(store, actor.name, record_id, record, reason.strip())


def withdraw_evidence(store: Store, actor: Actor, record_id: int, reason: str) -> None:
    """Analysts only: the record stops counting; who, when and why are kept with it."""
    actor = authorise(store, actor, "analyst")
    if not reason.strip():
        raise MetricsError("evidence_reason_required", record_id=record_id)
    tw.withdraw_progress_record(store, actor.name, record_id, reason.strip())


# --- status of every target ------------------------------------------------------------------------


class YardstickView(BaseModel):
    """One yardstick's reading of a rank target, shown beside the target's own (proxy) yardstick."""

    index_id: str
    edition_year: int | None
    rank: int | None
    of: int | None
    status: str


class TargetReport(BaseModel):
    """Keys are the stable JSON of `metrics status --json` (documented in docs/cli.md)."""

    target_id: str
    strategy_id: str
    strategy_status: Literal["in_force", "superseded"]
    indicator_no: str
    appendix_group: str
    kind: str
    horizon_year: int
    comparator: str
    target_value: float | None
    target_high: float | None
    base_year: int | None
    unit_en: str
    unit_vi: str
    status: str
    value: float | None
    value_unit: str
    evidence_fit: str | None
    of: int | None
    measured_on: dt.date | None
    yardstick_index: str | None
    yardstick_edition: int | None
    yardstick_proxy: bool
    other_yardsticks: list[YardstickView]
    group_id: str
    lead_agency: str
    lead_agency_en: str
    lead_agency_vi: str
    coordinating_agencies: list[str]
    evidence_count: int
    value_count: int
    succeeded_by: str | None
    superseded_on: dt.date | None
    text_vi: str
    text_en: str
    source_url: str
    trace: Trace | None = None
    # The engine's full result (rank, threshold, gap, trend, ...): merged into the CLI's JSON row.
    assessment: Assessment = Field(exclude=True)


def _today(today: dt.date | None) -> dt.date:
    return today or dt.date.today()


def closed_on(strategy: Strategy, day: dt.date) -> dt.date | None:
    """The date the strategy was superseded, if that was on or before `day` (judging as of an
    earlier day, the strategy was still in force then)."""
    on = strategy.superseded_on
    return on if strategy.superseded_by and on is not None and on <= day else None


def _is_superseded(target: Target, closed: dt.date | None) -> bool:
    """A target of a superseded strategy whose horizon year had not ended when it was superseded."""
    return closed is not None and target.horizon_year >= closed.year


def _yardstick_editions(store: Store, cache: dict, index_id: str, measure: str, group_id: str):
    from metrics import services  # the shared reader of editions (one definition of a group's members)

    key = (index_id, measure, group_id)
    if key not in cache:
        cache[key] = services.yardstick_editions(store, index_id, measure, group_id)
    return cache[key]


def _rank_assessment(store, target: Target, iso3: str, day: dt.date, as_of, rules, cache, index_id=None):
    if index_id and index_id != target.yardstick_index:
        target = target.model_copy(update={"yardstick_index": index_id})
    editions = _yardstick_editions(
        store, cache, target.yardstick_index, target.yardstick_measure, target.group_id
    )
    return progress.assess_rank_target(target, iso3, editions, today=day, as_of=as_of, rules=rules)


def _other_yardsticks(store, target, iso3, day, as_of, rules, cache, known: list[str]) -> list[YardstickView]:
    out = []
    for index_id in known:
        if index_id == target.yardstick_index:
            continue
        a = _rank_assessment(store, target, iso3, day, as_of, rules, cache, index_id)
        if a.as_of_edition is None:
            continue
        out.append(
            YardstickView(
                index_id=index_id, edition_year=a.as_of_edition, rank=a.current_rank, of=a.of, status=a.status
            )
        )
    return out


def assess_counted(
    target: Target, recs: list[ProgressRecord], iso3: str, day: dt.date, as_of_day: dt.date | None, rules
) -> Assessment:
    """A non-rank target from its value records up to `as_of_day` (milestones never count)."""
    mine = [
        r
        for r in value_records(recs)
        if r.target_id == target.target_id and (as_of_day is None or r.recorded_on <= as_of_day)
    ]
    if target.kind in ("count", "direction"):
        return progress.assess_count_target(target, mine, iso3=iso3, today=day, as_of=as_of_day, rules=rules)
    return quantitative.assess_target(target, mine, day, rules, iso3=iso3)


def _assess(store, target, iso3, day, as_of, rules, cache, recs, index_id=None) -> Assessment:
    if target.kind == "rank":
        return _rank_assessment(store, target, iso3, day, as_of, rules, cache, index_id)
    return assess_counted(target, recs, iso3, day, dt.date(as_of, 12, 31) if as_of else None, rules)


def target_reports(
    store: Store,
    strategy_id: str | None = None,
    iso3: str = DEFAULT_COUNTRY,
    today: dt.date | None = None,
    with_trace: bool = False,
    as_of: int | None = None,
    yardsticks: dict[str, str] | None = None,
) -> list[TargetReport]:
    """Every target of a strategy (default: the one in force) with kind, status, value, unit, lead
    agency and evidence count. A superseded strategy's targets due after it was superseded say
    "superseded" (with the successor or none), never a pace they are no longer held to; those due
    before are judged as usual, rank targets by the editions up to their horizon year.
    `as_of` and `yardsticks` as in services.assess_targets."""
    day = _today(today)
    if as_of is not None:
        day = min(day, dt.date(as_of + 1, 12, 31))
    sid = strategy_id or default_strategy_id(store)
    if sid is None:
        return []
    strategy = get_strategy(store, sid)
    closed = closed_on(strategy, day)
    rules = progress.load_status_rules()
    recs = records(store)
    counts = Counter(r.target_id for r in recs)
    value_counts = Counter(r.target_id for r in value_records(recs))
    names = agencies(store)
    known = [i.index_id for i in q.index_rows(store) if q.edition_rows(store, i.index_id)]
    cache: dict = {}
    out = []
    for target in targets(store, sid):
        superseded = _is_superseded(target, closed)
        judged_by = as_of
        if closed and target.kind == "rank":
            # a closed strategy's rank target: by the editions up to its horizon year, never later ones
            judged_by = min(as_of or target.horizon_year, target.horizon_year)
        index_id = (yardsticks or {}).get(target.target_id) or (yardsticks or {}).get("*")
        a = _assess(store, target, iso3, day, judged_by, rules, cache, recs, index_id)
        others = (
            _other_yardsticks(store, a_target(target, a), iso3, day, judged_by, rules, cache, known)
            if target.kind == "rank" and not superseded
            else []
        )
        lead = names.get(target.lead_agency)
        used = _records_used(a, recs) if target.kind != "rank" else []
        out.append(
            TargetReport(
                target_id=target.target_id,
                strategy_id=sid,
                strategy_status="superseded" if closed else "in_force",
                indicator_no=target.indicator_no,
                appendix_group=target.appendix_group,
                kind=target.kind,
                horizon_year=target.horizon_year,
                comparator=target.comparator,
                target_value=target.target_value,
                target_high=target.target_high,
                base_year=target.base_year,
                unit_en=target.unit_en,
                unit_vi=target.unit_vi,
                status=SUPERSEDED if superseded else a.status,
                value=_current_value(a),
                value_unit=_value_unit(target, used),
                evidence_fit=_weakest_fit(used),
                of=a.of if target.kind == "rank" else None,
                measured_on=a.measured_on,
                yardstick_index=a.yardstick_index or target.yardstick_index or None,
                yardstick_edition=a.as_of_edition if target.kind == "rank" else None,
                yardstick_proxy=target.yardstick_proxy,
                other_yardsticks=others,
                group_id=target.group_id,
                lead_agency=target.lead_agency,
                lead_agency_en=lead.name_en if lead else "",
                lead_agency_vi=lead.name_vi if lead else "",
                coordinating_agencies=list(target.coordinating_agencies),
                evidence_count=int(counts.get(target.target_id, 0)),
                value_count=int(value_counts.get(target.target_id, 0)),
                succeeded_by=target.succeeded_by if closed else None,
                superseded_on=closed,
                text_vi=target.text_vi,
                text_en=target.text_en,
                source_url=a.source_url or target.source_url,
                trace=a.trace if with_trace else None,
                assessment=a,
            )
        )
    return sorted(out, key=_appendix_order)


def _appendix_order(r: TargetReport) -> tuple:
    # The decision's own order (indicator 1..32) where it numbers its targets; else the store's.
    digits = "".join(ch for ch in r.indicator_no if ch.isdigit())
    return (0, int(digits), r.target_id) if digits and r.indicator_no[0].isdigit() else (1, 0, "")


def _records_used(a: Assessment, recs: list[ProgressRecord]) -> list[ProgressRecord]:
    """The value records the status rests on: those of the target up to the date measured."""
    if a.measured_on is None:
        return []
    return [r for r in value_records(recs) if r.target_id == a.target_id and r.recorded_on <= a.measured_on]


def _value_unit(target: Target, used: list[ProgressRecord]) -> str:
    if target.kind == "rank":
        return "rank"
    latest = max(used, key=lambda r: r.recorded_on, default=None)
    return (latest.unit if latest and latest.unit else "") or target.unit_en


_FIT_ORDER = {"direct": 0, "partial": 1, "proxy": 2}


def _weakest_fit(used: list[ProgressRecord]) -> str | None:
    """A status is only as good as its weakest evidence: "partial" or "proxy" is shown with it."""
    return max((r.fit for r in used), key=_FIT_ORDER.__getitem__, default=None)


def a_target(target: Target, a: Assessment) -> Target:
    """The target as it was judged (another yardstick when one was chosen)."""
    if a.yardstick_index and a.yardstick_index != target.yardstick_index:
        return target.model_copy(update={"yardstick_index": a.yardstick_index})
    return target


def _current_value(a: Assessment) -> float | None:
    if a.kind == "rank":
        return None if a.current_rank is None else float(a.current_rank)
    return a.current_count
