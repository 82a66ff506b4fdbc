"""Typed rows of the store's queries, for code that reads fields (the services, the committee, the
reports).

A query's rows arrive as DuckDB's `fetchall` gives them (column names and tuples of plain Python
values: None for NULL, a date for a DATE, a datetime for a TIMESTAMP) and become one of these
dataclasses, so no caller tests `x != x` for NaN or converts a pandas Timestamp. A renamed column
fails here, by name, at the first query (and mypy sees every field). A table a page shows as it is
(st.dataframe, a plotly trace) stays a DataFrame (metrics.store.queries). Pure: no database driver,
and no pandas (a report process never loads it); `from_frame` reads a frame a caller already holds.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import typing
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from metrics.models import EvidenceFit, EvidenceKind, EvidenceLabel, StrategyKind

if TYPE_CHECKING:
    import pandas as pd

R = TypeVar("R")
EvidenceStatus = Literal["active", "withdrawn"]
Convert = Callable[[Any], Any]


@dataclasses.dataclass(frozen=True, slots=True)
class StrategyRecord:
    strategy_id: str
    country_iso3: str
    name_en: str
    name_vi: str
    decision: str
    signed_on: dt.date | None
    source_url: str
    kind: StrategyKind
    superseded_by: str
    superseded_on: dt.date | None


@dataclasses.dataclass(frozen=True, slots=True)
class TargetRecord:
    strategy_id: str
    target_id: str
    horizon_year: int
    kind: str
    comparator: str
    target_value: float | None
    group_id: str
    yardstick_index: str
    yardstick_measure: str
    unit_en: str
    unit_en_one: str
    unit_vi: str
    text_vi: str
    text_en: str
    source_url: str
    target_high: float | None
    base_year: int | None
    indicator_no: str
    appendix_group: str
    lead_agency: str
    coordinating_agencies: str  # agency ids separated by ";"
    yardstick_proxy: bool
    succeeded_by: str


@dataclasses.dataclass(frozen=True, slots=True)
class EvidenceRecord:
    """A row of progress_records: a value or a milestone, active or withdrawn."""

    record_id: int
    target_id: str
    recorded_on: dt.date
    value: float | None
    source_url: str
    note_en: str
    note_vi: str
    created_by: str
    created_at: dt.datetime | None
    kind: EvidenceKind
    unit: str
    fit: EvidenceFit
    label: EvidenceLabel
    status: EvidenceStatus
    replaces: int | None
    withdrawn_by: str
    withdrawn_at: dt.datetime | None
    withdrawn_reason: str


@dataclasses.dataclass(frozen=True, slots=True)
class AgencyRecord:
    agency_id: str
    name_vi: str
    name_en: str


@dataclasses.dataclass(frozen=True, slots=True)
class EditionRecord:
    """An edition with current data, its index's direction and its current version."""

    index_id: str
    edition_year: int
    scale_min: float
    scale_max: float
    framework: str
    series: str
    aggregation: str
    countries_ranked: int | None
    membership_date: dt.date
    source_url: str
    version_id: int
    imported_at: dt.datetime | None
    file_name: str  # the current version's file and its checksum (a report's sources)
    sha256: str
    short_name: str
    short_name_vi: str
    index_name_en: str
    index_name_vi: str
    publisher: str
    higher_is_better: bool
    has_headline: bool
    coverage: str  # the index's: "" for the world, else the one peer group it covers (models.Index)
    unit_en: str  # what a value counts ("articles"); blank: points of a published scale
    unit_vi: str


@dataclasses.dataclass(frozen=True, slots=True)
class MeasureRecord:
    index_id: str
    framework: str
    measure_id: str
    level: str
    parent_id: str
    name_en: str
    name_vi: str


@dataclasses.dataclass(frozen=True, slots=True)
class IndexRecord:
    index_id: str
    name_en: str
    name_vi: str
    short_name: str
    short_name_vi: str  # blank: the short name reads the same in both languages
    publisher: str
    higher_is_better: bool
    coverage: str


@dataclasses.dataclass(frozen=True, slots=True)
class CountryRecord:
    iso3: str
    name_en: str
    name_vi: str


@dataclasses.dataclass(frozen=True, slots=True)
class PeerGroupRecord:
    group_id: str
    name_en: str
    name_vi: str


@dataclasses.dataclass(frozen=True, slots=True)
class MembershipRecord:
    """A country's membership of a peer group, from valid_from to valid_to (None: still a member)."""

    group_id: str
    iso3: str
    valid_from: dt.date
    valid_to: dt.date | None


@dataclasses.dataclass(frozen=True, slots=True)
class ScoreRecord:
    """One country's current score of one measure in one edition."""

    edition_year: int
    iso3: str
    value: float
    published_rank: int | None
    version_id: int


@dataclasses.dataclass(frozen=True, slots=True)
class ObservationRecord:
    """One current measure of one country in one edition, with where it was read from."""

    iso3: str
    measure_id: str
    value: float
    published_rank: int | None
    name_in_source: str
    source_file: str
    version_id: int


def from_rows(cls: type[R], columns: Sequence[str], values: Iterable[Sequence[Any]]) -> list[R]:
    """Rows of a query (its column names, then each row's values in that order) as `cls`, one field
    per column of the same name (other columns ignored); NULL and NaN become None, a timestamp
    becomes the date or datetime the field names."""
    kinds = _kinds(cls)
    missing = [name for name in kinds if name not in columns]
    if missing:
        raise KeyError(f"{cls.__name__}: the query has no column {', '.join(missing)}")
    picks = [(list(columns).index(name), convert) for name, convert in kinds.items()]
    return [cls(*[_value(row[at], convert) for at, convert in picks]) for row in values]


def from_frame(cls: type[R], frame: pd.DataFrame) -> list[R]:
    """A DataFrame's rows as `cls` (a table a caller already holds as a frame), as from_rows reads a
    query's: NaN, NaT and pandas' NA are NULL, numpy's scalars become Python's (the frame's own
    methods do it: this module never imports pandas)."""
    plain = frame.astype(object).where(frame.notna(), None)
    return from_rows(cls, list(frame.columns), plain.itertuples(index=False, name=None))


_KINDS: dict[type, dict[str, Convert]] = {}


def _kinds(cls: type) -> dict[str, Convert]:
    """Each field's conversion of a stored value, by its type (`int | None` converts with int; a
    Literal checks that the stored text is one of its values). Worked out once per class."""
    if cls in _KINDS:
        return _KINDS[cls]
    hints = typing.get_type_hints(cls)
    out = {}
    for f in dataclasses.fields(cls):
        args = [a for a in typing.get_args(hints[f.name]) if a is not type(None)]
        kind = (
            hints[f.name]
            if typing.get_origin(hints[f.name]) is Literal
            else (args[0] if args else hints[f.name])
        )
        out[f.name] = _converter(kind, f"{cls.__name__}.{f.name}")
    _KINDS[cls] = out
    return out


def _converter(kind: Any, where: str) -> Convert:
    if typing.get_origin(kind) is Literal:
        allowed = typing.get_args(kind)

        def literal(value: Any) -> Any:
            if value not in allowed:
                raise ValueError(f"{where}: {value!r} is none of {allowed}")
            return value

        return literal
    if kind is dt.date:
        return lambda v: v.date() if isinstance(v, dt.datetime) else v
    if kind is dt.datetime:
        # a frame's pandas Timestamp (a datetime subclass) -> the datetime itself
        return lambda v: (
            v.to_pydatetime() if type(v) is not dt.datetime and hasattr(v, "to_pydatetime") else v
        )
    return kind  # int, float, str, bool: a frame's numpy scalars become Python's (a row's already are)


def _value(value: Any, convert: Convert) -> Any:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return convert(value)
