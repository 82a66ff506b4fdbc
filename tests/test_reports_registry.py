"""The report's sections and data-pack sheets are found by id: every `SectionId` has exactly one
builder (metrics.reports.registry), and every data-pack sheet names real sections and has its
name in both catalogs (metrics.reports.datapack)."""

from __future__ import annotations

from typing import get_args

import pytest

from metrics import i18n
from metrics.reports import registry
from metrics.reports.datapack import SHEETS
from metrics.reports.model import SECTION_IDS, SectionId


def test_every_section_id_has_a_builder_and_every_builder_an_id():
    builders = registry.builders()
    assert set(builders) == set(get_args(SectionId))
    assert all(callable(b) for b in builders.values())


def test_a_section_id_cannot_have_two_builders():
    builders = registry.builders()

    def another(ctx):
        raise AssertionError("never called")

    with pytest.raises(ValueError, match="headline"):
        registry.section("headline")(another)
    assert registry.builders()["headline"] is builders["headline"]


def test_a_missing_builder_is_named(monkeypatch):
    registry.builders()
    monkeypatch.delitem(registry._BUILDERS, "asean")  # its module is imported: not registered again
    with pytest.raises(LookupError, match="asean"):
        registry.builders()


@pytest.mark.parametrize("lang", i18n.LANGS)
def test_every_data_pack_sheet_is_named_in_both_languages(lang):
    ids = [s.sheet_id for s in SHEETS]
    assert len(ids) == len(set(ids))
    catalog = i18n.catalog(lang)
    for sheet in SHEETS:
        assert f"report.xlsx.{sheet.sheet_id}" in catalog, sheet.sheet_id
        assert set(sheet.when) <= set(SECTION_IDS), sheet.sheet_id


@pytest.mark.parametrize("lang", i18n.LANGS)
def test_every_section_has_its_name_in_both_languages(lang):
    # the Report page's section picker names each section by report.section.<id>
    catalog = i18n.catalog(lang)
    assert [s for s in get_args(SectionId) if f"report.section.{s}" not in catalog] == []
