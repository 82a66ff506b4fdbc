"""The pure half of metrics.committee: what the committee's pages and reports show of a strategy,
computed from its scorecard rows (the rows, the one-sentence count, the rows grouped as Appendix I
groups them, the agencies' reminder list, a superseded strategy's closing review, the texts of a
figure and a goal).

Imports no Streamlit, store driver or plotly (the pure-core contract of pyproject.toml); the rows
come from metrics.committee, which reads the strategy services.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from pydantic import BaseModel

from metrics import i18n
from metrics.present import format as fmt
from metrics.present import phrases

# Appendix I of Decision 1671 groups its indicators in this order; "" = a target outside it.
GROUPS: tuple[str, ...] = ("impact", "results", "outputs", "inputs", "")
SUPERSEDED = "superseded"
# The four counts the headline sentence names, then every other class so none disappears.
HEADLINE = {
    "met": ("achieved", "met_now"),
    "on_track": ("on_track",),
    "at_risk": ("at_risk",),
    "no_data": ("no_data",),
}
OTHERS: tuple[str, ...] = ("off_track", "pace_unknown", "missed", SUPERSEDED)


class Yardstick(BaseModel):
    index_id: str
    edition_year: int | None = None
    rank: int | None = None
    of: int | None = None
    status: str = "no_data"


class ScoreRow(BaseModel):
    """One target as the committee sees it (the fields of services_strategy.TargetReport it uses)."""

    target_id: str
    strategy_id: str
    indicator_no: str = ""
    appendix_group: str = ""
    kind: str
    horizon_year: int
    comparator: str = ""
    target_value: float | None = None
    target_high: float | None = None
    base_year: int | None = None
    unit_en: str = ""
    unit_vi: str = ""
    status: str
    value: float | None = None
    value_unit: str = ""
    evidence_fit: str | None = None
    of: int | None = None
    measured_on: dt.date | None = None
    yardstick_index: str | None = None
    yardstick_edition: int | None = None
    yardstick_proxy: bool = False
    other_yardsticks: list[Yardstick] = []
    group_id: str = ""
    lead_agency: str = ""
    lead_agency_en: str = ""
    lead_agency_vi: str = ""
    evidence_count: int = 0
    succeeded_by: str | None = None
    superseded_on: dt.date | None = None
    text_vi: str = ""
    text_en: str = ""
    source_url: str = ""
    assessment: Any = None  # the engine's Assessment (threshold, gap, trend) for rank cards

    def text(self, lang: str) -> str:
        return self.text_vi if lang == "vi" else self.text_en

    def agency(self, lang: str) -> str:
        return (self.lead_agency_vi if lang == "vi" else self.lead_agency_en) or self.lead_agency


class StrategyChoice(BaseModel):
    strategy_id: str
    name_vi: str
    name_en: str
    decision: str
    kind: str = "decision"
    signed_on: dt.date | None = None
    in_force: bool
    is_default: bool
    superseded_by: str = ""
    superseded_on: dt.date | None = None
    source_url: str = ""

    def name(self, lang: str) -> str:
        return self.name_vi if lang == "vi" else self.name_en

    def decision_name(self, lang: str) -> str:
        """ "Quyết định 1671/QĐ-TTg" / "Decision 1671/QĐ-TTg" (the store holds the English form)."""
        number = self.decision.split(" ", 1)[-1]
        return i18n.t(f"committee.act_{self.kind}", lang, number=number)


class AgencyLine(BaseModel):
    """One lead agency on the reminder list: what it monitors, its latest evidence, what is missing."""

    agency_id: str
    name_vi: str
    name_en: str
    targets: list[str]
    latest: dt.date | None
    missing: list[str]

    def name(self, lang: str) -> str:
        return self.name_vi if lang == "vi" else self.name_en


# --- pure: counts, groups, reminders, closing review ------------------------------------------------


def headline_counts(rows: Sequence[ScoreRow]) -> dict[str, int]:
    """met / on_track / at_risk / no_data, then each other class present; they add up to len(rows)."""
    tally = Counter(r.status for r in rows)
    out = {key: sum(tally.get(s, 0) for s in classes) for key, classes in HEADLINE.items()}
    named = {s for classes in HEADLINE.values() for s in classes}
    for status, n in tally.items():
        if status not in named:
            out[status] = n
    return out


def by_group(rows: Sequence[ScoreRow]) -> list[tuple[str, list[ScoreRow]]]:
    """The rows in Appendix I's groups and order (groups without rows left out)."""
    out = []
    for group in GROUPS:
        mine = [r for r in rows if (r.appendix_group if r.appendix_group in GROUPS else "") == group]
        if mine:
            out.append((group, mine))
    return out


def filter_rows(
    rows: Iterable[ScoreRow], statuses: Iterable[str] = (), agencies: Iterable[str] = ()
) -> list[ScoreRow]:
    """Rows whose status and lead agency are among those chosen (an empty choice keeps all)."""
    statuses, agencies = set(statuses), set(agencies)
    return [
        r
        for r in rows
        if (not statuses or r.status in statuses) and (not agencies or r.lead_agency in agencies)
    ]


def agency_reminders(
    rows: Sequence[ScoreRow],
    latest: dict[str, dt.date],
    names: dict[str, tuple[str, str]],
) -> list[AgencyLine]:
    """For each lead agency: the targets it monitors, the date of its latest evidence and the
    targets with none. `latest` = target_id -> date of its latest active record; `names` =
    agency_id -> (name_vi, name_en). Most missing first, then by id."""
    out = []
    for agency in sorted({r.lead_agency for r in rows if r.lead_agency}):
        mine = [r for r in rows if r.lead_agency == agency]
        dates = [latest[r.target_id] for r in mine if r.target_id in latest]
        vi, en = names.get(agency, (agency, agency))
        out.append(
            AgencyLine(
                agency_id=agency,
                name_vi=vi,
                name_en=en,
                targets=[r.target_id for r in mine],
                latest=max(dates, default=None),
                missing=[r.target_id for r in mine if r.target_id not in latest],
            )
        )
    return sorted(out, key=lambda a: (-len(a.missing), a.agency_id))


def closing_review(rows: Sequence[ScoreRow]) -> dict[str, list[ScoreRow]]:
    """A superseded strategy's verdict: achieved, missed, superseded (with its successor), and
    what could not be judged (no data or any other class), in that order."""
    out: dict[str, list[ScoreRow]] = {"achieved": [], "missed": [], SUPERSEDED: [], "other": []}
    for r in rows:
        out[r.status if r.status in out else "other"].append(r)
    return out


def latest_dates(evidence: Iterable[Any]) -> dict[str, dt.date]:
    """target_id -> date of its latest active evidence record."""
    out: dict[str, dt.date] = {}
    for e in evidence:
        if getattr(e, "status", "active") != "active":
            continue
        if e.target_id not in out or e.recorded_on > out[e.target_id]:
            out[e.target_id] = e.recorded_on
    return out


def in_force_on(choices: Sequence[StrategyChoice], day: dt.date) -> StrategyChoice | None:
    """The decision in force on `day`: signed by then and not yet superseded (a report dated before
    a strategy was signed speaks of the one in force at the time); else the default."""
    live = [
        s
        for s in choices
        if s.kind == "decision"
        and (s.signed_on is None or s.signed_on <= day)
        and (s.superseded_on is None or s.superseded_on > day)
    ]
    if live:
        return max(live, key=lambda s: (s.signed_on or dt.date.min, s.strategy_id))
    return next((s for s in choices if s.is_default), None)


# --- pure: how a row is written -------------------------------------------------------------------


def figure(value: float | None, lang: str) -> str:
    """As many decimals as the figure has (up to 2): 6, 1,5, 0,25."""
    if value is None:
        return "–"
    decimals = next((d for d in range(3) if round(float(value), d) == round(float(value), 2)), 2)
    return fmt.num(value, lang, decimals)


def with_unit(text: str, unit: str) -> str:
    if not unit:
        return text
    return f"{text}{unit}" if unit == "%" else f"{text} {unit}"


def _unit(row: ScoreRow, lang: str, unit: str = "") -> str:
    if row.kind in ("share", "growth_rate", "growth_base"):
        return "%"
    if row.kind == "multiple_base":
        return i18n.t("committee.times", lang)
    return unit or (row.unit_vi if lang == "vi" else row.unit_en)


def no_data_text(row: ScoreRow, lang: str) -> str:
    """Never a figure we do not have: who owes it instead."""
    if row.agency(lang):
        return i18n.t("committee.no_data_agency", lang, agency=row.agency(lang))
    return i18n.t("committee.no_data_nobody", lang)


def value_text(row: ScoreRow, lang: str) -> str:
    if row.value is None:
        return no_data_text(row, lang)
    if row.kind == "rank":
        return i18n.t("common.rank_of", lang, rank=int(row.value), of=row.of if row.of is not None else "–")
    # The record's own unit (a record of USD for a target counted in start-ups is not start-ups),
    # in the reader's language when the catalog has it; else the target's own unit.
    record = row.value_unit if row.value_unit != "rank" else ""
    named = i18n.catalog(lang).get(f"record_unit.{record}") if record and record != row.unit_en else None
    if named:
        unit = named
    elif lang == "vi":
        unit = row.unit_vi or record
    else:
        unit = record
    return with_unit(figure(row.value, lang), _unit(row, lang, unit))


def goal_text(row: ScoreRow, lang: str, group_names: Mapping[str, str] | None = None) -> str:
    """The target as a short figure: "Top 3 Đông Nam Á", "≥ 10 – 15 %", "≈ 6 % GDP" (a group by
    its name in `group_names`, {group_id: name in lang}, else by its id)."""

    def t(key: str, **params) -> str:
        return i18n.t(key, lang, **params)

    if row.kind == "rank" and row.target_value is not None:
        return phrases.goal(row.group_id, int(row.target_value), lang, (group_names or {}).get(row.group_id))
    if row.kind == "direction" or row.target_value is None:
        return t("target_value.direction") if row.kind == "direction" else "–"
    sign = {"<=": "≤", ">=": "≥", "about": "≈", "increase": "↗"}.get(row.comparator, "")
    low, high = figure(row.target_value, lang), figure(row.target_high, lang)
    span = low if row.target_high is None else f"{low} – {high}"
    text = f"{sign} {with_unit(span, _unit(row, lang))}".strip()
    if row.kind == "growth_rate":
        text += " " + t("committee.per_year")
    if row.base_year is not None:
        text += " " + t("committee.vs_year", year=row.base_year)
    return text


def indicator_count(rows: Sequence[ScoreRow]) -> int:
    """How many numbered indicators the rows measure, when some indicator is measured by more than
    one target (0 otherwise: then each target is an indicator, or the decision numbers none)."""
    numbers = {row.indicator_no for row in rows}
    if "" in numbers or len(numbers) == len(rows):
        return 0
    return len(numbers)


def headline_text(decision: str, rows: Sequence[ScoreRow], lang: str, word) -> str:
    """One plain sentence: how many met, on track, at risk, without data (then any other class).
    `word(status)` = the status word in `lang`."""
    counts = headline_counts(rows)
    extra = [
        i18n.t("committee.count_other", lang, n=n, status=word(s).lower())
        for s, n in counts.items()
        if s not in HEADLINE and n
    ]
    # Decision 1671 counts 32 indicators; two of them (27, 28) are judged as two targets each, so
    # the sentence names both numbers rather than calling 34 targets "34 indicators".
    indicators = indicator_count(rows)
    return i18n.t(
        "committee.headline_parts" if indicators else "committee.headline",
        lang,
        decision=decision,
        indicators=indicators,
        total=len(rows),
        met=counts["met"],
        on_track=counts["on_track"],
        at_risk=counts["at_risk"],
        no_data=counts["no_data"],
        others=("; " + "; ".join(extra)) if extra else "",
    )
