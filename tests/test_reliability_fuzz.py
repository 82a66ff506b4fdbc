"""Bad input: random and mutated files fed to the readers end in a clear error or a valid table.

"Clear error" = a MetricsError (ValidationFailed included) whose code has a sentence in both
languages; anything else escaping a reader (KeyError, IndexError, zipfile errors...) is a crash.
"Valid" = the tidy columns, finite numbers, years in range. Examples are limited so the whole
file runs in well under 30 s.
"""

from __future__ import annotations

import io
import math

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from metrics import i18n
from metrics.errors import MetricsError, ValidationFailed
from metrics.ingest import readers
from metrics.ingest.upload_guard import check_upload
from metrics.ingest.workbook import read_workbook
from tests.conftest import FIXTURES

GOOD_TEXT = sorted(p for p in (FIXTURES / "good").iterdir() if p.suffix in {".csv", ".tsv", ".txt"})
SMALL_XLSX = (FIXTURES / "good" / "analyst_wide.xlsx").read_bytes()
FUZZ = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,  # the same examples every run: a failure is reproducible, CI is stable
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _clear(exc: MetricsError) -> None:
    """The error reads as a sentence in both languages (not the generic fallback)."""
    for lang in i18n.LANGS:
        assert f"error.{exc.code}" in i18n.catalog(lang), exc.code
        i18n.error_message(exc.code, lang, **exc.params)
    if isinstance(exc, ValidationFailed):
        assert exc.problems
        for p in exc.problems:
            assert f"error.{p.code}" in i18n.catalog("en"), p.code
            i18n.problem_message(p, "vi")


def _valid_analyst(frame: pd.DataFrame) -> None:
    # An empty table (a header and nothing else) is a valid read; the import refuses it later.
    assert set(readers.TIDY_COLUMNS) <= set(frame.columns)
    assert all(isinstance(v, float) and math.isfinite(v) for v in frame["value"])
    years = frame["edition_year"].dropna()
    assert years.between(readers.YEAR_MIN, readers.YEAR_MAX).all()


def _valid_workbook(frame: pd.DataFrame) -> None:
    assert frame["value"].map(lambda v: isinstance(v, float) and math.isfinite(v)).all()
    assert frame["country"].map(lambda c: isinstance(c, str) and c != "").all()


def _analyst(data: bytes, name: str) -> None:
    try:
        frame, _info = readers.read_analyst_file(data, name)
    except MetricsError as exc:
        _clear(exc)
    else:
        _valid_analyst(frame)


def _workbook(data: bytes) -> None:
    try:
        frame, _layout = read_workbook(data)
    except MetricsError as exc:
        _clear(exc)
    else:
        _valid_workbook(frame)


def _mutate(data: bytes, edits: list[tuple[int, int, bytes]]) -> bytes:
    """Each edit: at a position, delete some bytes and insert others."""
    out = bytearray(data)
    for pos, delete, insert in edits:
        at = pos % (len(out) + 1)
        out[at : at + delete] = insert
    return bytes(out)


EDITS = st.lists(
    st.tuples(st.integers(0, 10**6), st.integers(0, 40), st.binary(max_size=12)), min_size=1, max_size=6
)


@FUZZ
@given(data=st.binary(max_size=2000), ext=st.sampled_from([".csv", ".tsv", ".txt"]))
def test_random_bytes_as_text_files(data, ext):
    _analyst(data, "fuzz" + ext)


@FUZZ
@given(
    text=st.text(
        alphabet=st.sampled_from(list("VNMThái Lan,;\t\"'=-+.0123456789\n\r %"))
        | st.characters(codec="utf-8"),
        max_size=600,
    ),
    header=st.sampled_from(
        ["country,year,score\n", "Quốc gia;Năm;Điểm\n", "iso3,2023,2024\n", "economy\tvalue\n", ""]
    ),
)
def test_random_tables_as_csv(text, header):
    _analyst((header + text).encode("utf-8"), "table.csv")


@FUZZ
@given(which=st.sampled_from(GOOD_TEXT), edits=EDITS)
def test_mutated_good_text_files(which, edits):
    _analyst(_mutate(which.read_bytes(), edits), which.name)


@settings(FUZZ, max_examples=40)
@given(edits=EDITS)
def test_mutated_workbook_bytes(edits):
    data = _mutate(SMALL_XLSX, edits)
    _workbook(data)
    _analyst(data, "mutated.xlsx")


CELL = st.one_of(
    st.none(),
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from(
        ["Viet Nam", "Việt Nam", "Thailand", "n/a", "..", "-", "Rank", "Score", "Country", "=1+1", ""]
    ),
    st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=12),  # what a cell can hold
)


def _book(rows: list[list]) -> bytes:
    wb = Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


@settings(FUZZ, max_examples=40)
@given(
    header=st.lists(
        st.sampled_from(["Country", "Rank", "Total", "Score", "ISO3", "Year", "Government", "x", None]),
        min_size=1,
        max_size=6,
    ),
    body=st.lists(st.lists(CELL, max_size=6), max_size=12),
)
def test_generated_workbooks(header, body):
    data = _book([header, *body])
    _workbook(data)
    _analyst(data, "generated.xlsx")


@pytest.mark.parametrize("name", ["fuzz.csv", "fuzz.xlsx"])
def test_the_upload_guard_never_crashes_either(name):
    @FUZZ
    @given(data=st.binary(max_size=3000) | EDITS.map(lambda e: _mutate(SMALL_XLSX, e)))
    def run(data):
        try:
            check_upload(data, name)
        except MetricsError as exc:
            _clear(exc)

    run()
