"""Indices side by side: every second opinion with data is counted, and the percentile chart.

Through Streamlit's AppTest on the seeded database, in Vietnamese and English where marked
(the open_page fixture is in tests/conftest.py, the shared helpers in tests/pages_support.py)."""

from __future__ import annotations

import pytest

from metrics import services
from metrics.present import phrases
from tests.pages_support import (
    LANGS,
    badge,
    figures,
    frame_with,
    rank_of,
    texts,
    tr,
)


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
    short = {r["index_id"]: phrases.short_name(r, lang) for r in services.q.indices(store).to_dict("records")}
    world = [i for i in services.index_order(store) if i != "ETO_CAT_AI"]
    assert [t_["name"] for t_ in percentile["data"]] == [short[i] for i in world]
    region = "Southeast Asia" if lang == "en" else "Đông Nam Á"
    said = tr("indices.percentile_regional", lang, index=short["ETO_CAT_AI"], region=region)
    assert said in [str(c.value) for c in at.main.caption]
    assert percentile["data"][0]["y"][-1] == pytest.approx(
        services.rank_history(store, "GAIRI")[-1].percentile
    )
