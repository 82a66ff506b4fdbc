"""Overview: the scorecard of every Decision 127 target — status first, then the figures that prove
it (current value and edition, gap, projection, trend), the date of the latest data and the source."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_pages import common

lang = common.lang()
t = common.translator()  # bound to this run's language (also inside format_func)
version = common.version()
INDEX = common.DEFAULT_INDEX
GROUP = common.DEFAULT_GROUP
GOOD = {"achieved", "met_now", "on_track"}

history = common.rank_history(version, INDEX, common.COUNTRY, GROUP)
assessments = common.assess_targets(version, common.COUNTRY)
info = common.index_info(version, INDEX)
latest = next((r for r in reversed(history) if r.score is not None), None)
rank_targets = [a for a in assessments if a.kind == "rank"]
counted = [a for a in assessments if a.kind != "rank"]


def goal(a) -> str:
    if a.kind == "rank":
        if a.group_id == "WORLD":
            return t("target_value.rank_world", n=int(a.target_value))
        return t("target_value.rank_group", n=int(a.target_value), group=a.group_id)
    return a.text_vi if lang == "vi" else a.text_en


st.title(t("overview.title"))
if latest is None:
    st.warning(t("overview.headline_none", index=info["short_name"]))
else:
    st.caption(
        t(
            "overview.latest_data",
            index=info["short_name"],
            edition=latest.edition_year,
            date=common.date(info["imported_at"].get(latest.edition_year)),
        )
    )
    st.markdown(
        "#### "
        + t(
            "overview.headline",
            index=info["short_name"],
            edition=latest.edition_year,
            rank=latest.published_rank or latest.computed_rank,
            of=latest.countries_ranked,
            pct=common.num(latest.percentile, 0),
            group_rank=latest.group_rank,
            group=GROUP,
        )
    )
good = [a for a in rank_targets if a.status in GOOD]
st.markdown(
    t(
        "overview.summary",
        good=len(good),
        total=len(rank_targets),
        counted=len(counted),
        counted_data=sum(a.status != "no_data" for a in counted),
    )
)

# --- rank targets: one card each ----------------------------------------------------------------
st.subheader(t("overview.rank_targets"))
columns = st.columns(max(len(rank_targets), 1))
for col, a in zip(columns, rank_targets, strict=False):
    with col, st.container(border=True):
        st.markdown(f"**{goal(a)} — {a.horizon_year}**")
        st.markdown(f"#### {common.status_badge(a.status)}")
        label = t("common.global_rank") if a.group_id == "WORLD" else t("common.asean_rank")
        st.metric(
            label,
            common.rank_of(a.current_rank, a.of),
            help=t("status_help." + a.status),
        )
        st.markdown(
            t(
                "overview.card_edition",
                index=common.index_name(a.yardstick_index or INDEX),
                edition=a.as_of_edition or "–",
            )
            + "  \n"
            + t("overview.card_gap", gap=common.signed(a.gap), threshold=common.num(a.threshold))
            + "  \n"
            + t("overview.card_trend", trend=common.trend_label(a.trend))
        )
        if a.projection is None and a.as_of_edition is not None and a.horizon_year > a.as_of_edition:
            st.markdown(
                t(
                    "overview.card_no_projection",
                    year=a.horizon_year,
                    series=a.trace.inputs.get("series", "–"),
                    n=len(a.trace.inputs.get("series_points", [])),
                )
            )
        if a.projection is not None:
            p = a.projection
            st.markdown(
                t(
                    "overview.card_projection",
                    year=p.target_year,
                    score=common.num(p.country_score, 1),
                    low=common.num(p.country_low, 1),
                    high=common.num(p.country_high, 1),
                    threshold=common.num(p.threshold, 1),
                )
            )
        st.caption(a.text_vi if lang == "vi" else a.text_en)
        link = (
            f"{info['publisher']} — {common.index_name(a.yardstick_index or INDEX)} {a.as_of_edition or ''}"
        )
        st.caption(f"{t('common.source')}: [{link.strip()}]({a.source_url})")

# --- the history that proves it -------------------------------------------------------------------
st.subheader(t("overview.history_title", index=info["short_name"]))
table = pd.DataFrame(
    [
        {
            t("common.edition"): str(r.edition_year),
            t("common.score"): common.num(r.score) + f" / {common.num(r.scale_max, 0)}",
            t("common.global_rank"): common.rank_of(r.published_rank or r.computed_rank, r.countries_ranked),
            t("common.percentile"): common.num(r.percentile, 1),
            t("common.asean_rank"): common.rank_of(r.group_rank, r.group_size),
            t("common.source"): r.source_url,
        }
        for r in reversed(history)
        if r.score is not None
    ]
)
st.dataframe(
    table,
    hide_index=True,
    width="stretch",
    column_config={t("common.source"): st.column_config.LinkColumn()},
    key="overview_history",
)
st.caption(t("overview.history_caption"))

# --- counted targets --------------------------------------------------------------------------------
st.subheader(t("overview.count_targets"))


def count_text(a) -> str:
    if a.current_count is None:
        return "–"
    if a.target_value is None:
        return common.num(a.current_count, 0)
    return t(
        "overview.count_of", current=common.num(a.current_count, 0), target=common.num(a.target_value, 0)
    )


counted_table = pd.DataFrame(
    [
        {
            t("common.status"): common.status_badge(a.status),
            t("common.target"): a.text_vi if lang == "vi" else a.text_en,
            t("common.horizon"): str(a.horizon_year),
            t("common.current"): count_text(a),
            t("overview.measured_on"): common.date(a.measured_on),
            t("overview.trend"): common.trend_label(a.trend),
            t("common.source"): a.source_url or "–",
        }
        for a in counted
    ]
)
st.dataframe(counted_table, hide_index=True, width="stretch", key="overview_counted")
if all(a.status == "no_data" for a in counted):
    st.info(t("overview.count_targets_note"))

name = info["name_vi"] if lang == "vi" else info["name_en"]
st.caption(
    t(
        "overview.source_caption",
        publisher=info["publisher"],
        index_name=name,
        index=info["short_name"],
        editions=", ".join(str(e) for e in info["editions"]),
        url=info["source_urls"].get(latest.edition_year, "") if latest else "",
    )
)
st.caption(
    t("overview.status_legend", legend=" · ".join(common.status_badge(s) for s in common.ENGINE_STATUSES))
)
