"""What an import gives back: the preview (ImportPlan, one EditionPlan per edition) and the
outcome of a commit (ImportResult). Plain dataclasses (no validation is needed: the analysis
builds them; metrics.jsonable gives the CLI's --json output): the Import page, the CLI and the
audit record read them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from metrics.errors import Problem
from metrics.store import imports as store_imports

Action = Literal["new", "replace", "restore", "unchanged"]
ScaleSource = Literal["edition", "previous_edition", "given", "inferred", "widened"]
PlanStatus = Literal["ready", "invalid", "unchanged"]


@dataclass(kw_only=True)
class EditionPlan:
    edition_year: int
    action: Action
    edition_is_new: bool
    framework: str
    series: str
    previous_framework: str | None = None
    methodology_break: bool = False
    scale_min: float
    scale_max: float
    scale_source: ScaleSource
    previous_edition: int | None = None
    previous_country_count: int | None = None
    current_version_id: int | None = None
    restore_version_id: int | None = None
    row_count: int
    country_count: int
    value_min: float | None = None
    value_max: float | None = None
    measures: list[str]
    new_measures: list[str] = field(default_factory=list)
    diff: store_imports.Diff | None = None


@dataclass(kw_only=True)
class ImportPlan:
    """The preview: what would be written, what is wrong, what looks suspicious."""

    file_name: str
    sha256: str
    size: int
    reader: str
    mapping: dict[str, Any]
    index_id: str
    index_is_new: bool
    index_name: str
    editions: list[EditionPlan]
    row_count: int
    names_count: int
    countries_matched: int
    names_unmatched: int
    names_by_alias: list[dict[str, str]]
    problems: list[Problem]
    warnings: list[Problem]
    status: PlanStatus
    # Every column (or measure name) with the measure it feeds and how it was matched (chosen,
    # alias, known, synonym, new, ignored); the measures of the index the analyst may pick.
    columns: list[dict[str, str]] = field(default_factory=list)
    measure_choices: list[dict[str, str]] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def can_commit(self) -> bool:
        return self.status == "ready"


@dataclass(kw_only=True)
class ImportResult:
    status: Literal["imported", "unchanged"]
    action: str
    plan: ImportPlan
    versions: list[dict[str, Any]]
    timings: dict[str, float] = field(default_factory=dict)
