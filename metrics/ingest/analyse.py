"""Stage, plan, validate and compare a read file on one cursor: the work preview and commit share.

In: a cursor (a reader's for a preview, the write transaction's for a commit), the SourceFile,
the ImportOptions, a progress callback and the Store (for the cached reference data). Out: an
`Analysis`: the ImportPlan shown to the analyst (editions, problems, warnings, the diff against
each current version) and what the commit step writes from (the context and the EditionsPlan).
Each step is a function of the values the earlier ones returned:

    context  = import_context(cur, store, options)                 # metrics.ingest.reference
    staged   = stage(cur, source, options, context)                # metrics.ingest.stage
    planned  = plan_editions(cur, source, options, context, staged)  # metrics.ingest.plan
    findings = validate(cur, source, options, context, staged, planned)  # metrics.ingest.validate
    editions = compare(cur, planned.editions)                      # the diff per edition
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Sequence
from dataclasses import dataclass

from metrics.errors import Problem
from metrics.ingest import mapping
from metrics.ingest.plan import EditionsPlan, plan_editions
from metrics.ingest.reference import ImportContext, import_context
from metrics.ingest.results import EditionPlan, ImportPlan, PlanStatus
from metrics.ingest.source import Cursor, ImportOptions, Progress, SourceFile
from metrics.ingest.stage import Staged, stage
from metrics.ingest.validate import Findings, validate
from metrics.store import imports as store_imports
from metrics.store.connection import Store


@dataclass(frozen=True)
class Analysis:
    plan: ImportPlan
    context: ImportContext
    planned: EditionsPlan


def analyse(
    cur: Cursor, source: SourceFile, options: ImportOptions, progress: Progress, store: Store | None = None
) -> Analysis:
    """The preview of `source` on `cur`; the relations it stages stay on `cur` for the commit."""
    timings: dict[str, float] = {}
    started = time.perf_counter()
    context = import_context(cur, store, options)
    progress(0.4, "staging")
    staged = stage(cur, source, options, context)
    timings["stage"] = time.perf_counter() - started
    progress(0.5, "validating")
    started = time.perf_counter()
    planned = plan_editions(cur, source, options, context, staged)
    findings = validate(cur, source, options, context, staged, planned)
    timings["validate"] = time.perf_counter() - started
    progress(0.7, "comparing")
    started = time.perf_counter()
    editions = compare(cur, planned.editions)
    timings["compare"] = time.perf_counter() - started
    plan = _import_plan(cur, source, options, context, staged, planned, findings, editions, timings)
    return Analysis(plan=plan, context=context, planned=planned)


def compare(cur: Cursor, editions: Sequence[EditionPlan]) -> list[EditionPlan]:
    """Each edition with what changes against its current version (a FULL OUTER JOIN in SQL)."""
    compared = []
    for p in editions:
        if p.current_version_id is None or p.action == "unchanged":
            compared.append(p)
            continue
        if p.action == "restore" and p.restore_version_id is not None:
            new = ("version", p.restore_version_id)
        else:
            new = ("staged", p.edition_year)
        found = store_imports.diff_relations(cur, ("version", p.current_version_id), new)
        diff = store_imports.Diff(
            old_version_id=p.current_version_id, new_version_id=p.restore_version_id, **found
        )
        compared.append(dataclasses.replace(p, diff=diff))
    return compared


def _status(problems: Sequence[Problem], editions: Sequence[EditionPlan]) -> PlanStatus:
    if problems:
        return "invalid"
    if editions and all(p.action == "unchanged" for p in editions):
        return "unchanged"
    return "ready"


def _import_plan(
    cur: Cursor,
    source: SourceFile,
    options: ImportOptions,
    context: ImportContext,
    staged: Staged,
    planned: EditionsPlan,
    findings: Findings,
    editions: list[EditionPlan],
    timings: dict[str, float],
) -> ImportPlan:
    by_alias = cur.execute(
        """
        SELECT DISTINCT n.country, n.iso3, c.name_en FROM import_names n JOIN countries c USING (iso3)
        WHERE n.country <> c.name_en ORDER BY n.country LIMIT 500
        """
    ).fetchall()
    problems = [*source.problems, *staged.problems, *findings.problems]
    name = options.name if context.index_row is None else str(context.index_row["name_en"])
    return ImportPlan(
        file_name=source.file_name,
        sha256=source.sha256,
        size=source.size,
        reader=source.reader,
        mapping=source.mapping,
        index_id=context.index_id,
        index_is_new=context.index_is_new,
        index_name=name or context.index_id,
        editions=editions,
        row_count=sum(p.row_count for p in editions),
        names_count=len(staged.names),
        countries_matched=len(staged.iso_codes),
        names_unmatched=sum(1 for n in staged.names if n.iso3 is None),
        names_by_alias=[{"name": a, "iso3": b, "name_en": c} for a, b, c in by_alias],
        # Reading order, as the analyst fixes them: whole-file problems first, then by row.
        problems=sorted(problems, key=lambda p: (p.row is not None, p.row or 0)),
        warnings=[*planned.warnings, *findings.warnings],
        status=_status(problems, editions),
        columns=mapping.column_feeds(
            staged.measures.matched_by,
            staged.measures.measure_of,
            source.columns,
            source.measure_columns,
            source.mapping.get("ignored_columns") or [],
        ),
        measure_choices=mapping.measure_choices(context.index_measures),
        timings={**source.timings, **timings},
    )
