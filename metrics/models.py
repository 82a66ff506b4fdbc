"""Pydantic models for the domain's concepts.

They validate what the loader reads from data/ and what an analyst imports, so a bad value is
rejected at the boundary with a message naming the field, not deep inside a computation.
"""

from __future__ import annotations

import datetime as dt
import math
import unicodedata
from typing import Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from metrics.safe_text import safe_url

ISO3 = Field(pattern=r"^[A-Z]{3}$")
WORLD = "WORLD"  # the group id of a world target, and the coverage of an index of every country
IDENT = Field(pattern=r"^[A-Za-z][A-Za-z0-9_]*$", max_length=64)
# Longest texts input accepts (forms and target CSVs); every report renders texts of these lengths.
TEXT_MAX = 1000  # a target's wording (the longest in Decision 127 has about 120 characters)
NOTE_MAX = 1000
UNIT_MAX = 60
URL_MAX = 2000


def _http_url(v: str) -> str:
    """An empty value, or an absolute http(s) address (no javascript:, data: or relative links)."""
    if v and not safe_url(v):
        raise PydanticCustomError("url_not_http", "a source must be an http:// or https:// address")
    return v


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


def _nfc(text: str) -> str:
    # Vietnamese text arrives in NFC and decomposed forms; store one form so equality works.
    return unicodedata.normalize("NFC", text)


class Country(_Model):
    iso3: str = ISO3
    iso2: str = Field(pattern=r"^[A-Z]{2}$")
    name_en: str = Field(min_length=1)
    name_vi: str = Field(min_length=1)
    name_vi_official: str = ""
    aliases: tuple[str, ...] = ()

    @field_validator("name_en", "name_vi", "name_vi_official")
    @classmethod
    def _normalise(cls, v: str) -> str:
        return _nfc(v)


class PeerGroup(_Model):
    group_id: str = IDENT
    name_en: str = Field(min_length=1)
    name_vi: str = Field(min_length=1)


class Membership(_Model):
    group_id: str = IDENT
    iso3: str = ISO3
    valid_from: dt.date
    valid_to: dt.date | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Membership:
        if self.valid_to is not None and self.valid_to < self.valid_from:
            raise ValueError(f"valid_to {self.valid_to} is before valid_from {self.valid_from}")
        return self

    def valid_on(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


class Index(_Model):
    index_id: str = IDENT
    name_en: str = Field(min_length=1)
    name_vi: str = Field(min_length=1)
    short_name: str = Field(min_length=1)
    # The short name in Vietnamese, where the short name is words rather than an acronym ("AI
    # articles" -> "Bài báo AI"); blank: the short name in both languages.
    short_name_vi: str = ""
    publisher: str = ""
    homepage: str = ""
    licence: str = ""
    higher_is_better: bool = True
    # The countries the index covers: the world ("" or WORLD in data/indices.csv), or the one peer
    # group it covers alone (ETO's tracker: the 11 of Southeast Asia). A regional index's ranks are
    # ranks in that region, so it has no world rank, no world percentile and no world target.
    coverage: str = Field(default="", pattern=r"^([A-Za-z][A-Za-z0-9_]*)?$", max_length=64)
    # What one unit of a value is, for an index whose values are counts with no published scale
    # (ETO's tracker: "articles" / "bài báo"): its scores and gaps are shown in that unit, not as
    # points out of the edition's scale (a chart ceiling there). Blank: scored on a published scale.
    unit_en: str = Field(default="", max_length=40)
    unit_vi: str = Field(default="", max_length=40)

    @field_validator("coverage")
    @classmethod
    def _world_is_blank(cls, v: str) -> str:
        return "" if v == WORLD else v

    @property
    def region(self) -> str | None:
        return coverage_region(self.coverage)


def coverage_region(coverage: str | None) -> str | None:
    """The peer group an index's coverage is limited to, or None for a world index (a blank, NULL
    or WORLD coverage: the store of an older database, or an index an analyst imported)."""
    return None if not coverage or coverage == WORLD else coverage


Aggregation = Literal["none", "mean_of_pillars", "published_total"]


class Edition(_Model):
    index_id: str = IDENT
    edition_year: int = Field(ge=1990, le=2100)
    scale_min: float
    scale_max: float
    framework: str = Field(min_length=1)
    series: str = Field(min_length=1, description="editions in one series are comparable over time")
    aggregation: Aggregation = "published_total"
    countries_ranked: int | None = Field(default=None, ge=1)
    membership_date: dt.date
    source_file: str = ""
    source_url: str = ""
    notes: str = ""
    # The notes in Vietnamese for the committee's page; blank for an edition an analyst imported
    # (the page then shows `notes` as written).
    notes_vi: str = ""

    @model_validator(mode="after")
    def _scale(self) -> Edition:
        if not self.scale_min < self.scale_max:
            raise ValueError(f"scale_min {self.scale_min} must be below scale_max {self.scale_max}")
        return self


Level = Literal["total", "pillar", "dimension", "indicator"]


class Measure(_Model):
    index_id: str = IDENT
    framework: str = Field(min_length=1)
    measure_id: str = IDENT
    level: Level
    parent_id: str = ""
    name_en: str = Field(min_length=1)
    name_vi: str = Field(min_length=1)


class Observation(_Model):
    index_id: str = IDENT
    edition_year: int = Field(ge=1990, le=2100)
    iso3: str = ISO3
    measure_id: str = IDENT
    value: float
    published_rank: int | None = Field(default=None, ge=1)
    name_in_source: str = ""
    source_file: str = ""

    @field_validator("value")
    @classmethod
    def _finite(cls, v: float) -> float:
        if not math.isfinite(v):
            raise ValueError("value must be a finite number")
        return v


TargetKind = Literal[
    "rank", "count", "direction", "level", "share", "growth_rate", "growth_base", "multiple_base"
]
# "about" is the decision's "khoảng": met within a tolerance (data/status_rules.toml [quantitative]).
Comparator = Literal["<=", ">=", "increase", "about"]
AppendixGroup = Literal["", "impact", "results", "outputs", "inputs"]
# Kinds judged from value records by metrics.quantitative (observed against required growth).
QUANTITATIVE_KINDS: tuple[str, ...] = ("level", "share", "growth_rate", "growth_base", "multiple_base")
BASE_YEAR_KINDS: tuple[str, ...] = ("growth_base", "multiple_base")
# The column each whole-model rule points at, so a caller can name it to the user.
RULE_FIELDS: dict[str, str] = {
    "url_not_http": "source_url",
    "target_rank_rule": "comparator",
    "target_rank_fields": "group_id",
    "target_count_rule": "comparator",
    "target_direction_rule": "comparator",
    "target_quantitative_rule": "comparator",
    "target_value_required": "target_value",
    "target_range_reversed": "target_high",
    "target_share_bounds": "target_value",
    "target_base_year_required": "base_year",
    "target_base_after_horizon": "base_year",
    "evidence_value_required": "value",
    "evidence_source_required": "source_url",
    "evidence_source_scheme": "source_url",
}


def _blank(v: object) -> object:
    # CSV cells arrive as text: an empty cell of an optional number or date means "not given".
    return None if isinstance(v, str) and not v.strip() else v


def _is_web_url(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme.lower() in ("http", "https") and bool(parts.netloc)


class Target(_Model):
    strategy_id: str = IDENT
    target_id: str = IDENT
    horizon_year: int = Field(ge=2000, le=2100)
    kind: TargetKind
    comparator: Comparator
    target_value: float | None = None
    target_high: float | None = None  # upper end of a range ("10 - 15%"); target_value is the commitment
    base_year: int | None = Field(default=None, ge=1990, le=2100)  # growth_base / multiple_base
    group_id: str = Field(default="", description="peer group for rank targets; WORLD = all countries")
    yardstick_index: str = ""
    yardstick_measure: str = ""
    yardstick_proxy: bool = False  # True where the text names no index: the yardstick is an analyst's choice
    unit_en: str = Field(default="", max_length=UNIT_MAX)  # plural ("centres"); Vietnamese has no plural
    unit_en_one: str = Field(default="", max_length=UNIT_MAX)  # singular ("centre"); see progress.count_unit
    unit_vi: str = Field(default="", max_length=UNIT_MAX)
    text_vi: str = Field(min_length=1, max_length=TEXT_MAX)
    text_en: str = Field(min_length=1, max_length=TEXT_MAX)
    source_url: str = Field(default="", max_length=URL_MAX)
    indicator_no: str = ""  # number in the decision's appendix ("1".."32"; "PL1-5" for NQ57)
    appendix_group: AppendixGroup = ""
    lead_agency: str = ""  # agency_id (data/agencies.csv)
    coordinating_agencies: tuple[str, ...] = ()  # agency_ids; a CSV cell holds them separated by ";"
    succeeded_by: str = ""  # a superseded strategy's target: the successor target_id; "" = none

    @property
    def rank_n(self) -> int:
        """The N of a "top N" rank target (the model requires it of every rank target)."""
        if self.kind != "rank" or self.target_value is None:
            raise ValueError(f"{self.target_id} is not a rank target")
        return int(self.target_value)

    @field_validator("text_vi", "text_en")
    @classmethod
    def _normalise(cls, v: str) -> str:
        return _nfc(v)

    @field_validator("source_url")
    @classmethod
    def _url(cls, v: str) -> str:
        return _http_url(v)

    @field_validator("target_value", "target_high", "base_year", mode="before")
    @classmethod
    def _optional_number(cls, v: object) -> object:
        return _blank(v)

    @field_validator("target_value", "target_high")
    @classmethod
    def _finite(cls, v: float | None) -> float | None:
        if v is not None and not math.isfinite(v):
            raise ValueError("value must be a finite number")
        return v

    @field_validator("yardstick_proxy", mode="before")
    @classmethod
    def _flag(cls, v: object) -> object:
        return False if _blank(v) is None else v

    @field_validator("coordinating_agencies", mode="before")
    @classmethod
    def _agency_list(cls, v: object) -> object:
        if isinstance(v, str):
            return tuple(part.strip() for part in v.split(";") if part.strip())
        return v

    @model_validator(mode="after")
    def _consistent(self) -> Target:
        # Custom error types (the `type` of a pydantic error) are stable codes the UI translates
        # (error.<type>); the English message stays for the CLI and logs. RULE_FIELDS names the
        # column of each.
        if self.kind == "rank":
            if self.comparator != "<=" or self.target_value is None or self.target_value < 1:
                raise PydanticCustomError(
                    "target_rank_rule", "a rank target needs comparator '<=' and a rank of at least 1"
                )
            if not (self.group_id and self.yardstick_index and self.yardstick_measure):
                raise PydanticCustomError(
                    "target_rank_fields",
                    "a rank target needs group_id, yardstick_index and yardstick_measure",
                )
        if self.kind == "count" and (self.comparator != ">=" or self.target_value is None):
            raise PydanticCustomError(
                "target_count_rule", "a count target needs comparator '>=' and a target value"
            )
        if self.kind == "direction" and self.comparator != "increase":
            raise PydanticCustomError(
                "target_direction_rule", "a direction target needs comparator 'increase'"
            )
        if self.kind in QUANTITATIVE_KINDS:
            self._check_quantitative()
        high, low = self.target_high, self.target_value
        if high is not None and low is not None and high < low:
            raise PydanticCustomError(
                "target_range_reversed",
                "the upper end of the range (target_high {high}) is below its lower end (target_value {low})",
                {"high": self.target_high, "low": self.target_value},
            )
        if self.base_year is not None and self.base_year >= self.horizon_year:
            raise PydanticCustomError(
                "target_base_after_horizon",
                "the base year {base_year} must be before the horizon year {horizon_year}",
                {"base_year": self.base_year, "horizon_year": self.horizon_year},
            )
        return self

    def _check_quantitative(self) -> None:
        if self.comparator == "increase":
            # "increase" has no number to reach; such a target is kind direction.
            raise PydanticCustomError(
                "target_quantitative_rule",
                "a level, share or growth target needs the comparator '>=', '<=' or 'about'",
            )
        if self.target_value is None:
            raise PydanticCustomError(
                "target_value_required", "a {kind} target needs a target value", {"kind": self.kind}
            )
        if self.kind == "share":
            for v in (self.target_value, self.target_high):
                if v is not None and not 0 <= v <= 100:
                    raise PydanticCustomError(
                        "target_share_bounds",
                        "a share is a per cent between 0 and 100, not {value}",
                        {"value": v},
                    )
        if self.kind in BASE_YEAR_KINDS and self.base_year is None:
            raise PydanticCustomError(
                "target_base_year_required",
                "a {kind} target is measured against a base year: base_year is required",
                {"kind": self.kind},
            )


EvidenceKind = Literal["value", "milestone"]
EvidenceFit = Literal["direct", "partial", "proxy"]
EvidenceLabel = Literal["V", "P"]


class ProgressRecord(_Model):
    """A piece of evidence for a target: a value (number, unit, date, source) or a dated milestone
    (an event, its source and how well it fits the target). Only values feed a calculation."""

    record_id: int | None = None  # assigned by the store
    target_id: str = IDENT
    kind: EvidenceKind = "value"
    recorded_on: dt.date  # the as-of date of the value, or the date of the event
    value: float | None = Field(default=None, ge=0)  # required for a value; ignored for a milestone
    unit: str = Field(default="", max_length=UNIT_MAX)
    fit: EvidenceFit = "direct"
    label: EvidenceLabel = "V"  # V: read in the source; P: partial or secondary
    source_url: str = Field(
        default="", max_length=URL_MAX
    )  # required (checked below, so the error has the project's code)
    note_en: str = Field(default="", max_length=NOTE_MAX)
    note_vi: str = Field(default="", max_length=NOTE_MAX)

    @field_validator("value", "record_id", mode="before")
    @classmethod
    def _optional(cls, v: object) -> object:
        return _blank(v)

    @field_validator("value")
    @classmethod
    def _finite(cls, v: float | None) -> float | None:
        if v is not None and not math.isfinite(v):
            raise ValueError("value must be a finite number")
        return v

    @field_validator("note_en", "note_vi")
    @classmethod
    def _normalise(cls, v: str) -> str:
        return _nfc(v)

    @model_validator(mode="after")
    def _evidence(self) -> ProgressRecord:
        if self.kind == "value" and self.value is None:
            raise PydanticCustomError("evidence_value_required", "a value record needs a value")
        if not self.source_url:
            raise PydanticCustomError("evidence_source_required", "evidence needs a source (source_url)")
        if not _is_web_url(self.source_url):
            raise PydanticCustomError(
                "evidence_source_scheme",
                "the source must be a web address starting with http:// or https://, not {url}",
                {"url": self.source_url},
            )
        return self


StrategyKind = Literal["decision", "resolution"]


class Strategy(_Model):
    strategy_id: str = IDENT
    country_iso3: str = ISO3
    name_en: str = Field(min_length=1)
    name_vi: str = Field(min_length=1)
    decision: str = ""
    signed_on: dt.date | None = None
    source_url: str = ""
    kind: StrategyKind = "decision"
    superseded_by: str = ""  # strategy_id of the successor; "" = in force
    superseded_on: dt.date | None = None

    @field_validator("signed_on", "superseded_on", mode="before")
    @classmethod
    def _optional_date(cls, v: object) -> object:
        return _blank(v)

    @property
    def in_force(self) -> bool:
        return not self.superseded_by
