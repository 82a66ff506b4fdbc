"""Read and validate the default dataset in data/ (pure: csv + pydantic, no database).

Every row is validated with the models; every problem is collected with its file, row and column,
so a broken data file names all its faults at once instead of failing on the first.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from metrics.errors import Problem, ValidationFailed
from metrics.models import (
    WORLD,
    Country,
    Edition,
    Index,
    Measure,
    Membership,
    Observation,
    PeerGroup,
    ProgressRecord,
    Strategy,
    Target,
)
from metrics.target_rules import Agency, cross_row_problems

DATA_DIR = Path(__file__).resolve().parents[1] / "data"
# valid_from of a member of a geographic group: before any edition of any index.
ALWAYS = dt.date(1900, 1, 1)
M = TypeVar("M", bound=BaseModel)


@dataclass
class Dataset:
    countries: list[Country] = field(default_factory=list)
    groups: list[PeerGroup] = field(default_factory=list)
    group_descriptions: dict[str, tuple[str, str]] = field(default_factory=dict)
    memberships: list[Membership] = field(default_factory=list)
    membership_sources: list[str] = field(default_factory=list)
    indices: list[Index] = field(default_factory=list)
    frameworks: list[dict[str, str]] = field(default_factory=list)
    editions: list[Edition] = field(default_factory=list)
    measures: list[Measure] = field(default_factory=list)
    observations: list[Observation] = field(default_factory=list)
    observations_sha256: str = ""
    strategies: list[Strategy] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    progress: list[ProgressRecord] = field(default_factory=list)
    agencies: list[Agency] = field(default_factory=list)


def read_csv_rows(path: Path) -> list[dict[str, str]]:
    with open(path, newline="", encoding="utf-8-sig") as f:
        return list(csv.DictReader(f))


def _blank_to_none(row: dict[str, str], optional: set[str]) -> dict[str, Any]:
    return {k: (None if k in optional and v == "" else v) for k, v in row.items()}


def parse_rows(
    model: type[M],
    rows: list[dict[str, Any]],
    file_name: str,
    problems: list[Problem],
) -> list[M]:
    """Validate rows with `model`; append one Problem per field error (row 2 = first data row)."""
    parsed: list[M] = []
    for line, row in enumerate(rows, start=2):
        try:
            parsed.append(model.model_validate(row))
        except ValidationError as exc:
            for err in exc.errors():
                column = ".".join(str(p) for p in err["loc"]) or None
                value = row.get(column) if column else None
                problems.append(
                    Problem(
                        code="invalid_value",
                        row=line,
                        column=column,
                        value=None if value is None else str(value),
                        params={"file": file_name, "reason": err["msg"]},
                    )
                )
    return parsed


def _countries(data_dir: Path, problems: list[Problem]) -> list[Country]:
    rows: list[dict[str, Any]] = [
        {**row, "aliases": tuple(a.strip() for a in row.get("aliases", "").split("|") if a.strip())}
        for row in read_csv_rows(data_dir / "countries.csv")
    ]
    return parse_rows(Country, rows, "countries.csv", problems)


def load_dataset(data_dir: Path = DATA_DIR) -> Dataset:
    """Read every file of the default dataset; raise ValidationFailed listing all problems."""
    problems: list[Problem] = []
    ds = Dataset()
    ds.countries = _countries(data_dir, problems)
    group_rows = read_csv_rows(data_dir / "peer_groups.csv")
    ds.group_descriptions = {
        r["group_id"]: (r.pop("description_en"), r.pop("description_vi")) for r in group_rows
    }
    ds.groups = parse_rows(PeerGroup, group_rows, "peer_groups.csv", problems)
    member_rows = read_csv_rows(data_dir / "peer_group_members.csv")
    ds.membership_sources = [r.pop("source") for r in member_rows]
    for r in member_rows:
        # A geographic group (Southeast Asia) has no membership dates: a blank valid_from = always.
        r["valid_from"] = r["valid_from"] or ALWAYS.isoformat()
    ds.memberships = parse_rows(
        Membership, [_blank_to_none(r, {"valid_to"}) for r in member_rows], "peer_group_members.csv", problems
    )
    ds.indices = parse_rows(Index, read_csv_rows(data_dir / "indices.csv"), "indices.csv", problems)
    ds.frameworks = read_csv_rows(data_dir / "frameworks.csv")
    ds.editions = parse_rows(
        Edition,
        [_blank_to_none(r, {"countries_ranked"}) for r in read_csv_rows(data_dir / "editions.csv")],
        "editions.csv",
        problems,
    )
    ds.measures = parse_rows(Measure, read_csv_rows(data_dir / "measures.csv"), "measures.csv", problems)
    obs_path = data_dir / "observations.csv"
    ds.observations_sha256 = hashlib.sha256(obs_path.read_bytes()).hexdigest()
    ds.observations = parse_rows(
        Observation,
        [_blank_to_none(r, {"published_rank"}) for r in read_csv_rows(obs_path)],
        "observations.csv",
        problems,
    )
    ds.strategies = parse_rows(
        Strategy,
        [
            _blank_to_none(r, {"signed_on", "superseded_on"})
            for r in read_csv_rows(data_dir / "strategies.csv")
        ],
        "strategies.csv",
        problems,
    )
    ds.agencies = parse_rows(Agency, read_csv_rows(data_dir / "agencies.csv"), "agencies.csv", problems)
    ds.targets = parse_rows(
        Target,
        [_target_row(r) for r in read_csv_rows(data_dir / "targets.csv")],
        "targets.csv",
        problems,
    )
    ds.progress = parse_rows(
        ProgressRecord,
        [_blank_to_none(r, {"value"}) for r in read_csv_rows(data_dir / "progress_records.csv")],
        "progress_records.csv",
        problems,
    )
    problems.extend(check_references(ds))
    if problems:
        raise ValidationFailed(problems)
    return ds


def _target_row(row: dict[str, str]) -> dict[str, Any]:
    out = _blank_to_none(row, {"target_value", "target_high", "base_year"})
    if "coordinating_agencies" in out:
        out["coordinating_agencies"] = tuple(
            a.strip() for a in (out["coordinating_agencies"] or "").split(";") if a.strip()
        )
    return out


def check_references(ds: Dataset) -> list[Problem]:
    """Cross-file checks: every code used is defined, so no observation is orphaned."""
    problems: list[Problem] = []
    countries = {c.iso3 for c in ds.countries}
    editions = {(e.index_id, e.edition_year): e for e in ds.editions}
    measures = {(m.index_id, m.framework, m.measure_id) for m in ds.measures}
    first_line: dict[tuple[str, int, str, str], int] = {}
    # The store keeps an edition's source file on its version: one file per edition.
    source_of: dict[tuple[str, int], str] = {}
    for line, o in enumerate(ds.observations, start=2):
        source = source_of.setdefault((o.index_id, o.edition_year), o.source_file)
        if o.source_file != source:
            problem = _ref("observations.csv", line, "source_file", o.source_file, "source_file_varies")
            problems.append(Problem(**{**problem.__dict__, "params": {**problem.params, "first": source}}))
        key = (o.index_id, o.edition_year, o.iso3, o.measure_id)
        if key in first_line:  # the table has no primary key: uniqueness is checked here and by the import
            problem = _ref("observations.csv", line, "measure_id", o.measure_id, "duplicate_row")
            problems.append(
                Problem(**{**problem.__dict__, "params": {**problem.params, "first_row": first_line[key]}})
            )
        first_line.setdefault(key, line)
        edition = editions.get((o.index_id, o.edition_year))
        if o.iso3 not in countries:
            problems.append(_ref("observations.csv", line, "iso3", o.iso3, "unknown_country"))
        if edition is None:
            problems.append(
                _ref("observations.csv", line, "edition_year", str(o.edition_year), "unknown_edition")
            )
        elif (o.index_id, edition.framework, o.measure_id) not in measures:
            problems.append(_ref("observations.csv", line, "measure_id", o.measure_id, "unknown_measure"))
        elif not edition.scale_min <= o.value <= edition.scale_max:
            problems.append(_ref("observations.csv", line, "value", str(o.value), "value_outside_scale"))
    groups = {g.group_id for g in ds.groups} | {WORLD}
    for line, i in enumerate(ds.indices, start=2):
        if i.region is not None and i.region not in groups:
            problems.append(_ref("indices.csv", line, "coverage", i.coverage, "unknown_group"))
    for line, t in enumerate(ds.targets, start=2):
        if t.group_id and t.group_id not in groups:
            problems.append(_ref("targets.csv", line, "group_id", t.group_id, "unknown_group"))
    problems.extend(_world_targets_on_regional_indices(ds))
    signed = {s.strategy_id: s.signed_on for s in ds.strategies}
    for p in cross_row_problems(enumerate(ds.targets, start=2), signed, (a.agency_id for a in ds.agencies)):
        problems.append(Problem(**{**p.__dict__, "params": {**p.params, "file": "targets.csv"}}))
    targets = {t.target_id for t in ds.targets}
    for line, t in enumerate(ds.targets, start=2):
        if t.succeeded_by and t.succeeded_by not in targets:
            problems.append(_ref("targets.csv", line, "succeeded_by", t.succeeded_by, "unknown_target"))
    for line, r in enumerate(ds.progress, start=2):
        if r.target_id not in targets:
            problems.append(_ref("progress_records.csv", line, "target_id", r.target_id, "unknown_target"))
    for line, m in enumerate(ds.memberships, start=2):
        if m.iso3 not in countries:
            problems.append(_ref("peer_group_members.csv", line, "iso3", m.iso3, "unknown_country"))
    return problems


def _world_targets_on_regional_indices(ds: Dataset) -> list[Problem]:
    """A world target judged by an index of one region alone: its field is that region, so the
    rank it would report as a world rank is a regional one (ETO's tracker covers Southeast Asia)."""
    regions = {i.index_id: i.region for i in ds.indices if i.region is not None}
    return [
        Problem(
            code="world_target_regional_index",
            row=line,
            column="group_id",
            value=t.group_id,
            params={
                "file": "targets.csv",
                "index_id": t.yardstick_index,
                "region": regions[t.yardstick_index],
            },
        )
        for line, t in enumerate(ds.targets, start=2)
        if t.group_id == WORLD and t.yardstick_index in regions
    ]


def _ref(file_name: str, line: int, column: str, value: str, code: str) -> Problem:
    return Problem(code=code, row=line, column=column, value=value, params={"file": file_name})
