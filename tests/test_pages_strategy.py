"""The pages on the strategy in force (Decision 1671), and Decision 127 one choice away, through
Streamlit's AppTest on the seeded database."""

from __future__ import annotations

import sys

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from metrics import i18n
from metrics import services_strategy as strategies
from tests.pages_support import first_run


def tr(key: str, lang: str, **params) -> str:
    return i18n.t(key, lang, **params)


@pytest.fixture
def targets_page(seeded_db_file, monkeypatch):
    def _open(lang: str) -> AppTest:
        monkeypatch.setattr(sys, "argv", ["dashboard.py", "--db", str(seeded_db_file)])
        return first_run("targets", lang)

    return _open


def _table(at: AppTest, lang: str) -> pd.DataFrame:
    return next(d.value for d in at.dataframe if tr("strategy.lead_agency", lang) in d.value.columns)


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_targets_page_defaults_to_1671_with_every_indicator(targets_page, store, lang):
    at = targets_page(lang)
    table = _table(at, lang)
    assert len(table) == 34 and set(table[tr("targets_page.col_strategy", lang)]) == {"QD1671_2026"}
    mine = {t.target_id: t for t in strategies.targets(store, "QD1671_2026")}
    assert table[tr("targets_page.col_text_vi", lang)].tolist() == [
        mine[i].text_vi for i in table["ID"]
    ]  # the Vietnamese wording, verbatim
    by_id = table.set_index("ID")
    assert tr("strategy.proxy_label", lang) in by_id.loc["T1671_01", tr("targets_page.col_yardstick", lang)]
    assert by_id.loc["T1671_02", tr("targets_page.col_goal", lang)] == strategies.goal_text(
        mine["T1671_02"], lang
    )
    assert by_id.loc["T1671_02", tr("targets_page.col_goal", lang)].startswith(
        tr("strategy.goal_about", lang, amount="")[:4]
    )
    assert by_id.loc["T1671_15", tr("strategy.lead_agency", lang)] == (
        "Bộ Tư pháp" if lang == "vi" else "Ministry of Justice"
    )
    assert any(tr("strategy.in_force_notice", lang, name="")[-10:] in i.value for i in at.info)


def test_targets_page_shows_127_superseded_with_successors(targets_page):
    at = targets_page("en")
    at.selectbox(key="targets_strategy").set_value("QD127_2021").run()
    assert not at.exception
    assert any("superseded on" in w.value and "1671" in w.value for w in at.warning)
    table = _table(at, "en").set_index("ID")
    assert len(table) == 14
    status = table[tr("common.status", "en")]
    assert status["T2030_ASEAN_RANK"].endswith(tr("status.superseded", "en"))
    assert status["T2025_WORLD_RANK"].endswith(tr("status.achieved", "en"))
    successor = table[tr("strategy.successor_col", "en")]
    assert (successor["T2030_AI_BRANDS"], successor["T2030_WORLD_RANK"]) == (
        "T1671_20",
        tr("strategy.no_successor", "en"),
    )
