"""ASEAN comparison: every member's score, rank and pillars; Viet Nam's pillar profile against chosen
peers; the rivals just above and below."""

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
GROUP = common.DEFAULT_GROUP
VN = common.COUNTRY

common.page_header("asean.title", "asean.intro")
INDEX = common.index_picker("asean_index")
info = common.index_info(version, INDEX)
index_short = info.short(lang)  # its short name in the language ("Bài báo AI")
unit = info.unit(lang)  # what its values count ("bài báo"); blank: points of a scale
in_units = phrases.unit_or_points(unit, lang)
edition = st.selectbox(
    t("common.edition"),
    info.editions[::-1],
    key="asean_edition",
    format_func=str,
    placeholder=common.choose(),
)
table = common.group_table(version, INDEX, edition, GROUP)
framework = info.frameworks[edition]
meas = common.measures(version, INDEX, framework)
pillars = meas[meas["level"] == "pillar"]
pillar_names = phrases.names_of(pillars.to_dict("records"), "measure_id", "name", lang)
pillar_cols = [c for c in pillar_names if c in table.columns and table[c].notna().any()]
names = common.country_names(version, lang)
table = table.dropna(subset=["group_rank"]).sort_values("group_rank")
source = common.source_line(INDEX, [edition])
fig_source = common.source_line(INDEX, [edition], url=False)

vn = table[table["iso3"] == VN]
if vn.empty:
    st.warning(common.tm("asean.no_vn", index=index_short, edition=edition))
    st.stop()
vn_row = vn.iloc[0]
vn_rank = int(vn_row["group_rank"])
above = table[table["group_rank"] < vn_rank].tail(1)
below = table[table["group_rank"] > vn_rank].head(1)
n = len(table)

st.markdown(
    "#### "
    + common.tm(
        "asean.headline",
        index=index_short,
        edition=edition,
        rank=common.rank_of_nth(vn_rank, n),
        group=GROUP,
        score=phrases.index_number(vn_row["score"], unit, lang),
        unit=in_units,
    )
)

# --- rivals --------------------------------------------------------------------------------------
c1, c2 = st.columns(2)
with c1, st.container(border=True):
    if above.empty:
        st.markdown(common.tm("asean.rival_above_none"))
    else:
        r = above.iloc[0]
        st.metric(
            t("asean.rival_above"),
            f"{names.get(r['iso3'], r['iso3'])} — {common.rank_of(int(r['group_rank']), n)}",
            delta=t(
                "asean.points_behind",
                gap=phrases.index_number(r["score"] - vn_row["score"], unit, lang),
                unit=in_units,
            ),
            delta_color="off",
            delta_arrow="off",
        )
with c2, st.container(border=True):
    if below.empty:
        st.markdown(common.tm("asean.rival_below_none"))
    else:
        r = below.iloc[0]
        st.metric(
            t("asean.rival_below"),
            f"{names.get(r['iso3'], r['iso3'])} — {common.rank_of(int(r['group_rank']), n)}",
            delta=t(
                "asean.points_ahead",
                gap=phrases.index_number(vn_row["score"] - r["score"], unit, lang),
                unit=in_units,
            ),
            delta_color="off",
            delta_arrow="off",
        )

# --- members table --------------------------------------------------------------------------------
st.subheader(t("asean.table_title", group=GROUP, edition=edition, n=n))
shown = pd.DataFrame(
    {
        t("common.rank"): table["group_rank"].astype(int).astype(str),
        t("data_page.col_country"): [("▶ " if c == VN else "") + names.get(c, c) for c in table["iso3"]],
        phrases.value_heading(unit, lang): [phrases.index_number(v, unit, lang) for v in table["score"]],
        # an index of one region alone (ETO's AI articles) has no world rank
        **(
            {}
            if info.regional
            else {t("common.global_rank"): [fmt.whole(p) for p in table["published_rank"]]}
        ),
        **{pillar_names[c]: [common.num(v) for v in table[c]] for c in pillar_cols},
    }
)
st.dataframe(
    shown,
    hide_index=True,
    width="stretch",
    height=common.rows_height(len(shown)),
    column_config=common.first_pinned(shown, n=2),
    key="asean_table",
)
raw = table[["group_rank", "iso3", "score", "published_rank", *pillar_cols]].rename(columns=pillar_names)
raw.insert(2, "name", [names.get(c, c) for c in table["iso3"]])
st.caption(source)
common.download(
    raw, f"asean_{edition}", "asean_table_download", xlsx=True, notes={t("common.source"): source}
)

# --- pillar profile against peers ----------------------------------------------------------------
if pillar_cols:
    st.subheader(t("asean.radar_title"))
    others = [c for c in table["iso3"] if c != VN]
    default = [*above["iso3"], *below["iso3"]]
    leader = table.iloc[0]["iso3"]
    if leader != VN and leader not in default:
        default.insert(0, leader)
    peers = st.multiselect(
        t("asean.peers"),
        others,
        default=default,
        format_func=lambda c: names.get(c, c),
        key="asean_peers",
        max_selections=5,
        placeholder=common.choose(many=True),
    )
    chosen = table[table["iso3"].isin([VN, *peers])]
    radar_frame = chosen[pillar_cols].rename(columns=pillar_names)
    radar_frame.insert(0, "name", [names.get(c, c) for c in chosen["iso3"]])
    # the finding: Viet Nam's weakest pillar against the chosen peers' average
    peer_mean = chosen[chosen["iso3"] != VN][pillar_cols].mean() if peers else None
    if peer_mean is not None:
        diff = vn_row[pillar_cols].astype(float) - peer_mean
        weakest = diff.idxmin()
        title = t(
            "asean.radar_finding",
            pillar=pillar_names[weakest],
            gap=common.signed(float(diff[weakest]), 1),
        )
    else:
        title = t("asean.radar_alone")
    fig = charts.radar(
        radar_frame,
        charts.Labels(title=title, source=fig_source),
        lang,
        focus=names.get(VN, VN),
        axis_max=info.scale_max[edition],
    )
    common.chart(fig, radar_frame, "asean_radar", source)
else:
    st.info(common.tm("asean.no_pillars", index=index_short, edition=edition))
st.caption(
    common.tm(
        "common.membership",
        group=GROUP,
        date=common.date(common.membership_date(INDEX, edition)),
        n=n,
    )
)
