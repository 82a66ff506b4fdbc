"""One rule set for a cell (metrics.ingest.cells): the Python readers and the DuckDB fast path's
SQL (metrics.store.imports.read_tidy_csv) read every missing marker, number and rank form alike.

Each input is one row of a CSV read by the SQL; what it gives (a value, no row, a problem at that
line) must be what the Python rule gives (a number, None, ValueError)."""

from __future__ import annotations

import csv
import io
import re

import pytest

from metrics.ingest import cells
from metrics.store import tidy_csv as store_imports

MISSING = [
    *cells.MISSING_MARKERS,
    *(m.upper() for m in cells.MISSING_MARKERS),
    " n/a ",
    "n / a",
    "\u00a0n/a",  # no-break spaces
    "N/A\u2009",  # a thin space
    "\u00a0",
    " .. ",
    "   ",
    "NaN",
    "None",
]
DOT_DECIMAL = [
    "12",
    "12.5",
    "-3.2",
    "+3.2",
    "\u22123.2",  # a Unicode minus
    "-0",
    ".5",
    "12.",
    " 12.5 ",
    "1,234",
    "1,234.5",
    "-1,234.5",
    "12,345,678.25",
    "1 234.5",  # a space as thousands separator
    "1\u202f234.5",  # a narrow no-break space
    "1_000",
    "1e3",
    "2.5E-2",
    "1,5",  # a decimal comma in a dot-decimal column: not a number
    "1,23,4",
    "1.234.5",
    "12%",
    "12 %",
    "%12",
    "(3.2)",
    "3.2-",
    "--3",
    "1e400",
    "inf",
    "Infinity",
    "-inf",
    "0x10",
    "twelve",
    "12 points",
    "1.2.3",
]
COMMA_DECIMAL = [
    "12",
    "12,5",
    "-3,2",
    "\u22123,2",
    "1.234,5",
    "-1.234,5",
    "1 234,5",
    "1.234",
    ",5",
    "12,5%",
    "1,2,3",
    "1.23.4",
    "12.5.",
    "abc",
]
RANKS = [
    *("1", "12", "12=", "=6", "T6", "t6", "6th", "1st", "2nd", "3rd", "= 6", " 7 ", "+6", "1_0"),
    *("6.0", "1e1", "0", "-1", "1.5", "0.5", "1e400", "x", "first", "6 th", "#1", "1-2"),
]


def _csv(values: list[str], delimiter: str, column: str = "value") -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    writer.writerow(
        ["country", "year", column] if column == "value" else ["country", "year", "value", "rank"]
    )
    for v in values:
        writer.writerow(["Viet Nam", 2023, v] if column == "value" else ["Viet Nam", 2023, "50", v])
    return out.getvalue()


def _sql_read(
    tmp_path, text: str, delimiter: str, decimal_comma: bool, rescue: bool, with_rank: bool = False
):
    path = tmp_path / "cells.csv"
    path.write_text(text, encoding="utf-8")
    rules = cells.tidy_csv_rules(decimal_comma)
    roles = {"country": 0, "year": 1, "value": 2, **({"rank": 3} if with_rank else {})}
    got = store_imports.read_tidy_csv(
        str(path),
        delimiter=delimiter,
        n_columns=len(roles),
        roles=roles,
        missing=rules.missing,
        note_prefixes=rules.note_prefixes,
        year_min=rules.year_min,
        year_max=rules.year_max,
        limit=1000,
        rescue_number=rules.rescue_number if rescue else None,
        decimal_comma=rules.decimal_comma,
    )
    rows = got["rows"].to_pylist()
    kept = {r["source_row"]: r for r in rows}
    problems = {(line, role): code for code, line, role, _ in got["problems"]}
    return kept, problems


def _python(value: str, decimal_comma: bool) -> float | type[ValueError] | None:
    try:
        return cells.parse_number(value, decimal_comma)
    except ValueError:
        return ValueError


def _sql(kept, problems, line: int) -> float | type[ValueError] | None:
    if (line, "value") in problems:
        return ValueError
    return kept[line]["value"] if line in kept else None


@pytest.mark.parametrize(
    ("values", "delimiter", "decimal_comma"),
    [(MISSING + DOT_DECIMAL, ",", False), (MISSING + COMMA_DECIMAL, ";", True)],
    ids=["decimal-point", "decimal-comma"],
)
def test_sql_and_python_read_every_value_alike(tmp_path, values, delimiter, decimal_comma):
    """A number, a missing marker (no row, no problem) or a problem at its line, on both paths."""
    kept, problems = _sql_read(tmp_path, _csv(values, delimiter), delimiter, decimal_comma, rescue=True)
    expected = {v: _python(v, decimal_comma) for v in values}
    found = {v: _sql(kept, problems, line) for line, v in enumerate(values, start=2)}
    assert found == expected
    # the table covers every kind of outcome
    outcomes = set(map(type, expected.values()))
    assert {float, type(None), type} <= outcomes


@pytest.mark.parametrize(
    ("values", "delimiter", "decimal_comma"),
    [(MISSING + DOT_DECIMAL, ",", False), (MISSING + COMMA_DECIMAL, ";", True)],
    ids=["decimal-point", "decimal-comma"],
)
def test_the_sql_alone_never_reads_a_number_python_would_not(tmp_path, values, delimiter, decimal_comma):
    """Without the rescue (Python's parser for what SQL cannot read), SQL reads a subset of the
    forms, each as Python does; the rest it reports, never reading another number."""
    kept, problems = _sql_read(tmp_path, _csv(values, delimiter), delimiter, decimal_comma, rescue=False)
    for line, v in enumerate(values, start=2):
        python = _python(v, decimal_comma)
        sql = _sql(kept, problems, line)
        assert sql == python or (sql is ValueError and isinstance(python, float)), v


@pytest.mark.parametrize(
    ("values", "delimiter", "decimal_comma"),
    [(MISSING + DOT_DECIMAL, ",", False), (MISSING + COMMA_DECIMAL, ";", True)],
    ids=["decimal-point", "decimal-comma"],
)
def test_a_value_alone_in_a_file_reads_alike(tmp_path, values, delimiter, decimal_comma):
    """A file of one row beside a plain one: when DuckDB's CSV reader parses every cell as a number
    itself (its typed pass, no per-cell rules), it must read what Python reads too."""
    for v in values:
        kept, problems = _sql_read(
            tmp_path, _csv(["50", v], delimiter), delimiter, decimal_comma, rescue=True
        )
        assert _sql(kept, problems, 3) == _python(v, decimal_comma), v
        assert kept[2]["value"] == 50.0


def test_a_marker_after_a_tab_is_missing_on_both_paths(tmp_path):
    kept, problems = _sql_read(tmp_path, _csv(["\tn/a"], ","), ",", False, rescue=True)
    assert _python("\tn/a", False) is None
    assert _sql(kept, problems, 2) is None


def test_sql_and_python_read_every_rank_alike(tmp_path):
    values = [*RANKS, *MISSING]
    kept, problems = _sql_read(tmp_path, _csv(values, ",", "rank"), ",", False, rescue=True, with_rank=True)
    for line, v in enumerate(values, start=2):
        try:
            python: int | type[ValueError] | None = cells.parse_rank(v)
        except ValueError:
            python = ValueError
        sql = ValueError if (line, "rank") in problems else kept[line]["published_rank"]
        assert sql == python, v


def test_the_sqls_own_patterns_are_the_python_ones():
    """read_tidy_csv writes two patterns into its SQL; they are copies of this rule set's (the SQL
    lowercases the text first, hence "t" for "T")."""
    assert cells.GROUPED[","].pattern == store_imports._GROUPED_NUMBER
    assert cells.RANK.pattern.replace("[=T]", "[=t]") == store_imports._RANK
    spaces = " \t\n\u00a0\u202f\u2009\u2007"  # the SQL holds the characters: RE2 has no \\u escape
    assert all(
        bool(re.fullmatch(store_imports._SPACES, c)) == bool(cells.SPACES.fullmatch(c)) for c in spaces + "a-"
    )
    assert cells.RANK.flags & re.IGNORECASE
