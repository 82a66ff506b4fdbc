"""Which measure each column (or measure name) of a file feeds, and the analyst's choices.

A column is matched, in this order: the analyst's choice in the preview (`column_map`, header as
written -> measure id or IGNORE), an alias the analyst confirmed in an earlier import of the same
index (table measure_aliases, keyed by the normalised header), the index's own measure ids and
names (data/measures.csv, English and Vietnamese), the header synonyms (data/header_synonyms.csv);
anything else becomes a new measure named after the header (a slug).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from typing import Any

from metrics.ingest import headers as H
from metrics.store.imports import ImportReference

# The measure id of a column the analyst chose not to import.
IGNORE = "-"

__all__ = ["IGNORE", "measure_map", "normalised", "slug", "stored_aliases"]


def normalised(column_map: Mapping[str, str] | None) -> dict[str, str]:
    """The analyst's choices keyed by normalised header (a choice for "Tổng điểm (2026)" also
    holds for "TỔNG ĐIỂM")."""
    return {H.normalise_header(k): v for k, v in (column_map or {}).items() if v}


def stored_aliases(ref: ImportReference, index_id: str) -> dict[str, str]:
    """normalised header -> measure id (or IGNORE) kept from earlier confirmed imports of the index."""
    return {row["header_key"]: row["measure_id"] for row in ref.of_index("measure_aliases", index_id)}


def slug(text: str) -> str:
    s = unicodedata.normalize("NFKD", text)
    s = "".join(ch for ch in s if not unicodedata.combining(ch)).casefold().replace("đ", "d")
    s = re.sub(r"[^a-z0-9]+", "_", s).strip("_")
    if not s:
        s = "measure"
    if not s[0].isalpha():
        s = "m_" + s
    return s[:64]


def measure_map(
    texts: list[str],
    index_id: str,
    ref: ImportReference,
    chosen: Mapping[str, str] | None = None,
    headers: Mapping[str, str] | None = None,
) -> tuple[dict[str, str], dict[str, str]]:
    """(measure as written -> measure id, measure as written -> how it was matched).

    `chosen`: the analyst's column_map; `headers`: measure as written -> the header its values
    came from. A text mapped to IGNORE is left out of the first dict (its rows are not imported).
    How: chosen, alias, known, synonym, new or ignored."""
    measures = ref.of_index("measures", index_id)
    by_key: dict[str, str] = {}
    for row in measures:
        mid = row["measure_id"]
        for text in (mid, row["name_en"], row["name_vi"]):
            by_key.setdefault(H.normalise_header(text), mid)
    synonyms = H.measure_lookup()
    totals = H.lookup(H.TOTAL + H.VALUE)
    known_ids = {row["measure_id"] for row in measures}
    picks, aliases = normalised(chosen), stored_aliases(ref, index_id)
    headers = headers or {}
    out: dict[str, str] = {}
    how: dict[str, str] = {}
    for text in texts:
        key = H.normalise_header(text)
        header_key = H.normalise_header(headers.get(text, text))
        if header_key in picks or key in picks:
            mid, why = picks.get(header_key, picks.get(key)), "chosen"
        elif header_key in aliases or key in aliases:
            mid, why = aliases.get(header_key, aliases.get(key)), "alias"
        elif text in known_ids or text == "total":
            mid, why = text, "known"
        elif key in totals:
            mid, why = "total", "synonym"
        elif key in by_key:
            mid, why = by_key[key], "known"
        elif key in synonyms:
            mid, why = synonyms[key], "synonym"
        else:
            mid, why = slug(text), "new"
        if mid == IGNORE:
            how[text] = "ignored"
            continue
        if why in ("chosen", "alias") and mid not in known_ids and mid != "total":
            why = "new"
        out[text], how[text] = mid, why
    return out, how


def column_feeds(
    matched_by: Mapping[str, str],
    mmap: Mapping[str, str],
    columns: Mapping[str, str | None],
    headers: Mapping[str, str],
    ignored: list[str],
) -> list[dict[str, str]]:
    """Each column (or, in a long file, each measure name) with the measure it feeds and how it was
    matched; then the columns the reader set aside (text, not numbers)."""
    by_name = columns.get("measure") is not None
    feeds = []
    for text, how in matched_by.items():
        label = text if by_name else headers.get(text) or columns.get("value") or text
        feeds.append(
            {
                "column": label,
                "kind": "name" if by_name else "column",
                "measure_id": mmap.get(text, IGNORE),
                "how": how,
            }
        )
    shown = {f["column"] for f in feeds}
    feeds += [
        {"column": h, "kind": "column", "measure_id": IGNORE, "how": "ignored"}
        for h in ignored
        if h and h not in shown
    ]
    return feeds


def measure_choices(index_measures: Iterable[Mapping[str, Any]]) -> list[dict[str, str]]:
    """The index's measures an analyst may map a column to (each once, its last row by framework;
    the total first, then pillars, dimensions and the rest, each by id)."""
    last = {row["measure_id"]: row for row in index_measures}
    order = {"total": 0, "pillar": 1, "dimension": 2}
    rows = sorted(last.values(), key=lambda r: (order.get(r["level"], 3), r["measure_id"]))
    return [{"measure_id": r["measure_id"], "name_en": r["name_en"], "name_vi": r["name_vi"]} for r in rows]
