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
from collections.abc import Mapping

import pandas as pd

from metrics.ingest import headers as H
from metrics.ingest.readers import IGNORE

__all__ = ["IGNORE", "measure_map", "normalised", "slug", "stored_aliases"]


def normalised(column_map: Mapping[str, str] | None) -> dict[str, str]:
    """The analyst's choices keyed by normalised header (a choice for "Tổng điểm (2026)" also
    holds for "TỔNG ĐIỂM")."""
    return {H.normalise_header(k): v for k, v in (column_map or {}).items() if v}


def stored_aliases(ref: dict[str, pd.DataFrame], index_id: str) -> dict[str, str]:
    """normalised header -> measure id (or IGNORE) kept from earlier confirmed imports of the index."""
    frame = ref.get("measure_aliases")
    if frame is None or frame.empty:
        return {}
    rows = frame[frame["index_id"] == index_id]
    return dict(zip(rows["header_key"], rows["measure_id"], strict=True))


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
    ref: dict[str, pd.DataFrame],
    chosen: Mapping[str, str] | None = None,
    headers: Mapping[str, str] | None = None,
) -> tuple[dict[str, str], dict[str, str]]:
    """(measure as written -> measure id, measure as written -> how it was matched).

    `chosen`: the analyst's column_map; `headers`: measure as written -> the header its values
    came from. A text mapped to IGNORE is left out of the first dict (its rows are not imported).
    How: chosen, alias, known, synonym, new or ignored."""
    measures = ref["measures"][ref["measures"]["index_id"] == index_id]
    by_key: dict[str, str] = {}
    for mid, name_en, name_vi in measures[["measure_id", "name_en", "name_vi"]].itertuples(index=False):
        for text in (mid, name_en, name_vi):
            by_key.setdefault(H.normalise_header(text), mid)
    synonyms = H.measure_lookup()
    totals = H.lookup(H.TOTAL + H.VALUE)
    known_ids = set(measures["measure_id"])
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


def measure_choices(index_measures: pd.DataFrame) -> list[dict[str, str]]:
    """The index's measures an analyst may map a column to (each once, the total first)."""
    rows = index_measures.drop_duplicates("measure_id", keep="last")
    order = {"total": 0, "pillar": 1, "dimension": 2}
    rows = rows.assign(_order=[order.get(level, 3) for level in rows["level"]])
    rows = rows.sort_values(["_order", "measure_id"])
    return [
        {"measure_id": r["measure_id"], "name_en": r["name_en"], "name_vi": r["name_vi"]}
        for r in rows.to_dict("records")
    ]
