"""Data: browse any index, edition and country; download the table; where every figure came from;
what the data-quality checks found."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from app_pages import common
from metrics import progress
from metrics.present import format as fmt
from metrics.present import phrases

t = common.translator()  # bound to this run's language (also inside format_func)
lang = common.lang()
version = common.version()

common.page_header("data_page.title", "data_page.intro")

editions = common.editions_table(version)
index_ids = common.indices()
c1, c2, c3 = st.columns([2, 1, 2])
with c1:
    index_id = st.selectbox(
        t("common.index"),
        index_ids,
        format_func=lambda i: (
            phrases.localized(common.index_info(version, i), "name", lang)
            + f" ({common.index_name(i, lang)})"
        ),
        key="data_index",
        placeholder=common.choose(),
    )
info = common.index_info(version, index_id)
index_short = info.short(lang)  # its short name in the language ("Bài báo AI")
with c2:
    edition = st.selectbox(
        t("common.edition"),
        info.editions[::-1],
        key=f"data_edition_{index_id}",
        format_func=str,
        placeholder=common.choose(),
    )
with c3:
    levels = ["total", "pillar", "dimension", "indicator"]
    level = st.multiselect(
        t("data_page.levels"),
        levels,
        default=["total"],
        format_func=lambda lv: t(f"data_page.level_{lv}"),
        key="data_levels",
        placeholder=common.choose(many=True),
    )

obs = common.observations(version, index_id, edition)
framework = info.frameworks[edition]
meas = common.measures(version, index_id, framework)
names = common.country_names(version, lang)
frame = obs.merge(meas[["measure_id", "level", "name_en", "name_vi"]], on="measure_id", how="left")
frame["country"] = frame["iso3"].map(names).fillna(frame["iso3"])
frame["measure"] = frame["name_vi" if lang == "vi" else "name_en"].fillna(frame["measure_id"])
if level:
    frame = frame[frame["level"].isin(level)]

all_countries = sorted(frame["iso3"].unique(), key=lambda c: names.get(c, c))
countries = st.multiselect(
    t("data_page.countries"),
    all_countries,
    default=[],
    format_func=lambda c: f"{names.get(c, c)} ({c})",
    key="data_countries",
    placeholder=t("data_page.all_countries"),
)
if countries:
    frame = frame[frame["iso3"].isin(countries)]

source_url = info.source_urls.get(edition, "")
unit = info.unit(lang)  # a count index's values are counts ("bài báo"), not points
value_column = f"{t('common.value')} ({unit})" if unit else t("common.score")
table = pd.DataFrame(
    {
        t("data_page.col_country"): frame["country"],
        "ISO3": frame["iso3"],
        t("data_page.col_measure"): frame["measure"],
        t("data_page.col_level"): frame["level"].map(lambda lv: t(f"data_page.level_{lv}")),
        value_column: frame["value"].astype(float),
        t("data_page.col_published_rank"): frame["published_rank"].astype("Int64"),
        t("data_page.col_source_file"): frame["source_file"],
        t("data_page.col_version"): frame["version_id"].astype("Int64"),
    }
).sort_values([t("data_page.col_measure"), value_column], ascending=[True, False])

st.subheader(
    t(
        "data_page.table_title",
        index=index_short,
        edition=edition,
        rows=common.num(len(table), 0),
        countries=common.num(table["ISO3"].nunique(), 0),
    )
)
# On screen the numbers follow the language (decimal comma in Vietnamese); the download keeps them numeric.
shown = table.assign(
    **{
        value_column: [phrases.index_number(v, unit, lang) for v in table[value_column]],
        t("data_page.col_published_rank"): [fmt.whole(v) for v in table[t("data_page.col_published_rank")]],
    }
)
st.dataframe(
    shown,
    hide_index=True,
    width="stretch",
    height=common.rows_height(len(shown), 12),
    column_config=common.first_pinned(shown),
    key="data_table",
)
st.caption(
    t(
        "data_page.source_caption",
        publisher=common.md(info.publisher),
        index=common.md(index_short),
        edition=edition,
        url=common.link(source_url),
        version=info.version_ids.get(edition, "–"),
    )
)
common.download(
    table,
    f"{index_id}_{edition}",
    "data_download",
    xlsx=True,
    notes={
        t("common.source"): source_url,
        t("common.index"): f"{info.publisher} — {index_short} {edition}",
        t("data_page.col_version"): str(info.version_ids.get(edition, "")),
    },
)


def edition_notes(prov: pd.DataFrame, language: str) -> list[str]:
    """Each edition's notes in the page's language: the Vietnamese column on the Vietnamese page,
    the notes as written where it is blank (an analyst's imported edition has only those)."""
    if language != "vi" or "notes_vi" not in prov:
        return list(prov["notes"])
    return [vi or en for vi, en in zip(prov["notes_vi"].fillna(""), prov["notes"], strict=True)]


st.subheader(t("data_page.provenance_title"))
prov = editions[editions["index_id"] == index_id]
st.dataframe(
    pd.DataFrame(
        {
            t("common.edition"): prov["edition_year"].astype(str),
            t("data_page.col_framework"): prov["framework"],
            t("data_page.col_series"): prov["series"],
            t("data_page.col_scale"): [
                f"{common.num(a, 0)}–{common.num(b, 0)}"
                for a, b in zip(prov["scale_min"], prov["scale_max"], strict=True)
            ],
            t("common.countries"): prov["countries_ranked"].astype("Int64"),
            t("data_page.col_imported"): [common.date(d) for d in prov["imported_at"]],
            t("data_page.col_file"): prov["file_name"],
            "SHA-256": prov["sha256"].str.slice(0, 12),
            t("data_page.col_version"): prov["version_id"].astype("Int64"),
            t("common.source"): prov["source_url"],
            t("data_page.col_notes"): edition_notes(prov, lang),
        }
    ),
    hide_index=True,
    width="stretch",
    column_config={t("common.source"): st.column_config.LinkColumn()},
)

st.subheader(t("data_page.quality_title"))


def finding_text(f) -> str:
    """The finding in the page's language (code + params), measure ids as their names."""
    frameworks = common.index_info(version, f.index_id).frameworks
    names = {}
    if "measure" in f.params and f.edition_year in frameworks:
        m = common.measures(version, f.index_id, frameworks[f.edition_year])
        names = dict(zip(m["measure_id"], m["name_vi" if lang == "vi" else "name_en"], strict=True))
    return progress.finding_text(f, lang, names)


findings = common.data_quality_findings(version)
if not findings:
    st.success(t("data_page.quality_none"))
else:
    fq = pd.DataFrame(
        {
            t("data_page.col_kind"): [t(f"data_page.finding_{f.kind}") for f in findings],
            t("common.index"): [common.index_name(f.index_id) for f in findings],
            t("common.edition"): [str(f.edition_year) for f in findings],
            t("data_page.col_country"): [common.country(f.iso3) for f in findings],
            t("data_page.col_published_rank"): [f.published_rank for f in findings],
            t("data_page.col_computed_rank"): [f.computed_rank for f in findings],
            t("data_page.col_detail"): [finding_text(f) for f in findings],
        }
    )
    st.caption(t("data_page.quality_caption", n=common.num(len(findings), 0)))
    st.dataframe(fq, hide_index=True, width="stretch", key="data_findings")
    common.download(fq, "data_quality", "data_quality_download")
