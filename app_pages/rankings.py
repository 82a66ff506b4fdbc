"""Rankings: Viet Nam's global and ASEAN rank over editions ("of N" and percentile), the target
thresholds and the projection band to the horizon, the ASEAN bump chart; methodology breaks marked.
An index of one region alone (ETO's AI articles: Southeast Asia) has no world rank, percentile or
world target here: the page says so and shows the ASEAN rank only."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_pages import common
from metrics import charts
from metrics.present import phrases

t = common.translator()  # bound to this run's language (also inside format_func)
lang = common.lang()
version = common.version()
VN = common.country(common.COUNTRY)

common.page_header("rankings.title")

index_id = common.index_picker("rankings_index")
info = common.index_info(version, index_id)
index_short = info.short(lang)  # its short name in the language ("Bài báo AI")
unit = info.unit(lang)  # what its values count ("bài báo"); blank: points of a scale
in_units = phrases.unit_or_points(unit, lang)
history = common.rank_history(version, index_id, common.COUNTRY, common.DEFAULT_GROUP)
rows = [r for r in history if r.score is not None]
rank_targets = common.rank_targets(version)
if info.regional:  # a world target cannot be judged by an index of one region's countries
    rank_targets = [x for x in rank_targets if x.group_id != "WORLD"]
world_targets = {
    t("target_value.rank_world", n=x.rank_n) + f" ({x.horizon_year})": x.rank_n
    for x in rank_targets
    if x.group_id == "WORLD"
}
group_targets = {
    common.rank_goal(t, x.group_id, x.rank_n) + f" ({x.horizon_year})": x.rank_n
    for x in rank_targets
    if x.group_id == common.DEFAULT_GROUP
}

if not rows:
    st.warning(common.tm("overview.headline_none", index=index_short))
    st.stop()

first, last = rows[0], rows[-1]
shown = phrases.shown_rank  # the publisher's rank when printed, else the computed one
if info.regional:
    st.markdown(
        "#### "
        + common.tm(
            "rankings.headline_regional",
            index=index_short,
            group=common.DEFAULT_GROUP,
            first_edition=first.edition_year,
            first_rank=common.rank_of(first.group_rank, first.group_size),
            last_edition=last.edition_year,
            last_rank=common.rank_of(last.group_rank, last.group_size),
        )
    )
    st.info(
        common.tm(
            "rankings.regional_coverage",
            index=index_short,
            region=info.coverage_names[0 if lang == "en" else 1],
            group=common.DEFAULT_GROUP,
        )
    )
else:
    st.markdown(
        "#### "
        + common.tm(
            "rankings.headline",
            index=index_short,
            first_edition=first.edition_year,
            first_rank=common.world_rank(first, short=True),
            first_pct=common.num(first.percentile, 0),
            last_edition=last.edition_year,
            last_rank=common.world_rank(last, short=True),
            last_pct=common.num(last.percentile, 0),
        )
    )

# --- global rank ---------------------------------------------------------------------------------
frame = pd.DataFrame(
    {
        "edition_year": [r.edition_year for r in rows],
        "rank": [shown(r) for r in rows],
        "of": [r.countries_ranked for r in rows],
        "percentile": [r.percentile for r in rows],
        "group_rank": [r.group_rank for r in rows],
        "group_size": [r.group_size for r in rows],
        "score": [r.score for r in rows],
        "scale_max": [r.scale_max for r in rows],
        "series": [r.series for r in rows],
        "source_url": [r.source_url for r in rows],
    }
)
frame["hover"] = [
    t("rankings.hover", rank=common.rank_of(a, b), pct=common.num(p, 1))
    for a, b, p in frame[["rank", "of", "percentile"]].itertuples(index=False)
]
eds = frame["edition_year"].tolist()


def global_rank_chart() -> None:
    best = frame.loc[frame["rank"].idxmin()]
    if len(rows) == 1:
        title_key = "rankings.global_title_one"  # one edition: no "best so far", no trend words
    elif int(best["rank"]) == shown(last):
        title_key = "rankings.global_title_best"
    else:
        title_key = "rankings.global_title"
    fig = charts.rank_history(
        frame,
        charts.Labels(
            title=t(
                title_key,
                index=index_short,
                rank=common.world_rank(last, short=True, nth=True),
                edition=last.edition_year,
                best=int(best["rank"]),
                best_edition=int(best["edition_year"]),
            ),
            x=t("common.edition"),
            y=t("common.global_rank"),
            source=common.source_line(index_id, eds, url=False),
        ),
        lang,
        thresholds=world_targets,
        breaks=common.breaks(index_id, eds),
        hover_col="hover",
    )
    common.chart(fig, frame.drop(columns=["hover"]), "rankings_global", common.source_line(index_id, eds))
    st.caption(common.tm("rankings.of_n_note"))


if not info.regional:
    global_rank_chart()

# --- ASEAN rank and bump chart -------------------------------------------------------------------
bump = common.group_ranks_over_editions(version, index_id, common.DEFAULT_GROUP)
bump = bump.assign(name=bump["iso3"].map(common.country_names(version, lang)))
vn_group = frame.dropna(subset=["group_rank"])
leader_last = bump[(bump["edition_year"] == last.edition_year) & (bump["group_rank"] == 1)]
fig = charts.bump_chart(
    bump,
    charts.Labels(
        title=t(
            "rankings.bump_title",
            group=common.DEFAULT_GROUP,
            rank=common.rank_of_nth(last.group_rank, last.group_size),
            edition=last.edition_year,
            leader=", ".join(leader_last["name"]) or "–",
        ),
        x=t("common.edition"),
        y=t("common.asean_rank"),
        source=common.source_line(index_id, eds, url=False),
    ),
    lang,
    focus=VN,
    breaks=common.breaks(index_id, eds),
    target_rank=min(group_targets.values()) if group_targets else None,
    target_label=min(group_targets, key=group_targets.__getitem__) if group_targets else "",
)
common.chart(fig, bump, "rankings_bump", common.source_line(index_id, eds))
members_note = [
    t(
        "common.membership",
        group=common.DEFAULT_GROUP,
        date=common.date(r.group_membership_date),
        n=r.group_size,
    )
    for r in rows[-1:]
]
st.caption(" · ".join(members_note))


# --- projection band to the horizon ----------------------------------------------------------------
def projection_section() -> None:
    """The chosen rank target's projection band to its horizon, judged by this index."""
    st.subheader(t("rankings.projection_title"))
    label_of = {
        x.target_id: common.rank_goal(t, x.group_id, x.rank_n) + f" — {x.horizon_year}" for x in rank_targets
    }
    # Only targets whose deadline is still ahead of the latest edition have something to project.
    ahead = [x for x in rank_targets if x.horizon_year > last.edition_year] or rank_targets
    choices = [x.target_id for x in ahead]
    default = max(
        (x for x in ahead if x.group_id == "WORLD"), key=lambda x: x.horizon_year, default=ahead[0]
    ).target_id
    target_id = common.chosen(
        st.selectbox(
            t("common.target"),
            choices,
            index=choices.index(default),
            format_func=label_of.__getitem__,
            key="rankings_target",
            placeholder=common.choose(),
        )
    )
    a = common.assessment(version, target_id, index_id)
    fallback = None
    if a.projection is None:
        # The newest series may have too few editions for a trend (GAIRI 2025 opened a new framework):
        # show what the last series long enough projected, and say so.
        for year in common.series_ends(index_id):
            candidate = common.assessment(version, target_id, index_id, year)
            if candidate.projection is not None:
                a, fallback = candidate, year
                break
    if a.projection is None:
        st.info(common.tm("rankings.projection_none", index=index_short))
    else:
        p = a.projection
        points = [common.assessment(version, target_id, index_id, e) for e in p.editions_used]
        hframe = pd.DataFrame(
            {
                "edition_year": [h.as_of_edition for h in points],
                "score": [h.score for h in points],
                "threshold": [h.threshold for h in points],
                "gap": [h.gap for h in points],
            }
        )
        start_year = max(p.editions_used)
        span = p.target_year - start_year
        lo, hi = 0.0, info.scale_max[start_year]
        clip = lambda v: None if v is None else min(max(v, lo), hi)  # noqa: E731 - a band cannot leave the scale
        projection = {
            "start_year": start_year,
            "target_year": p.target_year,
            "start_country": p.country_score - p.country_slope * span,
            "country_score": p.country_score,
            "country_low": clip(p.country_low),
            "country_high": clip(p.country_high),
            "start_threshold": None
            if p.threshold is None
            else p.threshold - (p.threshold_slope or 0.0) * span,
            "threshold": p.threshold,
            "threshold_low": clip(p.threshold_low),
            "threshold_high": clip(p.threshold_high),
        }
        n = int(a.target_value)
        tname = t(
            "rankings.threshold_name", n=n, group=t("ui.world") if a.group_id == "WORLD" else a.group_id
        )
        projected_gap = None if p.threshold is None else p.country_score - p.threshold
        source = common.source_line(index_id, p.editions_used)
        fig = charts.score_projection(
            hframe,
            charts.Labels(
                title=t(
                    "rankings.projection_above"
                    if projected_gap is not None and projected_gap >= 0
                    else "rankings.projection_below",
                    year=p.target_year,
                    gap=phrases.index_number(abs(projected_gap or 0.0), unit, lang, 1),
                    unit=in_units,
                    n=n,
                    group=t("ui.world") if a.group_id == "WORLD" else a.group_id,
                    series=p.series,
                ),
                x=t("common.edition"),
                y=phrases.value_heading(unit, lang),
                source=common.source_line(index_id, p.editions_used, url=False),
            ),
            lang,
            country_name=VN,
            threshold_name=tname,
            projection=projection,
            projection_names=(t("rankings.trend_of", name=VN), t("rankings.trend_of", name=tname)),
        )
        pdata = pd.concat(
            [
                hframe.assign(kind="observed"),
                pd.DataFrame(
                    [
                        {
                            "edition_year": p.target_year,
                            "score": p.country_score,
                            "threshold": p.threshold,
                            "gap": projected_gap,
                            "kind": "projected",
                            "score_low": p.country_low,
                            "score_high": p.country_high,
                            "threshold_low": p.threshold_low,
                            "threshold_high": p.threshold_high,
                        }
                    ]
                ),
            ],
            ignore_index=True,
        )
        common.chart(fig, pdata, "rankings_projection", source)
        if fallback is not None:
            st.warning(
                common.tm(
                    "rankings.projection_fallback",
                    series=p.series,
                    as_of=fallback,
                    latest=info.editions[-1],
                    index=index_short,
                )
            )
        st.caption(
            common.tm(
                "rankings.projection_caption",
                editions=", ".join(str(e) for e in p.editions_used),
                n=len(p.editions_used),
                slope=common.signed(p.country_slope, 2),
                tslope=common.signed(p.threshold_slope, 2),
                unit=in_units,
                low=common.num(p.country_low, 1),
                high=common.num(p.country_high, 1),
            )
        )


if rank_targets:  # an index of one region alone has no world target to project
    projection_section()

# --- the table behind it -------------------------------------------------------------------------
st.subheader(t("rankings.table_title"))
table = pd.DataFrame(
    {
        t("common.edition"): frame["edition_year"].astype(str),
        **(
            {}  # an index of one region alone has no world rank or percentile
            if info.regional
            else {
                t("common.global_rank"): [common.world_rank(r, short=True) for r in rows],
                t("common.percentile"): [common.num(p, 1) for p in frame["percentile"]],
            }
        ),
        t("common.asean_rank"): [common.rank_of(r.group_rank, r.group_size) for r in rows],
        # a score out of its edition's scale, or a count in its unit (AI articles: no published scale)
        phrases.value_heading(unit, lang): [
            phrases.index_value(s, m, unit, lang)
            for s, m in zip(frame["score"], frame["scale_max"], strict=True)
        ],
        t("data_page.col_series"): frame["series"],
        t("common.source"): frame["source_url"],
    }
).iloc[::-1]
st.dataframe(
    table,
    hide_index=True,
    width="stretch",
    column_config=common.first_pinned(table, {t("common.source"): st.column_config.LinkColumn()}),
    key="rankings_table",
)
common.download(table, f"rankings_{index_id}", "rankings_table_download")
