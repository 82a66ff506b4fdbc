"""What the Overview, Agencies and Targets pages share about a strategy: cached reads through
metrics.committee, the strategy switch, and how a scorecard row is written (status, value, goal,
agency) in the user's language."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_pages import common
from metrics import committee, i18n
from metrics.committee import ScoreRow, StrategyChoice
from metrics.present import vocabulary

SUPERSEDED_ICON = "⏭️"
STATUS_ORDER: tuple[str, ...] = (*vocabulary.STATUS_ORDER, committee.SUPERSEDED)


def status_rank(status: str) -> int:
    return STATUS_ORDER.index(status) if status in STATUS_ORDER else len(STATUS_ORDER)


@st.cache_data(show_spinner=False)
def strategies(data_version: common.Version) -> list[StrategyChoice]:
    return committee.strategies(common.store())


@st.cache_data(show_spinner=False)
def scorecard(data_version: common.Version, strategy_id: str | None) -> list[ScoreRow]:
    return committee.scorecard(common.store(), strategy_id, iso3=common.COUNTRY)


@st.cache_data(show_spinner=False)
def agency_names(data_version: common.Version) -> dict[str, tuple[str, str]]:
    return committee.agency_names(common.store())


@st.cache_data(show_spinner=False)
def evidence(data_version: common.Version, include_withdrawn: bool = False) -> list:
    return committee.evidence(common.store(), None, include_withdrawn=include_withdrawn)


def strategy_switch(key: str) -> StrategyChoice:
    """The strategy in force by default; earlier strategies one choice away."""
    t = common.translator()
    lang = common.lang()
    choices = strategies(common.version())
    by_id = {s.strategy_id: s for s in choices}

    def label(sid: str) -> str:
        s = by_id[sid]
        state = t("committee.in_force") if s.in_force else t("committee.superseded")
        return f"{s.decision} — {state}"

    picked = st.selectbox(t("committee.strategy_switch"), list(by_id), format_func=label, key=key)
    st.caption(by_id[picked].name(lang))
    return by_id[picked]


def badge(status: str, lang: str | None = None) -> str:
    lang = lang or common.lang()
    if status == committee.SUPERSEDED:
        return f"{SUPERSEDED_ICON} {i18n.t('committee.superseded', lang)}"
    return vocabulary.status_badge(status, lang)


def status_word(status: str) -> str:
    return badge(status).split(" ", 1)[1]


def agency_or_nobody(row: ScoreRow) -> str:
    return row.agency(common.lang()) or common.t("committee.no_agency")


def no_data_text(row: ScoreRow) -> str:
    """Never a figure we do not have: who owes it instead."""
    if row.agency(common.lang()):
        return common.t("committee.no_data_agency", agency=row.agency(common.lang()))
    return common.t("committee.no_data_nobody")


def _unit(row: ScoreRow, lang: str, unit: str = "") -> str:
    if row.kind in ("share", "growth_rate", "growth_base"):
        return "%"
    if row.kind == "multiple_base":
        return i18n.t("committee.times", lang)
    return unit or (row.unit_vi if lang == "vi" else row.unit_en)


def _n(value: float | None, lang: str | None = None) -> str:
    """As many decimals as the figure has (up to 2): 6, 1,5, 0,25."""
    if value is None:
        return "–"
    decimals = next((d for d in range(3) if round(float(value), d) == round(float(value), 2)), 2)
    return i18n.fmt_number(value, lang or common.lang(), decimals)


def _with_unit(figure: str, unit: str) -> str:
    if not unit:
        return figure
    return f"{figure}{unit}" if unit == "%" else f"{figure} {unit}"


def value_text(row: ScoreRow) -> str:
    if row.value is None:
        return no_data_text(row)
    if row.kind == "rank":
        return common.rank_of(int(row.value), row.of)
    lang = common.lang()
    unit = _unit(row, lang, row.value_unit if row.value_unit not in ("", "rank") else "")
    return _with_unit(_n(row.value, lang), unit)


def goal_text(row: ScoreRow, lang: str | None = None) -> str:
    """The target as a short figure: "Top 3 SEA", "≥ 10 – 15 %", "× 3 vs 2025". `lang` given
    when called from a widget's format_func (outside the script run, see common.translator)."""
    lang = lang or common.lang()

    def t(key: str, **params) -> str:
        return i18n.t(key, lang, **params)

    if row.kind == "rank" and row.target_value is not None:
        return common.rank_goal(t, row.group_id, int(row.target_value))
    if row.kind == "direction" or row.target_value is None:
        return t("target_value.direction") if row.kind == "direction" else "–"
    sign = {"<=": "≤", ">=": "≥", "about": "≈", "increase": "↗"}.get(row.comparator, "")
    low, high = _n(row.target_value, lang), _n(row.target_high, lang)
    span = low if row.target_high is None else f"{low} – {high}"
    text = f"{sign} {_with_unit(span, _unit(row, lang))}".strip()
    if row.kind == "growth_rate":
        text += " " + t("committee.per_year")
    if row.base_year is not None:
        text += " " + t("committee.vs_year", year=row.base_year)
    return text


def number(row: ScoreRow) -> str:
    return row.indicator_no or "–"


def scorecard_frame(rows: list[ScoreRow]) -> pd.DataFrame:
    """The scorecard as shown: one row per indicator, text cells (sortable by Streamlit)."""
    t = common.t
    lang = common.lang()
    return pd.DataFrame(
        [
            {
                t("committee.col_no"): number(r),
                t("common.status"): badge(r.status),
                t("committee.col_indicator"): r.text(lang),
                t("committee.col_latest"): value_text(r),
                t("committee.col_date"): common.date(r.measured_on)
                if r.kind != "rank"
                else (str(r.yardstick_edition) if r.yardstick_edition else "–"),
                t("committee.col_target"): f"{goal_text(r)} ({r.horizon_year})",
                t("committee.col_agency"): agency_or_nobody(r),
                t("committee.col_evidence"): r.evidence_count,
                t("common.source"): r.source_url,
            }
            for r in rows
        ],
        columns=[
            t("committee.col_no"),
            t("common.status"),
            t("committee.col_indicator"),
            t("committee.col_latest"),
            t("committee.col_date"),
            t("committee.col_target"),
            t("committee.col_agency"),
            t("committee.col_evidence"),
            t("common.source"),
        ],
    )


def headline(strategy: StrategyChoice, rows: list[ScoreRow]) -> str:
    """One plain sentence: how many met, on track, at risk, without data (and any other class)."""
    t = common.t
    counts = committee.headline_counts(rows)
    extra = [
        t("committee.count_other", n=n, status=status_word(s).lower())
        for s, n in counts.items()
        if s not in committee.HEADLINE and n
    ]
    return t(
        "committee.headline",
        decision=strategy.decision,
        total=len(rows),
        met=counts["met"],
        on_track=counts["on_track"],
        at_risk=counts["at_risk"],
        no_data=counts["no_data"],
        others=("; " + "; ".join(extra)) if extra else "",
    )


def evidence_frame(records: list) -> pd.DataFrame:
    """Evidence records as shown: kind, date, value, fit, note, who, state (and what replaced what)."""
    t = common.t
    lang = common.lang()
    return pd.DataFrame(
        [
            {
                t("evidence.col_id"): str(e.record_id),
                t("evidence.col_kind"): t(f"evidence.kind_{e.kind}"),
                t("evidence.col_date"): common.date(e.recorded_on),
                t("evidence.col_value"): "–"
                if e.kind != "value" or e.value is None
                else _with_unit(_n(e.value, lang), e.unit),
                t("evidence.col_fit"): f"{t('evidence.fit_' + e.fit)} [{e.label}]",
                t("evidence.col_note"): e.note_vi if lang == "vi" else e.note_en,
                t("evidence.col_by"): e.created_by,
                t("evidence.col_state"): t(f"evidence.state_{e.status}"),
                t("evidence.col_replaces"): str(e.replaces) if e.replaces else "",
                t("evidence.col_reason"): e.withdrawn_reason,
                t("common.source"): e.source_url,
            }
            for e in records
        ]
    )


def goal_of_target(row: dict, lang: str) -> str:
    """goal_text for a targets-table row (a store row, NaN for a blank)."""

    def clean(v):
        return None if v is None or v != v else v

    fields = {k: clean(row.get(k)) for k in ScoreRow.model_fields if k in row}
    fields = {k: v for k, v in fields.items() if v is not None}
    if "base_year" in fields:
        fields["base_year"] = int(fields["base_year"])
    fields["horizon_year"] = int(fields["horizon_year"])
    fields.setdefault("strategy_id", "")
    return goal_text(ScoreRow(**fields, status="no_data"), lang)
