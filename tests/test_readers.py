"""Analyst files: encodings, delimiters, number formats, long/wide forms and every problem code.

Fixtures are tiny files in tests/fixtures/good/ (must read) and tests/fixtures/bad/ (one kind of
problem each, with the exact row and column an analyst would look at).
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pandas as pd
import pytest

from metrics.errors import MetricsError, Problem, ValidationFailed
from metrics.ingest import headers as H
from metrics.ingest.readers import (
    decode_text,
    detect_decimal_comma,
    parse_number,
    parse_rank,
    read_analyst_file,
    read_text_table,
    sniff_delimiter,
)

FIXTURES = Path(__file__).resolve().parent / "fixtures"
GOOD, BAD = FIXTURES / "good", FIXTURES / "bad"
VI_TABLE = (
    "Quốc gia,Năm,Chỉ số,Giá trị\n"
    "Việt Nam,2023,total,54.48\n"
    "Thái Lan,2023,total,63.03\n"
    "Singapore,2023,total,81.97\n"
)


def to_cp1258(text: str) -> bytes:
    """Windows-1258 as Windows writes it: base letters (ê, ơ, ă...) precomposed, tones combining."""
    tones = "\u0300\u0301\u0303\u0309\u0323"
    out = bytearray()
    for ch in text:
        try:
            out += ch.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        d = unicodedata.normalize("NFD", ch)
        base = unicodedata.normalize("NFC", d[0] + "".join(c for c in d[1:] if c not in tones))
        out += base.encode("cp1258") + "".join(c for c in d[1:] if c in tones).encode("cp1258")
    return bytes(out)


def read(path: Path, **kw):
    return read_analyst_file(path.read_bytes(), path.name, **kw)


def problems_of(path: Path) -> list[tuple]:
    with pytest.raises(ValidationFailed) as err:
        read(path)
    return [(p.code, p.row, p.column, p.value) for p in err.value.problems]


# --- parse_number ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "decimal_comma", "expected"),
    [
        ("1,234.5", None, 1234.5),
        ("1,234.5", False, 1234.5),
        ("1.234,5", None, 1234.5),
        ("1.234,5", True, 1234.5),
        ("12,5", None, 12.5),
        ("12,5", True, 12.5),
        ("1 234,5", True, 1234.5),
        ("1\u00a0234,5", None, 1234.5),
        ("1\u202f234.5", False, 1234.5),
        ("1,234", None, 1234.0),
        ("1,234", True, 1.234),
        ("12.345", True, 12345.0),
        ("12.345", False, 12.345),
        ("1.234.567", True, 1234567.0),
        ("-3.5", None, -3.5),
        ("\u22123,5", True, -3.5),
        (" 54.48 ", None, 54.48),
        ("1e3", None, 1000.0),
        (7, None, 7.0),
        (7.25, True, 7.25),
        ("n/a", None, None),
        ("N/A", True, None),
        ("..", None, None),
        ("-", None, None),
        ("–", None, None),
        ("", None, None),
        (None, None, None),
        (float("nan"), None, None),
    ],
)
def test_parse_number(text, decimal_comma, expected):
    assert parse_number(text, decimal_comma) == expected


@pytest.mark.parametrize(
    ("text", "decimal_comma"),
    [("abc", None), ("12,5", False), ("1,234.5", True), ("1.2.3", True), ("12%", None), ("5 points", None)],
)
def test_parse_number_rejects_garbage(text, decimal_comma):
    with pytest.raises(ValueError):
        parse_number(text, decimal_comma)


@pytest.mark.parametrize(
    ("values", "delimiter", "expected"),
    [
        (["12,5", "3,25", "n/a"], ",", True),
        (["1.234,56", "12"], ",", True),
        (["12.5", "1,234.56"], ",", False),
        (["12.5", "12,5"], ",", None),
        (["1,234", "2,000"], ",", False),
        (["1,234", "2,000"], ";", True),
        (["12", "13"], ";", False),
    ],
)
def test_detect_decimal_comma(values, delimiter, expected):
    assert detect_decimal_comma(values, delimiter) is expected


@pytest.mark.parametrize(
    ("cell", "expected"), [(3, 3), (3.0, 3), ("12", 12), ("12=", 12), ("=6", 6), ("", None)]
)
def test_parse_rank(cell, expected):
    assert parse_rank(cell) == expected


@pytest.mark.parametrize("cell", ["first", 0, 2.5, "-3"])
def test_parse_rank_rejects(cell):
    with pytest.raises(ValueError):
        parse_rank(cell)


# --- headers ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "words"),
    [
        ("Country", H.COUNTRY),
        ("ECONOMY_NAME", H.COUNTRY),
        ("Quốc gia", H.COUNTRY),
        ("QUỐC GIA", H.COUNTRY),
        (unicodedata.normalize("NFD", "Tên nước"), H.COUNTRY),
        ("  Mã ", H.ISO_CODE),
        ("Kỳ", H.YEAR),
        ("Chỉ tiêu", H.MEASURE),
        ("Điểm", H.VALUE),
        ("2020 Ranking", H.RANK),
        ("Rank (of 194 globally; 54 regionally)", H.RANK),
        ("Thứ hạng", H.RANK),
        ("Total score", H.TOTAL),
        ("Overall  Score", H.TOTAL),
        ("Tổng điểm", H.TOTAL),
    ],
)
def test_header_synonyms(header, words):
    assert H.normalise_header(header) in H.lookup(words)


@pytest.mark.parametrize(
    ("header", "measure_id"),
    [
        ("Government", "pillar_government"),
        ("Government Pillar", "pillar_government"),
        ("Data & Infrastructure", "pillar_data_infrastructure"),
        ("Data and Infrastructure", "pillar_data_infrastructure"),
        ("Governance and Ethics", "dim_governance_and_ethics"),
        ("Governance & Ethics score", "dim_governance_and_ethics"),
        ("technology sector", "pillar_technology_sector"),
        ("Size", "dim_size"),
        ("Maturity", "dim_maturity"),
    ],
)
def test_measure_headers(header, measure_id):
    assert H.measure_lookup()[H.normalise_header(header)] == measure_id


def test_measure_headers_cover_every_gairi_measure():
    measures = pd.read_csv(Path(__file__).resolve().parents[1] / "data" / "measures.csv")
    gairi = set(measures[(measures.index_id == "GAIRI") & (measures.level != "total")].measure_id)
    assert gairi == set(H.MEASURE_HEADERS.values())


# --- encodings and delimiters ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "encoding", "delimiter"),
    [
        ("vi_long_utf8.csv", "utf-8", ","),
        ("vi_long_utf8_bom.csv", "utf-8-sig", ","),
        ("vi_long_utf16.txt", "utf-16-le", "\t"),
        ("vi_long_cp1258.csv", "cp1258", ","),
    ],
)
def test_same_table_in_every_encoding(name, encoding, delimiter):
    df, info = read(GOOD / name)
    assert (info["encoding"], info["delimiter"], info["form"]) == (encoding, delimiter, "long")
    assert list(df.country) == ["Việt Nam", "Thái Lan", "Singapore"]
    assert all(unicodedata.is_normalized("NFC", c) for c in df.country)
    assert list(df.edition_year) == [2023, 2023, 2023]
    assert list(df.measure_id) == ["total"] * 3
    assert list(df.value) == [54.48, 63.03, 81.97]
    assert list(df.source_row) == [2, 3, 4]
    assert info["columns"] == {
        "country": "Quốc gia",
        "iso_code": None,
        "year": "Năm",
        "measure": "Chỉ số",
        "value": "Giá trị",
        "rank": None,
    }


def test_cp1258_fixture_uses_combining_tone_marks():
    data = (GOOD / "vi_long_cp1258.csv").read_bytes()
    assert data == to_cp1258(VI_TABLE.replace("\n", "\r\n"))
    assert "\u0323" in data.decode("cp1258")  # "Việt": ê + combining dot below
    text, encoding = decode_text(data)
    assert encoding == "cp1258"
    assert "Việt Nam" in text and "\u0323" not in text


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom(codec):
    text, encoding = decode_text(VI_TABLE.encode(codec))
    assert (text, encoding) == (VI_TABLE, codec)


def test_utf8_wins_when_valid():
    text, encoding = decode_text(unicodedata.normalize("NFD", VI_TABLE).encode("utf-8"))
    assert encoding == "utf-8"
    assert text == VI_TABLE  # decomposed input comes out NFC


def test_semicolon_and_decimal_comma():
    df, info = read(GOOD / "semicolon_decimal_comma.csv")
    assert info["delimiter"] == ";"
    assert info["decimal_comma"] is True
    assert list(df.value) == [54.48, 63.03, 81.97]
    assert list(df.published_rank) == [59, 37, 2]


def test_tab_delimited_long_form_keeps_measure_as_written():
    df, info = read(GOOD / "tab_delimited.tsv")
    assert info["delimiter"] == "\t"
    assert list(df.measure_id) == ["pillar_government", "dim_vision"]
    assert list(df.value) == [69.04, 100.0]


@pytest.mark.parametrize(
    ("lines", "delimiter"),
    [
        (["a;b;c", "1,5;2;3"], ";"),
        (["a\tb", "1,5\t2"], "\t"),
        (["a,b,c", "1;2,3,4"], ","),
        (["a|b", "x|y"], "|"),
    ],
)
def test_sniff_delimiter(lines, delimiter):
    assert sniff_delimiter("\n".join(lines)) == delimiter


def test_missing_markers_are_dropped():
    df, _ = read(GOOD / "missing_markers.csv")
    assert list(df.country) == ["Việt Nam"]
    assert df.measure_id.tolist() == ["total"]


def test_title_and_trailing_notes_rows():
    table = read_text_table((GOOD / "trailing_notes.csv").read_bytes())
    assert table.attrs["header_row"] == 2
    assert list(table.columns) == ["Quốc gia", "Năm", "Tổng điểm"]
    assert list(table.index) == [3, 4]  # line numbers in the file
    df, info = read(GOOD / "trailing_notes.csv")
    assert info["header_row"] == 2
    assert list(df.country) == ["Việt Nam", "Thái Lan"]
    assert list(df.source_row) == [3, 4]
    assert list(df.measure_id) == ["total", "total"]


def test_read_text_table_keeps_strings():
    table = read_text_table((GOOD / "semicolon_decimal_comma.csv").read_bytes())
    assert table.attrs["encoding"] == "utf-8" and table.attrs["delimiter"] == ";"
    assert table.loc[2, "Score"] == "54,48"
    assert all(isinstance(v, str) for v in table.to_numpy().ravel())


# --- wide forms ---------------------------------------------------------------------------------


def test_wide_form_with_years_as_columns():
    df, info = read(GOOD / "wide_years.csv")
    assert (info["form"], info["wide_by"]) == ("wide", "year")
    assert info["year_columns"] == {"2021": 2021, "2022": 2022, "2023": 2023}
    got = list(zip(df.country, df.edition_year, df.measure_id, df.value, df.source_row))
    assert got == [
        ("Việt Nam", 2021, "total", 51.82, 2),
        ("Việt Nam", 2022, "total", 53.96, 2),
        ("Việt Nam", 2023, "total", 54.48, 2),
        ("Thái Lan", 2021, "total", 58.7, 3),
        ("Thái Lan", 2022, "total", 60.88, 3),
    ]


def test_wide_form_with_measures_as_columns_and_vietnamese_headers():
    df, info = read(GOOD / "wide_measures_vi.csv")
    assert (info["form"], info["wide_by"]) == ("wide", "measure")
    assert info["measure_columns"] == ["Tổng điểm", "pillar_government", "pillar_technology_sector"]
    assert info["columns"]["iso_code"] == "Mã" and info["columns"]["rank"] == "Xếp hạng"
    vn = df[df.country == "Việt Nam"].set_index("measure_id")
    assert vn.loc["total", "value"] == 54.48 and vn.loc["total", "published_rank"] == 59
    assert vn.loc["pillar_government", "value"] == 69.04
    assert pd.isna(vn.loc["pillar_government", "published_rank"])
    assert set(df.iso_code) == {"VNM", "THA"}


def test_xlsx_analyst_file():
    df, info = read(GOOD / "analyst_wide.xlsx")
    assert info["sheet"] == "Số liệu" and info["header_row"] == 2 and info["format"] == "xlsx"
    got = list(zip(df.country, df.measure_id, df.value.round(2), df.published_rank, df.source_row))
    assert got == [
        ("Việt Nam", "total", 54.48, 59, 3),
        ("Việt Nam", "Government", 69.04, pd.NA, 3),
        ("Việt Nam", "Technology Sector", 37.82, pd.NA, 3),
        ("Thái Lan", "total", 63.03, 37, 4),
        ("Thái Lan", "Technology Sector", 45.1, pd.NA, 4),
    ]


def test_xlsx_unknown_sheet():
    with pytest.raises(MetricsError) as err:
        read(GOOD / "analyst_wide.xlsx", sheet="Data")
    assert err.value.code == "sheet_not_found"
    assert err.value.params["sheets"] == ["Ghi chú", "Số liệu"]


def test_no_year_column_leaves_year_for_the_caller():
    df, _ = read_analyst_file(b"Country,Score\nViet Nam,54.48\n", "x.csv")
    assert df.edition_year.isna().all()
    assert str(df.edition_year.dtype) == "Int64"
    assert list(df.columns) == [
        "country",
        "iso_code",
        "edition_year",
        "measure_id",
        "value",
        "published_rank",
        "source_row",
    ]


# --- problems -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("bad_number.csv", [("not_a_number", 3, "Value", "sixty")]),
        ("missing_country.csv", [("missing_country", 4, "Country", None)]),
        ("missing_year.csv", [("missing_year", 2, "Year", None)]),
        ("year_out_of_range.csv", [("year_out_of_range", 3, "Year", "1890")]),
        ("duplicate_row.csv", [("duplicate_row", 4, None, "Viet Nam")]),
        ("no_header.csv", [("no_header", 1, None, None)]),
        ("no_value_column.csv", [("no_value_column", 1, None, None)]),
        ("bad_decimal.csv", [("not_a_number", 3, "Score", "1.2.3")]),
    ],
)
def test_bad_files(name, expected):
    assert problems_of(BAD / name) == expected


def test_duplicate_row_points_at_the_first_one():
    with pytest.raises(ValidationFailed) as err:
        read(BAD / "duplicate_row.csv")
    assert err.value.problems[0].params == {"first_row": 2, "measure": "total"}


def test_all_problems_are_reported_together():
    data = (
        "Tên nước;Năm;Giá trị;Thứ hạng\n"
        "Việt Nam;2023;54,48;59\n"
        "Thái Lan;20x3;63,03;37\n"
        ";2023;1,5;\n"
        "Lào;2023;abc;first\n"
        "Việt Nam;2023;54,5;59\n"
    ).encode()
    with pytest.raises(ValidationFailed) as err:
        read_analyst_file(data, "asean.csv")
    assert err.value.params == {"count": 5}
    assert err.value.problems == [
        Problem("not_a_number", 3, "Năm", "20x3"),
        Problem("missing_country", 4, "Tên nước"),
        Problem("not_a_number", 5, "Giá trị", "abc"),
        Problem("not_a_number", 5, "Thứ hạng", "first"),
        Problem("duplicate_row", 6, None, "Việt Nam", {"first_row": 2, "measure": "total"}),
    ]


def test_wide_year_header_out_of_range():
    with pytest.raises(ValidationFailed) as err:
        read_analyst_file(b"Country,1890,2023\nViet Nam,1,2\n", "w.csv")
    assert [(p.code, p.row, p.column) for p in err.value.problems] == [("year_out_of_range", 1, "1890")]


def test_empty_file_has_no_header():
    with pytest.raises(ValidationFailed) as err:
        read_analyst_file(b"", "empty.csv")
    assert err.value.problems == [Problem("no_header")]


def test_collected_row_problems_leave_the_clean_rows_for_further_checks():
    """The import needs both the reader's problems and the rows that read cleanly, so it can add
    its own checks (unknown countries) and report every problem at once."""
    data = b"Country,Year,Measure,Value\nViet Nam,2023,total,54.48\nAtlantis,2023,total,50\nThailand,2023,total,abc\n"
    with pytest.raises(ValidationFailed):
        read_analyst_file(data, "x.csv")
    frame, info = read_analyst_file(data, "x.csv", collect_problems=True)
    assert frame["country"].tolist() == ["Viet Nam", "Atlantis"]
    assert [(p.code, p.row, p.column, p.value) for p in info["problems"]] == [
        ("not_a_number", 4, "Value", "abc")
    ]
