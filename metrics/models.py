"""Pydantic models for the domain's concepts.

They validate what the loader reads from data/ and what an analyst imports, so a bad value is
rejected at the boundary with a message naming the field, not deep inside a computation.
"""

from __future__ import annotations

import datetime as dt
import math
import unicodedata
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from metrics.safe_text import safe_url

ISO3 = Field(pattern=r"^[A-Z]{3}$")
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
    publisher: str = ""
    homepage: str = ""
    licence: str = ""
    higher_is_better: bool = True


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


TargetKind = Literal["rank", "count", "direction"]
Comparator = Literal["<=", ">=", "increase"]


class Target(_Model):
    strategy_id: str = IDENT
    target_id: str = IDENT
    horizon_year: int = Field(ge=2000, le=2100)
    kind: TargetKind
    comparator: Comparator
    target_value: float | None = None
    group_id: str = Field(default="", description="peer group for rank targets; WORLD = all countries")
    yardstick_index: str = ""
    yardstick_measure: str = ""
    unit_en: str = Field(default="", max_length=UNIT_MAX)  # plural ("centres"); Vietnamese has no plural
    unit_en_one: str = Field(default="", max_length=UNIT_MAX)  # singular ("centre"); see progress.count_unit
    unit_vi: str = Field(default="", max_length=UNIT_MAX)
    text_vi: str = Field(min_length=1, max_length=TEXT_MAX)
    text_en: str = Field(min_length=1, max_length=TEXT_MAX)
    source_url: str = Field(default="", max_length=URL_MAX)

    @field_validator("text_vi", "text_en")
    @classmethod
    def _normalise(cls, v: str) -> str:
        return _nfc(v)

    @field_validator("source_url")
    @classmethod
    def _url(cls, v: str) -> str:
        return _http_url(v)

    @model_validator(mode="after")
    def _consistent(self) -> Target:
        # Custom error types (the `type` of a pydantic error) are stable codes the UI translates
        # (error.<type>); the English message stays for the CLI and logs.
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
        return self


class ProgressRecord(_Model):
    target_id: str = IDENT
    recorded_on: dt.date
    value: float = Field(ge=0)
    source_url: str = Field(default="", max_length=URL_MAX)
    note_en: str = Field(default="", max_length=NOTE_MAX)
    note_vi: str = Field(default="", max_length=NOTE_MAX)

    @field_validator("source_url")
    @classmethod
    def _url(cls, v: str) -> str:
        return _http_url(v)


class Strategy(_Model):
    strategy_id: str = IDENT
    country_iso3: str = ISO3
    name_en: str = Field(min_length=1)
    name_vi: str = Field(min_length=1)
    decision: str = ""
    signed_on: dt.date | None = None
    source_url: str = ""
