"""The Overview's strategy part: the strategy in force by default (a switch to earlier ones), one
plain sentence of counts, the rank targets with their (proxy) yardstick and the other yardsticks
beside it, then the scorecard of every indicator grouped as Appendix I groups them. A superseded
strategy opens on its closing review: achieved, missed, superseded (with the successor)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_pages import common
from app_pages import strategy_views as sv
from metrics import committee
from metrics.committee import ScoreRow, StrategyChoice


def render() -> None:
    lang = common.lang()
    strategy = sv.strategy_switch("overview_strategy")
    rows = sv.scorecard(common.version(), strategy.strategy_id)
    if not rows:
        st.info(common.tm("committee.no_targets", decision=strategy.decision_name(lang)))
        return
    if strategy.in_force:
        _in_force(strategy, rows)
    else:
        _closing_review(strategy, rows)


def _in_force(strategy: StrategyChoice, rows: list[ScoreRow]) -> None:
    t = common.t
    st.markdown("#### " + common.md(sv.headline(strategy, rows)))
    _strategy_source(strategy)
    ranks = [r for r in rows if r.kind == "rank"]
    if ranks:
        st.subheader(t("committee.rank_title"))
        for col, r in zip(st.columns(len(ranks)), ranks, strict=True):
            with col, st.container(border=True):
                _rank_card(r)
    _scorecard(rows)


def _rank_card(r: ScoreRow) -> None:
    t = common.t
    prefix = f"{r.indicator_no}. " if r.indicator_no else ""
    st.markdown(f"**{common.md(f'{prefix}{sv.goal_text(r)} — {r.horizon_year}')}**")
    st.markdown(f"#### {sv.badge(r.status)}")
    index = common.index_name(r.yardstick_index) if r.yardstick_index else "–"
    if r.value is None:
        st.markdown(common.md(sv.no_data_text(r)))
    else:
        st.markdown(
            common.tm(
                "committee.rank_reading",
                index=index,
                edition=r.yardstick_edition or "–",
                rank=sv.value_text(r),
            )
        )
    if r.yardstick_proxy:
        st.caption("⚠️ " + common.tm("committee.proxy_caveat", index=index))
    if r.other_yardsticks:
        st.dataframe(
            pd.DataFrame(
                [
                    {
                        t("committee.col_yardstick"): common.index_name(y.index_id),
                        t("common.edition"): str(y.edition_year or "–"),
                        t("common.rank"): common.rank_of(y.rank, y.of),
                        t("common.status"): sv.badge(y.status),
                    }
                    for y in r.other_yardsticks
                ]
            ),
            hide_index=True,
            width="stretch",
            key=f"overview_yardsticks_{r.target_id}",
        )
    st.caption(common.md(r.text(common.lang())))
    if r.source_url:
        st.caption(f"{t('common.source')}: {common.link(r.source_url)}")


def _scorecard(rows: list[ScoreRow]) -> None:
    t = common.t
    lang = common.lang()
    st.subheader(t("committee.scorecard_title"))
    statuses = sorted({r.status for r in rows}, key=sv.status_rank)
    agencies = sorted({r.lead_agency for r in rows if r.lead_agency})
    names = {r.lead_agency: sv.agency_or_nobody(r) for r in rows}
    c1, c2 = st.columns(2)
    with c1:
        picked_status = st.multiselect(
            t("committee.filter_status"),
            statuses,
            format_func=lambda s: sv.badge(s, lang),
            key="overview_filter_status",
            placeholder=t("committee.filter_all"),
        )
    with c2:
        picked_agency = st.multiselect(
            t("committee.filter_agency"),
            agencies,
            format_func=lambda a: names.get(a, a),
            key="overview_filter_agency",
            placeholder=t("committee.filter_all"),
        )
    shown = committee.filter_rows(rows, picked_status, picked_agency)
    if not shown:
        st.info(t("committee.filter_none"))
    for group, mine in committee.by_group(shown):
        st.markdown(f"##### {t('committee.group_' + (group or 'other'))} ({len(mine)})")
        frame = sv.scorecard_frame(mine)
        st.dataframe(
            frame,
            hide_index=True,
            width="stretch",
            height=common.rows_height(len(frame)),
            column_config={t("common.source"): st.column_config.LinkColumn()},
            key=f"overview_scorecard_{group or 'other'}",
        )
    st.caption(t("committee.scorecard_note"))


def _closing_review(strategy: StrategyChoice, rows: list[ScoreRow]) -> None:
    t = common.t
    lang = common.lang()
    review = committee.closing_review(rows)
    successors = _successor_texts(strategy)
    st.markdown(
        "#### "
        + common.tm(
            "committee.closing_headline",
            decision=strategy.decision_name(lang),
            date=common.date(strategy.superseded_on),
            total=len(rows),
            achieved=len(review["achieved"]),
            missed=len(review["missed"]),
            superseded=len(review[committee.SUPERSEDED]),
            other=len(review["other"]),
        )
    )
    _strategy_source(strategy)
    for key in ("achieved", "missed", committee.SUPERSEDED, "other"):
        mine = review[key]
        if not mine:
            continue
        st.subheader(t(f"committee.closing_{key}", n=len(mine)))
        st.dataframe(
            pd.DataFrame(
                [
                    {
                        t("common.status"): sv.badge(r.status),
                        t("committee.col_indicator"): r.text(lang),
                        t("committee.col_target"): f"{sv.goal_text(r)} ({r.horizon_year})",
                        t("committee.col_latest"): sv.value_text(r),
                        t("committee.col_successor"): successors.get(r.succeeded_by or "", "")
                        or (t("committee.no_successor") if key == committee.SUPERSEDED else "–"),
                        t("common.source"): r.source_url,
                    }
                    for r in mine
                ]
            ),
            hide_index=True,
            width="stretch",
            column_config={t("common.source"): st.column_config.LinkColumn()},
            key=f"overview_closing_{key}",
        )


def _strategy_source(strategy: StrategyChoice) -> None:
    """The strategy's full name and decision, then the link to the signed text (host shown)."""
    lang = common.lang()
    st.caption(
        f"{common.md(strategy.name(lang))} — {common.md(strategy.decision_name(lang))}: "
        + common.link(strategy.source_url)
    )


def _successor_texts(strategy: StrategyChoice) -> dict[str, str]:
    """successor target_id -> "No. 1 of Decision 1671: <wording>"."""
    if not strategy.superseded_by:
        return {}
    lang = common.lang()
    out = {}
    choices = {s.strategy_id: s for s in sv.strategies(common.version())}
    successor = choices.get(strategy.superseded_by)
    for r in sv.scorecard(common.version(), strategy.superseded_by):
        out[r.target_id] = common.t(
            "committee.successor_text",
            no=r.indicator_no or r.target_id,
            decision=successor.decision_name(lang) if successor else strategy.superseded_by,
            text=r.text(lang),
        )
    return out
