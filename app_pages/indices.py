"""Indices: the same targets judged by every index in the store side by side — do the second
opinions agree with the default yardstick?"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_pages import common
from metrics import charts
from metrics.present import format as fmt
from metrics.present import phrases

t = common.translator()  # bound to this run's language (also inside format_func)
lang = common.lang()
version = common.version()
VN = common.COUNTRY

common.page_header("indices.title", "indices.intro")
rank_targets = common.rank_targets(version)
label_of = {
    x.target_id: common.rank_goal(t, x.group_id, x.rank_n) + f" — {x.horizon_year}" for x in rank_targets
}
ids = list(label_of)
target_id = common.chosen(
    st.selectbox(
        t("common.target"),
        ids,
        format_func=label_of.__getitem__,
        key="indices_target",
        placeholder=common.choose(),
    )
)
comparison = common.yardstick_comparison(version, target_id, VN)


def rank_text(a) -> str:
    """A world rank the publisher does not print (IMF AIPI) is labelled computed, with its coverage."""
    if a.group_id != "WORLD":
        return common.rank_of(a.current_rank, a.of)
    row = {
        "published_rank": a.published_rank,
        "computed_rank": a.computed_rank,
        "countries_ranked": a.of,
        "countries_in_data": a.trace.inputs.get("field_size"),
    }
    return common.world_rank(row)


n_goal = next(x.rank_n for x in rank_targets if x.target_id == target_id)
rows = []
for a in comparison:
    rows.append(
        {
            t("common.index"): common.index_name(a.yardstick_index) if a.yardstick_index else "–",
            t("indices.col_verdict"): phrases.verdict(a.current_rank, n_goal, lang),
            t("common.status"): common.status_badge(a.status),
            t("common.edition"): str(a.as_of_edition) if a.as_of_edition else "–",
            t("common.rank"): rank_text(a),
            t("common.percentile"): common.num(a.percentile, 1),
            t("indices.col_gap"): phrases.gap(a.gap, common.index_unit(a.yardstick_index), lang),
            t("overview.trend"): common.trend_label(a.trend),
            t("common.source"): a.source_url,
        }
    )
table = pd.DataFrame(rows)
# Every yardstick with a rank is counted, favourable or not (a second opinion that disagrees
# must not disappear from the headline).
inside, with_data = phrases.second_opinions(comparison)
st.markdown(
    "#### "
    + common.tm(
        "indices.opinions",
        inside=inside,
        n=with_data,
        indices=fmt.plural(with_data, lang, t("unit.index_one"), t("unit.index_many")),
        target=label_of[target_id].split(" — ")[0],
    )
)
st.dataframe(
    table,
    hide_index=True,
    width="stretch",
    column_config=common.first_pinned(table, {t("common.source"): st.column_config.LinkColumn()}),
    key="indices_table",
)
common.download(table, f"indices_{target_id}", "indices_table_download")
st.caption(common.tm("indices.gap_note"))

# --- percentile over editions, each index ----------------------------------------------------------
series_rows = []
# An index of one region alone (ETO's AI articles: Southeast Asia) has no world percentile.
regional = [i for i in common.indices() if common.index_info(version, i).regional]
for index_id in common.indices():
    if index_id in regional:
        continue
    for r in common.rank_history(version, index_id, VN, common.DEFAULT_GROUP):
        if r.score is None:
            continue
        series_rows.append(
            {
                "index": common.index_name(index_id),
                "edition_year": r.edition_year,
                "rank": phrases.shown_rank(r),
                "rank_computed": phrases.is_computed(r),
                "of": r.countries_ranked,
                "percentile": r.percentile,
                "group_rank": r.group_rank,
                "group_size": r.group_size,
                "source_url": r.source_url,
            }
        )
frame = pd.DataFrame(series_rows)
if not frame.empty:
    latest = frame.sort_values("edition_year").groupby("index").tail(1)
    best = latest.sort_values("percentile", ascending=False).iloc[0]
    worst = latest.sort_values("percentile").iloc[0]
    shown = [i for i in common.indices() if (frame["index"] == common.index_name(i)).any()]
    eds_of = {
        i: sorted(frame.loc[frame["index"] == common.index_name(i), "edition_year"].unique()) for i in shown
    }
    sources = " · ".join(common.source_line(i, eds_of[i]) for i in shown)
    fig_sources = " · ".join(common.source_line(i, eds_of[i], url=False) for i in shown)
    fig = charts.multi_line(
        frame,
        charts.Labels(
            title=t(
                "indices.percentile_title",
                best=best["index"],
                best_pct=common.num(best["percentile"], 0),
                worst=worst["index"],
                worst_pct=common.num(worst["percentile"], 0),
            ),
            x=t("common.edition"),
            y=t("common.percentile"),
            source=fig_sources,
        ),
        lang,
        series_col="index",
        y_col="percentile",
        y_range=(0, 100),
    )
    common.chart(fig, frame, "indices_percentile", sources)
    st.caption(common.tm("indices.percentile_note"))
for index_id in regional:
    info = common.index_info(version, index_id)
    st.caption(
        common.tm(
            "indices.percentile_regional",
            index=common.index_name(index_id),
            region=info.coverage_names[0 if lang == "en" else 1],
        )
    )
    fig = charts.multi_line(
        frame.dropna(subset=["group_rank"]),
        charts.Labels(
            title=t("indices.group_title", group=common.DEFAULT_GROUP),
            x=t("common.edition"),
            y=t("common.asean_rank"),
            source=fig_sources,
        ),
        lang,
        series_col="index",
        y_col="group_rank",
        reverse_y=True,
    )
    common.chart(fig, frame, "indices_group", sources)
