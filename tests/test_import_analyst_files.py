"""Analyst tables through the whole pipeline: XLSX long and wide (years or measures as columns),
Vietnamese headers and names, legacy encodings; each lands as the editions and measures it names."""

from __future__ import annotations

import io
import unicodedata

import pytest
from openpyxl import Workbook

from metrics.ingest import pipeline
from metrics.store import open_store
from metrics.store import queries as q
from tests.test_import_helpers import ANALYST

TONES = "\u0300\u0301\u0303\u0309\u0323"


def _cp1258(text: str) -> bytes:
    """Windows-1258 as Vietnamese Windows writes it: base letters precomposed, tone marks combining."""
    out = []
    for ch in unicodedata.normalize("NFC", text):
        parts = unicodedata.normalize("NFD", ch)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in TONES))
        out.append(base + "".join(c for c in parts if c in TONES))
    return "".join(out).encode("cp1258")


DATASET = {
    "index_id": "NATSTAT",
    "name": "National statistics",
    "unit": "count",
    "source_url": "https://gso.gov.vn",
}


def _xlsx(rows: list[list]) -> bytes:
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def store(fresh_db):
    s = open_store(fresh_db)
    yield s
    s.close()


CASES = [
    (
        "long_vi.xlsx",
        _xlsx(
            [
                ["Quốc gia", "Năm", "Chỉ tiêu", "Giá trị"],
                ["Việt Nam", 2022, "Doanh nghiệp AI", 10],
                ["Thái Lan", 2022, "Doanh nghiệp AI", 20],
                ["Xinh-ga-po", 2023, "Doanh nghiệp AI", 12],
            ]
        ),
        {2022: (["doanh_nghiep_ai"], {"VNM", "THA"}), 2023: (["doanh_nghiep_ai"], {"SGP"})},
    ),
    (
        "wide_years.xlsx",
        _xlsx([["Country", 2021, 2022], ["Viet Nam", 1, 2], ["Korea, Rep.", 4, 5]]),
        {2021: (["total"], {"VNM", "KOR"}), 2022: (["total"], {"VNM", "KOR"})},
    ),
    (
        "wide_measures.xlsx",
        _xlsx([["Country", "Year", "Start-ups", "R&D"], ["Viet Nam", 2023, 1, 2], ["Türkiye", 2023, 4, 5]]),
        {2023: (["r_d", "start_ups"], {"VNM", "TUR"})},
    ),
    (
        "utf16.txt",
        "country\tyear\tvalue\nViệt Nam\t2023\t1,5\nLào\t2023\t2,5\n".encode("utf-16"),
        {2023: (["total"], {"VNM", "LAO"})},
    ),
    (
        "cp1258.csv",
        _cp1258("Quốc gia;Năm;Giá trị\nViệt Nam;2023;1,5\nThụy Điển;2023;2,5\n"),
        {2023: (["total"], {"VNM", "SWE"})},
    ),
]


@pytest.mark.parametrize(("name", "data", "expected"), CASES, ids=[c[0] for c in CASES])
def test_analyst_tables_import_as_a_dataset(store, name, data, expected):
    options = pipeline.ImportOptions(**DATASET)
    source = pipeline.read_source(data, name, options)
    assert source.reader == "analyst"
    result = pipeline.commit(store, ANALYST, source, options)
    assert result.status == "imported"
    assert {e.edition_year: (e.measures, e.country_count) for e in result.plan.editions} == {
        year: (measures, len(countries)) for year, (measures, countries) in expected.items()
    }
    for year, (_, countries) in expected.items():
        assert set(q.observations(store, "NATSTAT", year)["iso3"]) == countries


def test_a_wide_xlsx_of_years_for_a_known_index_is_read_as_an_analyst_table(store):
    data = _xlsx([["Country", "2024"], ["Viet Nam", 55.0]])
    source = pipeline.read_source(data, "gairi_totals.xlsx", pipeline.ImportOptions(index_id="GAIRI"))
    assert source.reader == "analyst" and source.years == [2024]
    plan = pipeline.preview(store, ANALYST, source, pipeline.ImportOptions(index_id="GAIRI"))
    assert plan.status == "ready" and plan.editions[0].action == "replace"
    assert plan.editions[
        0
    ].diff.removed_countries  # the other countries of 2024 would go: shown before confirming
