"""Use cases shared by the CLI, the pages and the reports: store queries in, pure results out.

This is the one place that joins the DuckDB adapter with the pure core, so the CLI, the
dashboard and the reports cannot disagree on a number.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import tomllib
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import BaseModel

from metrics import progress, ranking, scenario
from metrics import services_strategy as strategy
from metrics.auth import Actor
from metrics.errors import NotFound
from metrics.models import ProgressRecord, Target, coverage_region
from metrics.present import phrases
from metrics.progress import (  # noqa: F401 - re-exported: the engine's public result models
    Assessment,
    EditionScores,
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
from metrics.store import targets_writes as tw
from metrics.store.rows import EditionRecord, MeasureRecord, ScoreRecord
from metrics.store.users import authorise

if TYPE_CHECKING:
    import pandas as pd  # group_table's frame only: the services read typed rows

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
    # WORLD, or the one peer group the index covers: then the world rank fields (published and
    # computed rank, countries ranked, percentile) are None, as the index has no world field.
    coverage: str = WORLD

    @property
    def regional(self) -> bool:
        return self.coverage != WORLD


def rank_history(
    store: Store,
    index_id: str,
    iso3: str = DEFAULT_COUNTRY,
    group_id: str = "ASEAN",
    edition_year: int | None = None,
    measure_id: str = "total",
) -> list[RankRow]:
    return [
        _rank_row(store, ed, iso3, group_id, measure_id)
        for ed in q.edition_rows(store, index_id)
        if edition_year is None or ed.edition_year == edition_year
    ]


def _published_ranks(rows: list[ScoreRecord]) -> dict[str, int]:
    """{iso3: the publisher's rank} of an edition's scores, for the countries that have one."""
    return {r.iso3: r.published_rank for r in rows if r.published_rank is not None}


def _scores(rows: list[ScoreRecord]) -> dict[str, float]:
    """{iso3: score} of an edition's scores, best first (as the store orders them)."""
    return {r.iso3: r.value for r in rows}


def _version_of(rows: list[ScoreRecord], ed: EditionRecord) -> int:
    """The version the scores came from (a rollback between two queries must not mix them); the
    edition's current one when it has no scores."""
    return rows[0].version_id if rows else ed.version_id


def _rank_row(store: Store, ed: EditionRecord, iso3: str, group_id: str, measure_id: str) -> RankRow:
    rows = q.score_rows(store, ed.index_id, ed.edition_year, measure_id)
    scores = _scores(rows)
    higher = ed.higher_is_better
    computed = ranking.competition_ranks(scores, higher)
    members_on = ed.membership_date
    members = q.group_members(store, group_id, members_on)
    in_group = ranking.group_ranks(scores, members, higher)
    published_rank = _published_ranks(rows).get(iso3)
    of: int | None = len(scores) if ed.countries_ranked is None else ed.countries_ranked  # unknown: count
    # The publisher's rank is the official figure; our computed rank stands in only when none is printed.
    shown = published_rank if published_rank is not None else computed.get(iso3)
    region = coverage_region(ed.coverage)
    if region is not None:  # the scores are one region's: a rank among them is no world rank
        published_rank, shown, computed, of = None, None, {}, None
    return RankRow(
        index_id=ed.index_id,
        edition_year=ed.edition_year,
        iso3=iso3,
        score=scores.get(iso3),
        scale_max=ed.scale_max,
        framework=ed.framework,
        series=ed.series,
        published_rank=published_rank,
        computed_rank=computed.get(iso3),
        countries_ranked=of,
        countries_in_data=len(scores),
        percentile=None
        if shown is None or of is None or shown > of
        else round(ranking.percentile(shown, of), 1),
        group_id=group_id,
        group_rank=in_group.get(iso3),
        group_size=len(in_group),
        group_membership_date=members_on,
        source_url=ed.source_url,
        version_id=_version_of(rows, ed),
        coverage=region or WORLD,
    )


@dataclasses.dataclass(frozen=True)
class IndexInfo:
    """An index as the pages name it, and its editions with current data (by edition year)."""

    index_id: str
    editions: list[int]
    publisher: str
    name_en: str
    name_vi: str
    short_name: str
    source_urls: dict[int, str]
    series: dict[int, str]
    frameworks: dict[int, str]
    scale_max: dict[int, float]
    imported_at: dict[int, dt.datetime | None]
    version_ids: dict[int, int]
    aggregation: dict[int, str]
    membership_dates: dict[int, dt.date]  # whose group membership each edition's regional ranks use
    coverage: str = WORLD  # or the one peer group the index covers: then it has no world rank
    coverage_names: tuple[str, str] = ("", "")  # that group's name in English and Vietnamese
    short_name_vi: str = ""  # blank: the short name in both languages
    unit_en: str = ""  # what a value counts ("articles"); blank: points of the edition's scale
    unit_vi: str = ""

    def short(self, lang: str) -> str:
        """The short name in the language ("Bài báo AI" / "AI articles"; "GAIRI" in both)."""
        return phrases.short_name(self, lang)

    def unit(self, lang: str) -> str:
        """What one unit of a value is, in the language ("bài báo"); blank for a scored index."""
        return self.unit_vi if lang == "vi" else self.unit_en

    @property
    def regional(self) -> bool:
        return self.coverage != WORLD


def index_info(store: Store, index_id: str) -> IndexInfo:
    """An index and its editions; an index without data is named by its id."""
    eds = q.edition_rows(store, index_id)
    first = eds[0] if eds else None
    region = coverage_region(first.coverage) if first else None
    return IndexInfo(
        index_id=index_id,
        editions=[e.edition_year for e in eds],
        publisher=first.publisher if first else "",
        name_en=first.index_name_en if first else index_id,
        name_vi=first.index_name_vi if first else index_id,
        short_name=first.short_name if first else index_id,
        short_name_vi=first.short_name_vi if first else "",
        source_urls={e.edition_year: e.source_url for e in eds},
        series={e.edition_year: e.series for e in eds},
        frameworks={e.edition_year: e.framework for e in eds},
        scale_max={e.edition_year: e.scale_max for e in eds},
        imported_at={e.edition_year: e.imported_at for e in eds},
        version_ids={e.edition_year: e.version_id for e in eds},
        aggregation={e.edition_year: e.aggregation for e in eds},
        membership_dates={e.edition_year: e.membership_date for e in eds},
        coverage=region or WORLD,
        coverage_names=_group_names(store, region),
        unit_en=first.unit_en if first else "",
        unit_vi=first.unit_vi if first else "",
    )


def _group_names(store: Store, group_id: str | None) -> tuple[str, str]:
    """A peer group's (English, Vietnamese) names; a group not in the store is named by its id."""
    if group_id is None:
        return ("", "")
    found = next((g for g in q.peer_group_rows(store) if g.group_id == group_id), None)
    return (found.name_en, found.name_vi) if found else (group_id, group_id)


# --- The progress engine (issue 3): store in, pure results out -------------------------------------


def index_order(store: Store) -> list[str]:
    """Every index in the store that has data (seeded or imported by an analyst), in the order the
    pages offer them: the targets' yardsticks first, the most used over every strategy first
    (GAIRI, the yardstick of the Decision 127 rank targets and of Decision 1671's Asia rank, leads
    and is the default), then the yardsticks of Resolution 57 / Decision 1671 (AI articles, EGDI),
    then the indices no target names (GII, AIPI, imported ones), each tier by the longest series
    of editions, then by id. No index is named in code: the order follows data/targets.csv."""
    counts = Counter(
        index_id for index_id, _ in {(e.index_id, e.edition_year) for e in q.edition_rows(store)}
    )
    used = Counter(t.yardstick_index for t in q.target_rows(store) if t.yardstick_index)
    return sorted(counts, key=lambda i: (-used[i], -counts[i], i))


SECOND_OPINIONS_FILE = Path(__file__).resolve().parents[1] / "data" / "second_opinions.toml"


def second_opinion_indices(store: Store, yardstick_index: str | None) -> list[str]:
    """The indices with data that may judge a target measured by `yardstick_index`: the yardstick
    itself first, then the indices of its family in data/second_opinions.toml (those measuring the
    same thing). An index in no family has no second opinion: an e-government index says nothing
    about an AI-readiness target."""
    with_data = index_order(store)
    with open(SECOND_OPINIONS_FILE, "rb") as f:
        families = tomllib.load(f).get("families", {})
    family = next((list(m) for m in families.values() if yardstick_index in m), [yardstick_index])
    order = [yardstick_index] + [i for i in family if i != yardstick_index]
    return [i for i in order if i in with_data]


def _today(today: dt.date | None) -> dt.date:
    # The one place where the wall clock enters; the pure engine takes `today` as a parameter.
    return today or dt.date.today()


def _targets(store: Store, strategy_id: str | None = None) -> list[Target]:
    return strategy.targets(store, strategy_id)


def get_target(store: Store, target_id: str) -> Target:
    found = [t for t in _targets(store) if t.target_id == target_id]
    if not found:
        raise NotFound("unknown_target", target_id=target_id)
    return found[0]


def _records(store: Store, target_id: str | None = None) -> list[ProgressRecord]:
    """The active value records (milestones inform a reader; only values feed a calculation)."""
    return strategy.value_records(strategy.records(store, target_id))


def _assess_counted(target: Target, records, iso3: str, day: dt.date, as_of_day, rules) -> Assessment:
    return strategy.assess_counted(target, records, iso3, day, as_of_day, rules)


def yardstick_editions(
    store: Store, index_id: str, measure_id: str = "total", group_id: str = WORLD
) -> list[EditionScores]:
    """Every edition of one index and measure, as the pure engine takes it, with the group's
    membership valid on each edition's membership date (members=None for WORLD).

    A report build's store (metrics.reports.snapshot.ReadCache) keeps the answer for the build: a
    report asks for the same ten yardsticks 22 times (the headline, the second opinions, the
    strategy scorecard), each answer a few dozen editions' scores turned into models. A new list each time;
    the editions in it are shared, as they already are between the targets of one call."""
    memo = getattr(store, "memo", None)
    if memo is None:
        return _yardstick_editions(store, index_id, measure_id, group_id)
    key = ("yardstick_editions", index_id, measure_id, group_id)
    return list(memo(key, lambda: _yardstick_editions(store, index_id, measure_id, group_id)))


def _yardstick_editions(store: Store, index_id: str, measure_id: str, group_id: str) -> list[EditionScores]:
    out = []
    by_edition = q.score_rows_by_edition(store, index_id, measure_id)
    for ed in q.edition_rows(store, index_id):
        rows = by_edition.get(ed.edition_year, [])  # an edition without this measure: no scores
        out.append(
            EditionScores(
                index_id=index_id,
                edition_year=ed.edition_year,
                series=ed.series,
                measure_id=measure_id,
                scores=_scores(rows),
                published_ranks=_published_ranks(rows) if measure_id == "total" else {},
                members=_members(store, group_id, ed),
                membership_date=ed.membership_date,
                countries_ranked=ed.countries_ranked,
                higher_is_better=ed.higher_is_better,
                coverage=coverage_region(ed.coverage) or "",
                coverage_members=_members(store, region, ed)
                if (region := coverage_region(ed.coverage))
                else None,
                scale_min=ed.scale_min,
                scale_max=ed.scale_max,
                source_url=ed.source_url,
                version_id=_version_of(rows, ed),
            )
        )
    return out


def assess_targets(
    store: Store,
    iso3: str = DEFAULT_COUNTRY,
    strategy_id: str | None = None,
    as_of: int | None = None,
    yardsticks: dict[str, str] | None = None,
    today: dt.date | None = None,
) -> list[Assessment]:
    """Every target's status for a country, with its trace. `as_of` judges rank targets by the
    editions up to that year only; `yardsticks` maps target_id (or "*" for every rank target) to
    another index than the target's default one. strategy_id=None: the strategy in force.

    With `as_of`, the day of judgement is capped as in status_history (the end of the year after
    that edition, when it was published), so a report "as of 2024" says what we would have said
    then (2025 targets still ahead), not "no data" because 2025 has passed since."""
    day = _today(today)
    if as_of is not None:
        day = min(day, dt.date(as_of + 1, 12, 31))
    rules = progress.load_status_rules()
    cache: dict[tuple[str, str, str], list[EditionScores]] = {}
    records = _records(store)
    out = []
    for target in _targets(store, strategy_id or strategy.default_strategy_id(store)):
        if target.kind == "rank":
            index_id = (yardsticks or {}).get(target.target_id) or (yardsticks or {}).get("*")
            out.append(_assess_rank(store, target, iso3, day, as_of, rules, cache, index_id))
        else:
            as_of_day = dt.date(as_of, 12, 31) if as_of else None
            out.append(_assess_counted(target, records, iso3, day, as_of_day, rules))
    return out


def _assess_rank(store, target, iso3, day, as_of, rules, cache, index_id=None) -> Assessment:
    if index_id and index_id != target.yardstick_index:
        target = target.model_copy(update={"yardstick_index": index_id})
    key = (target.yardstick_index, target.yardstick_measure, target.group_id)
    if key not in cache:
        cache[key] = yardstick_editions(store, *key)
    return progress.assess_rank_target(target, iso3, cache[key], today=day, as_of=as_of, rules=rules)


def status_history(
    store: Store, target_id: str, iso3: str = DEFAULT_COUNTRY, today: dt.date | None = None
) -> list[Assessment]:
    """What the app would have said after each edition of the target's yardstick (rank targets), or
    after each progress record (counted targets). The horizon test uses the end of the year after
    the edition (when it was published), never later than today."""
    return status_histories(store, [target_id], iso3, today)[target_id]


def status_histories(
    store: Store,
    target_ids: list[str] | None = None,
    iso3: str = DEFAULT_COUNTRY,
    today: dt.date | None = None,
) -> dict[str, list[Assessment]]:
    """status_history of several targets (default: all) with one read of the targets, the
    progress records and each yardstick's editions (shared by targets with the same yardstick)."""
    day = _today(today)
    targets = {t.target_id: t for t in _targets(store)}
    wanted = list(targets) if target_ids is None else list(target_ids)
    for target_id in wanted:
        if target_id not in targets:
            raise NotFound("unknown_target", target_id=target_id)
    rules = progress.load_status_rules()
    records = _records(store) if any(targets[i].kind != "rank" for i in wanted) else []
    cache: dict[tuple[str, str, str], list[EditionScores]] = {}
    out: dict[str, list[Assessment]] = {}
    for target_id in wanted:
        target = targets[target_id]
        if target.kind != "rank":
            mine = [r for r in records if r.target_id == target_id]
            out[target_id] = [
                _assess_counted(target, mine, iso3, min(day, r.recorded_on), r.recorded_on, rules)
                for r in mine
            ]
            continue
        key = (target.yardstick_index, target.yardstick_measure, target.group_id)
        if key not in cache:
            cache[key] = yardstick_editions(store, *key)
        out[target_id] = [
            progress.assess_rank_target(
                target,
                iso3,
                cache[key],
                today=min(day, dt.date(e.edition_year + 1, 12, 31)),
                as_of=e.edition_year,
                rules=rules,
            )
            for e in cache[key]
        ]
    return out


def yardstick_comparison(
    store: Store, target_id: str, iso3: str = DEFAULT_COUNTRY, today: dt.date | None = None
) -> list[Assessment]:
    """The same rank target judged by its own yardstick first, then by each index with data that
    measures the same thing (second_opinion_indices)."""
    day = _today(today)
    target = get_target(store, target_id)
    if target.kind != "rank":
        return []
    rules = progress.load_status_rules()
    return [
        _assess_rank(store, target, iso3, day, None, rules, {}, index_id)
        for index_id in second_opinion_indices(store, target.yardstick_index)
    ]


Wide = dict[str, dict[str, float]]  # {measure_id: {iso3: score}}, measures by id, countries by iso3


def _edition_scores(
    store: Store, index_id: str, edition_year: int
) -> tuple[EditionRecord, Wide, list[MeasureRecord]]:
    """The edition, its scores wide (per measure, every country's score) and its measures."""
    ed = q.edition_row(store, index_id, edition_year)
    wide: Wide = {}
    for o in q.observation_rows(store, index_id, edition_year):  # by country, then measure
        wide.setdefault(o.measure_id, {}).setdefault(o.iso3, o.value)
    return ed, dict(sorted(wide.items())), q.measure_rows(store, index_id, ed.framework)


def _members(store: Store, group_id: str, ed: EditionRecord) -> list[str] | None:
    return None if group_id == WORLD else q.group_members(store, group_id, ed.membership_date)


def measure_gaps(
    store: Store, index_id: str, edition_year: int, group_id: str, n: int, iso3: str = DEFAULT_COUNTRY
) -> list[MeasureGap]:
    """For the total, each pillar and each dimension: the N-th best other member's score, the gap,
    the nearest rivals and the mean of the N best others (which pillar closes the gap fastest)."""
    ed, wide, measures = _edition_scores(store, index_id, edition_year)
    members = _members(store, group_id, ed)
    order = {"total": 0, "pillar": 1, "dimension": 2, "indicator": 3}
    rows = sorted(measures, key=lambda m: (order.get(m.level, 9), m.parent_id, m.measure_id))
    return [
        progress.measure_gap(m, dict(wide[m.measure_id]), members, iso3, n, ed.higher_is_better)
        for m in rows
        if m.measure_id in wide
    ]


@dataclasses.dataclass(frozen=True)
class GroupRow:
    """A group member with a score in one edition (services.group_rows)."""

    iso3: str
    name_en: str
    name_vi: str
    score: float
    group_rank: int
    published_rank: int | None  # the publisher's global rank
    computed_rank: int  # the global rank computed from the scores
    pillars: dict[str, float | None]  # {measure_id: score} of each pillar (None: no score)


@dataclasses.dataclass(frozen=True)
class GroupTable:
    """The members of a group with a score in one edition, best first (services.group_rows)."""

    index_id: str
    edition_year: int
    group_id: str
    source_url: str
    pillars: list[str]  # the edition's pillars that have scores, in the framework's order
    rows: list[GroupRow]


GROUP_COLUMNS = ("iso3", "name_en", "name_vi", "score", "group_rank", "published_rank", "computed_rank")


def group_rows(store: Store, index_id: str, edition_year: int, group_id: str = "ASEAN") -> GroupTable:
    """One row per group member with a score: names, total, group rank, the publisher's global rank,
    the computed global rank and each pillar's score, best first."""
    ed, wide, measures = _edition_scores(store, index_id, edition_year)
    higher = ed.higher_is_better
    total = wide.get("total", {})
    members = _members(store, group_id, ed)
    in_group = total if members is None else {k: total[k] for k in members if k in total}
    group_rank = ranking.competition_ranks(in_group, higher)
    computed = ranking.competition_ranks(total, higher)
    published = _published_ranks(q.score_rows(store, index_id, edition_year, "total"))
    names = {c.iso3: c for c in q.country_rows(store)}
    pillars = [m.measure_id for m in measures if m.level == "pillar" and m.measure_id in wide]
    rows = [
        GroupRow(
            iso3=k,
            name_en=names[k].name_en if k in names else k,
            name_vi=names[k].name_vi if k in names else k,
            score=in_group[k],
            group_rank=group_rank[k],
            published_rank=published.get(k),
            computed_rank=computed[k],
            pillars={p: wide[p].get(k) for p in pillars},
        )
        for k in sorted(in_group, key=lambda c: (group_rank[c], c))
    ]
    return GroupTable(index_id, edition_year, group_id, ed.source_url, pillars, rows)


def group_table(store: Store, index_id: str, edition_year: int, group_id: str = "ASEAN") -> pd.DataFrame:
    """group_rows as the pages show it: a column per field of GroupRow, then one per pillar
    (measure_id; NaN where a country has no score), with the edition in `attrs`."""
    import pandas as pd  # the pages' frame: the reports read group_rows

    table = group_rows(store, index_id, edition_year, group_id)
    records = [
        {**{c: getattr(r, c) for c in GROUP_COLUMNS}, **r.pillars}  # None: a pillar without a score
        for r in table.rows
    ]
    frame = pd.DataFrame(records, columns=[*GROUP_COLUMNS, *table.pillars])
    frame.attrs.update(
        index_id=index_id, edition_year=edition_year, group_id=group_id, source_url=table.source_url
    )
    return frame


def _scenario_inputs(
    store: Store, index_id: str, edition_year: int, group_id: str
) -> scenario.ScenarioInputs:
    ed, wide, measures = _edition_scores(store, index_id, edition_year)
    return scenario.ScenarioInputs(
        index_id=index_id,
        edition_year=edition_year,
        aggregation=ed.aggregation,
        scale_min=ed.scale_min,
        scale_max=ed.scale_max,
        higher_is_better=ed.higher_is_better,
        measures=[
            scenario.MeasureDef(measure_id=m.measure_id, level=m.level, parent_id=m.parent_id)
            for m in measures
        ],
        values={c: dict(scores) for c, scores in wide.items()},
        members=_members(store, group_id, ed),
    )


def what_if(
    store: Store,
    index_id: str,
    edition_year: int,
    iso3: str,
    changes: dict[str, float],
    group_id: str = "ASEAN",
) -> ScenarioResult:
    """New absolute scores for some pillars or dimensions -> the total by the edition's own
    aggregation (verified on its data) -> the world and group rank, everyone else unchanged."""
    return scenario.what_if(_scenario_inputs(store, index_id, edition_year, group_id), iso3, changes)


def smallest_changes(
    store: Store, index_id: str, edition_year: int, iso3: str, target_rank: int, group_id: str = "WORLD"
) -> list[dict]:
    """Per pillar: the points needed if only that pillar moves; plus a balanced plan."""
    return scenario.smallest_changes(
        _scenario_inputs(store, index_id, edition_year, group_id), iso3, target_rank
    )


def data_quality_findings(store: Store) -> list[Finding]:
    """Published ranks that disagree with the scores (every index and edition), and totals the
    edition's aggregation does not reproduce from the pillars within 0.01."""
    out: list[Finding] = []
    for index in q.index_rows(store):
        for ed in yardstick_editions(store, index.index_id):
            out.extend(progress.rank_findings(ed))
        for e in q.edition_rows(store, index.index_id):
            inputs = _scenario_inputs(store, index.index_id, e.edition_year, WORLD)
            out.extend(scenario.aggregation_findings(inputs))
    return out


def add_progress_record(store: Store, actor: Actor, record: ProgressRecord) -> int:
    """Analysts only; one transaction with its audit-log entry. Returns the new record id."""
    return strategy.add_evidence(store, actor, record)


def add_target(store: Store, actor: Actor, target: Target) -> None:
    """Analysts only: a target of a (new) strategy, audit-logged."""
    actor = authorise(store, actor, "analyst")
    tw.add_target(store, actor.name, target)


def add_targets(store: Store, actor: Actor, targets: list[Target]) -> int:
    """Analysts only: a whole target set, all or nothing, in one transaction with one audit-log
    entry. Raises ValidationFailed listing every problem (nothing written). Returns the count."""
    actor = authorise(store, actor, "analyst")
    return tw.add_targets(store, actor.name, list(targets))
