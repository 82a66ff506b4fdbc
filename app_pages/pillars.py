"""Pillars and dimensions: where the gap is, against the threshold countries of a target and the
ASEAN top 4; the strongest levers (what matching the leaders in one dimension would add to the total)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_pages import common
from metrics import charts

t = common.translator()  # bound to this run's language (also inside format_func)
lang = common.lang()
version = common.version()
INDEX = common.DEFAULT_INDEX

common.page_header("pillars.title", "pillars.intro")
info = common.index_info(version, INDEX)
index_short = info.short(lang)  # its short name in the language ("Bài báo AI")
with_pillars = common.pillar_editions_or_stop(INDEX)

options = sorted({(x.group_id, x.rank_n) for x in common.rank_targets(version)})  # each goal once


def option_label(option: tuple[str, int]) -> str:
    group, n = option
    return common.rank_goal(t, group, n)


c1, c2 = st.columns([1, 2])
with c1:
    edition = st.selectbox(
        t("common.edition"),
        with_pillars[::-1],
        key="pillars_edition",
        format_func=str,
        placeholder=common.choose(),
    )
with c2:
    default = min((o for o in options if o[0] == "WORLD"), key=lambda o: o[1], default=options[0])
    group_id, n = st.selectbox(
        t("pillars.compare_with"),
        options,
        index=options.index(default),
        format_func=option_label,
        key="pillars_target",
        placeholder=common.choose(),
    )

gaps = common.measure_gaps(version, INDEX, edition, group_id, n)
top4 = {g.measure_id: g for g in common.measure_gaps(version, INDEX, edition, common.DEFAULT_GROUP, 4)}
name = (lambda g: g.name_vi) if lang == "vi" else (lambda g: g.name_en)
source = common.source_line(INDEX, [edition])
fig_source = common.source_line(INDEX, [edition], url=False)
target_words = option_label((group_id, n))

total = next((g for g in gaps if g.level == "total"), None)
pillar_gaps = [g for g in gaps if g.level == "pillar"]
dim_gaps = [g for g in gaps if g.level == "dimension"]

if total is not None and total.gap is not None:
    st.markdown(
        "#### "
        + common.tm(
            "pillars.headline_inside" if total.gap >= 0 else "pillars.headline_outside",
            target=target_words,
            edition=edition,
            index=index_short,
            gap=common.num(abs(total.gap)),
            threshold=common.num(total.threshold),
        )
    )

# --- gap per pillar and dimension -----------------------------------------------------------------
rows = []
for p in pillar_gaps:
    rows.append(
        {
            "measure_id": p.measure_id,
            "label": f"<b>{name(p)}</b>",
            "plain": name(p),
            "level": "pillar",
            "gap": p.gap,
        }
    )
    for d in dim_gaps:
        if d.parent_id == p.measure_id:
            rows.append(
                {
                    "measure_id": d.measure_id,
                    "label": f"· {name(d)}",
                    "plain": name(d),
                    "level": "dimension",
                    "gap": d.gap,
                }
            )
frame = pd.DataFrame(rows)
frame["text"] = [common.signed(g, 1) for g in frame["gap"]]
widest = frame.dropna(subset=["gap"]).sort_values("gap").head(1)
title = (
    t(
        "pillars.gap_title",
        measure=widest["plain"].iloc[0],
        gap=common.signed(float(widest["gap"].iloc[0]), 1),
        target=target_words,
    )
    if not widest.empty
    else t("pillars.title")
)
fig = charts.gap_bars(
    frame,
    charts.Labels(title=title, x=t("pillars.gap_axis", target=target_words), source=fig_source),
    lang,
    value_text="text",
)
by_id = {g.measure_id: g for g in gaps}
data = pd.DataFrame(
    {
        "measure_id": frame["measure_id"],
        "name": frame["plain"],
        "level": frame["level"],
        "score": [by_id[m].score for m in frame["measure_id"]],
        "threshold": [by_id[m].threshold for m in frame["measure_id"]],
        "gap": frame["gap"],
        "asean_top4_mean": [top4[m].group_top_mean if m in top4 else None for m in frame["measure_id"]],
    }
)
common.chart(fig, data, "pillars_gaps", source)
st.caption(common.tm("pillars.gap_note", target=target_words))

# --- pillars: Viet Nam, the threshold, the ASEAN top 4 ---------------------------------------------
st.subheader(t("pillars.compare_title"))
pframe = data[data["level"] == "pillar"].copy()
if not pframe.empty:
    below_top4 = pframe[pframe["score"] < pframe["asean_top4_mean"]]
    fig = charts.compare_bars(
        pframe,
        charts.Labels(
            title=t("pillars.compare_finding", k=len(below_top4), n=len(pframe), group=common.DEFAULT_GROUP),
            y=t("common.score"),
            source=fig_source,
        ),
        lang,
        series=[
            ("score", common.country(common.COUNTRY)),
            ("threshold", t("pillars.threshold_name", target=target_words)),
            ("asean_top4_mean", t("pillars.top4_name", group=common.DEFAULT_GROUP)),
        ],
        category_col="name",
    )
    common.chart(fig, pframe, "pillars_compare", source)

# --- levers -------------------------------------------------------------------------------------------
st.subheader(t("pillars.levers_title"))
weights = common.what_if(version, INDEX, edition, ()).weights
levers = data[data["level"] == "dimension"].copy()
levers["room"] = (levers["asean_top4_mean"] - levers["score"]).clip(lower=0)
levers["weight"] = levers["measure_id"].map(weights)
levers["total_gain"] = levers["room"] * levers["weight"]
levers = levers.dropna(subset=["total_gain"]).sort_values("total_gain", ascending=False)
lever_table = pd.DataFrame(
    {
        t("pillars.col_dimension"): levers["name"],
        t("common.score"): [common.num(v, 1) for v in levers["score"]],
        t("pillars.top4_name", group=common.DEFAULT_GROUP): [
            common.num(v, 1) for v in levers["asean_top4_mean"]
        ],
        t("pillars.col_room"): [common.num(v, 1) for v in levers["room"]],
        t("pillars.col_weight"): [common.num(100 * w, 1) + " %" for w in levers["weight"]],
        t("pillars.col_gain"): [common.signed(v, 2) for v in levers["total_gain"]],
    }
)
if not levers.empty:
    top = levers.iloc[0]
    st.markdown(
        common.tm("pillars.levers_finding", measure=top["name"], gain=common.num(top["total_gain"], 1))
    )
st.dataframe(lever_table.head(8), hide_index=True, width="stretch", key="pillars_levers")
st.caption(common.tm("pillars.levers_note"))
common.download(levers, f"levers_{edition}", "pillars_levers_download")
