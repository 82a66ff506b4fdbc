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
        return f"{s.decision_name(lang)} — {state}"

    ids = list(by_id)
    # one choice for the whole app (the Targets page and common.strategy_id() read it too)
    chosen = st.session_state.get("strategy_choice")
    picked = st.selectbox(
        t("committee.strategy_switch"),
        ids,
        index=ids.index(chosen) if chosen in by_id else 0,
        format_func=label,
        key=key,
        placeholder=common.choose(),
    )
    st.session_state["strategy_choice"] = picked
    st.caption(common.md(by_id[picked].name(lang)))
    return by_id[picked]


def badge(status: str, lang: str | None = None) -> str:
    lang = lang or common.lang()
    if status == committee.SUPERSEDED:
        return f"{common.SUPERSEDED_ICON} {i18n.t('status.superseded', lang)}"
    return vocabulary.status_badge(status, lang)


def status_word(status: str) -> str:
    return badge(status).split(" ", 1)[1]


def agency_or_nobody(row: ScoreRow) -> str:
    return row.agency(common.lang()) or common.t("committee.no_agency")


def no_data_text(row: ScoreRow) -> str:
    return committee.no_data_text(row, common.lang())


def value_text(row: ScoreRow) -> str:
    return committee.value_text(row, common.lang())


def goal_text(row: ScoreRow, lang: str | None = None) -> str:
    """`lang` given when called from a widget's format_func (outside the run, see common.translator)."""
    language = lang or common.lang()
    return committee.goal_text(row, language, common.group_names(language))


def _n(value: float | None, lang: str) -> str:
    return committee.figure(value, lang)


def _with_unit(figure: str, unit: str) -> str:
    return committee.with_unit(figure, unit)


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
    lang = common.lang()
    return committee.headline_text(strategy.decision_name(lang), rows, lang, status_word)


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
