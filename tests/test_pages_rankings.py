"""Rankings: the world and ASEAN ranks over editions with the published facts, another index and
target, a computed rank labelled, and an index of one region alone shown without a world rank.

Through Streamlit's AppTest on the seeded database, in Vietnamese and English where marked
(the open_page fixture is in tests/conftest.py, the shared helpers in tests/pages_support.py)."""

from __future__ import annotations

import pytest

from metrics import i18n, services
from metrics.present import phrases
from metrics.store import queries as q
from tests.pages_support import (
    LANGS,
    OLD,
    figures,
    frame_with,
    rank_of,
    texts,
    tr,
)


@pytest.mark.parametrize("lang", LANGS)
def test_rankings_table_and_charts(open_page, store, lang):
    at = open_page("rankings", lang)
    table = frame_with(at, tr("data_page.col_series", lang))
    history = services.rank_history(store, "GAIRI", "VNM", "ASEAN")
    assert len(table) == len(history) == 7
    rows = {r[tr("common.edition", lang)]: r for r in table.to_dict("records")}
    for r in history:
        row = rows[str(r.edition_year)]
        assert row[tr("common.global_rank", lang)] == rank_of(r.published_rank, r.countries_ranked, lang)
        assert row[tr("common.asean_rank", lang)] == rank_of(r.group_rank, r.group_size, lang)
        assert row[tr("common.percentile", lang)] == i18n.fmt_number(r.percentile, lang, 1)
    assert rows["2023"][tr("common.global_rank", lang)] == rank_of(59, 193, lang)
    assert rows["2021"][tr("common.asean_rank", lang)] == rank_of(6, 10, lang)
    rank_fig, bump_fig, projection_fig = figures(at)
    # the global rank line, rank 1 at the top, with the top-60 and top-50 lines and the breaks marked
    assert rank_fig["data"][0]["y"] == [r.published_rank for r in history]
    low, high = rank_fig["layout"]["yaxis"]["range"]
    assert low > high
    hlines = sorted(s["y0"] for s in rank_fig["layout"]["shapes"] if s.get("yref") == "y")
    assert hlines == [50, 60]
    breaks = [s["x0"] for s in rank_fig["layout"]["shapes"] if s.get("xref") == "x"]
    assert breaks == [2019.5, 2024.5]  # GAIRI 0-10 -> 2020-2024 -> 2025 framework
    # the bump chart: Viet Nam drawn last, at its group ranks
    vn = bump_fig["data"][-1]
    assert vn["name"] == ("Việt Nam" if lang == "vi" else "Viet Nam")
    assert vn["y"] == [r.group_rank for r in history]
    # the projection to 2030 uses the 2020-2024 series (2025 opened a new framework with one edition)
    a = services.assess_targets(store, "VNM", OLD, as_of=2024)
    proj = next(x for x in a if x.target_id == "T2030_WORLD_RANK").projection
    assert proj is not None and proj.editions_used == [2020, 2021, 2022, 2023, 2024]
    drawn = [
        tr_
        for tr_ in projection_fig["data"]
        if tr_.get("x") and tr_["x"][-1] == 2030 and tr_.get("mode") == "lines+markers"
    ]
    assert any(abs(t_["y"][-1] - proj.country_score) < 1e-6 for t_ in drawn)
    assert tr(
        "rankings.projection_fallback", lang, series=proj.series, as_of=2024, latest=2025, index="GAIRI"
    ) in texts(at)


def test_rankings_other_index_and_target(open_page, store):
    at = open_page("rankings", "en")
    at.radio(key="rankings_index").set_value("WIPO_GII").run()
    assert not at.exception
    table = frame_with(at, tr("data_page.col_series", "en"))
    gii = services.rank_history(store, "WIPO_GII", "VNM", "ASEAN")
    assert set(table[tr("common.edition", "en")]) == {str(r.edition_year) for r in gii}
    latest = gii[-1]
    assert table.iloc[0][tr("common.global_rank", "en")] == rank_of(
        latest.published_rank, latest.countries_ranked, "en"
    )
    # GII's own series is long enough: its projection is drawn without a fallback note
    assert "too few editions" not in texts(at)
    at.selectbox(key="rankings_target").set_value("T2030_ASEAN_RANK").run()
    proj = next(
        a
        for a in services.assess_targets(store, "VNM", OLD, yardsticks={"*": "WIPO_GII"})
        if a.target_id == "T2030_ASEAN_RANK"
    ).projection
    assert any(
        abs(tr_["y"][-1] - proj.threshold) < 1e-6
        for tr_ in figures(at)[-1]["data"]
        if tr_.get("mode") == "lines+markers" and tr_["x"][-1] == 2030
    )


@pytest.mark.parametrize("lang", LANGS)
def test_rankings_of_a_regional_index_show_no_world_rank(open_page, store, lang):
    """ETO's AI articles cover Southeast Asia only: no world rank, percentile, world-rank chart or
    world target; the page says the index covers only that region; the ASEAN rank stays."""
    at = open_page("rankings", lang)
    at.radio(key="rankings_index").set_value("ETO_CAT_AI").run()
    assert not at.exception, [e.message for e in at.exception]
    region = "Southeast Asia" if lang == "en" else "Đông Nam Á"
    row = q.indices(store).set_index("index_id").loc["ETO_CAT_AI"]
    said = tr(
        "rankings.regional_coverage", lang, index=phrases.short_name(row, lang), region=region, group="ASEAN"
    )
    assert said in [str(e.value) for e in at.main.info]
    table = frame_with(at, tr("data_page.col_series", lang))
    assert tr("common.global_rank", lang) not in table.columns
    assert tr("common.percentile", lang) not in table.columns
    history = services.rank_history(store, "ETO_CAT_AI", "VNM", "ASEAN")
    rows = {r[tr("common.edition", lang)]: r for r in table.to_dict("records")}
    assert len(rows) == len(history) == 9
    for r in history:
        assert rows[str(r.edition_year)][tr("common.asean_rank", lang)] == rank_of(
            r.group_rank, r.group_size, lang
        )
    assert rows["2024"][tr("common.asean_rank", lang)] == rank_of(4, 10, lang)
    # a count with no published scale: in articles, not "1.794,00 / 10.000" (a chart ceiling)
    articles = {"vi": "bài báo", "en": "articles"}[lang]
    for r in history:
        value = rows[str(r.edition_year)][tr("common.value", lang)]
        assert value == f"{i18n.fmt_number(r.score, lang, 0)} {articles}"
    text = texts(at)
    # no "4 of 11" (a rank among the 11 it covers, read as a world one), no percentile
    computed = tr("present.rank_computed_short", lang, rank=4, covered=11)
    assert rank_of(4, 11, lang) not in text and computed not in text
    assert tr("common.percentile", lang).lower() not in text.lower().replace(said.lower(), "")
    assert len(figures(at)) == 1  # the ASEAN bump chart only: no world-rank line
    options = at.selectbox(key="rankings_target").options
    assert options and not any(tr("ui.world", lang) in o.lower() for o in options)


def test_rankings_label_a_computed_rank_and_give_one_edition_no_best(open_page):
    at = open_page("rankings", "en")
    at.radio(key="rankings_index").set_value("IMF_AIPI").run()
    assert not at.exception
    text = texts(at)
    assert "best rank so far" not in text
    assert "77th of 165 (computed)" in text  # the IMF prints no rank; 165 of 174 economies scored
    table = frame_with(at, tr("data_page.col_series", "en"))
    assert table[tr("common.global_rank", "en")].tolist() == ["77 of 165 (computed)"]
