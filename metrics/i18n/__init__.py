"""Translations and locale formatting. Catalogs are data: every *.toml in vi/ and en/ beside this file.

One file per area (core, engine, pages, import, reports, security) so areas can be edited apart;
they merge into one flat dotted namespace (`overview.title`). A key defined twice, or present in one
language only, fails a test; at run time a missing key shows the key itself rather than crashing a page.
"""

from __future__ import annotations

import datetime as dt
import functools
import tomllib
from pathlib import Path
from typing import Any, Literal

Lang = Literal["vi", "en"]
LANGS: tuple[Lang, ...] = ("vi", "en")
DEFAULT_LANG: Lang = "vi"
_DIR = Path(__file__).parent


def _flatten(tree: dict[str, Any], prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in tree.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, name + "."))
        else:
            flat[name] = str(value)
    return flat


@functools.cache
def catalog(lang: str) -> dict[str, str]:
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}; expected one of {LANGS}")
    merged: dict[str, str] = {}
    for path in sorted((_DIR / lang).glob("*.toml")):
        with open(path, "rb") as f:
            flat = _flatten(tomllib.load(f))
        clash = merged.keys() & flat.keys()
        if clash:
            raise ValueError(f"{path.name} redefines {sorted(clash)}")
        merged.update(flat)
    return merged


def t(key: str, /, lang: str = DEFAULT_LANG, **params: Any) -> str:
    text = catalog(lang).get(key)
    if text is None:
        return key
    return text.format(**params) if params else text


def fmt_number(value: float | int | None, lang: str = DEFAULT_LANG, decimals: int = 2) -> str:
    """12345.6 -> '12.345,60' in Vietnamese, '12,345.60' in English; None -> an en dash."""
    if value is None or value != value:
        return "–"
    text = f"{value:,.{decimals}f}"
    if lang == "vi":
        text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return text


def fmt_int(value: int | None, lang: str = DEFAULT_LANG) -> str:
    return fmt_number(value, lang, 0)


def fmt_date(day: dt.date | None, lang: str = DEFAULT_LANG) -> str:
    if day is None:
        return "–"
    if lang == "vi":
        return f"{day.day:02d}/{day.month:02d}/{day.year}"
    return f"{day.day} {day.strftime('%b')} {day.year}"


def error_message(code: str, /, lang: str = DEFAULT_LANG, **params: Any) -> str:
    """The user's sentence for an error code (metrics.errors); unknown codes fall back to a generic one."""
    key = f"error.{code}"
    if key not in catalog(lang):
        return t("error.unexpected", lang, code=code)
    try:
        return t(key, lang, **params)
    except (KeyError, IndexError):
        return catalog(lang)[key]


def problem_message(problem, lang: str = DEFAULT_LANG) -> str:
    """One line for a metrics.errors.Problem: where (row, column, value) and why."""
    where = []
    if problem.row is not None:
        where.append(t("problem.row", lang, row=problem.row))
    if problem.column:
        where.append(t("problem.column", lang, column=problem.column))
    if problem.value not in (None, ""):
        where.append(t("problem.value", lang, value=problem.value))
    reason = error_message(problem.code, lang, **problem.params)
    return f"{', '.join(where)}: {reason}" if where else reason
