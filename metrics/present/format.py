"""Numbers, signs, ordinals, dates and plurals in the user's language: one rule for every page, the
reports and the CLI (a gap of -0.001 reads the same everywhere)."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from metrics import i18n

DASH = "–"  # what a missing value shows
MINUS = "\u2212"  # a typographic minus: a hyphen reads as a dash beside a number


def missing(value: Any) -> bool:
    """None, NaN or pandas' NA (nullable columns read from the store)."""
    if value is None:
        return True
    try:
        return bool(value != value) or (isinstance(value, float) and math.isnan(value))
    except TypeError:  # pandas.NA refuses a truth value
        return True


def as_float(value: Any) -> float | None:
    """The value as a float, or None where it is missing (None, NaN, pandas' NA)."""
    return None if missing(value) else float(value)


def as_int(value: Any) -> int | None:
    """The value as an int, or None where it is missing (a rank read from a nullable column)."""
    return None if missing(value) else int(value)


def num(value: float | int | None, lang: str, decimals: int = 2) -> str:
    """12345.6 -> '12.345,60' (vi) / '12,345.60' (en); a value that rounds to zero has no sign."""
    x = as_float(value)
    if x is None:
        return DASH
    if round(x, decimals) == 0:
        return i18n.fmt_number(0.0, lang, decimals)
    return i18n.fmt_number(value, lang, decimals)


def signed(value: float | None, lang: str, decimals: int = 2) -> str:
    """+1,50 / −2,25 / 0,00: the sign is printed, so a gap's direction does not rest on colour; a
    value that rounds to zero is shown as zero, without a sign either way."""
    x = as_float(value)
    if x is None:
        return DASH
    text = i18n.fmt_number(abs(x), lang, decimals)
    if round(x, decimals) == 0:
        return text
    return ("+" if x > 0 else MINUS) + text


def whole(n: Any) -> str:
    """A whole number as its digits (a rank in a table cell: no thousands mark), a dash if missing."""
    k = as_int(n)
    return DASH if k is None else str(k)


def ordinal(n: int | None, lang: str) -> str:
    """45 -> '45th' in English, '45' in Vietnamese (where 'thứ 45' is built by the sentence)."""
    k = as_int(n)
    if k is None:
        return DASH
    if lang == "vi":
        return str(k)
    suffix = "th" if 10 <= k % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(k % 10, "th")
    return f"{k}{suffix}"


def date(day: Any, lang: str) -> str:
    """A date (or a timestamp) as 26/10/2025 (vi) or 26 Oct 2025 (en)."""
    if missing(day):
        return DASH
    if isinstance(day, dt.datetime) or (hasattr(day, "date") and callable(day.date)):
        day = day.date()
    return i18n.fmt_date(day, lang)


def plural(n: float | int | None, lang: str, one: str, many: str) -> str:
    """The word for a count: Vietnamese has no plural; English uses `one` for exactly 1."""
    if lang == "vi":
        return many
    x = as_float(n)
    return one if x is not None and abs(x) == 1 else many


def count(n: int, unit: str, lang: str) -> str:
    """'1 edition', '3 editions', '3 kỳ': the unit's words are i18n keys unit.<unit>_one / _many."""
    one = i18n.t(f"unit.{unit}_one", lang)
    many = i18n.t(f"unit.{unit}_many", lang)
    return f"{n} {plural(n, lang, one, many)}"


def separators(lang: str) -> str:
    """plotly's `separators` for the language: the decimal mark, then the thousands mark."""
    return ",." if lang == "vi" else ".,"
