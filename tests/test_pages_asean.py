"""ASEAN comparison: the members' table, the rivals and the radar; an earlier edition's ten members.

Through Streamlit's AppTest on the seeded database, in Vietnamese and English where marked
(the open_page fixture is in tests/conftest.py, the shared helpers in tests/pages_support.py)."""

from __future__ import annotations

import pytest

from metrics import i18n, services
from metrics.present import format as fmt
from tests.pages_support import (
    LANGS,
    figures,
    frame_with,
    rank_of,
    texts,
    tr,
)


@pytest.mark.parametrize("lang", LANGS)
def test_asean_table_rivals_and_radar(open_page, store, lang):
    at = open_page("asean", lang)
    group = services.group_table(store, "GAIRI", 2025, "ASEAN")
    table = frame_with(at, tr("common.global_rank", lang))
    assert len(table) == len(group) == 11  # Timor-Leste a member from 26 Oct 2025
    assert table[tr("common.score", lang)].tolist() == [i18n.fmt_number(v, lang) for v in group["score"]]
    vn_row = table[table[tr("data_page.col_country", lang)].str.startswith("▶")].iloc[0]
    assert vn_row[tr("common.rank", lang)] == "5"
    text = texts(at)
    assert (
        tr(
            "asean.headline",
            lang,
            index="GAIRI",
            edition=2025,
            rank=tr("common.rank_of", lang, rank=fmt.ordinal(5, lang), of=11),
            group="ASEAN",
            score=i18n.fmt_number(59.98, lang),
            unit=tr("unit.points", lang),
        )
        in text
    )
    above, below = at.main.metric
    vn_rank = int(group.loc[group["iso3"] == "VNM", "group_rank"].iloc[0])
    name = "name_vi" if lang == "vi" else "name_en"
    for metric, rank in ((above, vn_rank - 1), (below, vn_rank + 1)):
        rival = group[group["group_rank"] == rank].iloc[0]
        assert metric.value == f"{rival[name]} — {rank_of(rank, len(group), lang)}"
    radar = figures(at)[0]
    vn = radar["data"][-1]
    pillars = [c for c in group.columns if c.startswith("pillar_")]
    assert vn["r"][:-1] == pytest.approx(group.loc[group["iso3"] == "VNM", pillars].iloc[0].tolist())


def test_asean_earlier_edition_has_ten_members(open_page):
    at = open_page("asean", "en")
    at.selectbox(key="asean_edition").set_value(2023).run()
    assert not at.exception
    table = frame_with(at, tr("common.global_rank", "en"))
    assert len(table) == 10
    assert table[table["Country"].str.startswith("▶")].iloc[0]["Rank"] == "5"
    assert table[table["Country"].str.startswith("▶")].iloc[0]["Global rank"] == "59"


@pytest.mark.parametrize("lang", LANGS)
def test_asean_counts_ai_articles_in_articles(open_page, store, lang):
    """AI articles are a count: the headline, the rivals' distance and the table say articles (they
    said "1.794,00 điểm", points of a scale the index does not have)."""
    at = open_page("asean", lang)
    at.radio(key="asean_index").set_value("ETO_CAT_AI").run()
    assert not at.exception, [e.message for e in at.exception]
    articles = {"vi": "bài báo", "en": "articles"}[lang]  # data/indices.csv
    edition = at.selectbox(key="asean_edition").value
    group = services.group_table(store, "ETO_CAT_AI", edition, "ASEAN").dropna(subset=["group_rank"])
    table = frame_with(at, tr("common.value", lang))
    shown = sorted(table[tr("common.value", lang)].tolist())
    assert shown == sorted(i18n.fmt_number(v, lang, 0) for v in group["score"])
    vn = group[group["iso3"] == "VNM"].iloc[0]
    above = group[group["group_rank"] == vn["group_rank"] - 1].iloc[0]
    text = texts(at)
    assert f"{i18n.fmt_number(vn['score'], lang, 0)} {articles}" in text
    behind = tr(
        "asean.points_behind", lang, gap=i18n.fmt_number(above["score"] - vn["score"], lang, 0), unit=articles
    )
    assert at.main.metric[0].proto.delta == behind
