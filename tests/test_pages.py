"""Every dashboard page through Streamlit's AppTest, in Vietnamese and English, on the seeded
database: no exception, no untranslated text, and the numbers shown are the ones the services
compute (or the published facts: Viet Nam 59th of 193 in GAIRI 2023, 5th in ASEAN; 62nd of 160 in
2021, 6th)."""

from __future__ import annotations

import datetime as dt
import json
import re
import sys

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from app_pages import common
from metrics import i18n, progress, services
from metrics.auth import Actor
from metrics.errors import PermissionDenied, ValidationFailed
from metrics.models import ProgressRecord
from metrics.present import format as fmt
from metrics.present import vocabulary
from metrics.store import open_store
from metrics.store import queries as q
from tests.conftest import ROOT
from tests.test_target_sets import ENGLISH_PYDANTIC

PAGES = ["overview", "rankings", "asean", "pillars", "whatif", "indices", "targets", "data", "methodology"]
LANGS = ["vi", "en"]
ANALYST = Actor(name="analyst.test", role="analyst")
# Most tests below check the pages' figures against the engine and the published facts on Decision
# 127's targets (top 50 world, top 4 ASEAN, ...). Decision 1671 replaced it as the default strategy,
# so they choose 127 as a user does (the strategy picker's session key); the smoke test of every page
# and the tests of the strategy in force (test_pages_strategy.py) run on the new default.
OLD = "QD127_2021"


@pytest.fixture
def open_page(store, seeded_db_file, monkeypatch):
    """open_page(page, lang, db=None, actor=None, strategy=OLD) -> AppTest after its first run of
    that page; strategy=None: the default (the strategy in force)."""

    def _open(
        page: str, lang: str, db=None, actor: Actor | None = None, strategy: str | None = OLD
    ) -> AppTest:
        monkeypatch.setattr(sys, "argv", ["dashboard.py", "--db", str(db or seeded_db_file)])
        at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=90)
        at.query_params["lang"] = lang
        if strategy is not None:
            at.session_state["strategy_choice"] = strategy
        if actor is not None:
            at.session_state["actor"] = actor
        at.run()
        if page != "overview":
            at.switch_page(f"app_pages/{page}.py").run()
        assert not at.exception, [e.message for e in at.exception]
        return at

    return _open


def texts(at: AppTest) -> str:
    """Every piece of text a reader sees in the main area (and chart titles, axes and notes)."""
    parts: list[str] = []
    for kind in (
        "title",
        "header",
        "subheader",
        "markdown",
        "caption",
        "info",
        "warning",
        "success",
        "error",
    ):
        parts += [str(e.value) for e in getattr(at.main, kind)]
    parts += [f"{m.label}\n{m.value}" for m in at.main.metric]
    parts += [w.label for w in [*at.main.selectbox, *at.main.multiselect, *at.main.radio]]
    parts += [e.label for e in at.main.expander]
    for frame in frames(at):
        parts += [str(c) for c in frame.columns]
        parts += [str(v) for v in frame.astype(str).to_numpy().ravel()]
    for spec in figures(at):
        layout = spec["layout"]
        parts.append(layout.get("title", {}).get("text", ""))
        parts += [layout.get(ax, {}).get("title", {}).get("text", "") for ax in ("xaxis", "yaxis")]
        parts += [a.get("text", "") for a in layout.get("annotations", [])]
        parts += [str(tr.get("name", "")) for tr in spec["data"]]
    return "\n".join(parts)


def frames(at: AppTest) -> list[pd.DataFrame]:
    return [d.value for d in at.main.dataframe]


def figures(at: AppTest) -> list[dict]:
    return [json.loads(c.proto.spec) for c in at.main.get("plotly_chart")]


def _in_order(node) -> list:
    children = getattr(node, "children", None)
    if not children:
        return [node]
    return [leaf for key in sorted(children) for leaf in _in_order(children[key])]


def chart_words(at: AppTest) -> list[tuple[str, str]]:
    """(title, source) of each chart in page order: the page text right above it (charts.for_page
    takes the title out of the figure, where it could not wrap) and the caption right under it."""
    leaves = _in_order(at.main)
    out = []
    for i, leaf in enumerate(leaves):
        if leaf.type == "plotly_chart":
            above = leaves[i - 1] if i else None
            below = leaves[i + 1] if i + 1 < len(leaves) else None
            title = str(above.value).strip("*") if above is not None and above.type == "markdown" else ""
            source = str(below.value) if below is not None and below.type == "caption" else ""
            out.append((title.replace("\\", ""), source))
    return out


def frame_with(at: AppTest, column: str) -> pd.DataFrame:
    return next(f for f in frames(at) if column in f.columns)


def tr(key: str, lang: str, **params) -> str:
    return i18n.t(key, lang, **params)


def rank_of(rank, of, lang) -> str:
    return tr("common.rank_of", lang, rank=rank, of=of)


def badge(status: str, lang: str) -> str:
    return f"{vocabulary.look(status).icon} {tr(f'status.{status}', lang)}"


# --- every page, both languages ---------------------------------------------------------------------


# Texts of the other language that would betray an untranslated label (page texts long enough
# not to occur by chance in the data, e.g. country names).
def _page_values(lang: str) -> set[str]:
    import tomllib

    with open(ROOT / "metrics" / "i18n" / lang / "pages.toml", "rb") as f:
        tree = tomllib.load(f)
    out = set()
    for section in tree.values():
        for value in section.values():
            plain = re.split(r"\{[a-z_]+\}", value)
            out.update(p.strip() for p in plain if len(p.strip()) >= 18)
    return out


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("page", PAGES)
def test_page_runs_translated_with_sources_and_downloads(open_page, page, lang):
    at = open_page(page, lang, strategy=None)  # the default: the strategy in force
    text = texts(at)
    assert at.main.title and at.main.title[0].value.strip()
    catalog = i18n.catalog(lang)
    shown_keys = [k for k in catalog if re.search(rf"(?<![\w/.]){re.escape(k)}(?![\w])", text)]
    assert not shown_keys, f"untranslated keys on {page}: {shown_keys[:5]}"
    other = "en" if lang == "vi" else "vi"
    leaked = [v for v in _page_values(other) - _page_values(lang) if v in text]
    assert not leaked, f"{other} text on the {lang} {page} page: {leaked[:3]}"
    # every chart: a title, axis labels where it has axes, the source inside and under it, a data download
    downloads = [b.proto.label for b in at.main.get("download_button")]
    words = chart_words(at)
    assert len(words) == len(figures(at)), page
    for spec, (title, source) in zip(figures(at), words, strict=True):
        layout = spec["layout"]
        assert title.strip() and not layout.get("title", {}).get("text"), page
        assert layout["separators"] == (",." if lang == "vi" else ".,")
        assert source.startswith(tr("ui.source_short", lang, publisher="", index="", editions="")[:5]), page
        if spec["data"] and spec["data"][0]["type"] in ("scatter", "bar"):
            assert layout["xaxis"]["title"]["text"] or layout["yaxis"]["title"]["text"], page
    if figures(at):
        assert downloads.count(tr("ui.download_csv", lang)) >= len(figures(at)), page
    # the source of the figures is on every page
    assert "http" in text or page == "methodology", page


# --- Overview -------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_overview_scorecard_matches_the_engine(open_page, store, lang):
    at = open_page("overview", lang)
    text = texts(at)
    assessments = services.assess_targets(store, "VNM", OLD)
    rank_targets = [a for a in assessments if a.kind == "rank"]
    assert len(at.main.metric) == len(rank_targets) == 4
    for a, metric in zip(rank_targets, at.main.metric, strict=True):
        assert metric.value == rank_of(a.current_rank, a.of, lang)
        assert badge(a.status, lang) in text
        assert i18n.fmt_number(a.gap, lang, 2).lstrip("-") in text
    # the published facts behind the headline and the history table
    history = frame_with(at, tr("common.global_rank", lang))
    rows = {r[tr("common.edition", lang)]: r for r in history.to_dict("records")}
    assert rows["2023"][tr("common.global_rank", lang)] == rank_of(59, 193, lang)
    assert rows["2023"][tr("common.asean_rank", lang)] == rank_of(5, 10, lang)
    assert rows["2021"][tr("common.global_rank", lang)] == rank_of(62, 160, lang)
    assert rows["2021"][tr("common.asean_rank", lang)] == rank_of(6, 10, lang)
    assert rows["2023"][tr("common.score", lang)] == i18n.fmt_number(54.48001397, lang) + " / 100"
    # the latest data and its date
    imported = q.editions(store, "GAIRI").iloc[-1]["imported_at"]
    assert (
        tr(
            "overview.latest_data",
            lang,
            index="GAIRI",
            edition=2025,
            date=i18n.fmt_date(imported.date(), lang),
        )
        in text
    )
    # counted targets: every one listed with its status word
    counted = frame_with(at, tr("overview.measured_on", lang))
    assert len(counted) == sum(a.kind != "rank" for a in assessments)
    assert set(counted[tr("common.status", lang)]) == {
        badge(a.status, lang) for a in assessments if a.kind != "rank"
    }


def test_overview_counted_target_shows_a_new_record(open_page, fresh_db):
    db = open_store(fresh_db)
    record = ProgressRecord(
        target_id="T2025_BIGDATA_HPC_CENTRES",
        recorded_on=dt.date(2025, 6, 30),
        value=1,
        source_url="https://example.org/a",
    )
    services.add_progress_record(db, ANALYST, record)
    expected = next(
        a for a in services.assess_targets(db, "VNM", OLD) if a.target_id == "T2025_BIGDATA_HPC_CENTRES"
    )
    db.close()
    at = open_page("overview", "en", db=fresh_db)
    counted = frame_with(at, tr("overview.measured_on", "en"))
    row = counted[counted[tr("common.target", "en")] == expected.text_en].iloc[0]
    # a value of 1 reads singular in English ("1 of 1 centre", not "1 centres")
    assert row[tr("common.current", "en")] == "1 of 1 centre"
    assert row[tr("overview.measured_on", "en")] == "30 Jun 2025"
    assert row[tr("common.status", "en")] == badge(expected.status, "en")
    assert row[tr("common.source", "en")] == "https://example.org/a"


# --- Rankings -------------------------------------------------------------------------------------


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


# --- ASEAN ----------------------------------------------------------------------------------------


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


# --- Pillars ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_pillars_gaps_match_the_engine(open_page, store, lang):
    at = open_page("pillars", lang)
    gaps = services.measure_gaps(store, "GAIRI", 2025, "WORLD", 50)
    total = next(g for g in gaps if g.level == "total")
    text = texts(at)
    key = "pillars.headline_inside" if total.gap >= 0 else "pillars.headline_outside"
    target = tr("target_value.rank_world", lang, n=50)
    assert (
        tr(
            key,
            lang,
            target=target,
            edition=2025,
            index="GAIRI",
            gap=i18n.fmt_number(abs(total.gap), lang),
            threshold=i18n.fmt_number(total.threshold, lang),
        )
        in text
    )
    bars = figures(at)[0]["data"][0]
    drawn = dict(
        zip(
            [y.replace("<b>", "").replace("</b>", "").lstrip("· ") for y in bars["y"]], bars["x"], strict=True
        )
    )
    for g in gaps:
        if g.level != "total" and g.gap is not None:
            assert drawn[g.name_vi if lang == "vi" else g.name_en] == pytest.approx(g.gap)
    levers = frame_with(at, tr("pillars.col_gain", lang))
    assert len(levers) >= 3


def test_pillars_against_asean_top4(open_page, store):
    at = open_page("pillars", "en")
    at.selectbox(key="pillars_target").set_value(("ASEAN", 4)).run()
    assert not at.exception
    total = next(g for g in services.measure_gaps(store, "GAIRI", 2025, "ASEAN", 4) if g.level == "total")
    assert total.gap < 0  # 5th in ASEAN in 2025
    assert tr(
        "pillars.headline_outside",
        "en",
        target="Top 4 in ASEAN",
        edition=2025,
        index="GAIRI",
        gap=i18n.fmt_number(-total.gap, "en"),
        threshold=i18n.fmt_number(total.threshold, "en"),
    ) in texts(at)


# --- What-if ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_whatif_sliders_move_score_and_rank(open_page, store, lang):
    at = open_page("whatif", lang)
    base = services.what_if(store, "GAIRI", 2025, "VNM", {})
    total, world, group = at.main.metric
    assert total.value == i18n.fmt_number(base.base_total, lang)
    assert world.value == rank_of(base.base_rank, base.of, lang)
    assert group.value == rank_of(base.base_group_rank, base.group_size, lang)
    at.select_slider(key="whatif_2025_pillar_policy_capacity").set_value(80.0).run()
    assert not at.exception
    moved = services.what_if(store, "GAIRI", 2025, "VNM", {"pillar_policy_capacity": 80.0})
    assert moved.new_rank < base.base_rank
    total, world, group = at.main.metric
    assert total.value == i18n.fmt_number(moved.new_total, lang)
    assert world.value == rank_of(moved.new_rank, moved.of, lang)
    assert group.value == rank_of(moved.new_group_rank, moved.group_size, lang)
    # the smallest change for the top 4 of ASEAN, one pillar at a time
    plans = services.smallest_changes(store, "GAIRI", 2025, "VNM", 4, "ASEAN")
    smallest = frame_with(at, tr("whatif.col_total_needed", lang))
    top4 = smallest[
        smallest[tr("common.target", lang)].str.startswith(
            tr("target_value.rank_group", lang, n=4, group="ASEAN")
        )
    ]
    assert top4.iloc[0][tr("whatif.col_total_needed", lang)].endswith(
        i18n.fmt_number(plans[0]["total_points_needed"], lang)
    )
    reached = smallest[smallest[tr("whatif.col_plan", lang)] == tr("whatif.already", lang)]
    targets = q.targets(store, OLD)
    already = [
        x
        for x in targets[targets["kind"] == "rank"].to_dict("records")
        if services.smallest_changes(store, "GAIRI", 2025, "VNM", int(x["target_value"]), x["group_id"])[0][
            "total_points_needed"
        ]
        <= 0
    ]
    assert len(reached) == len(already) == 3  # top 5 ASEAN, top 60 and top 50 of the world in 2025


# --- Indices ------------------------------------------------------------------------------------------


def test_indices_count_every_second_opinion_with_data(open_page, store):
    # Top 5 of ASEAN (2025): GAIRI 2025 5th, GII 2025 3rd, AIPI 2023 7th of 10. The AIPI edition of
    # 2025 does not exist, so its status is "no data yet", but its 7th place is a verdict that counts.
    at = open_page("indices", "en")
    table = frame_with(at, tr("indices.col_verdict", "en"))
    verdicts = dict(zip(table[tr("common.index", "en")], table[tr("indices.col_verdict", "en")], strict=True))
    assert verdicts["AIPI"] == tr("present.verdict_outside", "en", rank=7, n=5)
    assert verdicts["GAIRI"] == tr("present.verdict_inside", "en", rank=5, n=5)
    assert "2 of 3 indices with data place Viet Nam within" in texts(at)


@pytest.mark.parametrize("lang", LANGS)
def test_rankings_of_a_regional_index_show_no_world_rank(open_page, store, lang):
    """ETO's AI articles cover Southeast Asia only: no world rank, percentile, world-rank chart or
    world target; the page says the index covers only that region; the ASEAN rank stays."""
    at = open_page("rankings", lang)
    at.radio(key="rankings_index").set_value("ETO_CAT_AI").run()
    assert not at.exception, [e.message for e in at.exception]
    region = "Southeast Asia" if lang == "en" else "Đông Nam Á"
    said = tr("rankings.regional_coverage", lang, index="AI articles", region=region, group="ASEAN")
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


def test_overview_english_uses_ordinals(open_page):
    text = texts(open_page("overview", "en"))
    assert "ranks 45th of 195 in the world" in text and "and 5th in ASEAN" in text
    assert "edition(s)" not in text


@pytest.mark.parametrize("lang", LANGS)
def test_indices_side_by_side(open_page, store, lang):
    at = open_page("indices", lang)
    comparison = services.yardstick_comparison(store, "T2025_ASEAN_RANK", "VNM")
    table = frame_with(at, tr("indices.col_gap", lang))
    # the indices measuring what GAIRI measures (data/second_opinions.toml): AI articles and EGDI
    # have data too but measure research output and e-government, no opinion on AI readiness
    assert table[tr("common.index", lang)].tolist() == ["GAIRI", "GII", "AIPI"]
    for a, row in zip(comparison, table.to_dict("records"), strict=True):
        assert row[tr("common.rank", lang)] == rank_of(a.current_rank, a.of, lang)
        assert row[tr("common.status", lang)] == badge(a.status, lang)
    percentile = figures(at)[0]
    # the percentile chart places Viet Nam in every index with data (index_order), not only the
    # second opinions (EGDI is a yardstick of Decision 1671 / Resolution 57), except an index of one
    # region alone: AI articles covers Southeast Asia only, so it has no world percentile (the
    # caption under the chart says so)
    short = dict(
        zip(services.q.indices(store)["index_id"], services.q.indices(store)["short_name"], strict=True)
    )
    world = [i for i in services.index_order(store) if i != "ETO_CAT_AI"]
    assert [t_["name"] for t_ in percentile["data"]] == [short[i] for i in world]
    region = "Southeast Asia" if lang == "en" else "Đông Nam Á"
    said = tr("indices.percentile_regional", lang, index=short["ETO_CAT_AI"], region=region)
    assert said in [str(c.value) for c in at.main.caption]
    assert percentile["data"][0]["y"][-1] == pytest.approx(
        services.rank_history(store, "GAIRI")[-1].percentile
    )


# --- Targets ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_targets_list_and_status_history(open_page, store, lang):
    at = open_page("targets", lang)
    listed = frame_with(at, tr("targets_page.col_text_vi", lang))
    assert len(listed) == len(q.targets(store, OLD)) == 14
    assert set(listed["ID"]) == set(q.targets(store, OLD)["target_id"])
    history = services.status_history(store, "T2025_ASEAN_RANK")
    shown = frame_with(at, tr("targets_page.col_threshold", lang))
    assert len(shown) == len(history)
    by_edition = {r[tr("common.edition", lang)]: r for r in shown.to_dict("records")}
    for h in history:
        row = by_edition[str(h.as_of_edition)]
        assert row[tr("common.rank", lang)] == rank_of(h.current_rank, h.of, lang)
        assert row[tr("common.status", lang)] == badge(h.status, lang)
    assert by_edition["2023"][tr("common.rank", lang)] == rank_of(5, 10, lang)
    # 2019 is on a 0-10 scale: its score is shown with that scale, and the pace is not claimed
    assert by_edition["2019"][tr("common.score", lang)] == f"{i18n.fmt_number(5.08, lang)} / 10"
    assert by_edition["2019"][tr("common.status", lang)] == badge("pace_unknown", lang)
    # viewers see no forms
    assert not at.main.get("form")
    assert tr("targets_page.analyst_only", lang) in texts(at)


def test_analyst_adds_a_progress_record(open_page, fresh_db):
    at = open_page("targets", "en", db=fresh_db, actor=ANALYST)
    at.selectbox(key="targets_select").set_value("T2030_OPEN_DATASETS").run()
    at.number_input(key="evidence_add_value").set_value(12)
    at.text_input(key="evidence_add_source").input("https://data.gov.vn/")
    at.text_input(key="evidence_add_note_en").input("=cmd|' /C calc'!A0")
    submit = next(b for b in at.main.button if b.label == tr("evidence.add", "en"))
    submit.click().run()
    assert not at.exception
    assert any(tr("evidence.added", "en", id="", target="")[:10] in s.value for s in at.main.success)
    db = open_store(fresh_db)
    records = q.progress_records(db, "T2030_OPEN_DATASETS")
    # the two shipped milestones (no value) stay; the analyst's value is added after them
    assert records["kind"].tolist() == ["milestone", "milestone", "value"]
    assert records["value"].tolist()[2] == 12.0 and records["value"].isna().tolist()[:2] == [True, True]
    assert records["created_by"].tolist() == ["seed", "seed", "analyst.test"]
    assert q.audit_log(db, 5)["action"].iloc[0] == "add_progress_record"
    db.close()
    # the page lists the new record with its source once the page reruns
    at.run()
    rec = frame_with(at, tr("evidence.col_by", "en"))
    assert rec[tr("evidence.col_value", "en")].tolist() == ["–", "–", "12"]
    assert rec[tr("common.source", "en")].tolist()[2] == "https://data.gov.vn/"


def test_viewer_cannot_add_even_if_the_form_were_shown(fresh_db):
    db = open_store(fresh_db)
    viewer = Actor(name="v", role="viewer")
    record = ProgressRecord(
        target_id="T2030_OPEN_DATASETS",
        recorded_on=dt.date(2025, 1, 1),
        value=1,
        source_url="https://example.org/a",
    )
    before = len(q.progress_records(db))
    with pytest.raises(PermissionDenied):
        services.add_progress_record(db, viewer, record)
    assert len(q.progress_records(db)) == before
    db.close()


def test_analyst_adds_a_target_set(open_page, fresh_db):
    at = open_page("targets", "en", db=fresh_db, actor=ANALYST)
    csv = (
        "strategy_id,target_id,horizon_year,kind,comparator,target_value,group_id,yardstick_index,yardstick_measure,"
        "unit_en,unit_vi,text_vi,text_en,source_url\n"
        "QD127_2021,T2035_WORLD_RANK,2035,rank,<=,40,WORLD,GAIRI,total,,,Top 40 thế giới,Top 40 in the world,https://x.vn\n"
        "QD127_2021,T2035_DATASETS,2035,count,>=,100,,,,datasets,bộ dữ liệu,100 bộ dữ liệu mở,100 open datasets,https://x.vn\n"
    ).encode()
    at.file_uploader(key="targets_upload").set_value(("new.csv", csv, "text/csv")).run()
    assert not at.exception
    assert not at.main.error
    add = next(b for b in at.main.button if b.label == tr("targets_page.add_set", "en", n=2))
    add.click().run()
    assert not at.exception
    db = open_store(fresh_db)
    assert {"T2035_WORLD_RANK", "T2035_DATASETS"} <= set(q.targets(db)["target_id"])
    db.close()


def test_target_set_is_added_all_or_nothing(fresh_db):
    db = open_store(fresh_db)
    before = len(q.targets(db))
    audit_before = len(q.audit_log(db, 1000))
    good = services.get_target(db, "T2030_AI_BRANDS").model_copy(update={"target_id": "T2035_AI_BRANDS"})
    bad_group = services.get_target(db, "T2030_ASEAN_RANK").model_copy(
        update={"target_id": "T2035_APAC_RANK", "group_id": "APAC"}
    )
    bad_index = services.get_target(db, "T2030_WORLD_RANK").model_copy(
        update={"target_id": "T2035_WORLD_RANK", "yardstick_index": "NOPE"}
    )
    repeated = good.model_copy()
    with pytest.raises(ValidationFailed) as caught:
        services.add_targets(db, ANALYST, [good, bad_group, bad_index, repeated])
    assert [(p.code, p.row, p.column) for p in caught.value.problems] == [
        ("unknown_group_id", 3, "group_id"),
        ("unknown_index", 4, "yardstick_index"),
        ("target_exists", 5, "target_id"),
    ]
    assert len(q.targets(db)) == before  # the good one was not written either
    assert len(q.audit_log(db, 1000)) == audit_before
    with pytest.raises(PermissionDenied):
        services.add_targets(db, Actor(name="v", role="viewer"), [good])
    second = good.model_copy(update={"target_id": "T2035_MORE_BRANDS", "unit_en_one": "brand"})
    assert services.add_targets(db, ANALYST, [good, second]) == 2
    assert len(q.targets(db)) == before + 2
    log = q.audit_log(db, 1000)
    assert len(log) == audit_before + 1  # one entry for the whole set
    assert log["action"].iloc[0] == "add_targets"
    assert q.targets(db).set_index("target_id").loc["T2035_MORE_BRANDS", "unit_en_one"] == "brand"
    db.close()


def test_target_set_page_shows_every_problem_in_vietnamese(open_page, fresh_db):
    at = open_page("targets", "vi", db=fresh_db, actor=ANALYST)
    csv = (
        "strategy_id,target_id,horizon_year,kind,comparator,target_value,group_id,yardstick_index,yardstick_measure,"
        "unit_en,unit_vi,text_vi,text_en,source_url\n"
        "QD127_2021,T2035_WORLD_RANK,2035,rank,<=,40,WORLD,GAIRI,total,,,Top 40 thế giới,Top 40,https://x.vn\n"
        "QD127_2021,T2035_DATASETS,20x5,count,>=,100,,,,datasets,bộ dữ liệu,100 bộ,100 open datasets,https://x.vn\n"
        "QD127_2021,T2035_BRANDS,2035,count,<=,100,,,,brands,thương hiệu,100 thương hiệu,100 brands,https://x.vn\n"
        "QD127_2021,T2035_CENTRES,2035,count,>=,5,,,,centres,trung tâm,,5 centres,https://x.vn\n"
    ).encode()
    at.file_uploader(key="targets_upload").set_value(("new.csv", csv, "text/csv")).run()
    assert not at.exception
    (error,) = at.main.error
    assert error.value.startswith(tr("targets_page.problems_title", "vi", n=3))  # rows 3, 4 and 5
    assert tr("problem.row", "vi", row=3) in error.value and tr("field.horizon_year", "vi") in error.value
    assert common.md(tr("error.target_count_rule", "vi")) in error.value  # shown literally
    assert tr("field.text_vi", "vi") in error.value
    assert not [w for w in ENGLISH_PYDANTIC if w in error.value]
    assert not [b for b in at.main.button if b.key == "targets_add_set"]  # nothing can be added
    db = open_store(fresh_db)
    assert "T2035_WORLD_RANK" not in set(q.targets(db)["target_id"])
    db.close()


def test_units_read_singular_for_one_in_english(open_page):
    at = open_page("targets", "en")
    listed = frame_with(at, tr("targets_page.col_text_vi", "en")).set_index("ID")
    goal = tr("targets_page.col_goal", "en")
    assert listed.loc["T2025_BIGDATA_HPC_CENTRES", goal] == "1 centre"
    assert listed.loc["T2030_TOP20_ASEAN_INSTITUTION", goal] == "1 institution"
    assert listed.loc["T2030_BIGDATA_HPC_CENTRES", goal] == "3 centres"
    at = open_page("targets", "vi")
    listed = frame_with(at, tr("targets_page.col_text_vi", "vi")).set_index("ID")
    assert listed.loc["T2025_BIGDATA_HPC_CENTRES", tr("targets_page.col_goal", "vi")] == "1 trung tâm"


# --- Data ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_data_browse_filter_and_findings(open_page, store, lang):
    at = open_page("data", lang)
    table = frame_with(at, "ISO3")
    scores = q.scores(store, "GAIRI", 2025)
    assert len(table) == len(scores) == 195
    at.multiselect(key="data_countries").set_value(["VNM", "THA"]).run()
    assert not at.exception
    table = frame_with(at, "ISO3")
    assert sorted(table["ISO3"]) == ["THA", "VNM"]
    vn = table[table["ISO3"] == "VNM"].iloc[0]
    assert vn[tr("common.score", lang)] == i18n.fmt_number(59.98, lang)
    assert vn[tr("data_page.col_published_rank", lang)] == "45"
    at.multiselect(key="data_levels").set_value(["pillar"]).run()
    table = frame_with(at, "ISO3")
    assert len(table) == 2 * 6  # six pillars in the 2025 framework
    # data-quality findings: all of them, with the Sri Lanka 2020 disagreement the notes mention
    findings = services.data_quality_findings(store)
    shown = frame_with(at, tr("data_page.col_detail", lang))
    assert len(shown) == len(findings)
    lka = shown[
        (shown[tr("common.edition", lang)] == "2020")
        & (shown[tr("data_page.col_country", lang)] == "Sri Lanka")
    ]
    assert lka.iloc[0][tr("data_page.col_published_rank", lang)] == 90
    # each finding explained in the page's language (no English engine note on a Vietnamese page)
    finding = next(f for f in findings if (f.iso3, f.index_id, f.edition_year) == ("LKA", "GAIRI", 2020))
    assert lka.iloc[0][tr("data_page.col_detail", lang)] == progress.finding_text(finding, lang)
    details = shown[tr("data_page.col_detail", lang)].tolist()
    assert all(d and d != "–" for d in details)
    if lang == "vi":
        assert not [d for d in details if re.search(r"published|computed|from its parts|score \d", d)]
        assert tr("finding.rank_mismatch", "vi").split(" ")[0] in details[0]


def test_data_other_index_and_edition(open_page, store):
    at = open_page("data", "en")
    at.selectbox(key="data_index").set_value("WIPO_GII").run()
    at.selectbox(key="data_edition_WIPO_GII").set_value(2023).run()
    assert not at.exception
    table = frame_with(at, "ISO3")
    assert len(table) == len(q.scores(store, "WIPO_GII", 2023))
    assert "wipo.int" in texts(at)


# --- Methodology ----------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_methodology_text_and_trace(open_page, store, lang):
    at = open_page("methodology", lang)
    from metrics import progress

    titles = [e.label for e in at.main.expander]
    assert [t_ for t_, _ in progress.methodology(lang)] == titles[: len(progress.methodology(lang))]
    a = next(x for x in services.assess_targets(store, "VNM", OLD) if x.target_id == "T2025_ASEAN_RANK")
    trace = next(m.value for m in at.main.markdown if m.value.startswith("1. "))
    assert trace.count("\n") + 1 == len(a.trace.steps)
    assert tr(a.trace.steps[0].key, lang) in trace
    assert badge(a.trace.result, lang) in texts(at)
    assert tr("methodology_page.rule_applied", lang, rule=tr(a.trace.rule, lang)) in texts(at)
    at.selectbox(key="methodology_target").set_value("T2030_WORLD_RANK").run()
    b = next(x for x in services.assess_targets(store, "VNM", OLD) if x.target_id == "T2030_WORLD_RANK")
    trace = next(m.value for m in at.main.markdown if m.value.startswith("1. "))
    assert trace.count("\n") + 1 == len(b.trace.steps)


# --- every choice a user can make on the pages with a selector ------------------------------------


def test_every_index_edition_and_comparison_renders(open_page, store):
    """Each index on Rankings (AIPI: one edition, no published ranks), each ASEAN edition (2019 has
    no pillars; Timor-Leste counted from 2025), each pillar edition against each target group."""
    at = open_page("rankings", "vi")
    for index_id in ("WIPO_GII", "IMF_AIPI", "GAIRI"):
        at.radio(key="rankings_index").set_value(index_id).run()
        assert not at.exception, index_id
        # only deadlines after the index's latest edition are offered for a projection
        latest = int(q.editions(store, index_id)["edition_year"].max())
        horizons = {int(o.rsplit(" — ", 1)[1]) for o in at.selectbox(key="rankings_target").options}
        assert horizons == {y for y in q.targets(store, OLD)["horizon_year"] if y > latest}, index_id
    at = open_page("asean", "en")
    for edition in q.editions(store, "GAIRI")["edition_year"]:
        at.selectbox(key="asean_edition").set_value(int(edition)).run()
        assert not at.exception, edition
        members = services.group_table(store, "GAIRI", int(edition), "ASEAN")
        assert len(frame_with(at, tr("common.global_rank", "en"))) == len(members)
    at = open_page("pillars", "en")
    for edition in (2020, 2022, 2024):
        at.selectbox(key="pillars_edition").set_value(edition).run()
        for option in (("ASEAN", 4), ("ASEAN", 5), ("WORLD", 50), ("WORLD", 60)):
            at.selectbox(key="pillars_target").set_value(option).run()
            assert not at.exception, (edition, option)
    at = open_page("whatif", "en")
    at.selectbox(key="whatif_edition").set_value(2022).run()
    assert not at.exception
    base = services.what_if(store, "GAIRI", 2022, "VNM", {})
    assert at.main.metric[1].value == rank_of(base.base_rank, base.of, "en") == rank_of(55, 181, "en")


# --- charts that prove the answer ----------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_overview_chart_proves_the_scorecard(open_page, store, lang):
    at = open_page("overview", lang)
    history = [r for r in services.rank_history(store, "GAIRI", "VNM", "ASEAN") if r.score is not None]
    spec = next(f for f in figures(at) if f["data"] and f["data"][0].get("y"))
    assert spec["data"][0]["x"] == [r.edition_year for r in history]
    assert spec["data"][0]["y"] == [r.published_rank or r.computed_rank for r in history]
    last = history[-1]
    assert spec["data"][0]["text"][-1] == tr(
        "overview.chart_point", lang, rank=last.published_rank, group="ASEAN", group_rank=last.group_rank
    )
    lines = sorted(s["y0"] for s in spec["layout"]["shapes"] if s.get("yref") == "y")
    assert lines == [50, 60]  # the world rank targets, from the data
    title = chart_words(at)[figures(at).index(spec)][0]
    rank = last.published_rank
    verdict = (
        tr("overview.chart_inside_all", lang, n=50)
        if rank <= 50
        else tr("overview.chart_inside_some", lang, inside=60, outside=50)
        if rank <= 60
        else tr("overview.chart_outside", lang, n=50)
    )
    assert title == tr(
        "overview.chart_title",
        lang,
        index="GAIRI",
        edition=last.edition_year,
        rank=fmt.ordinal(last.published_rank, lang),
        verdict=verdict,
        group="ASEAN",
        group_rank=fmt.ordinal(last.group_rank, lang),
    )
    # the chart comes right after the rank-target cards, before the history table
    assert figures(at)[0] == spec
    assert any(b.label == tr("ui.download_csv", lang) for b in at.main.get("download_button"))


@pytest.mark.parametrize("lang", LANGS)
def test_whatif_chart_against_each_rank_target(open_page, store, lang):
    at = open_page("whatif", lang)
    base = services.what_if(store, "GAIRI", 2025, "VNM", {})
    spec = next(f for f in figures(at) if f["data"] and f["data"][0].get("orientation") == "h")
    targets = q.targets(store, OLD)
    rank = targets[targets["kind"] == "rank"].sort_values(["horizon_year", "group_id"])
    gaps = []
    for x in rank.to_dict("records"):
        total = services.measure_gaps(store, "GAIRI", 2025, x["group_id"], int(x["target_value"]))[0]
        gaps.append(base.new_total - total.threshold)
    assert spec["data"][0]["x"] == pytest.approx(gaps[::-1])  # plotly draws the first row at the bottom
    reached = sum(g >= 0 for g in gaps)
    title = chart_words(at)[figures(at).index(spec)][0]
    assert title.startswith(tr("whatif.chart_title_base", lang, k=reached, n=len(gaps), edition=2025))
    at.select_slider(key="whatif_2025_pillar_policy_capacity").set_value(100.0).run()
    spec = next(f for f in figures(at) if f["data"] and f["data"][0].get("orientation") == "h")
    moved = services.what_if(store, "GAIRI", 2025, "VNM", {"pillar_policy_capacity": 100.0})
    assert max(spec["data"][0]["x"]) == pytest.approx(max(gaps) + moved.new_total - base.new_total)
    assert chart_words(at)[figures(at).index(spec)][0].startswith(
        tr("whatif.chart_title_changed", lang, k=0, n=0, edition=0)[:12]
    )


def test_a_project_error_on_a_page_is_shown_translated_not_as_a_traceback(open_page, fresh_db, monkeypatch):
    from metrics.errors import NotFound

    def broken(*args, **kwargs):
        raise NotFound("edition_not_found", index_id="GAIRI", edition_year=2031)

    monkeypatch.setattr(services, "assess_targets", broken)
    monkeypatch.setattr(sys, "argv", ["dashboard.py", "--db", str(fresh_db)])
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=90)
    at.query_params["lang"] = "en"
    at.run()
    assert not at.exception
    assert [e.value for e in at.error] == [
        tr("error.edition_not_found", "en", index_id="GAIRI", edition_year=2031)
    ]


def test_report_page_defaults_to_the_latest_edition_with_viet_nams_total(fresh_db, monkeypatch):
    from metrics.store import open_store
    from tests.test_import_helpers import run_import

    store = open_store(fresh_db)
    run_import(
        store, ROOT / "tests" / "fixtures" / "bad" / "vi_total_unknown_cp1258.csv", allow_no_headline=True
    )
    store.close()
    monkeypatch.setattr(sys, "argv", ["dashboard.py", "--db", str(fresh_db)])
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=90)
    at.query_params["lang"] = "en"
    at.session_state["actor"] = ANALYST
    at.run()
    at.switch_page("app_pages/report.py").run()
    assert not at.exception
    assert at.selectbox(key="report_as_of").value == 2025
    at.selectbox(key="report_as_of").set_value(2026).run()
    at.button(key="report_generate").click().run()
    assert not at.exception
    assert any("2026" in e.value and "no total score" in e.value for e in at.error)
