"""Header synonyms (English and Vietnamese) used to recognise columns by name.

Data only, plus the one normalisation that every lookup goes through, so a synonym written here
("Total score", "Data & Infrastructure") matches the same header however a publisher spells it
("TOTAL_SCORE", "Data and Infrastructure Pillar", "2020 Ranking", "Rank (of 194)").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

COUNTRY = (
    "country",
    "economy",
    "country name",
    "economy name",
    "country economy",
    "quốc gia",
    "nước",
    "tên nước",
    "tên quốc gia",
    "nền kinh tế",
    "quốc gia nền kinh tế",
)
ISO_CODE = (
    "iso3",
    "iso",
    "iso2",
    "code",
    "mã",
    "iso code",
    "iso3 code",
    "country code",
    "mã quốc gia",
    "mã iso",
)
YEAR = ("year", "edition", "edition year", "năm", "kỳ", "năm công bố", "ấn bản")
MEASURE = (
    "measure",
    "measure id",
    "indicator",
    "indicator name",
    "indname",
    "name",
    "chỉ số",
    "chỉ tiêu",
    "thước đo",
)
# Long publisher sheets (WIPO GII) carry a code next to the indicator name; "code" alone is an ISO
# column, so only the spellings seen in indicator tables are listed.
INDICATOR_CODE = ("indcode", "indicator code", "num", "indnum")
VALUE = ("value", "score", "giá trị", "điểm", "điểm số")
RANK = (
    "rank",
    "ranking",
    "rankings",
    "position",
    "global rank",
    "overall rank",
    "xếp hạng",
    "thứ hạng",
    "hạng",
)
TOTAL = (
    "total",
    "overall",
    "total score",
    "overall score",
    "index",
    "index score",
    "tổng điểm",
    "điểm tổng",
    "tổng",
)

# GAIRI pillar / dimension header texts -> measure ids of data/measures.csv. The 2025 framework is
# listed too so that a new edition with those headers is read without code changes.
MEASURE_HEADERS: dict[str, str] = {
    "Government": "pillar_government",
    "Government Pillar": "pillar_government",
    "Technology Sector": "pillar_technology_sector",
    "Data & Infrastructure": "pillar_data_infrastructure",
    "Data and Infrastructure": "pillar_data_infrastructure",
    "Vision": "dim_vision",
    "Governance & Ethics": "dim_governance_and_ethics",
    "Digital Capacity": "dim_digital_capacity",
    "Adaptability": "dim_adaptability",
    "Size": "dim_size",
    "Maturity": "dim_maturity",
    "Innovation Capacity": "dim_innovation_capacity",
    "Human Capital": "dim_human_capital",
    "Data Availability": "dim_data_availability",
    "Data Representativeness": "dim_data_representativeness",
    "Infrastructure": "dim_infrastructure",
    "Policy Capacity": "pillar_policy_capacity",
    "Policy Vision": "dim_policy_vision",
    "Policy Commitment": "dim_policy_commitment",
    "AI Infrastructure": "pillar_ai_infrastructure",
    "Compute Capacity": "dim_compute_capacity",
    "Data Quality": "dim_data_quality",
    "Enabling Technical Infrastructure": "dim_enabling_technical_infrastructure",
    "Governance": "pillar_governance",
    "Governance Principles": "dim_governance_principles",
    "Regulatory Compliance": "dim_regulatory_compliance",
    "Public Sector Adoption": "pillar_public_sector_adoption",
    "E-Government Delivery": "dim_e_government_delivery",
    "Government Digital Policy": "dim_government_digital_policy",
    "Development & Diffusion": "pillar_development_diffusion",
    "AI Sector Maturity": "dim_ai_sector_maturity",
    "AI Technology Diffusion": "dim_ai_technology_diffusion",
    "Resilience": "pillar_resilience",
    "Safety & Security": "dim_safety_and_security",
    "Societal Transition": "dim_societal_transition",
}

# Full names of each index as the "overall" row of a long sheet spells it (one row per economy and
# indicator). Generic names are always accepted; an index hint adds only its own names.
TOTAL_ROW_NAMES = ("total", "overall", "overall score", "total score", "index")
INDEX_TOTAL_ROW_NAMES: dict[str, tuple[str, ...]] = {
    "WIPO_GII": ("Global Innovation Index",),
    "GAIRI": ("Government AI Readiness Index",),
    "IMF_AIPI": ("AI Preparedness Index",),
}

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

# Cells that mean "no value" (dropped, never an error).
MISSING_MARKERS = ("", "n/a", "na", "#n/a", "..", "...", "-", "–", "—", "nan", "none")

# First words of a footnote row under a table ("Source: ...", "Nguồn: ...").
NOTE_PREFIXES = ("source", "sources", "note", "notes", "nguồn", "ghi chú", "chú thích", "*")

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
