"""Header synonyms (English and Vietnamese) used to recognise columns by name.

The synonyms are data (data/header_synonyms.csv); this module loads them and holds the one
normalisation that every lookup goes through, so a synonym written there
("Total score", "Data & Infrastructure") matches the same header however a publisher spells it
("TOTAL_SCORE", "Data and Infrastructure Pillar", "2020 Ranking", "Rank (of 194)").
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path

SYNONYMS_FILE = Path(__file__).resolve().parents[2] / "data" / "header_synonyms.csv"


def _load_synonyms(path: Path = SYNONYMS_FILE) -> list[dict[str, str]]:
    """The rows of data/header_synonyms.csv: role, text, measure_id, index_id, lang."""
    with open(path, encoding="utf-8", newline="") as f:
        return [{k: unicodedata.normalize("NFC", v.strip()) for k, v in r.items()} for r in csv.DictReader(f)]


_ROWS = _load_synonyms()


def _words(role: str) -> tuple[str, ...]:
    return tuple(r["text"] for r in _ROWS if r["role"] == role)


# Header texts of each column role, English and Vietnamese (data/header_synonyms.csv).
COUNTRY = _words("country")
ISO_CODE = _words("iso_code")
YEAR = _words("year")
MEASURE = _words("measure")
# Long publisher sheets (WIPO GII) carry a code next to the indicator name; "code" alone is an ISO
# column, so only the spellings seen in indicator tables are listed.
INDICATOR_CODE = _words("indicator_code")
VALUE = _words("value")
RANK = _words("rank")
TOTAL = _words("total")

# Pillar / dimension header texts -> measure ids of data/measures.csv (the names in measures.csv,
# English and Vietnamese, are matched too).
MEASURE_HEADERS: dict[str, str] = {r["text"]: r["measure_id"] for r in _ROWS if r["role"] == "measure_header"}

# Names of the "overall" row of a long sheet (one row per economy and indicator). Generic names are
# always accepted; an index hint adds only its own names.
TOTAL_ROW_NAMES = tuple(r["text"] for r in _ROWS if r["role"] == "total_row" and not r["index_id"])
INDEX_TOTAL_ROW_NAMES: dict[str, tuple[str, ...]] = {}
for _row in _ROWS:
    if _row["role"] == "total_row" and _row["index_id"]:
        INDEX_TOTAL_ROW_NAMES[_row["index_id"]] = (
            *INDEX_TOTAL_ROW_NAMES.get(_row["index_id"], ()),
            _row["text"],
        )

# Rows of a country column that are summaries, not countries (e.g. GAIRI 2019 "AVERAGE").
AGGREGATE_LABELS = (
    "average",
    "mean",
    "median",
    "global average",
    "world average",
    "regional average",
    "max score",
    "min score",
    "maximum",
    "minimum",
    "trung bình",
)

# Missing-value markers and footnote prefixes are cell rules: metrics.ingest.cells.

_YEAR_TOKEN = re.compile(r"\b(19|20|21)\d{2}\b")
_BRACKETS = re.compile(r"\([^)]*\)|\[[^\]]*\]")
_TRAILING = ("score", "pillar")


def normalise_header(text: object) -> str:
    """Fold a header for comparison: NFC, casefold, no brackets/years/punctuation, & == and."""
    s = unicodedata.normalize("NFC", str(text)).casefold()
    s = _BRACKETS.sub(" ", s)
    s = s.replace("&", " and ").replace("_", " ")
    s = _YEAR_TOKEN.sub(" ", s)
    s = re.sub(r"[^\w\s]", " ", s)
    s = " ".join(s.split())
    for word in _TRAILING:
        # "Overall score" == "Overall", "Government Pillar" == "Government"; a bare "Score" stays.
        if s.endswith(" " + word):
            s = s[: -len(word) - 1].strip()
    return s


def lookup(words: Iterable[str]) -> frozenset[str]:
    """The normalised forms of a synonym list, for `normalise_header(cell) in lookup(...)`."""
    return frozenset(normalise_header(w) for w in words)


def measure_lookup() -> dict[str, str]:
    """Normalised pillar/dimension header -> measure id."""
    return {normalise_header(k): v for k, v in MEASURE_HEADERS.items()}


def total_row_names(index_hint: str | None = None) -> frozenset[str]:
    """Indicator names that mark the overall row of a long sheet (all known indices without a hint)."""
    if index_hint and index_hint in INDEX_TOTAL_ROW_NAMES:
        names = INDEX_TOTAL_ROW_NAMES[index_hint]
    else:
        names = tuple(n for group in INDEX_TOTAL_ROW_NAMES.values() for n in group)
    return lookup(TOTAL_ROW_NAMES + names)
