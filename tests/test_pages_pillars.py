"""Pillars: the gaps of each pillar and dimension match the engine, against each target's threshold.

Through Streamlit's AppTest on the seeded database, in Vietnamese and English where marked
(the open_page fixture is in tests/conftest.py, the shared helpers in tests/pages_support.py)."""

from __future__ import annotations

import pytest

from metrics import i18n, services
from tests.pages_support import (
    LANGS,
    figures,
    frame_with,
    texts,
    tr,
)


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
