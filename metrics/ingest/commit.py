"""Step 6, commit: the same analysis again inside the write transaction, then the writes.

In: the Store, the Actor (an analyst at least), the SourceFile and the ImportOptions. Out: an
ImportResult (the versions written), or ValidationFailed with every problem and nothing written.
A restore point is taken first (the import is refused when it cannot be made); the identical file
that is already the current version writes nothing, not even an audit row. The SQL that writes
lives in metrics.store.imports.write_import; this module gives it plain data (`write_payload`).
"""

from __future__ import annotations

import time
from concurrent.futures import Future
from dataclasses import asdict
from typing import Any

from metrics.auth import Actor
from metrics.errors import MetricsError, Problem, StoreError, ValidationFailed
from metrics.ingest import headers as H
from metrics.ingest.analyse import Analysis, analyse
from metrics.ingest.limits import import_limits
from metrics.ingest.results import ImportResult
from metrics.ingest.source import ImportOptions, Progress, SourceFile, no_progress
from metrics.store import imports as store_imports
from metrics.store import restore_points
from metrics.store.connection import Store
from metrics.store.users import authorise


def commit(
    store: Store,
    actor: Actor,
    source: SourceFile,
    options: ImportOptions,
    progress: Progress | None = None,
    *,
    restore_point: Future[restore_points.RestorePoint | None] | None = None,
) -> ImportResult:
    """Check again and write, in one transaction; ValidationFailed (nothing written) on any problem.

    `restore_point`: the restore point being taken already (take_restore_point on another thread,
    started before the file was read); None to take it here."""
    actor = authorise(store, actor, "analyst")
    progress = progress or no_progress
    started = time.perf_counter()
    years = _years(source, options)
    current = _current_sha256(store, options.index_id or "")
    if years and all(current.get(y) == source.sha256 for y in years):
        # The identical file is the current version: recognised, nothing written (not even an audit row).
        with store.reader() as cur:
            plan = analyse(cur, source, options, progress, store).plan
        if plan.problems:
            raise ValidationFailed(plan.problems)
        return ImportResult(status="unchanged", action="none", plan=plan, versions=[])
    action = "replace" if any(y in current for y in years) else "import"
    point = restore_point.result() if restore_point else take_restore_point(store, actor, source.file_name)
    detail: dict[str, Any] = {
        "file_name": source.file_name,
        "sha256": source.sha256,
        "index_id": options.index_id,
        "reader": source.reader,
        "restore_point": point.path if point else None,
    }
    with store.transaction(actor.name, action, detail) as cur:
        analysis = analyse(cur, source, options, progress, store)
        plan = analysis.plan
        if plan.problems:
            raise ValidationFailed(plan.problems)
        progress(0.8, "writing")
        t = time.perf_counter()
        written = store_imports.write_import(cur, write_payload(analysis, source, options), actor)
        detail.update(
            editions=[e.edition_year for e in plan.editions],
            versions=written,
            rows=plan.row_count,
            created_index=plan.index_is_new,
            created_editions=[e.edition_year for e in plan.editions if e.edition_is_new],
            methodology_break=[e.edition_year for e in plan.editions if e.methodology_break],
        )
        plan.timings["write"] = time.perf_counter() - t
        t = time.perf_counter()
    plan.timings["commit"] = time.perf_counter() - t
    progress(1.0, "done")
    return ImportResult(
        status="imported" if written else "unchanged",
        action=action,
        plan=plan,
        versions=written,
        timings={"total": time.perf_counter() - started, **plan.timings},
    )


def _years(source: SourceFile, options: ImportOptions) -> list[int]:
    """The editions the file would write: --edition, else those it names, else its hint."""
    if options.edition_year is not None:
        return [options.edition_year]
    if source.years:
        return source.years
    return [source.edition_hint] if source.edition_hint else []


def _current_sha256(store: Store, index_id: str) -> dict[int, str]:
    """edition -> the SHA-256 of its current version."""
    with store.reader() as cur:
        known = cur.execute(
            "SELECT edition_year, sha256, is_current FROM versions WHERE index_id = ?", [index_id]
        ).fetchall()
    return {year: sha for year, sha, is_current in known if is_current}


def take_restore_point(store: Store, actor: Actor, file_name: str) -> restore_points.RestorePoint | None:
    """The restore point every import is preceded by; the import is refused when it cannot be made."""
    try:
        return restore_points.create(
            store, actor.name, f"import {file_name}", import_limits().restore_points_kept
        )
    except StoreError as exc:
        raise MetricsError("restore_point_failed", reason=exc.params.get("reason", exc.code)) from exc


def problem_dict(problem: Problem) -> dict[str, Any]:
    return asdict(problem)


def write_payload(analysis: Analysis, source: SourceFile, options: ImportOptions) -> dict[str, Any]:
    """Plain data for metrics.store.imports.write_import."""
    context, planned, plan = analysis.context, analysis.planned, analysis.plan
    index_id, row = context.index_id, context.index_row
    return {
        "index_id": index_id,
        "new_index": _index_row(index_id, options) if context.index_is_new else None,
        "unit": options.unit,
        "new_frameworks": list(planned.new_frameworks),
        "new_measures": list(planned.new_measures),
        "new_editions": list(planned.new_editions),
        "updated_editions": list(planned.updated_editions),
        "editions": [
            {
                "edition_year": p.edition_year,
                "action": p.action,
                "restore_version_id": p.restore_version_id,
                "row_count": p.row_count,
                "country_count": p.country_count,
                "edition_is_new": p.edition_is_new,
                "warnings": [
                    problem_dict(w)
                    for w in plan.warnings
                    if w.params.get("edition") in (None, p.edition_year)
                ],
            }
            for p in plan.editions
        ],
        "file_name": source.file_name,
        "sha256": source.sha256,
        "source_url": options.source_url,
        "licence": options.licence or (str(row["licence"]) if row else ""),
        "reader": source.reader,
        "mapping": source.mapping,
        "note": f"{source.reader} import",
        "measure_aliases": [
            {
                "index_id": index_id,
                "header_key": H.normalise_header(label),
                "header": label,
                "measure_id": mid,
            }
            for label, mid in sorted(options.column_map.items())
            if mid and H.normalise_header(label)
        ],
    }


def _index_row(index_id: str, options: ImportOptions) -> dict[str, Any]:
    return {
        "index_id": index_id,
        "name_en": options.name,
        "name_vi": options.name_vi or options.name,
        "short_name": index_id,
        "publisher": options.publisher or "",
        "homepage": options.source_url or "",
        "licence": options.licence or "",
        "higher_is_better": True,
    }
