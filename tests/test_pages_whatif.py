"""What-if: the sliders move the score and the ranks as the engine says; the chart against each rank
target.

Through Streamlit's AppTest on the seeded database, in Vietnamese and English where marked
(the open_page fixture is in tests/conftest.py, the shared helpers in tests/pages_support.py)."""

from __future__ import annotations

import pytest

from metrics import i18n, services
from metrics.store import queries as q
from tests.pages_support import (
    LANGS,
    OLD,
    chart_words,
    figures,
    frame_with,
    rank_of,
    tr,
)


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
