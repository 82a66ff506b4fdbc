"""Data: browsing, filtering and the data-quality findings; another index and edition.

Through Streamlit's AppTest on the seeded database, in Vietnamese and English where marked
(the open_page fixture is in tests/conftest.py, the shared helpers in tests/pages_support.py)."""

from __future__ import annotations

import re

import pytest

from metrics import i18n, progress, services
from metrics.store import queries as q
from tests.pages_support import (
    LANGS,
    frame_with,
    texts,
    tr,
)


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


@pytest.mark.parametrize("lang", LANGS)
def test_data_of_ai_articles_are_counts_in_articles(open_page, store, lang):
    """AI articles' values are counts: the column says so and shows whole articles, not "Score"."""
    at = open_page("data", lang)
    at.selectbox(key="data_index").set_value("ETO_CAT_AI").run()
    assert not at.exception, [e.message for e in at.exception]
    column = f"{tr('common.value', lang)} ({ {'vi': 'bài báo', 'en': 'articles'}[lang] })"
    table = frame_with(at, column)
    assert tr("common.score", lang) not in table.columns
    edition = at.selectbox(key="data_edition_ETO_CAT_AI").value
    scores = q.scores(store, "ETO_CAT_AI", edition)
    vn = float(scores.loc[scores["iso3"] == "VNM", "value"].iloc[0])
    assert table.loc[table["ISO3"] == "VNM", column].tolist() == [i18n.fmt_number(vn, lang, 0)]
