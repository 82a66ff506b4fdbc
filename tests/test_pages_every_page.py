"""Every page in both languages (no untranslated text, a source and a download under every chart),
every choice a selector offers, and a project error shown translated.

Through Streamlit's AppTest on the seeded database, in Vietnamese and English where marked
(the open_page fixture is in tests/conftest.py, the shared helpers in tests/pages_support.py)."""

from __future__ import annotations

import re
import sys

import pytest
from streamlit.testing.v1 import AppTest

from metrics import i18n, services
from metrics.store import queries as q
from tests.conftest import ROOT
from tests.pages_support import (
    LANGS,
    OLD,
    PAGES,
    chart_words,
    figures,
    frame_with,
    rank_of,
    texts,
    tr,
)


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
