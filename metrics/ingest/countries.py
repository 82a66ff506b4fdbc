"""Country reference (data/countries.csv) and a matcher from any written country name to its ISO3 code.

Publishers spell countries their own way ("Viet Nam", "Vietnam", "Korea, Rep.", "Türkiye", a
mis-decoded "TÃ¼rkiye"), and Vietnamese users type names with or without diacritics, in NFC or
decomposed form, with the tone mark on either vowel ("Thụy"/"Thuỵ"). `normalize_name` reduces all of
these to one matching key; `CountryResolver` maps codes, names and aliases to ISO3 and proposes the
closest known names when nothing matches, so an analyst can confirm a new alias (`add_alias`).

Pure Python (csv, unicodedata, rapidfuzz): no Streamlit, DuckDB or plotly here.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Iterable, Mapping
from os import PathLike
from typing import Any

from metrics.errors import MetricsError, NotFound, Problem, ValidationFailed

COLUMNS = ("iso3", "iso2", "name_en", "name_vi", "name_vi_official", "aliases")
ALIAS_SEPARATOR = "|"

# Apostrophe look-alikes: ASCII ', right/left single quotes, modifier letter apostrophe, grave and acute
# accents used as apostrophes, prime, full-width apostrophe.
_APOSTROPHES = "'\u2019\u2018\u201b\u02bc\u02b9`\u00b4\u2032\uff07"
# Letters that NFKD does not decompose into base letter + mark, folded by hand (after casefold).
_LETTER_FOLDS = str.maketrans({"đ": "d", "ø": "o", "ł": "l", "æ": "ae", "œ": "oe", "ı": "i", "þ": "th"})
_ISO3 = re.compile(r"[A-Z]{3}")
_ISO2 = re.compile(r"[A-Z]{2}")
_CODE_LIKE = re.compile(r"[A-Za-z]{2,3}")


def _repair_mojibake(text: str) -> str:
    """Undo UTF-8 bytes that were decoded as Windows-1252/Latin-1 ("CÃ´te d'Ivoire" -> "Côte d'Ivoire").

    Publishers' spreadsheets and CSV exports carry such strings (data/observations.csv has two).
    Genuine text almost never survives the round trip: Vietnamese letters are not in cp1252, and a
    Latin-1 "ô" alone is not valid UTF-8, so the original is kept whenever the round trip fails.
    """
    if text.isascii():
        return text
    for codec in ("cp1252", "latin-1"):
        try:
            return text.encode(codec).decode("utf-8")
        except UnicodeError:
            continue
    return text


def normalize_name(text: str) -> str:
    """The matching key for a country name; two spellings of one name give the same key.

    Steps, in order, and why:
    1. repair mojibake ("TÃ¼rkiye" -> "Türkiye"): mis-decoded publisher exports;
    2. drop apostrophes of every shape (' ’ ‘ ʼ ` ´): "Côte d’Ivoire", "Cote dIvoire" and
       "Lao People's" must match whichever the publisher used, or none; done before step 3 because
       NFKD turns "´" into a space plus a combining accent;
    3. NFKD: NFC and decomposed (NFD) input become the same sequence, and compatibility forms fold
       (full-width letters, ligatures, no-break spaces);
    4. drop combining marks: the key ignores diacritics, so Vietnamese tone-mark placement variants
       ("Thụy"/"Thuỵ", "hòa"/"hoà") and typing without diacritics ("Viet Nam") all match;
    5. casefold (stronger than lower(): "ß" -> "ss");
    6. fold letters NFKD leaves whole: đ -> d (so "Đức" == "Duc", consistently for every name), ø, ł, æ;
    7. drop dots ("U.S." == "US", "St." == "St"), "&" -> "and", and every other punctuation mark or
       symbol (hyphens and all dashes, commas, parentheses, slashes) becomes a space, so
       "Xinh-ga-po" == "Xinh ga po" and "Korea, Rep." == "Korea Rep";
    8. drop the word "the" ("Gambia, The", "The Netherlands", "Congo, Democratic Republic of the");
    9. collapse whitespace and trim.
    """
    text = _repair_mojibake(text)
    text = "".join(ch for ch in text if ch not in _APOSTROPHES)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.casefold().translate(_LETTER_FOLDS)
    out = []
    for ch in text:
        if ch == ".":
            continue
        if ch == "&":
            out.append(" and ")
        elif ch.isalnum() or ch.isspace():
            out.append(ch)
        else:
            out.append(" ")
    return " ".join(word for word in "".join(out).split() if word != "the")


def _text(value: Any) -> str:
    """A cell as stripped NFC text; None and pandas' NaN (a float) become ''."""
    if not isinstance(value, str):
        return ""
    return unicodedata.normalize("NFC", value).strip()


def _as_records(rows: Any) -> list[Mapping[str, Any]]:
    if hasattr(rows, "to_dict"):  # a pandas DataFrame, without importing pandas here
        return list(rows.to_dict("records"))
    return list(rows)


def split_aliases(cell: Any) -> list[str]:
    """The `aliases` cell ("Vietnam|Viet Nam") as a list of stripped NFC names, empty parts dropped."""
    return [part for part in (_text(p) for p in _text(cell).split(ALIAS_SEPARATOR)) if part]


def _similarity(query: str, choice: str, **_: Any) -> float:
    """Similarity 0-100 of two normalized keys, for `suggest`.

    Edit-distance ratio catches typos ("Viet Nma", "Singapor"); the token-sorted ratio catches word
    order ("Korea Republic of"); a partial match (scaled by 0.9) catches a typed prefix or fragment
    ("Singap"), but only when the query has 4+ characters and the known name is the longer one:
    rapidfuzz's WRatio would otherwise rank every name that merely contains a 2-3 letter key
    ("nga", "ao", "y") near the top.
    """
    from rapidfuzz import fuzz

    score = max(fuzz.ratio(query, choice), fuzz.token_sort_ratio(query, choice))
    if len(query) >= 4 and len(choice) > len(query):
        score = max(score, 0.9 * fuzz.partial_ratio(query, choice))
    return score


class CountryResolver:
    """Maps ISO3/ISO2 codes (any case), English and Vietnamese names, official transliterations and
    aliases to ISO3.

    Look-up order in `resolve`: (1) the exact stored spelling of a name, (2) an ISO3/ISO2 code in any
    case, (3) the normalized key. Step 1 lets a name that happens to spell a code keep its meaning
    ("Nga" is Russia in Vietnamese while "NGA"/"nga" is Nigeria's code; "Áo" is Austria while "AO"/"ao"
    is Angola's). Codes and name keys are separate namespaces, so such overlaps are not conflicts; two
    countries sharing one normalized name key are, and raise `country_alias_conflict`.
    """

    def __init__(self, rows: Any, extra_aliases: Mapping[str, Iterable[str]] | None = None) -> None:
        self._codes: dict[str, str] = {}  # "VNM", "VN" -> "VNM"
        self._exact: dict[str, str] = {}  # "Việt Nam" (stored NFC spelling) -> "VNM"
        self._keys: dict[str, str] = {}  # "viet nam" -> "VNM"
        self._shown: dict[str, str] = {}  # "viet nam" -> "Viet Nam" (first spelling seen with that key)
        self._rows: dict[str, dict[str, str]] = {}
        problems: list[Problem] = []
        for number, raw in enumerate(_as_records(rows), start=2):  # row 1 is the CSV header
            iso3 = _text(raw.get("iso3")).upper()
            iso2 = _text(raw.get("iso2")).upper()
            if not _ISO3.fullmatch(iso3):
                problems.append(Problem("country_code_invalid", number, "iso3", _text(raw.get("iso3"))))
                continue
            if iso2 and not _ISO2.fullmatch(iso2):
                problems.append(Problem("country_code_invalid", number, "iso2", _text(raw.get("iso2"))))
                continue
            for code in (iso3, iso2):
                if code and code in self._codes:
                    raise MetricsError(
                        "country_code_conflict", value=code, iso3=iso3, other=self._codes[code]
                    )
            self._codes[iso3] = iso3
            if iso2:
                self._codes[iso2] = iso3
            row = {column: _text(raw.get(column)) for column in COLUMNS}
            row.update(iso3=iso3, iso2=iso2)
            self._rows[iso3] = row
        if problems:
            raise ValidationFailed(problems)
        for iso3, row in self._rows.items():  # after every code is known, so _add can check against them
            for name in (row["name_en"], row["name_vi"], row["name_vi_official"]):
                if name:
                    self._add(iso3, name)
            for alias in split_aliases(row["aliases"]):
                self._add(iso3, alias)
        for iso3, aliases in (extra_aliases or {}).items():
            for alias in [aliases] if isinstance(aliases, str) else aliases:
                self.add_alias(iso3, alias)

    def _add(self, iso3: str, name: str) -> None:
        name = _text(name)
        key = normalize_name(name)
        if not key:
            raise MetricsError("country_alias_empty", iso3=iso3, alias=name)
        other = self._keys.get(key)
        if other is None and name.isupper() and self._codes.get(name, iso3) != iso3:
            other = self._codes[name]  # "USA" as another country's alias would shadow the code
        if other is not None and other != iso3:
            raise MetricsError("country_alias_conflict", alias=name, key=key, iso3=iso3, other=other)
        self._keys[key] = iso3
        self._shown.setdefault(key, name)
        self._exact.setdefault(name, iso3)

    @property
    def codes(self) -> list[str]:
        """Every ISO3 code known, sorted."""
        return sorted(self._rows)

    def row(self, iso3: str) -> dict[str, str]:
        """The reference row of a country (iso3, iso2, name_en, name_vi, name_vi_official, aliases)."""
        try:
            return dict(self._rows[iso3.upper()])
        except KeyError:
            raise NotFound("country_not_found", iso3=iso3) from None

    def add_alias(self, iso3: str, alias: str) -> None:
        """Record an analyst-confirmed alias; raises `country_alias_conflict` if its key names another
        country, and `country_not_found` for an unknown code. Re-adding a known alias is a no-op."""
        code = _text(iso3).upper()
        if code not in self._rows:
            raise NotFound("country_not_found", iso3=iso3)
        self._add(code, alias)

    def resolve(self, text: str | None) -> str | None:
        """ISO3 for a code, name or alias; None when unknown (see `suggest`)."""
        if not isinstance(text, str):
            return None
        stripped = _text(text)
        if not stripped:
            return None
        if stripped in self._exact:
            return self._exact[stripped]
        if _CODE_LIKE.fullmatch(stripped) and stripped.upper() in self._codes:
            return self._codes[stripped.upper()]
        return self._keys.get(normalize_name(stripped))

    def suggest(self, text: str, limit: int = 3, score_cutoff: float = 50.0) -> list[tuple[str, str, float]]:
        """Up to `limit` distinct countries closest to `text`, best first, as
        (iso3, the known name that matched, score 0-100); an exact match scores 100."""
        if limit <= 0 or not isinstance(text, str):
            return []
        found: dict[str, tuple[str, str, float]] = {}
        key = normalize_name(text)
        iso3 = self.resolve(text)
        if iso3 is not None:  # matched by name (show the stored spelling) or by code (show the code)
            shown = self._shown[key] if self._keys.get(key) == iso3 else _text(text).upper()
            found[iso3] = (iso3, shown, 100.0)
        if key:
            from rapidfuzz import process  # suggestions only: a file whose names all match never needs it

            matches = process.extract(
                key, list(self._keys), scorer=_similarity, limit=None, score_cutoff=score_cutoff
            )
            for candidate, score, _ in matches:  # best first; keep each country's best name
                code = self._keys[candidate]
                if code not in found:
                    found[code] = (code, self._shown[candidate], float(score))
        ordered = sorted(found.values(), key=lambda item: (-item[2], item[0]))
        return ordered[:limit]


def load_country_rows(path: str | PathLike[str]) -> list[dict[str, str]]:
    """The rows of data/countries.csv as dicts (UTF-8, BOM tolerated); a missing column fails."""
    with open(path, newline="", encoding="utf-8-sig") as f:
        reader = csv.DictReader(f)
        missing = [column for column in COLUMNS if column not in (reader.fieldnames or [])]
        if missing:
            raise ValidationFailed([Problem("missing_column", row=1, column=column) for column in missing])
        return [{column: row.get(column) or "" for column in COLUMNS} for row in reader]
