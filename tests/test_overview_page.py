"""The Overview page through Streamlit's AppTest, in both languages, on the seeded database."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT


def _run(db, lang: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=60)
    at.query_params["lang"] = lang
    import sys

    sys.argv = ["dashboard.py", "--db", str(db)]
    at.run()
    assert not at.exception, at.exception
    return at


def _history(at: AppTest, edition_col: str):
    """The rank-history table (the strategy scorecard comes before it on the page)."""
    return next(
        d.value for d in at.dataframe if {edition_col, "Score", "Điểm"} & set(d.value.columns) > {edition_col}
    )


def _text(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption] + [t.value for t in at.title]
    parts += [str(m.value) for m in at.metric]
    return "\n".join(parts)


@pytest.mark.parametrize(
    ("lang", "headline", "badge"),
    [
        ("vi", "Theo GAIRI 2025, Việt Nam xếp hạng 45/195 thế giới", "🏁 Đã đạt"),
        ("en", "In GAIRI 2025, Viet Nam ranks 45th of 195 in the world", "🏁 Achieved"),
    ],
)
def test_overview_answers_first_with_source(fresh_db, lang, headline, badge):
    at = _run(fresh_db, lang)
    text = _text(at)
    assert headline in text
    assert badge in text
    assert "oxfordinsights.com" in text


def test_overview_history_table_shows_published_figures(fresh_db):
    at = _run(fresh_db, "en")
    table = _history(at, "Edition")
    rows = {r["Edition"]: r for r in table.to_dict("records")}
    assert rows["2023"]["Global rank"] == "59 of 193"
    assert rows["2023"]["ASEAN rank"] == "5 of 10"
    assert rows["2021"]["Global rank"] == "62 of 160"
    assert rows["2021"]["ASEAN rank"] == "6 of 10"
    assert rows["2025"]["ASEAN rank"] == "5 of 11"


def test_vietnamese_uses_decimal_comma(fresh_db):
    at = _run(fresh_db, "vi")
    table = _history(at, "Kỳ công bố")
    assert table.loc[table["Kỳ công bố"] == "2023", "Điểm"].iloc[0] == "54,48 / 100"
