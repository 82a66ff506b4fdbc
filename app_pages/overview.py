"""Overview: where Viet Nam stands today against each Decision 127 target, with the source."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_pages import common
from metrics import i18n

lang = common.lang()
t = common.t
version = common.store().data_version()
GROUP = "ASEAN"
INDEX = "GAIRI"

history = common.rank_history(version, INDEX, "VNM", GROUP)
statuses = common.target_statuses(version, "VNM")
info = common.index_info(version, INDEX)
latest = next((r for r in reversed(history) if r.score is not None), None)

st.title(t("overview.title"))
if latest is None:
    st.warning(t("overview.headline_none", index=info["short_name"]))
else:
    st.caption(t("app.data_as_of", index=info["short_name"], edition=latest.edition_year))
    st.markdown(
        "#### "
        + t(
            "overview.headline",
            index=info["short_name"],
            edition=latest.edition_year,
            rank=latest.published_rank or latest.computed_rank,
            of=latest.countries_ranked,
            pct=i18n.fmt_number(latest.percentile, lang, 0),
            group_rank=latest.group_rank,
            group=GROUP,
        )
    )

st.subheader(t("overview.rank_targets"))
rank_targets = [s for s in statuses if s.kind == "rank"]
columns = st.columns(len(rank_targets) or 1)
for col, s in zip(columns, rank_targets, strict=False):
    with col, st.container(border=True):
        text = s.text_vi if lang == "vi" else s.text_en
        goal = (
            t("target_value.rank_world", n=int(s.target_value))
            if s.group_id == "WORLD"
            else t("target_value.rank_group", n=int(s.target_value), group=s.group_id)
        )
        st.markdown(f"**{goal} — {s.horizon_year}**")
        st.markdown(f"### {common.status_badge(s.status)}")
        row = next((r for r in history if r.edition_year == s.edition_year), None)
        if row is not None and s.current_value is not None:
            if s.group_id == "WORLD":
                st.metric(
                    t("common.global_rank"),
                    t("common.rank_of", rank=int(s.current_value), of=row.countries_ranked),
                )
            else:
                st.metric(
                    t("common.asean_rank"), t("common.rank_of", rank=int(s.current_value), of=row.group_size)
                )
        st.caption(text)
        st.caption(
            f"{t('overview.measured_by', index=info['short_name'], edition=s.edition_year)} · "
            f"{t('common.source')}: {s.source_url}"
        )

st.subheader(t("overview.history_title"))
table = pd.DataFrame(
    [
        {
            t("common.edition"): str(r.edition_year),
            t("common.score"): i18n.fmt_number(r.score, lang) + f" / {i18n.fmt_int(r.scale_max, lang)}",
            t("common.global_rank"): t(
                "common.rank_of", rank=r.published_rank or r.computed_rank or "–", of=r.countries_ranked
            ),
            t("common.percentile"): i18n.fmt_number(r.percentile, lang, 1),
            t("common.asean_rank"): t("common.rank_of", rank=r.group_rank or "–", of=r.group_size),
            t("common.source"): r.source_url,
        }
        for r in reversed(history)
    ]
)
st.dataframe(
    table, hide_index=True, width="stretch", column_config={t("common.source"): st.column_config.LinkColumn()}
)
st.caption(t("overview.history_caption"))

st.subheader(t("overview.count_targets"))
counted = [s for s in statuses if s.kind != "rank"]
st.dataframe(
    pd.DataFrame(
        [
            {
                t("common.target"): s.text_vi if lang == "vi" else s.text_en,
                t("common.horizon"): s.horizon_year,
                t("common.current"): i18n.fmt_number(s.current_value, lang, 0),
                t("common.status"): common.status_badge(s.status),
            }
            for s in counted
        ]
    ),
    hide_index=True,
    width="stretch",
)
if all(s.status == "no_data" for s in counted):
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
