"""Layout detection and reading of the real publisher workbooks in tests/fixtures/raw/.

The expected figures are data/observations.csv (built from the same files by hand, see
data/sources/SOURCES.md): every country row of an edition must be reproduced - total, published
rank and every pillar/dimension - and nothing else.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from metrics.errors import MetricsError, ValidationFailed
from metrics.ingest.workbook import detect_layout, read_workbook

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "tests" / "fixtures" / "raw"
RAW_FILES = sorted(p.name for p in RAW.glob("*.xlsx"))

EXPECTED_KIND = {
    "oxford_insights_gairi_2019_SHARED_-2019-Index-data-for-report.xlsx": ("single", ("Rankings",)),
    "oxford_insights_gairi_2020_public-dataset.xlsx": (
        "ranking+detail",
        ("Global ranking", "Detailed scores"),
    ),
    "oxford_insights_gairi_2021_public-dataset.xlsx": (
        "ranking+detail",
        ("Global ranking", "Detailed scores"),
    ),
    "oxford_insights_gairi_2022_public-data.xlsx": ("ranking+detail", ("Global rankings", "Detailed scores")),
    "oxford_insights_gairi_2023_public-indicator-data.xlsx": (
        "ranking+detail",
        ("Global rankings", "Pillar & dimension scores"),
    ),
    "wipo_gii_2021_wipo_pub_2000-tech1.xlsx": ("gii_long", ("GII 2021 Data",)),
    "wipo_gii_2022_wipo-pub-2000-2022-tech1.xlsx": ("gii_long", ("Data",)),
    "wipo_gii_2023_wipo-pub-2000-2023-tech1.xlsx": ("gii_long", ("Data",)),
    "wipo_gii_2024_wipo-pub-2000-2024-tech1.xlsx": ("gii_long", ("Data",)),
}


@pytest.fixture(scope="module")
def observations() -> pd.DataFrame:
    return pd.read_csv(ROOT / "data" / "observations.csv", keep_default_na=False, dtype=str)


@pytest.fixture(scope="module")
def read_cache() -> dict:
    """Each raw file is read once for the whole module (the GII files take ~1 s each)."""
    return {}


def _read(cache: dict, name: str):
    if name not in cache:
        cache[name] = read_workbook(RAW / name)
    return cache[name]


def test_every_raw_file_is_covered():
    assert sorted(EXPECTED_KIND) == RAW_FILES


@pytest.mark.parametrize("name", RAW_FILES)
def test_layout_kind_and_sheets(name, read_cache):
    _, layout = _read(read_cache, name)
    kind, sheets = EXPECTED_KIND[name]
    assert layout.kind == kind
    assert layout.sheets == sheets
    assert layout.column("country") is not None
    assert layout.column("total") is not None
    assert layout.column("rank") is not None


@pytest.mark.parametrize("name", RAW_FILES)
def test_reproduces_observations(name, observations, read_cache):
    df, _ = _read(read_cache, name)
    expected = observations[observations["source_file"] == f"raw/{name}"]
    assert len(expected) > 0
    assert df["country"].nunique() == expected["name_in_source"].nunique() == expected["iso3"].nunique()

    got = {(r.country, r.measure_id): r for r in df.itertuples()}
    assert len(got) == len(df), "one value per country and measure"
    assert len(df) == len(expected), "no extra or missing (country, measure) values"
    for e in expected.itertuples():
        g = got[(e.name_in_source, e.measure_id)]
        assert abs(g.value - float(e.value)) < 1e-6, (e.name_in_source, e.measure_id, g.value, e.value)
        if e.measure_id == "total":
            assert g.published_rank == int(e.published_rank), (e.name_in_source, g.published_rank)
        else:
            assert pd.isna(g.published_rank)


def test_gairi_2020_total_comes_from_the_unrounded_detail_sheet(read_cache):
    df, layout = _read(read_cache, "oxford_insights_gairi_2020_public-dataset.xlsx")
    usa = df[(df.country == "United States of America") & (df.measure_id == "total")].iloc[0]
    assert usa.value == pytest.approx(85.47916278, abs=1e-9)  # the ranking sheet shows 85.479
    assert usa.published_rank == 1
    assert usa.source_sheet == "Detailed scores"
    assert layout.column("total")["sheet"] == "Detailed scores"
    assert layout.column("rank")["sheet"] == "Global ranking"


def test_gairi_2019_regional_tables_are_considered_but_not_read(read_cache):
    df, layout = _read(read_cache, "oxford_insights_gairi_2019_SHARED_-2019-Index-data-for-report.xlsx")
    assert layout.header_row == 2
    assert len(layout.candidates) > 1  # global + regional rankings side by side
    assert layout.candidates[0] == "'Rankings'!B2"
    assert "AVERAGE" not in set(df.country)
    # Names are trimmed: the file prints "United States of America " with a trailing space.
    assert "United States of America" in set(df.country)


def test_gii_2021_iso_column_named_iso2_holds_iso3(read_cache):
    df, layout = _read(read_cache, "wipo_gii_2021_wipo_pub_2000-tech1.xlsx")
    assert layout.column("iso_code")["header"] == "ISO2"
    assert layout.iso_kind == "iso3"
    vnm = df[df.iso_code == "VNM"].iloc[0]
    assert vnm.measure_id == "total"


def test_pillars_and_dimensions_are_mapped_to_measure_ids(read_cache):
    _, layout = _read(read_cache, "oxford_insights_gairi_2022_public-data.xlsx")
    assert set(layout.measures) == {
        "pillar_government",
        "pillar_technology_sector",
        "pillar_data_infrastructure",
        "dim_vision",
        "dim_governance_and_ethics",
        "dim_digital_capacity",
        "dim_adaptability",
        "dim_maturity",
        "dim_innovation_capacity",
        "dim_human_capital",
        "dim_infrastructure",
        "dim_data_availability",
        "dim_data_representativeness",
    }
    assert layout.measures["pillar_data_infrastructure"]["header"] == "Data and Infrastructure"


# --- layouts built in tmp_path ---------------------------------------------------------------


def _shifted_copy(src: Path, dst: Path) -> None:
    """Every sheet gets a title row on top and a blank first column."""
    wb = openpyxl.load_workbook(src)
    for ws in wb.worksheets:
        ws.insert_rows(1)
        ws.insert_cols(1)
        ws["B1"] = f"{ws.title} - downloaded from the publisher"
    wb.save(dst)


@pytest.mark.parametrize(
    "name",
    [
        "oxford_insights_gairi_2019_SHARED_-2019-Index-data-for-report.xlsx",
        "oxford_insights_gairi_2022_public-data.xlsx",
    ],
)
def test_title_row_and_blank_first_column_read_identically(name, tmp_path, read_cache):
    original, layout = _read(read_cache, name)
    copy = tmp_path / name
    _shifted_copy(RAW / name, copy)
    df, shifted = read_workbook(copy)
    assert shifted.kind == layout.kind
    assert shifted.sheets == layout.sheets
    assert shifted.header_rows == {s: r + 1 for s, r in layout.header_rows.items()}
    cols = ["country", "iso_code", "measure_id", "value", "published_rank", "source_sheet"]
    pd.testing.assert_frame_equal(df[cols], original[cols])
    assert (df["source_row"] == original["source_row"] + 1).all()


def _workbook(path: Path, sheets: dict[str, list[list]]) -> Path:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    cell.data_type = "s"  # a text rank "=6", not a formula
    wb.save(path)
    return path


RANKING = [["Rank", "Country", "Score"], [1, "Singapore", 81.9], [2, "Viet Nam", 54.5], [3, "Lao PDR", 20.1]]


def test_two_ranking_sheets_are_ambiguous(tmp_path):
    path = _workbook(tmp_path / "two.xlsx", {"Ranking 2024": RANKING, "Ranking 2025": RANKING})
    with pytest.raises(MetricsError) as err:
        detect_layout(path)
    assert err.value.code == "layout_ambiguous"
    assert err.value.params["candidates"] == ["'Ranking 2024'!B1", "'Ranking 2025'!B1"]
    assert err.value.params["hint"] == "--sheet"
    df, layout = read_workbook(path, sheet="Ranking 2025")
    assert layout.kind == "single" and layout.sheets == ("Ranking 2025",)
    assert list(df.country) == ["Singapore", "Viet Nam", "Lao PDR"]


def test_hidden_sheets_are_read_only_when_named(tmp_path):
    path = _workbook(tmp_path / "hidden.xlsx", {"Ranking": RANKING, "old": RANKING[:2]})
    wb = openpyxl.load_workbook(path)
    wb["old"].sheet_state = "hidden"
    wb.save(path)
    assert detect_layout(path).sheets == ("Ranking",)
    assert detect_layout(path, sheet="old").sheets == ("old",)


def test_workbook_without_a_table_is_not_found(tmp_path):
    path = _workbook(
        tmp_path / "none.xlsx",
        {"Readme": [["About this index"], ["Scores are 0-100"]], "Chart": [["Country"], ["no numbers here"]]},
    )
    with pytest.raises(MetricsError) as err:
        detect_layout(path)
    assert err.value.code == "layout_not_found"
    assert err.value.params["sheets"] == ["Readme", "Chart"]


def test_unknown_sheet(tmp_path):
    path = _workbook(tmp_path / "one.xlsx", {"Ranking": RANKING})
    with pytest.raises(MetricsError) as err:
        detect_layout(path, sheet="Rankings")
    assert err.value.code == "sheet_not_found"
    assert err.value.params == {"sheet": "Rankings", "sheets": ["Ranking"]}


def test_not_a_workbook(tmp_path):
    path = tmp_path / "x.xlsx"
    path.write_bytes(b"Country,Score\nViet Nam,1\n")
    with pytest.raises(MetricsError) as err:
        detect_layout(path)
    assert err.value.code == "not_a_workbook"


def test_text_ranks_missing_markers_and_bytes_input(tmp_path):
    rows = [
        ["Overall ranking 2024"],
        [],
        [None, "Position", "Economy", "Total score"],
        [None, "1", "Singapore", "81.9"],
        [None, "2=", "Thailand", 63.0],
        [None, "=2", "Malaysia", 63.0],
        [None, "4", "Timor-Leste", "n/a"],
        [None, 5, "Lao PDR", "–"],
        [None, None, "Average", 50],
    ]
    path = _workbook(tmp_path / "text.xlsx", {"Sheet1": rows})
    df, layout = read_workbook(path.read_bytes())
    assert layout.header_row == 3
    assert layout.column("country")["column"] == "C"
    assert list(df.country) == ["Singapore", "Thailand", "Malaysia"]
    assert list(df.published_rank) == [1, 2, 2]
    assert list(df.value) == [81.9, 63.0, 63.0]
    assert list(df.source_row) == [4, 5, 6]
    assert df.iso_code.isna().all()


def test_every_bad_cell_is_reported(tmp_path):
    rows = [["Rank", "Country", "Score"], [1, "A", "high"], ["first", "B", 2.0], [3, "C", 1.0], [4, "A", 0.5]]
    path = _workbook(tmp_path / "bad.xlsx", {"Ranking": rows})
    with pytest.raises(ValidationFailed) as err:
        read_workbook(path)
    got = [(p.code, p.row, p.column, p.value, p.params.get("cell")) for p in err.value.problems]
    assert got == [
        ("not_a_number", 2, "Score", "high", "C2"),
        ("not_a_number", 3, "Rank", "first", "A3"),
        ("duplicate_row", 5, "Country", "A", "B5"),
    ]


def test_ranking_and_detail_must_agree(tmp_path):
    ranking = [
        ["Ranking", "Country", "Total"],
        [1, "Singapore", 81.971],
        [2, "Viet Nam", 54.48],
        [3, "Chad", 9],
    ]
    detail = [
        [None, "Pillars"],
        ["Country", "Total score", "Government Pillar", "Data & Infrastructure"],
        ["Singapore", 81.97096482, 80.1, 95.0],
        ["Viet Nam", 54.6, 69.0, "N/A"],
        ["Lao PDR", 30.0, 20.0, 25.0],
    ]
    path = _workbook(tmp_path / "rd.xlsx", {"Global rankings": ranking, "Scores per pillar": detail})
    with pytest.raises(ValidationFailed) as err:
        read_workbook(path)
    got = [(p.code, p.params["sheet"], p.row, p.value) for p in err.value.problems]
    assert got == [
        ("total_mismatch", "Global rankings", 3, "54.48"),
        ("country_not_in_detail", "Global rankings", 4, "Chad"),
        ("country_not_in_ranking", "Scores per pillar", 5, "Lao PDR"),
    ]


def test_long_sheet_takes_the_overall_row(tmp_path):
    rows = [
        ["ISO3", "ECONOMY_NAME", "NUM", "NAME", "SCORE", "RANK"],
        ["VNM", "Viet Nam", None, "Global Innovation Index", 44.3, "44"],
        ["VNM", "Viet Nam", "IN", "Innovation inputs", 40.0, 50],
        ["SGP", "Singapore", None, "Global Innovation Index", 61.2, 4],
        ["SGP", "Singapore", "IN.1", "Institutions", 90.0, 1],
    ]
    path = _workbook(tmp_path / "gii.xlsx", {"Economies": [["ISO3", "ECONOMY_NAME", "POP"]], "Data": rows})
    df, layout = read_workbook(path, index_hint="WIPO_GII")
    assert layout.kind == "gii_long"
    assert list(zip(df.iso_code, df.value, df.published_rank, df.source_row)) == [
        ("VNM", 44.3, 44, 2),
        ("SGP", 61.2, 4, 4),
    ]


def test_new_framework_headers_need_no_code_change(tmp_path):
    detail = [
        ["Country", "Total", "Policy Capacity", "AI Infrastructure", "Something New"],
        ["Viet Nam", 59.98, 60.0, 55.5, 1.0],
    ]
    ranking = [["Rank", "Country", "Total"], [1, "Viet Nam", 59.98]]
    path = _workbook(tmp_path / "new.xlsx", {"Global Rankings": ranking, "Dimensions-Pillars": detail})
    df, layout = read_workbook(path)
    assert layout.kind == "ranking+detail"
    assert set(df.measure_id) == {"total", "pillar_policy_capacity", "pillar_ai_infrastructure"}
    assert layout.describe()["unmapped"] == {"Dimensions-Pillars": ["Something New"]}


def test_column_letters_are_openpyxls():
    from openpyxl.utils import get_column_letter

    from metrics.ingest.workbook import _column_letter

    assert [_column_letter(n) for n in range(1, 18279)] == [get_column_letter(n) for n in range(1, 18279)]
