"""What-if: move Viet Nam's pillar scores and see the total and the rank that would follow (other
countries held at their published scores); the smallest changes that reach each rank target."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_pages import common
from metrics import charts
from metrics.models import Target
from metrics.present import format as fmt

t = common.translator()  # bound to this run's language (also inside format_func)
lang = common.lang()
version = common.version()
INDEX = common.DEFAULT_INDEX
VN = common.COUNTRY

common.page_header("whatif.title", "whatif.intro")
info = common.index_info(version, INDEX)
index_short = info.short(lang)  # its short name in the language ("Bài báo AI")
with_pillars = common.pillar_editions_or_stop(INDEX)
edition = st.selectbox(
    t("common.edition"),
    with_pillars[::-1],
    key="whatif_edition",
    format_func=str,
    placeholder=common.choose(),
)
meas = common.measures(version, INDEX, info.frameworks[edition])
pillars = meas[meas["level"] == "pillar"]
table = common.group_table(version, INDEX, edition, common.DEFAULT_GROUP)
vn = table[table["iso3"] == VN].iloc[0]
scale_max = info.scale_max[edition]
label = dict(zip(pillars["measure_id"], pillars["name_vi" if lang == "vi" else "name_en"], strict=True))
source = common.source_line(INDEX, [edition])


def _reset() -> None:
    for m in pillars["measure_id"]:
        st.session_state[f"whatif_{edition}_{m}"] = float(vn[m])


# --- sliders ---------------------------------------------------------------------------------------
st.subheader(t("whatif.sliders_title", index=index_short, edition=edition))
changes: dict[str, float] = {}
cols = st.columns(min(len(pillars), 3))
for i, m in enumerate(pillars["measure_id"]):
    base = float(vn[m])
    key = f"whatif_{edition}_{m}"
    # select_slider, not slider: its labels go through our number format (decimal comma in Vietnamese).
    options = sorted({*(k / 2 for k in range(int(scale_max * 2) + 1)), base})
    with cols[i % len(cols)]:
        value = st.select_slider(
            label[m],
            options=options,
            value=base,
            format_func=lambda v: fmt.num(v, lang, 1),
            key=key,
            help=t("whatif.slider_help", base=common.num(base, 2)),
        )
    if abs(value - base) > 1e-9:
        changes[m] = float(value)
st.button(t("whatif.reset"), on_click=_reset, key="whatif_reset")

result = common.what_if(version, INDEX, edition, tuple(sorted(changes.items())))
of = result.of
group_n = result.group_size

c1, c2, c3 = st.columns(3)
c1.metric(
    t("whatif.new_total"),
    common.num(result.new_total),
    delta=common.signed(result.new_total - result.base_total) if changes else None,
    delta_arrow="off",
    delta_color="off",
)
c2.metric(
    t("common.global_rank"),
    common.rank_of(result.new_rank, of),
    delta=t("whatif.places", n=common.signed(result.base_rank - result.new_rank, 0)) if changes else None,
    delta_arrow="off",
    delta_color="off",
)
c3.metric(
    t("common.asean_rank"),
    common.rank_of(result.new_group_rank, group_n),
    delta=t("whatif.places", n=common.signed((result.base_group_rank or 0) - (result.new_group_rank or 0), 0))
    if changes and result.base_group_rank is not None
    else None,
    delta_arrow="off",
    delta_color="off",
)
st.markdown(
    common.tm(
        "whatif.result_sentence",
        base_total=common.num(result.base_total),
        base_rank=common.rank_of(result.base_rank, of),
        new_total=common.num(result.new_total),
        new_rank=common.rank_of(result.new_rank, of),
        new_group_rank=common.rank_of(result.new_group_rank, group_n),
    )
    if changes
    else t(
        "whatif.no_change",
        base_total=common.num(result.base_total),
        base_rank=common.rank_of(result.base_rank, of),
        base_group_rank=common.rank_of(result.base_group_rank, group_n),
    )
)
weights = ", ".join(
    f"{label[m]} {common.num(100 * result.weights[m], 0)} %"
    for m in pillars["measure_id"]
    if m in result.weights
)
st.caption(common.tm("whatif.caption", weights=weights) + " " + source)

# --- the chart: the resulting total against the threshold of each rank target ------------------------
rank_targets = sorted(common.rank_targets(version), key=lambda x: (x.horizon_year, x.group_id))


def goal_of(x: Target) -> str:
    return common.rank_goal(t, x.group_id, x.rank_n)


bars = []
for x in rank_targets:
    total_gap = common.measure_gaps(version, INDEX, edition, x.group_id, x.rank_n)
    threshold = next((g.threshold for g in total_gap if g.measure_id == "total"), None)
    if threshold is None:
        continue
    bars.append(
        {
            "target_id": x.target_id,
            "label": f"{goal_of(x)} ({x.horizon_year})",
            "threshold": threshold,
            "published_total": result.base_total,
            "new_total": result.new_total,
            "gap": result.new_total - threshold,
        }
    )
if bars:
    bar_frame = pd.DataFrame(bars)
    bar_frame["text"] = [common.signed(g, 1) for g in bar_frame["gap"]]
    reached = int((bar_frame["gap"] >= 0).sum())
    title = t(
        "whatif.chart_title_changed" if changes else "whatif.chart_title_base",
        k=reached,
        n=len(bar_frame),
        edition=edition,
    )
    short = bar_frame[bar_frame["gap"] < 0]
    if not short.empty:
        nearest = short.loc[short["gap"].idxmax()]
        title += "; " + t("whatif.chart_short", goal=nearest["label"], gap=common.num(-nearest["gap"], 1))
    st.subheader(t("whatif.chart_subtitle"))
    fig = charts.gap_bars(
        bar_frame,
        charts.Labels(
            title=title,
            x=t("whatif.chart_axis"),
            source=common.source_line(INDEX, [edition], url=False),
        ),
        lang,
        value_text="text",
    )
    common.chart(fig, bar_frame.drop(columns=["text"]), f"whatif_chart_{edition}", source)
    st.caption(common.tm("whatif.chart_note"))

# --- smallest changes that reach each target -----------------------------------------------------------
st.subheader(t("whatif.smallest_title", edition=edition))
rows = []
for x in rank_targets:
    goal = goal_of(x)
    plans = common.smallest_changes(version, INDEX, edition, x.rank_n, x.group_id)
    if not plans:
        continue
    if plans[0]["total_points_needed"] <= 0:
        rows.append(
            {
                t("common.target"): f"{goal} ({x.horizon_year})",
                t("whatif.col_plan"): t("whatif.already"),
                t("whatif.col_total_needed"): common.num(0, 2),
                t("whatif.col_points"): "–",
                t("whatif.col_feasible"): "–",
            }
        )
        continue
    for plan in plans[:2] + plans[-1:]:  # the two easiest single pillars and the balanced plan
        if plan["plan"] == "balanced":
            what = t("whatif.plan_balanced", share=common.num(100 * plan["change"], 1))
        else:
            what = t("whatif.plan_single", pillar=label.get(plan["measure_id"], plan["measure_id"]))
        rows.append(
            {
                t("common.target"): f"{goal} ({x.horizon_year})",
                t("whatif.col_plan"): what,
                t("whatif.col_total_needed"): common.signed(plan["total_points_needed"], 2),
                t("whatif.col_points"): ", ".join(
                    f"{label.get(m, m)} {common.num(vn[m], 1)} → {common.num(v, 1)}"
                    for m, v in plan["changes"].items()
                ),
                t("whatif.col_feasible"): t("whatif.feasible_yes")
                if plan["feasible"]
                else t("whatif.feasible_no"),
            }
        )
smallest = pd.DataFrame(rows)
st.dataframe(smallest, hide_index=True, width="stretch", key="whatif_smallest")
st.caption(common.tm("whatif.smallest_note", scale=common.num(scale_max, 0)))
common.download(smallest, f"whatif_smallest_{edition}", "whatif_smallest_download")
