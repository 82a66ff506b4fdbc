"""Overview: the scorecard of every Decision 127 target — status first, then the figures that prove
it (current value and edition, gap, projection, trend), the date of the latest data and the source."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_pages import common, overview_strategy
from metrics import charts, progress
from metrics.present import format as fmt
from metrics.present import phrases, vocabulary

lang = common.lang()
t = common.translator()  # bound to this run's language (also inside format_func)
version = common.version()
INDEX = common.DEFAULT_INDEX
GROUP = common.DEFAULT_GROUP

history = common.rank_history(version, INDEX, common.COUNTRY, GROUP)
assessments = common.assess_targets(version, common.COUNTRY)
info = common.index_info(version, INDEX)
index_short = info.short(lang)  # its short name in the language ("Bài báo AI")
latest = next((r for r in reversed(history) if r.score is not None), None)
rank_targets = [a for a in assessments if a.kind == "rank"]
counted = [a for a in assessments if a.kind != "rank"]


def goal(a) -> str:
    if a.kind == "rank":
        return phrases.goal(a.group_id, int(a.target_value), lang, common.group_names(lang).get(a.group_id))
    return phrases.localized(a, "text", lang)


st.title(t("overview.title"))
overview_strategy.render()
st.divider()
if latest is None:
    st.warning(common.tm("overview.headline_none", index=index_short))
else:
    st.caption(
        common.tm(
            "overview.latest_data",
            index=index_short,
            edition=latest.edition_year,
            date=common.date(info.imported_at.get(latest.edition_year)),
        )
    )
    st.markdown(
        "#### "
        + common.tm(
            "overview.headline",
            index=index_short,
            edition=latest.edition_year,
            rank=common.ordinal(phrases.shown_rank(latest)),
            of=latest.countries_ranked,
            pct=common.num(latest.percentile, 0),
            group_rank=common.ordinal(latest.group_rank),
            group=GROUP,
        )
    )
rank_count, counted_count = vocabulary.count_statuses(rank_targets), vocabulary.count_statuses(counted)
st.markdown(
    common.tm(
        "overview.summary",
        good=rank_count.good,
        total=rank_count.total,
        counted=counted_count.total,
        counted_data=counted_count.with_data,
    )
)

# --- rank targets: one card each ----------------------------------------------------------------
st.subheader(t("overview.rank_targets"))
columns = st.columns(max(len(rank_targets), 1))
for col, a in zip(columns, rank_targets, strict=False):
    with col, st.container(border=True):
        st.markdown(f"**{common.md(goal(a))} — {a.horizon_year}**")
        st.markdown(f"#### {common.status_badge(a.status)}")
        label = t("common.global_rank") if a.group_id == "WORLD" else t("common.asean_rank")
        st.metric(
            label,
            common.rank_of(a.current_rank, a.of),
            help=t("status_help." + a.status),
        )
        st.markdown(
            common.tm(
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
                common.tm(
                    "overview.card_no_projection",
                    year=a.horizon_year,
                    series=a.trace.inputs.get("series", "–"),
                    editions=fmt.count(len(a.trace.inputs.get("series_points", [])), "edition", lang),
                )
            )
        if a.projection is not None:
            p = a.projection
            st.markdown(
                common.tm(
                    "overview.card_projection",
                    year=p.target_year,
                    score=common.num(p.country_score, 1),
                    low=common.num(p.country_low, 1),
                    high=common.num(p.country_high, 1),
                    threshold=common.num(p.threshold, 1),
                )
            )
        st.caption(common.md(phrases.localized(a, "text", lang)))
        link = f"{info.publisher} — {common.index_name(a.yardstick_index or INDEX)} {a.as_of_edition or ''}"
        st.caption(f"{t('common.source')}: {common.md(link.strip())} — {common.link(a.source_url)}")

# --- the chart that proves it: the world rank by edition against the top-N lines ---------------------
# Each edition with a score and a world rank (published, else computed), with that rank.
ranked = [(r, rank) for r in history if r.score is not None and (rank := phrases.shown_rank(r))]
if ranked:
    world = sorted(
        {
            (int(a.target_value), a.horizon_year)
            for a in rank_targets
            if a.group_id == "WORLD" and a.target_value is not None
        },
        reverse=True,
    )
    lines = {t("target_value.rank_world", n=n) + f" ({year})": n for n, year in world}
    proof = pd.DataFrame(
        {
            "edition_year": [r.edition_year for r, _ in ranked],
            "world_rank": [rank for _, rank in ranked],
            "countries_ranked": [r.countries_ranked for r, _ in ranked],
            "group_rank": [r.group_rank for r, _ in ranked],
            "group_size": [r.group_size for r, _ in ranked],
            "score": [r.score for r, _ in ranked],
            "series": [r.series for r, _ in ranked],
            "source_url": [r.source_url for r, _ in ranked],
        }
    )
    labels_at = [
        t("overview.chart_point", rank=rank, group=GROUP, group_rank=r.group_rank or "–")
        for r, rank in ranked
    ]
    hover = [
        t(
            "overview.chart_hover",
            rank=common.rank_of(rank, r.countries_ranked),
            group=GROUP,
            group_rank=common.rank_of(r.group_rank, r.group_size),
        )
        for r, rank in ranked
    ]
    last, rank_now = ranked[-1]
    inside = [n for n, _ in world if rank_now <= n]
    outside = [n for n, _ in world if rank_now > n]
    if world and not outside:
        verdict = t("overview.chart_inside_all", n=min(n for n, _ in world))
    elif inside:
        verdict = t("overview.chart_inside_some", inside=min(inside), outside=max(outside))
    elif world:
        verdict = t("overview.chart_outside", n=max(outside))
    else:
        verdict = ""
    fig = charts.rank_history(
        proof.assign(point=labels_at, hover=hover),
        charts.Labels(
            title=t(
                "overview.chart_title",
                index=index_short,
                edition=last.edition_year,
                rank=common.ordinal(rank_now),
                verdict=verdict,
                group=GROUP,
                group_rank=common.ordinal(last.group_rank),
            ),
            x=t("common.edition"),
            y=t("common.global_rank"),
            source=common.source_line(INDEX, proof["edition_year"].tolist(), url=False),
        ),
        lang,
        thresholds=lines,
        breaks=common.breaks(INDEX, proof["edition_year"].tolist()),
        rank_col="world_rank",
        hover_col="hover",
        text_col="point",
        height=460,
    )
    common.chart(fig, proof, "overview_rank_chart", common.source_line(INDEX, proof["edition_year"].tolist()))

# --- the history that proves it -------------------------------------------------------------------
st.subheader(t("overview.history_title", index=index_short))
table = pd.DataFrame(
    [
        {
            t("common.edition"): str(r.edition_year),
            t("common.score"): common.num(r.score) + f" / {common.num(r.scale_max, 0)}",
            t("common.global_rank"): common.world_rank(r, short=True),
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
st.caption(common.tm("overview.history_caption"))

# --- counted targets --------------------------------------------------------------------------------
st.subheader(t("overview.count_targets"))


units = {x.target_id: x for x in common.targets(version)}


def count_text(a) -> str:
    if a.current_count is None:
        return "–"
    if a.target_value is None:
        return common.num(a.current_count, 0)
    x = units.get(a.target_id)
    if a.kind not in ("count", "direction") and x is not None:
        # a level, share or growth target: the latest value beside what the decision asks for
        return f"{common.num(a.current_count, 2)} — {common.goal_text(x, lang)}"
    unit = (
        progress.count_unit(a.target_value, lang, x.unit_en, x.unit_vi, x.unit_en_one)
        if x is not None
        else progress.count_unit(a.target_value, lang, "", "")
    )
    return t(
        "overview.count_of",
        current=common.num(a.current_count, 0),
        target=common.num(a.target_value, 0),
        unit=unit,
    ).strip()


counted_table = pd.DataFrame(
    [
        {
            t("common.status"): common.status_badge(a.status),
            t("common.target"): phrases.localized(a, "text", lang),
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
    st.info(common.tm("overview.count_targets_note"))

name = phrases.localized(info, "name", lang)
st.caption(
    t(
        "overview.source_caption",
        publisher=common.md(info.publisher),
        index_name=common.md(name),
        index=common.md(index_short),
        editions=", ".join(str(e) for e in info.editions),
        url=common.link(info.source_urls.get(latest.edition_year, "") if latest else ""),
    )
)
st.caption(
    common.tm(
        "overview.status_legend", legend=" · ".join(common.status_badge(s) for s in vocabulary.STATUS_ORDER)
    )
)
