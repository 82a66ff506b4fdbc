"""The one rule set for a cell of an imported file: missing markers, numbers, ranks, years, notes.

In: a cell as a reader found it (text, number or None). Out: a float, an int, None (missing), or
ValueError (a problem at that cell). Every reader uses these functions: the lenient analyst reader
(metrics.ingest.readers), the publisher workbook reader (metrics.ingest.workbook) and, through
`tidy_csv_rules`, the DuckDB fast path (metrics.store.imports.read_tidy_csv), which is given the
markers, note prefixes and year range from here and hands every value its SQL cannot read back
to `parse_number`. The SQL's own two patterns (a comma-grouped number and a rank such as "=6") are
copies of `GROUPED[","]` and `RANK`: tests/test_import_cell_rules.py fails when they drift, and
checks both paths on one table of inputs.
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

# Cells that mean "no value" (dropped, never an error), compared without spaces and casefolded.
MISSING_MARKERS = ("", "n/a", "na", "#n/a", "..", "...", "-", "–", "—", "nan", "none")

# First words of a footnote row under a table ("Source: ...", "Nguồn: ...").
NOTE_PREFIXES = ("source", "sources", "note", "notes", "nguồn", "ghi chú", "chú thích", "*")

# The editions an import accepts.
YEAR_MIN, YEAR_MAX = 1990, 2100

_MISSING = frozenset(MISSING_MARKERS)
# Spaces a number or marker may hold: ASCII ones, no-break, narrow no-break, thin, figure space.
SPACES = re.compile(r"[\s\u00a0\u202f\u2009\u2007]+")
# Digits may be grouped with single underscores ("1_000"), as Python's float() and DuckDB's CSV
# reader and casts accept them: the fast path and the lenient reader must read the same numbers.
_DIGITS = r"\d(_?\d)*"
PLAIN_NUMBER = re.compile(rf"[+-]?({_DIGITS}(\.({_DIGITS})?)?|\.{_DIGITS})([eE][+-]?{_DIGITS})?")
# Thousands separator -> a number with that separator in well-formed groups and an optional decimal.
GROUPED = {
    ",": re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?"),
    ".": re.compile(r"[+-]?\d{1,3}(\.\d{3})+(,\d+)?"),
}
# A published rank: "12", "12=", "=6", "T6", "6th".
RANK = re.compile(r"[=T]?\s*(\d+)\s*(st|nd|rd|th)?\s*=?", re.IGNORECASE)
_YEAR = re.compile(r"\d{4}(\.0+)?")
_COMMA_DECIMAL = re.compile(r",\d{1,2}$|,\d{4,}$|\.\d{3},\d")  # "12,5", "1.234,56": a decimal comma
_DOT_DECIMAL = re.compile(r"\.\d{1,2}$|\.\d{4,}$|,\d{3}\.\d")  # "12.5", "1,234.56": a decimal point
_COMMA_THOUSANDS = re.compile(r"[+-]?\d{1,3}(,\d{3})+")


def is_missing(cell: Any) -> bool:
    """True for an empty cell or a missing-value marker ("n/a", "..", "-", "–")."""
    if cell is None:
        return True
    if isinstance(cell, float):
        return math.isnan(cell)
    if isinstance(cell, str):
        return SPACES.sub("", cell).casefold() in _MISSING
    return False


def parse_number(text: Any, decimal_comma: bool | None = None) -> float | None:
    """A number as people write it, or None when missing; ValueError when it is not a number.

    decimal_comma: True "1.234,5", False "1,234.5", None decide per value (the last of "," and "."
    is the decimal mark; a lone "," is a thousands separator only before exactly three digits).
    """
    if isinstance(text, bool):
        raise ValueError(text)
    if isinstance(text, int | float):
        return None if math.isnan(text) else float(text)
    if is_missing(text):
        return None
    s = SPACES.sub("", unicodedata.normalize("NFKC", str(text))).replace("\u2212", "-")
    if decimal_comma is None:
        decimal_comma = _comma_is_decimal(s)
    thousands, decimal = (".", ",") if decimal_comma else (",", ".")
    if thousands in s:
        if not GROUPED[thousands].fullmatch(s):
            raise ValueError(text)
        s = s.replace(thousands, "")
    s = s.replace(decimal, ".")
    if not PLAIN_NUMBER.fullmatch(s):
        raise ValueError(text)
    number = float(s)
    if not math.isfinite(number):  # "1e400": no score is that large (the fast path refuses it too)
        raise ValueError(text)
    return number


def number_or_none(text: str, decimal_comma: bool) -> float | None:
    """parse_number, None for a text that is not a number (the fast path's rescue of a value)."""
    try:
        return parse_number(text, decimal_comma=decimal_comma)
    except ValueError:
        return None


def _comma_is_decimal(s: str) -> bool:
    if "," in s and "." in s:
        return s.rfind(",") > s.rfind(".")
    if "," in s:
        return not _COMMA_THOUSANDS.fullmatch(s)
    return False


def detect_decimal_comma(values: Iterable[Any], delimiter: str | None = None) -> bool | None:
    """Whether a column writes decimals with a comma; None when it mixes both conventions.

    "12,5" / "1.234,56" are evidence for a comma, "12.5" / "1,234.56" against. Values such as
    "1,234" prove nothing: then a ";"-delimited file (the European Excel export) is taken as comma.
    """
    comma = dot = ambiguous_comma = False
    for v in values:
        if not isinstance(v, str) or is_missing(v):
            continue
        s = SPACES.sub("", v)
        comma = comma or bool(_COMMA_DECIMAL.search(s))
        dot = dot or bool(_DOT_DECIMAL.search(s))
        if comma and dot:
            return None  # both seen: no need to read further
        ambiguous_comma |= "," in s
    if comma or dot:
        return comma
    return delimiter == ";" and ambiguous_comma


def parse_rank(cell: Any) -> int | None:
    """A published rank: 12, 12.0, "12", "12=", "=6", "T6", "6th" -> int; missing -> None."""
    if is_missing(cell):
        return None
    if isinstance(cell, int | float) and not isinstance(cell, bool):
        if float(cell).is_integer() and cell >= 1:
            return int(cell)
        raise ValueError(cell)
    text = str(cell).strip()
    if PLAIN_NUMBER.fullmatch(text):
        # a rank written as a number ("6.0", "1e1"), as a workbook's numeric cell is read above
        # (and as the fast path's SQL casts it)
        number = float(text)
        if math.isfinite(number) and number.is_integer() and number >= 1:
            return int(number)
        raise ValueError(cell)
    m = RANK.fullmatch(text)
    if not m or int(m.group(1)) < 1:
        raise ValueError(cell)
    return int(m.group(1))


def parse_year(cell: Any) -> int:
    """An edition year: 2023, 2023.0, "2023" -> 2023; ValueError for anything else."""
    if isinstance(cell, int | float) and not isinstance(cell, bool) and float(cell).is_integer():
        return int(cell)
    s = str(cell).strip()
    if _YEAR.fullmatch(s):
        return int(float(s))
    raise ValueError(cell)


def starts_like_note(text: str) -> bool:
    """A first cell that opens a footnote ("Source: ...", "Nguồn: ...")."""
    folded = text.casefold()
    return any(folded.startswith(p) for p in NOTE_PREFIXES)


@dataclass(frozen=True)
class TidyCsvRules:
    """These rules as metrics.store.imports.read_tidy_csv takes them (its keyword arguments)."""

    missing: tuple[str, ...]  # compared with the cell trimmed, spaces removed, lowercased
    note_prefixes: tuple[str, ...]  # casefolded; SQL compares them with lower(country)
    year_min: int
    year_max: int
    rescue_number: Callable[[str], float | None]  # a value SQL cannot read, read as here
    decimal_comma: bool


def tidy_csv_rules(decimal_comma: bool) -> TidyCsvRules:
    return TidyCsvRules(
        # "" too: a cell of spaces only is missing, as in Python (read_csv gives NULL only for an
        # empty one)
        missing=tuple(sorted(_MISSING)),
        note_prefixes=tuple(p.casefold() for p in NOTE_PREFIXES),
        year_min=YEAR_MIN,
        year_max=YEAR_MAX,
        rescue_number=functools.partial(number_or_none, decimal_comma=decimal_comma),
        decimal_comma=decimal_comma,
    )
