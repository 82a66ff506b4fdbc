"""Downloads cannot carry a formula: any text, however odd, reads back as plain text (property test
on metrics.exports, the module every download button uses)."""

from __future__ import annotations

import csv
import io

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from metrics import exports

PREFIXES = ("=", "+", "-", "@", "\t", "\r")
TEXT = st.one_of(
    st.text(max_size=30),
    st.tuples(st.sampled_from(PREFIXES), st.text(max_size=20)).map("".join),
    st.sampled_from(
        ['=HYPERLINK("http://evil.example","x")', "+1+1", "-2+3", "@SUM(A1)", "=cmd|' /C calc'!A0"]
    ),
)
SETTINGS = settings(
    max_examples=60, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow]
)


@SETTINGS
@given(cells=st.lists(TEXT, min_size=1, max_size=8), header=TEXT)
def test_no_exported_cell_starts_like_a_formula(cells, header):
    frame = pd.DataFrame({header or "h": cells, "score": [float(i) - 3.5 for i in range(len(cells))]})
    text = exports.to_csv(frame).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    for row in rows:
        assert not row[0].startswith(PREFIXES), row
    assert [float(r[1]) for r in rows[1:]] == frame["score"].tolist()  # numbers stay numbers

    book = load_workbook(io.BytesIO(exports.to_xlsx(frame)))
    for row in book.active.iter_rows():
        for cell in row:
            assert cell.data_type != "f", cell.value
            if isinstance(cell.value, str):
                assert not cell.value.startswith(PREFIXES), cell.value
