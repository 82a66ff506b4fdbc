"""Agencies: for each lead agency of the strategy chosen (the one in force by default), the targets
it monitors, the date of its latest evidence and the targets with none: the committee's reminder
list."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_pages import common
from app_pages import strategy_views as sv
from metrics import committee

t = common.t
lang = common.lang()
version = common.version()

common.page_header("agencies_page.title", "agencies_page.intro")
strategy = sv.strategy_switch("agencies_strategy")
rows = sv.scorecard(version, strategy.strategy_id)
latest = committee.latest_dates(sv.evidence(version))
lines = committee.agency_reminders(rows, latest, sv.agency_names(version))
unassigned = [r for r in rows if not r.lead_agency]

if not lines:
    st.info(common.tm("agencies_page.no_agencies", decision=strategy.decision_name(lang)))
else:
    monitored = sum(len(a.targets) for a in lines)
    st.markdown(
        "#### "
        + common.tm(
            "agencies_page.headline",
            decision=strategy.decision_name(lang),
            agencies=len(lines),
            targets=monitored,
            missing=sum(len(a.missing) for a in lines),
        )
    )
    by_id = {r.target_id: r for r in rows}

    def numbers(ids: list[str]) -> str:
        return ", ".join(by_id[i].indicator_no or i for i in ids) or "–"

    table = pd.DataFrame(
        [
            {
                t("agencies_page.col_agency"): a.name_vi if lang == "vi" else a.name_en,
                t("agencies_page.col_agency_other"): a.name_en if lang == "vi" else a.name_vi,
                t("agencies_page.col_targets"): len(a.targets),
                t("committee.col_no"): numbers(a.targets),
                t("agencies_page.col_latest"): common.date(a.latest)
                if a.latest
                else t("agencies_page.none_yet"),
                t("agencies_page.col_missing"): numbers(a.missing),
            }
            for a in lines
        ]
    )
    st.dataframe(
        table, hide_index=True, width="stretch", height=common.rows_height(len(table)), key="agencies_table"
    )
    common.download(table, "agencies", "agencies_download", xlsx=True)

    st.subheader(t("agencies_page.reminder_title"))
    owing = [a for a in lines if a.missing]
    if not owing:
        st.success(t("agencies_page.reminder_none"))
    for a in owing:
        with st.expander(common.tm("agencies_page.reminder_agency", agency=a.name(lang), n=len(a.missing))):
            for target_id in a.missing:
                r = by_id[target_id]
                prefix = f"{r.indicator_no}. " if r.indicator_no else ""
                st.markdown(
                    f"- {prefix}{common.md(r.text(lang))} — {common.md(sv.goal_text(r))} ({r.horizon_year})"
                )

if unassigned:
    st.caption(t("agencies_page.unassigned", n=len(unassigned)))
