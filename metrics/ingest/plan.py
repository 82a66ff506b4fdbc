"""Step 4, plan: per edition of the file, what it is checked against and what would be written.

In: the cursor, the SourceFile (its name and SHA-256), the ImportOptions, the ImportContext and
the Staged rows (their per-edition figures and measure texts). Out: an `EditionsPlan` (read-only):
one EditionPlan per edition (framework, series, scale, the version action: new, replace, restore
or unchanged), the figures each edition is checked against (`EditionCheck`), the rows to create
(frameworks, measures, editions) or widen (a dataset's scale), and the warnings found (a
methodology break, a widened scale). On the cursor it leaves `import_editions` and
`import_allowed_measures`, which metrics.ingest.checks reads.

A new edition of a known index copies the previous edition's scale, framework and series, unless
its measures differ (a methodology break: new framework and series). A new dataset gets its own
framework and the scale given or inferred from its values. The version action of each edition is
metrics.ingest.versions' (the identical file, same SHA-256, index and edition, is recognised).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any

from metrics.errors import Problem
from metrics.ingest.figures import EditionStats
from metrics.ingest.reference import ImportContext
from metrics.ingest.results import EditionPlan, ScaleSource
from metrics.ingest.source import Cursor, ImportOptions, SourceFile
from metrics.ingest.stage import Staged
from metrics.ingest.versions import VersionRow, current_country_count, version_action, versions_by_year


@dataclass(frozen=True)
class EditionCheck:
    """What one edition's rows are checked against (a row of `import_editions`)."""

    edition_year: int
    scale_min: float
    scale_max: float
    check_scale: bool  # values outside the scale are problems (not for a dataset's widened scale)
    check_measures: bool  # measures outside the framework are problems (a fixed framework)
    framework: str
    higher_is_better: bool


@dataclass(frozen=True)
class EditionsPlan:
    editions: tuple[EditionPlan, ...]
    checks: tuple[EditionCheck, ...]
    allowed_measures: frozenset[tuple[int, str]]  # (edition, measure) of the fixed frameworks
    new_frameworks: tuple[dict[str, Any], ...]
    new_measures: tuple[dict[str, Any], ...]
    new_editions: tuple[dict[str, Any], ...]
    updated_editions: tuple[dict[str, Any], ...]
    warnings: tuple[Problem, ...]
    versions: dict[int, tuple[VersionRow, ...]]  # edition -> its versions


@dataclass(frozen=True)
class _Edition:
    """One edition's framework and scale, and what planning it adds."""

    framework: str
    series: str
    scale_min: float
    scale_max: float
    scale_source: ScaleSource
    new_measures: list[str]
    check_scale: bool
    check_measures: bool
    methodology_break: bool = False
    warnings: list[Problem] = field(default_factory=list)
    new_edition: dict[str, Any] | None = None
    updated_edition: dict[str, Any] | None = None


def plan_editions(
    cur: Cursor, source: SourceFile, options: ImportOptions, context: ImportContext, staged: Staged
) -> EditionsPlan:
    """Plan each edition the file holds, then leave the tables the checks read on `cur`."""
    index_id = context.index_id
    by_year = {int(r["edition_year"]): r for r in context.ref.of_index("editions", index_id)}
    versions = versions_by_year(context)
    stats = staged.figures.editions
    inferred = (
        _rounded_out(min(s.value_min for s in stats), max(s.value_max for s in stats))
        if stats
        else (0.0, 1.0)
    )
    text_of = staged.measures.first_text()
    # the last row of each measure id (ordered by framework)
    known = {row["measure_id"]: row for row in context.index_measures}
    plans, checks, allowed, warnings = [], [], [], []
    new_frameworks: dict[str, dict[str, Any]] = {}
    new_measures: dict[tuple[str, str], dict[str, Any]] = {}
    new_editions, updated_editions = [], []
    for s in stats:
        existing, previous = by_year.get(s.year), _previous_edition(by_year, s.year)
        if existing is not None:
            e = _existing_edition(existing, s, context)
        else:
            e = _new_edition(previous, s, options, context, inferred, source.file_name)
        if e.check_measures:
            allowed += [(s.year, m) for m in sorted(context.framework_measures.get(e.framework, set()))]
        if e.new_edition is not None:
            new_editions.append(e.new_edition)
            if e.framework not in context.framework_measures and e.framework not in new_frameworks:
                new_frameworks[e.framework] = _framework_row(index_id, e.framework, source.file_name)
        if e.updated_edition is not None:
            updated_editions.append(e.updated_edition)
        warnings += e.warnings
        dataset = context.created_by_import or context.index_is_new
        for mid in e.new_measures:
            if (e.framework, mid) not in new_measures:
                new_measures[(e.framework, mid)] = _measure_row(
                    index_id, e.framework, mid, text_of.get(mid, mid), known.get(mid), dataset
                )
        checks.append(
            EditionCheck(
                edition_year=s.year,
                scale_min=e.scale_min,
                scale_max=e.scale_max,
                check_scale=e.check_scale,
                check_measures=e.check_measures,
                framework=e.framework,
                higher_is_better=context.higher_is_better,
            )
        )
        plans.append(_edition_plan(s, e, existing, previous, versions, source.sha256))
    _edition_tables(cur, checks, allowed)
    return EditionsPlan(
        editions=tuple(plans),
        checks=tuple(checks),
        allowed_measures=frozenset(allowed),
        new_frameworks=tuple(new_frameworks.values()),
        new_measures=tuple(new_measures.values()),
        new_editions=tuple(new_editions),
        updated_editions=tuple(updated_editions),
        warnings=tuple(warnings),
        versions=versions,
    )


def _edition_plan(
    s: EditionStats,
    e: _Edition,
    existing: dict[str, Any] | None,
    previous: dict[str, Any] | None,
    versions: dict[int, tuple[VersionRow, ...]],
    sha256: str,
) -> EditionPlan:
    versioned = version_action(versions.get(s.year, ()), sha256)
    return EditionPlan(
        edition_year=s.year,
        action=versioned.action,
        edition_is_new=existing is None,
        framework=e.framework,
        series=e.series,
        previous_framework=previous["framework"] if previous else None,
        methodology_break=e.methodology_break,
        scale_min=e.scale_min,
        scale_max=e.scale_max,
        scale_source=e.scale_source,
        previous_edition=int(previous["edition_year"]) if previous else None,
        previous_country_count=current_country_count(versions, previous),
        current_version_id=versioned.current_version_id,
        restore_version_id=versioned.restore_version_id,
        row_count=s.rows,
        country_count=s.countries,
        value_min=s.value_min,
        value_max=s.value_max,
        measures=list(s.measure_ids),
        new_measures=e.new_measures,
    )


def _existing_edition(row: dict[str, Any], s: EditionStats, context: ImportContext) -> _Edition:
    """An edition already in the database: its framework and scale are fixed (a publisher index),
    or grow with the data (a dataset created by an import: new measures, a widened scale)."""
    framework, series = str(row["framework"]), str(row["series"])
    lo, hi = float(row["scale_min"]), float(row["scale_max"])
    if not context.created_by_import:
        return _Edition(framework, series, lo, hi, "edition", [], check_scale=True, check_measures=True)
    new_measures = sorted(set(s.measure_ids) - context.framework_measures.get(framework, set()))
    if not (s.value_min < lo or s.value_max > hi):
        return _Edition(framework, series, lo, hi, "edition", new_measures, False, False)
    lo, hi = _rounded_out(min(lo, s.value_min), max(hi, s.value_max))
    return _Edition(
        framework,
        series,
        lo,
        hi,
        "widened",
        new_measures,
        check_scale=False,
        check_measures=False,
        warnings=[_widened(s, lo, hi)],
        updated_edition={
            "index_id": context.index_id,
            "edition_year": s.year,
            "scale_min": lo,
            "scale_max": hi,
        },
    )


def _new_edition(
    previous: dict[str, Any] | None,
    s: EditionStats,
    options: ImportOptions,
    context: ImportContext,
    inferred: tuple[float, float],
    file_name: str,
) -> _Edition:
    """A new edition: of a new dataset (its own framework, scale inferred or given), or of a known
    index (the previous edition's framework, series and scale, unless its measures differ)."""
    index_id, found, warnings = context.index_id, set(s.measure_ids), []
    methodology_break = False
    lo: float
    hi: float
    source: ScaleSource
    if context.index_is_new or previous is None:
        framework = series = index_id
        aggregation = "none"
        new_measures = sorted(found - context.framework_measures.get(framework, set()))
        (lo, hi), source = (context.scale, "given") if context.scale else (inferred, "inferred")
        check_scale = context.scale is not None
    else:
        framework, series, aggregation = previous["framework"], previous["series"], previous["aggregation"]
        new_measures = sorted(found - context.framework_measures.get(framework, set()))
        if new_measures and not context.created_by_import:
            # Measures the previous framework does not have: a methodology break.
            methodology_break = True
            framework = series = f"{index_id}-{s.year}"
            warnings.append(_methodology_break(s, framework, previous, new_measures))
            new_measures = sorted(found)
        check_scale = True
        if context.scale:
            (lo, hi), source = context.scale, "given"
        else:
            lo, hi, source = float(previous["scale_min"]), float(previous["scale_max"]), "previous_edition"
            if context.created_by_import and (s.value_min < lo or s.value_max > hi):
                lo, hi = _rounded_out(min(lo, s.value_min), max(hi, s.value_max))
                source, check_scale = "widened", False
                warnings.append(_widened(s, lo, hi))
    # Countries ranked: those with a total, else (a dataset of indicators) those with data.
    counted = s.countries_with_total or s.countries
    new_edition = {
        "index_id": index_id,
        "edition_year": s.year,
        "scale_min": float(lo),
        "scale_max": float(hi),
        "framework": framework,
        "series": series,
        "aggregation": aggregation,
        "countries_ranked": int(counted) or None,
        "membership_date": dt.date(s.year, 12, 31),
        "source_file": file_name,
        "source_url": options.source_url or "",
        "notes": "",
    }
    return _Edition(
        framework,
        series,
        float(lo),
        float(hi),
        source,
        new_measures,
        check_scale=check_scale,
        check_measures=False,
        methodology_break=methodology_break,
        warnings=warnings,
        new_edition=new_edition,
    )


def _methodology_break(
    s: EditionStats, framework: str, previous: dict[str, Any], new_measures: list[str]
) -> Problem:
    return Problem(
        "methodology_break",
        params={
            "edition": s.year,
            "framework": framework,
            "previous_framework": previous["framework"],
            "previous_edition": int(previous["edition_year"]),
            "measures": ", ".join(new_measures),
        },
    )


def _widened(s: EditionStats, lo: float, hi: float) -> Problem:
    return Problem(
        "scale_widened",
        params={
            "edition": s.year,
            "min": f"{lo:g}",
            "max": f"{hi:g}",
            "value_min": f"{s.value_min:g}",
            "value_max": f"{s.value_max:g}",
        },
    )


def _previous_edition(by_year: dict[int, dict[str, Any]], year: int) -> dict[str, Any] | None:
    earlier = [y for y in by_year if y < year]
    if earlier:
        return by_year[max(earlier)]
    later = [y for y in by_year if y > year]
    return by_year[min(later)] if later else None


def _framework_row(index_id: str, framework: str, file_name: str) -> dict[str, Any]:
    return {
        "index_id": index_id,
        "framework": framework,
        "description_en": f"Created by the import of {file_name}",
        "description_vi": f"Tạo khi nhập tệp {file_name}",
    }


def _measure_row(
    index_id: str, framework: str, mid: str, text: str, known: dict[str, Any] | None, dataset: bool
) -> dict[str, Any]:
    """A measure row to create: copied from the index's known measure `known` (its last row), or new
    (named after `text`, the measure as written in the file)."""
    if known is not None and not dataset:
        fields = ("level", "parent_id", "name_en", "name_vi")
        return {
            "index_id": index_id,
            "framework": framework,
            "measure_id": mid,
            **{f: known[f] for f in fields},
        }
    level = "total" if mid == "total" else ("indicator" if dataset else _level(mid))
    name = "Total" if mid == "total" and text == mid else text
    return {
        "index_id": index_id,
        "framework": framework,
        "measure_id": mid,
        "level": level,
        "parent_id": "total" if level == "pillar" else "",
        "name_en": name,
        "name_vi": "Tổng điểm" if mid == "total" and text == mid else name,
    }


def _level(measure_id: str) -> str:
    if measure_id == "total":
        return "total"
    if measure_id.startswith("pillar_"):
        return "pillar"
    if measure_id.startswith("dim_"):
        return "dimension"
    return "indicator"


def _rounded_out(lo: float, hi: float) -> tuple[float, float]:
    """A scale around [lo, hi] on round numbers: [0.12, 87.3] -> [0, 90]; [3, 3] -> [2, 4]."""
    span = hi - lo
    if span <= 0:
        step = 10 ** math.floor(math.log10(abs(hi))) if hi else 1.0
        low = math.floor(lo / step) * step - (step if lo % step == 0 else 0)
        high = math.ceil(hi / step) * step + (step if hi % step == 0 else 0)
        return low, high
    step = 10 ** math.floor(math.log10(span))
    low, high = math.floor(lo / step) * step, math.ceil(hi / step) * step
    if lo >= 0 > low:
        low = 0.0
    return float(low), float(high)


def _edition_tables(cur: Cursor, checks: list[EditionCheck], allowed: list[tuple[int, str]]) -> None:
    """`import_editions` and `import_allowed_measures`, one statement each (the columns as lists:
    executemany would run one statement per edition)."""
    cur.execute(
        "CREATE OR REPLACE TEMP TABLE import_editions (edition_year INTEGER, scale_min DOUBLE,"
        " scale_max DOUBLE, check_scale BOOLEAN, check_measures BOOLEAN, framework VARCHAR,"
        " higher_is_better BOOLEAN)"
    )
    if checks:
        cur.execute(
            "INSERT INTO import_editions SELECT unnest(?), unnest(?), unnest(?), unnest(?), unnest(?),"
            " unnest(?), unnest(?)",
            [
                [c.edition_year for c in checks],
                [c.scale_min for c in checks],
                [c.scale_max for c in checks],
                [c.check_scale for c in checks],
                [c.check_measures for c in checks],
                [c.framework for c in checks],
                [c.higher_is_better for c in checks],
            ],
        )
    cur.execute(
        "CREATE OR REPLACE TEMP TABLE import_allowed_measures (edition_year INTEGER, measure_id VARCHAR)"
    )
    if allowed:
        cur.execute(
            "INSERT INTO import_allowed_measures SELECT unnest(?), unnest(?)",
            [[year for year, _ in allowed], [mid for _, mid in allowed]],
        )
