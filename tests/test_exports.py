"""Downloads: formula-like text is neutralised in CSV and XLSX, numbers stay numbers, Vietnamese survives."""

from __future__ import annotations

import csv
import io

import openpyxl
import pandas as pd
import pytest

from metrics import exports

DANGEROUS = ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\tTAB", "\rCR"]


@pytest.mark.parametrize("text", DANGEROUS)
def test_formula_like_text_gets_an_apostrophe(text):
    assert exports.neutralise_cell(text) == "'" + text


@pytest.mark.parametrize("value", ["Việt Nam", "a=b", "", 3, -2.5, None])
def test_other_cells_are_untouched(value):
    assert exports.neutralise_cell(value) == value


def _frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "Quốc gia": ["Việt Nam", '=HYPERLINK("http://x")', "-1+2"],
            "gap": [-3.25, 1.5, None],
            "=evil header": ["x", "y", "@z"],
        }
    )


def test_csv_round_trip_is_safe_and_keeps_numbers():
    raw = exports.to_csv(_frame())
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM so Excel reads UTF-8
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == ["Quốc gia", "gap", "'=evil header"]
    assert rows[1] == ["Việt Nam", "-3.25", "x"]
    assert rows[2][0] == '\'=HYPERLINK("http://x")'
    assert rows[3][0] == "'-1+2"
    assert rows[3][2] == "'@z"
    # the original frame is not modified
    assert _frame()["Quốc gia"][1].startswith("=")


def test_xlsx_has_no_formulas_and_native_numbers():
    raw = exports.to_xlsx({"bảng: 1/2": _frame()}, notes={"source": "=https://example.org"})
    book = openpyxl.load_workbook(io.BytesIO(raw))
    assert book.sheetnames == ["bảng_ 1_2", "notes"]
    sheet = book["bảng_ 1_2"]
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0] == ["Quốc gia", "gap", "'=evil header"]
    assert values[1] == ["Việt Nam", -3.25, "x"]
    assert values[2][0] == '\'=HYPERLINK("http://x")'
    assert values[3][1] is None
    for row in sheet.iter_rows():
        for cell in row:
            assert cell.data_type != "f", cell.coordinate
    assert book["notes"]["B1"].value == "'=https://example.org"


def test_xlsx_accepts_a_single_frame():
    raw = exports.to_xlsx(pd.DataFrame({"a": [1, 2]}))
    book = openpyxl.load_workbook(io.BytesIO(raw))
    assert [c.value for c in book["data"]["A"]] == ["a", 1, 2]
